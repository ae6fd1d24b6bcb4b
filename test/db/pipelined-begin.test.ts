/**
 * Transactions on PostgreSQL begin without a round trip of their own (`src/db/pipelined-begin.ts`):
 * BEGIN leaves in the same write as the first statement, and the transaction keeps postgres.js's
 * meaning: committed when its work resolves, rolled back when it throws or when one of its
 * statements failed (even one whose error the work caught), savepoints nested. Postgres only:
 * PGlite runs in-process, with no connection to wait on.
 */
import { Socket } from 'node:net'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { rowsOf } from '../../src/db/raw.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'

let database: TestDatabase | undefined
let handle: DbHandle | undefined

afterEach(async () => {
  vi.restoreAllMocks()
  await handle?.close()
  handle = undefined
  await database?.drop()
  database = undefined
})

async function open() {
  database = await createTestDbUrl()
  handle = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
  await handle.db.execute(sql`create table notes (id int primary key, body text not null)`)
  return handle.db
}

const notes = async () =>
  rowsOf<{ id: number }>(await handle!.db.execute(sql`select id from notes order by id`)).map(
    (row) => row.id
  )

/** The Postgres error code a piece of work failed with (drizzle wraps its statements' errors). */
const errorCodeOf = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: { code?: string; cause?: { code?: string } }) => error.code ?? error.cause?.code
  )

// Postgres only: PGlite has no connection, so there is no round trip to save.
describe.skipIf(!hasPostgres)('transactions that begin with their first statement', () => {
  test('its statements run in one transaction, committed when the work resolves', async () => {
    const db = await open()
    const ids = await db.transaction(async (tx) => {
      await tx.execute(sql`insert into notes values (1, 'satu')`)
      const first = rowsOf<{ id: string }>(await tx.execute(sql`select txid_current() as id`))
      await tx.execute(sql`insert into notes values (2, 'dua')`)
      const second = rowsOf<{ id: string }>(await tx.execute(sql`select txid_current() as id`))
      return [first[0]!.id, second[0]!.id]
    })
    expect(ids[0]).toBe(ids[1])
    expect(await notes()).toEqual([1, 2])
  })

  test('BEGIN goes out in the same write as the first statement', async () => {
    const db = await open()
    let id = 0
    const transaction = () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select count(*) from notes`)
        await tx.execute(sql`insert into notes values (${++id}, 'x')`)
      })
    await transaction() // the statements are prepared on the connection once
    const write = vi.spyOn(Socket.prototype, 'write')
    await transaction()
    // BEGIN with the select, the insert, COMMIT: three waits for the server, not four.
    expect(write).toHaveBeenCalledTimes(3)
  })

  test('a failing piece of work rolls back everything it wrote', async () => {
    const db = await open()
    const outcome = db.transaction(async (tx) => {
      await tx.execute(sql`insert into notes values (1, 'satu')`)
      throw new Error('berhenti')
    })
    await expect(outcome).rejects.toThrow('berhenti')
    expect(await notes()).toEqual([])
    // The connection went back to the pool outside any transaction.
    await db.transaction(async (tx) => tx.execute(sql`insert into notes values (3, 'tiga')`))
    expect(await notes()).toEqual([3])
  })

  test('a statement that failed fails the transaction, even when the work caught its error', async () => {
    const db = await open()
    const code = await errorCodeOf(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into notes values (1, 'satu')`)
        await tx.execute(sql`insert into notes values (1, 'lagi')`).catch(() => undefined)
      })
    )
    expect(code).toBe('23505')
    expect(await notes()).toEqual([])
  })

  test('a savepoint that fails is undone alone; the transaction goes on and commits', async () => {
    const db = await open()
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into notes values (1, 'satu')`)
      const code = await errorCodeOf(
        tx.transaction(async (savepoint) => {
          await savepoint.execute(sql`insert into notes values (2, 'dua')`)
          await savepoint.execute(sql`insert into notes values (1, 'lagi')`)
        })
      )
      expect(code).toBe('23505')
      await tx.transaction(async (savepoint) => {
        await savepoint.execute(sql`insert into notes values (4, 'empat')`)
      })
    })
    expect(await notes()).toEqual([1, 4])
  })
})
