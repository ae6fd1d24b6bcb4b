/**
 * On PostgreSQL every statement with parameters runs as a named prepared statement (parsed once
 * per connection, planned for each run's values), in and outside transactions.
 */
import { eq, sql } from 'drizzle-orm'
import { afterEach, describe, expect, test } from 'vitest'
import { type PostgresDbHandle, createDb } from '../../src/db/client.js'
import { rowsOf } from '../../src/db/raw.js'
import { regions } from '../../src/db/schema/index.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'

describe.runIf(hasPostgres)('prepared statements on PostgreSQL', () => {
  let database: TestDatabase | undefined
  let handle: PostgresDbHandle | undefined
  afterEach(async () => {
    await handle?.close()
    await database?.drop()
  })

  const preparedTexts = async (db: PostgresDbHandle['db']) =>
    rowsOf<{ statement: string }>(
      await db.execute(sql`select statement from pg_prepared_statements`)
    ).map((row) => row.statement)

  test('a query runs prepared, alone and inside a transaction, with the same result', async () => {
    database = await createTestDbUrl()
    handle = (await createDb({ databaseUrl: database.url, poolMax: 1 })) as PostgresDbHandle
    const db = handle.db
    const lookup = (code: string) =>
      db.select({ name: regions.name }).from(regions).where(eq(regions.code, code))
    expect(await lookup('nope')).toEqual([])
    expect((await preparedTexts(db)).some((text) => text.includes('from "regions"'))).toBe(true)

    // Each run is planned for its own values, never a generic plan.
    const [mode] = rowsOf<{ plan_cache_mode: string }>(await db.execute(sql`show plan_cache_mode`))
    expect(mode?.plan_cache_mode).toBe('force_custom_plan')

    await db.transaction(async (tx) => {
      await tx
        .select({ code: regions.code })
        .from(regions)
        .where(eq(regions.level, 'desa'))
        .limit(1)
      const texts = await preparedTexts(tx)
      expect(texts.some((text) => text.includes('"level" = $1'))).toBe(true)
    })
  })
})
