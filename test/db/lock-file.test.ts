import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { DbHandle } from '../../src/db/client.js'
import { acquireLockFile, DataDirLockedError } from '../../src/db/lock-file.js'
import type { LockFile } from '../../src/db/lock-file.js'
import { rowsOf } from '../../src/db/raw.js'
import { exited, fixturePath, startTs } from './fixtures/child.js'

let dir: string
const held: LockFile[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaderbot-lock-'))
})

afterEach(() => {
  for (const lock of held.splice(0)) lock.release()
  rmSync(dir, { recursive: true, force: true })
})

function acquire(path: string, options?: Parameters<typeof acquireLockFile>[1]): LockFile {
  const lock = acquireLockFile(path, options)
  held.push(lock)
  return lock
}

/** The PID of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await exited(child)
  if (child.pid === undefined) throw new Error('no pid')
  return child.pid
}

function lockJson(pid: number, host = hostname()): string {
  return JSON.stringify({ pid, hostname: host, token: 'old', createdAt: '2020-01-01T00:00:00Z' })
}

describe('acquireLockFile', () => {
  it('refuses a second holder while the first holds it, and allows it after release', () => {
    const path = join(dir, 'pglite.lock')
    const first = acquire(path)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid })

    let refused: unknown
    try {
      acquire(path)
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(DataDirLockedError)
    expect(refused).toMatchObject({
      code: 'DATA_DIR_LOCKED',
      lockPath: path,
      holderPid: process.pid,
    })
    expect((refused as Error).message).toContain(path)

    first.release()
    expect(existsSync(path)).toBe(false)
    const second = acquire(path)
    expect(second.token).not.toBe(first.token)
    first.release() // a late second release of an old lock must not remove the new holder's file
    expect(existsSync(path)).toBe(true)
  })

  it('takes over a lock whose process is dead, and says so', async () => {
    const path = join(dir, 'pglite.lock')
    const pid = await deadPid()
    writeFileSync(path, lockJson(pid))
    const warn = vi.fn()

    const lock = acquire(path, { logger: { warn } })

    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      pid: process.pid,
      token: lock.token,
    })
    expect(warn).toHaveBeenCalledWith({ lockPath: path, stalePid: pid }, expect.any(String))
  })

  it('refuses a lock held by another host, whose PID it cannot check', () => {
    const path = join(dir, 'pglite.lock')
    writeFileSync(path, lockJson(1, 'some-other-host'))
    expect(() => acquire(path)).toThrow(/some-other-host/)
  })

  it('treats an unreadable lock file as being written when fresh and as stale when old', () => {
    const path = join(dir, 'pglite.lock')
    writeFileSync(path, '')
    expect(() => acquire(path)).toThrow(DataDirLockedError)

    const anHourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(path, anHourAgo, anHourAgo)
    expect(acquire(path).path).toBe(path)
  })

  it('refuses while another process holds it and takes it over once that process is killed', async () => {
    const path = join(dir, 'pglite.lock')
    const { child, stdout } = await startTs(fixturePath('hold-lock.ts'), [path, 'hold'], 'locked')
    const holderPid = Number(/locked (\d+)/.exec(stdout)?.[1]) // tsx runs the script in a child
    try {
      expect(() => acquire(path)).toThrow(
        expect.objectContaining({ code: 'DATA_DIR_LOCKED', holderPid })
      )
    } finally {
      process.kill(holderPid, 'SIGKILL')
      await exited(child)
    }
    expect(existsSync(path)).toBe(true) // SIGKILL leaves the file behind
    expect(acquire(path).path).toBe(path)
  })

  it('is released when the holding process exits normally', async () => {
    const path = join(dir, 'pglite.lock')
    const { child } = await startTs(fixturePath('hold-lock.ts'), [path, 'exit'], 'locked')
    await exited(child)
    expect(existsSync(path)).toBe(false)
  })
})

describe('createDb on a PGlite data directory', () => {
  it('refuses a second opener of the same dataDir until the first closes, and keeps the data', async () => {
    const first = await createDb({ dataDir: dir })
    let second: DbHandle | undefined
    try {
      expect(existsSync(join(dir, 'pglite.lock'))).toBe(true)
      await expect(createDb({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError)
      await first.db.execute(sql`update regions set name = name`) // the table exists
      await first.db.execute(sql`insert into regions (code, level, name) values ('x', 'desa', 'X')`)
    } finally {
      await first.close()
    }
    expect(existsSync(join(dir, 'pglite.lock'))).toBe(false)

    try {
      second = await createDb({ dataDir: dir })
      expect(second.migration?.applied).toBe(0)
      const rows = rowsOf<{ name: string }>(
        await second.db.execute(sql`select name from regions where code = 'x'`)
      )
      expect(rows).toEqual([{ name: 'X' }])
    } finally {
      await second?.close()
    }
  })
})
