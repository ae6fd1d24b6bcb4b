/**
 * The reuse of PGlite test databases (`pglite-pool.ts`): a database a test has closed comes back
 * as the dump left it (rows, sequences, session settings), or is closed and replaced when a reset
 * cannot put it back (a changed schema or seeded rows, a listener); a closed handle stays closed.
 * It runs on the run's migrated, seeded dump, on both passes, as the pool is PGlite's alone.
 */
import { afterAll, describe, expect, test } from 'vitest'
import type { PgliteDbHandle } from '../../src/db/client.js'
import { pgliteDump } from './db.js'
import { createPglitePool } from './pglite-pool.js'

const pool = createPglitePool(pgliteDump)
afterAll(() => pool.closeIdle())

/** Which started database a handle is on: PGlite's start time differs between two. */
const started = async (handle: PgliteDbHandle) =>
  (await handle.pglite.query<{ at: string }>('select pg_postmaster_start_time()::text as at'))
    .rows[0]!.at

/** What a test could see of the state it starts from. */
async function state(handle: PgliteDbHandle) {
  const { pglite } = handle
  const tables = await pglite.query<{ name: string }>(
    `select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1`
  )
  const counts = await pglite.query<{ name: string; rows: number }>(
    tables.rows
      .map((t) => `select '${t.name}' as name, (select count(*)::int from ${t.name}) as rows`)
      .join(' union all ')
  )
  const regions = await pglite.query<{ digest: string }>(
    `select md5(string_agg(r::text, ',' order by r::text)) as digest from regions r`
  )
  const sequences = await pglite.query(
    'select sequencename, last_value from pg_sequences order by sequencename'
  )
  const setting = await pglite.query<{ value: string }>(
    "select current_setting('statement_timeout') as value"
  )
  return {
    counts: counts.rows,
    regions: regions.rows[0]!.digest,
    sequences: sequences.rows,
    statementTimeout: setting.rows[0]!.value,
  }
}

/** A test's writes across the schema: people, a visit's family, a setting and a temp table. */
async function dirty(handle: PgliteDbHandle): Promise<void> {
  await handle.pglite.exec(`
    insert into people (name, roles, region_code, status)
      values ('Siti Rahayu', '{kader}', '35.07.24.2001', 'active'),
             ('Budi Santoso', '{kader}', '35.07.24.2001', 'active');
    set statement_timeout = 1234;
    create temporary table scratch (n int);
    select pg_advisory_lock(42);
  `)
}

// Each case starts two or three databases: seconds each on a loaded machine.
describe('PGlite test databases reused', { timeout: 180_000 }, () => {
  test('a database a test wrote to comes back as the dump left it: rows, sequences, settings', async () => {
    const first = await pool.take()
    const fresh = await state(first)
    const startedAt = await started(first)
    await dirty(first)
    expect((await state(first)).counts).not.toEqual(fresh.counts)
    await first.close()

    const second = await pool.take()
    expect(await started(second)).toBe(startedAt)
    expect(await state(second)).toEqual(fresh)
    // The ids start again where the dump's do, as on a new database.
    const [person] = (
      await second.pglite.query<{ id: number }>(
        `insert into people (name, roles, region_code, status)
         values ('Nur Aini', '{kader}', '35.07.24.2001', 'active') returning id`
      )
    ).rows
    expect(person!.id).toBe(1)
    await expect(second.pglite.query('select * from scratch')).rejects.toThrow(/scratch/)
    await second.close()
  })

  test('a closed handle answers as a closed database, and the next test sees none of its writes', async () => {
    const first = await pool.take()
    await first.close()
    expect(first.pglite.closed).toBe(true)
    await expect(first.pglite.query('select 1')).rejects.toThrow('PGlite is closed')
    await expect(
      first.db.execute('insert into people (name, roles, region_code) values (1, 2, 3)')
    ).rejects.toMatchObject({ cause: { message: 'PGlite is closed' } })
    const second = await pool.take()
    expect(
      (await state(second)).counts.every(
        (c) => c.name === 'public.regions' || c.rows === 0 || c.name.startsWith('drizzle.')
      )
    ).toBe(true)
    await second.close()
  })

  test('a changed schema, changed seeded rows or a listener: the database is replaced, not reset', async () => {
    const reference = await pool.take()
    const fresh = await state(reference)
    await reference.close()
    const changes: Record<string, (handle: PgliteDbHandle) => Promise<unknown>> = {
      schema: (handle) => handle.pglite.exec('alter table people add column nickname text'),
      seeded: (handle) => handle.pglite.exec("update regions set name = 'X' where code = '35.07'"),
      listener: (handle) => handle.listen('kaderbot_test', () => undefined),
    }
    for (const [name, change] of Object.entries(changes)) {
      const used = await pool.take()
      const startedAt = await started(used)
      await change(used)
      await used.close()
      const next = await pool.take()
      expect(await started(next), name).not.toBe(startedAt)
      expect(await state(next), name).toEqual(fresh)
      const columns = await next.pglite.query(
        "select 1 from information_schema.columns where table_name = 'people' and column_name = 'nickname'"
      )
      expect(columns.rows, name).toEqual([])
      await next.close()
    }
  })
})
