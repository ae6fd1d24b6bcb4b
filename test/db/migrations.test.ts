import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { is, sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { describe, expect, it, vi } from 'vitest'
import { createDb, DbConfigError } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import { migrateDb, MIGRATIONS_FOLDER } from '../../src/db/migrate.js'
import { rowsOf, toNumber } from '../../src/db/raw.js'
import * as schema from '../../src/db/schema/index.js'
import { createEmptyTestDbUrl, hasPostgres } from '../harness/db.js'
import { fixturePath, runTs } from './fixtures/child.js'

const MIGRATION_COUNT = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length

/** Every table the drizzle schema declares, so a new table is checked without editing this test. */
const SCHEMA_TABLES = Object.values(schema as Record<string, unknown>)
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableConfig(table).name)
  .sort()

async function publicTables(db: Db): Promise<string[]> {
  const result = await db.execute(
    sql`select table_name as name from information_schema.tables where table_schema = 'public'`
  )
  return rowsOf<{ name: string }>(result)
    .map((row) => row.name)
    .sort()
}

async function expectMigrated(handle: DbHandle): Promise<void> {
  expect(await publicTables(handle.db)).toEqual(expect.arrayContaining(SCHEMA_TABLES))
  const [applied] = rowsOf<{ n: unknown }>(
    await handle.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`)
  )
  expect(toNumber(applied?.n)).toBe(MIGRATION_COUNT)
  const [trgm] = rowsOf<{ s: number }>(
    await handle.db.execute(sql`select similarity('Sutrisno', 'Sutrisna')::float8 as s`)
  )
  expect(trgm?.s).toBeCloseTo(0.636, 2)
}

describe('migrations folder', () => {
  it('resolves to an absolute path with the journal, whatever the working directory', () => {
    expect(isAbsolute(MIGRATIONS_FOLDER)).toBe(true)
    expect(existsSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'))).toBe(true)
    expect(MIGRATION_COUNT).toBeGreaterThanOrEqual(2)
    expect(SCHEMA_TABLES).toEqual(expect.arrayContaining(['regions', 'outbox', 'fires']))
  })
})

describe('migrations on an empty PGlite', () => {
  it('create every schema table and pg_trgm, and a second run applies nothing', async () => {
    const logger = { info: vi.fn(), warn: vi.fn() }
    const handle = await createDb({ memory: true, logger })
    try {
      expect(handle.kind).toBe('pglite')
      expect(handle.migration).toMatchObject({ applied: MIGRATION_COUNT, total: MIGRATION_COUNT })
      expect(logger.info).toHaveBeenCalledWith(
        { kind: 'pglite', ...handle.migration },
        'database migrations checked'
      )
      await expectMigrated(handle)
      if (handle.kind !== 'pglite') throw new Error('expected PGlite')
      const again = await migrateDb({ kind: 'pglite', pglite: handle.pglite })
      expect(again).toMatchObject({ applied: 0, total: MIGRATION_COUNT })
    } finally {
      await handle.close()
    }
  })

  it('need a database URL, a data directory or memory', async () => {
    await expect(createDb({})).rejects.toBeInstanceOf(DbConfigError)
  })

  it('leave the database empty of tables when migrate is false', async () => {
    const handle = await createDb({ memory: true, migrate: false })
    try {
      expect(handle.migration).toBeUndefined()
      expect(await publicTables(handle.db)).toEqual([])
    } finally {
      await handle.close()
    }
  })
})

// Needs a real server: each database is created on it, and PGlite has no second connection.
describe.runIf(hasPostgres)('migrations on an empty PostgreSQL database', () => {
  it('create every schema table and pg_trgm, and a second run applies nothing', async () => {
    const database = await createEmptyTestDbUrl()
    try {
      const first = await createDb({ databaseUrl: database.url })
      try {
        expect(first.kind).toBe('postgres')
        expect(first.migration).toMatchObject({ applied: MIGRATION_COUNT, total: MIGRATION_COUNT })
        await expectMigrated(first)
      } finally {
        await first.close()
      }
      const second = await createDb({ databaseUrl: database.url })
      await second.close()
      expect(second.migration).toMatchObject({ applied: 0, total: MIGRATION_COUNT })
    } finally {
      await database.drop()
    }
  })

  // Several connections racing on one server is the point (drizzle-orm#874: without the advisory
  // lock 5 of 6 crashed); PGlite is single-connection and cannot race.
  it('six concurrent migrators on one fresh database all succeed and apply each file once', async () => {
    const database = await createEmptyTestDbUrl()
    const handles: DbHandle[] = []
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => createDb({ databaseUrl: database.url, poolMax: 1 }))
      )
      for (const result of results) if (result.status === 'fulfilled') handles.push(result.value)
      expect(results.map((result) => result.status)).toEqual(Array(6).fill('fulfilled'))
      const applied = handles.map((handle) => handle.migration?.applied ?? -1).sort()
      expect(applied).toEqual([0, 0, 0, 0, 0, MIGRATION_COUNT])
      await expectMigrated(handles[0]!)
    } finally {
      await Promise.all(handles.map((handle) => handle.close()))
      await database.drop()
    }
  })
})

// Each case starts tsx child processes (and PGlite's initdb), so they get a longer timeout.
describe('npm run db:migrate (src/db/migrate-cli.ts)', { timeout: 90_000 }, () => {
  const cli = fixturePath('../../../src/db/migrate-cli.ts')
  const baseEnv = { PATH: process.env.PATH ?? '' }

  it('migrates and seeds a PGlite data directory from any working directory; a second run changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kaderbot-cli-'))
    try {
      const env = { ...baseEnv, DATA_DIR: dataDir }
      const first = await runTs(cli, [], { cwd: tmpdir(), env })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.stdout).toMatch(
        new RegExp(
          `^db:migrate pglite .+: applied ${MIGRATION_COUNT} of ${MIGRATION_COUNT} migrations in \\d+ ms; regions 424 inserted, 0 updated\\n$`
        )
      )
      const second = await runTs(cli, [], { cwd: tmpdir(), env })
      expect(second.stdout).toContain(`applied 0 of ${MIGRATION_COUNT} migrations`)
      expect(second.stdout).toContain('regions 0 inserted, 0 updated')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('fails with one line naming the lock file when the data directory is in use', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kaderbot-cli-'))
    const app = await createDb({ dataDir })
    try {
      const result = await runTs(cli, [], { cwd: tmpdir(), env: { ...baseEnv, DATA_DIR: dataDir } })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(
        /^db:migrate failed: The data directory is in use by process \d+/
      )
      expect(result.stderr).toContain(join(dataDir, 'pglite.lock'))
    } finally {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  // Needs a real server: the CLI runs in its own process against a database on it.
  it.runIf(hasPostgres)(
    'migrates and seeds a PostgreSQL database given by DATABASE_URL',
    async () => {
      const database = await createEmptyTestDbUrl()
      try {
        const env = { ...baseEnv, DATABASE_URL: database.url }
        const result = await runTs(cli, [], { cwd: tmpdir(), env })
        expect(result.stderr).toBe('')
        expect(result.stdout).toMatch(
          new RegExp(
            `^db:migrate postgres db "${database.name}" on .+: applied ${MIGRATION_COUNT} of`
          )
        )
        expect(result.stdout).toContain('regions 424 inserted, 0 updated')
      } finally {
        await database.drop()
      }
    }
  )
})
