import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { DbHandle } from '../../src/db/client.js'
import { InvalidNotificationError, notifyChannel } from '../../src/db/notify.js'
import { createTestDb, createTestDbUrl, hasPostgres } from '../harness/db.js'
import type { TestDatabase } from '../harness/db.js'

const opened: DbHandle[] = []
const databases: TestDatabase[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()))
  await Promise.all(databases.splice(0).map((database) => database.drop()))
})

async function open(promise: Promise<DbHandle>): Promise<DbHandle> {
  const handle = await promise
  opened.push(handle)
  return handle
}

/** Lets in-flight notifications arrive, to show that one did not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

/** Round trip, transaction semantics and unlisten, given a listening and a notifying handle. */
async function expectRoundTrip(listener: DbHandle, sender: DbHandle): Promise<void> {
  const got: string[] = []
  const unlisten = await listener.listen('kaderbot_test_wake', (payload) => got.push(payload))

  await sender.notify('kaderbot_test_wake', 'telegram')
  await vi.waitFor(() => expect(got).toEqual(['telegram']))

  // Inside a transaction the notification is delivered at commit, never before.
  await sender.db.transaction(async (tx) => {
    await notifyChannel(tx, 'kaderbot_test_wake', 'in-tx')
    await settle()
    expect(got).toEqual(['telegram'])
  })
  await vi.waitFor(() => expect(got).toEqual(['telegram', 'in-tx']))

  // A rolled-back transaction notifies nobody.
  await sender.db
    .transaction(async (tx) => {
      await notifyChannel(tx, 'kaderbot_test_wake', 'rolled-back')
      tx.rollback()
    })
    .catch(() => {})
  await unlisten()
  await sender.notify('kaderbot_test_wake', 'after-unlisten')
  await settle()
  expect(got).toEqual(['telegram', 'in-tx'])
}

describe('LISTEN/NOTIFY on PGlite', () => {
  it('round-trips within the one embedded session, at commit, until unlisten', async () => {
    const handle = await open(createDb({ memory: true, migrate: false }))
    await expectRoundTrip(handle, handle)
  })

  it('delivers to every listener of a channel and none of another channel', async () => {
    const handle = await open(createDb({ memory: true, migrate: false }))
    const a: string[] = []
    const b: string[] = []
    const other: string[] = []
    await handle.listen('kaderbot_fanout', (payload) => a.push(payload))
    await handle.listen('kaderbot_fanout', (payload) => b.push(payload))
    await handle.listen('kaderbot_other', (payload) => other.push(payload))
    await handle.notify('kaderbot_fanout', 'x')
    await vi.waitFor(() => expect([a, b]).toEqual([['x'], ['x']]))
    await settle()
    expect(other).toEqual([])
  })
})

describe('LISTEN/NOTIFY on the suite database', () => {
  it('round-trips on the same handle', async () => {
    const handle = await open(createTestDb())
    await expectRoundTrip(handle, handle)
  })

  it('rejects channel names that the drivers would spell differently, and oversized payloads', async () => {
    const handle = await open(createTestDb())
    await expect(handle.listen('Wake-Up', () => {})).rejects.toBeInstanceOf(
      InvalidNotificationError
    )
    await expect(handle.notify('wake up', 'x')).rejects.toBeInstanceOf(InvalidNotificationError)
    await expect(handle.notify('wake', 'x'.repeat(8000))).rejects.toMatchObject({
      code: 'INVALID_NOTIFICATION',
    })
  })

  it('keeps delivering after a listener throws', async () => {
    const handle = await open(createTestDb())
    const got: string[] = []
    await handle.listen('kaderbot_throwing', () => {
      throw new Error('listener bug')
    })
    await handle.listen('kaderbot_throwing', (payload) => got.push(payload))
    await handle.notify('kaderbot_throwing', 'one')
    await handle.notify('kaderbot_throwing', 'two')
    await vi.waitFor(() => expect(got).toEqual(['one', 'two']))
    await handle.db.execute(sql`select 1`) // the connection still works
  })
})

// Needs a real server: the point is a notification crossing from one connection pool (replica) to another.
describe.runIf(hasPostgres)('LISTEN/NOTIFY across two PostgreSQL handles', () => {
  it('delivers a NOTIFY from one handle to a listener on another, at commit, until unlisten', async () => {
    const database = await createTestDbUrl()
    databases.push(database)
    const listener = await open(createDb({ databaseUrl: database.url, migrate: false }))
    const sender = await open(createDb({ databaseUrl: database.url, migrate: false }))
    await expectRoundTrip(listener, sender)
  })
})
