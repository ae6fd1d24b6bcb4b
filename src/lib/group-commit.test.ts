import { describe, expect, test } from 'vitest'
import { groupCommit } from './group-commit.js'

/** A write that records its batches and answers when `release` is called. */
function gatedWrite() {
  const batches: number[][] = []
  const gates: (() => void)[] = []
  const write = async (items: number[]) => {
    batches.push(items)
    await new Promise<void>((resolve) => gates.push(resolve))
    return items.map((item) => item * 10)
  }
  const release = async () => {
    gates.shift()?.()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { batches, write, release }
}

describe('groupCommit', () => {
  test('writes the first item at once and the ones that came meanwhile together', async () => {
    const { batches, write, release } = gatedWrite()
    const submit = groupCommit(write)
    const first = submit(1)
    const rest = [submit(2), submit(3), submit(4)]
    expect(batches).toEqual([[1]])
    await release()
    expect(await first).toBe(10)
    expect(batches).toEqual([[1], [2, 3, 4]])
    await release()
    expect(await Promise.all(rest)).toEqual([20, 30, 40])
    await submit.idle()
  })

  test('splits a long queue into batches of maxBatch', async () => {
    const { batches, write, release } = gatedWrite()
    const submit = groupCommit(write, { maxBatch: 2 })
    const all = [1, 2, 3, 4, 5].map((item) => submit(item))
    for (let i = 0; i < 3; i++) await release()
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50])
    expect(batches).toEqual([[1], [2, 3], [4, 5]])
  })

  test('a failed write fails its own callers only; the next batch still goes', async () => {
    let calls = 0
    const submit = groupCommit(async (items: string[]) => {
      calls++
      if (calls === 1) throw new Error('connection lost')
      return items.map((item) => item.toUpperCase())
    })
    const failed = submit('a')
    const later = submit('b')
    await expect(failed).rejects.toThrow('connection lost')
    expect(await later).toBe('B')
    expect(await submit('c')).toBe('C')
  })

  test('a write that answers the wrong number of results fails its callers', async () => {
    const submit = groupCommit(async () => [] as number[])
    await expect(submit(1)).rejects.toThrow('0 results for 1 items')
  })
})
