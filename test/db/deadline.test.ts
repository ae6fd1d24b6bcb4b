/**
 * Statement timeouts on PostgreSQL (`src/db/deadline.ts`): a statement or a transaction that gets
 * no answer in time fails as "database unavailable", and a transaction given up while it waited
 * for a connection never runs later. Postgres only: PGlite runs in-process, with no pool or link
 * to wait on.
 */
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, test } from 'vitest'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { DatabaseTimeoutError, isTransientDbError } from '../../src/lib/transient.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'

let database: TestDatabase | undefined
let handle: DbHandle | undefined

afterEach(async () => {
  await handle?.close()
  handle = undefined
  await database?.drop()
  database = undefined
})

async function open(statementTimeoutMs: number) {
  database = await createTestDbUrl()
  handle = await createDb({
    databaseUrl: database.url,
    migrate: false,
    poolMax: 1,
    statementTimeoutMs,
  })
  if (handle.kind !== 'postgres') throw new Error('expected Postgres')
  return handle
}

// Postgres only: PGlite runs in-process, with no pool to wait for and no link that can stall.
describe.skipIf(!hasPostgres)('statement timeouts on PostgreSQL', () => {
  test('a statement past the timeout fails as "database unavailable"', async () => {
    const db = await open(300)
    const error = await db.db.execute(sql`select pg_sleep(2)`).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(isTransientDbError(error)).toBe(true)
    // The connection serves the next statement.
    await expect(db.db.execute(sql`select 1`)).resolves.toBeDefined()
  })

  test('a transaction that waits too long for a connection fails, and never runs later', async () => {
    const db = await open(300)
    if (db.kind !== 'postgres') return
    const reserved = await db.sql.reserve()
    let ran = false
    const outcome = db.db
      .transaction(async (tx) => {
        ran = true
        await tx.execute(sql`select 1`)
      })
      .then(
        () => undefined,
        (e: unknown) => e
      )
    expect(await outcome).toBeInstanceOf(DatabaseTimeoutError)
    reserved.release()
    // Queued behind the given-up transaction: once this answers, that one had its turn.
    await db.db.execute(sql`select 1`)
    expect(ran).toBe(false)
  })
})
