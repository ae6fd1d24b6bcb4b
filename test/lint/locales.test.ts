/**
 * The texts in `locales/id` are JSON, where a key written twice in one object silently keeps only
 * the second: every object's keys must be unique.
 */
import { readFile, readdir } from 'node:fs/promises'
import { expect, test } from 'vitest'

const DIR = new URL('../../locales/id/', import.meta.url)

/** The dotted paths of keys written more than once in the same object. */
function duplicateKeys(json: string): string[] {
  const duplicates: string[] = []
  // One frame per open object or array: its path, and for an object the keys seen so far.
  const stack: { path: string; keys?: Set<string>; key?: string }[] = []
  let expectKey = false
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]
    if (ch === '"') {
      let end = i + 1
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1
      const frame = stack.at(-1)
      if (expectKey && frame?.keys) {
        const key = JSON.parse(json.slice(i, end + 1)) as string
        if (frame.keys.has(key)) duplicates.push(`${frame.path}${key}`)
        frame.keys.add(key)
        frame.key = key
        expectKey = false
      }
      i = end
    } else if (ch === '{' || ch === '[') {
      const parent = stack.at(-1)
      const path = parent ? `${parent.path}${parent.keys ? `${parent.key}.` : ''}` : ''
      stack.push(ch === '{' ? { path, keys: new Set() } : { path })
      expectKey = ch === '{'
    } else if (ch === '}' || ch === ']') {
      stack.pop()
    } else if (ch === ',') {
      expectKey = !!stack.at(-1)?.keys
    }
  }
  return duplicates
}

test('the duplicate finder finds a key written twice, nested too', () => {
  expect(
    duplicateKeys('{"a": {"b": 1, "c": "\\"b\\"", "b": 2}, "d": [{"e": 1}, {"e": 2}]}')
  ).toEqual(['a.b'])
})

test('no locale file writes a key twice in one object', async () => {
  const files = (await readdir(DIR)).filter((name) => name.endsWith('.json'))
  expect(files.length).toBeGreaterThan(5)
  for (const file of files) {
    const json = await readFile(new URL(file, DIR), 'utf8')
    expect({ file, duplicates: duplicateKeys(json) }).toEqual({ file, duplicates: [] })
  }
})
