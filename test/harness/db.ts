/**
 * @module Test databases. Without `TEST_DATABASE_URL`: an in-memory PGlite loaded from the
 * migrated, seeded data directory that the global setup dumped once for the run (`global-setup.ts`),
 * so no file pays for initdb and migrations. With it: a new database on that server per call,
 * cloned from this run's template, dropped on `close()`.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest'
import { createDb, PGLITE_OPTIONS } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import type { TestRun } from './global-setup.js'
import { createPglitePool } from './pglite-pool.js'
import { createDatabase, createTestDbName, databaseUrlFor, dropDatabase } from './pg-server.js'

/** True when the suite runs against a real PostgreSQL server (`TEST_DATABASE_URL`). */
export const hasPostgres = Boolean(process.env.TEST_DATABASE_URL)

/** A test database handle; `name` is the database name (`pglite-memory` for PGlite). */
export type TestDbHandle = DbHandle & { name: string }

/** A throw-away database on the test server, for tests that open their own connections. */
export type TestDatabase = { name: string; url: string; drop: () => Promise<void> }

/** Thrown when a Postgres-only helper is used without `TEST_DATABASE_URL` or its global setup. */
export class TestDbUnavailableError extends Error {
  readonly code = 'TEST_DB_UNAVAILABLE' as const

  constructor(message: string) {
    super(message)
    this.name = 'TestDbUnavailableError'
  }
}

let pgliteSnapshot: Promise<File | Blob> | undefined

/** This file's PGlite test databases, closed ones reset and reused (`pglite-pool.ts`). */
const pglitePool = createPglitePool(pgliteDump)

/** The run's migrated, seeded PGlite data directory as a dump (made here outside vitest). */
export function pgliteDump(): Promise<File | Blob> {
  return (pgliteSnapshot ??= snapshotPglite())
}

/**
 * A migrated, seeded database of the suite's driver; `close()` discards it (PGlite: puts it back
 * to that state for the file's next test, `pglite-pool.ts`). `statementTimeoutMs`
 * raises the production deadline for a test that loads bulk data (on Postgres; PGlite has none).
 */
export async function createTestDb(
  options: { statementTimeoutMs?: number } = {}
): Promise<TestDbHandle> {
  if (!hasPostgres) return { ...(await pglitePool.take()), name: 'pglite-memory' }
  const database = await takeClone()
  const handle = await createDb({
    databaseUrl: database.url,
    migrate: false,
    poolMax: 4,
    ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
  })
  const close = async (): Promise<void> => {
    try {
      await handle.close()
    } finally {
      dropLater(database)
    }
  }
  let closing: Promise<void> | undefined
  return { ...handle, name: database.name, close: () => (closing ??= close()) }
}

/*
 * On Postgres a test waits neither for its database to be cloned nor for it to be dropped (each
 * takes the server a second or more under load): once a file has asked for a second database, the
 * next one is cloned while the current test runs, and a closed one is dropped while the next
 * runs. `settleTestDatabases` (after each file, `test/harness/settle-databases.ts`) waits for the
 * drops and drops the unused spare; the global teardown sweeps whatever a killed worker left.
 */
let clones = 0
let spare: Promise<TestDatabase> | undefined
const drops = new Set<Promise<void>>()

async function takeClone(): Promise<TestDatabase> {
  clones++
  const next = spare ?? createTestDbUrl()
  spare = clones >= 2 ? createTestDbUrl() : undefined
  // A failed spare surfaces when it is taken, not as an unhandled rejection now.
  spare?.catch(() => {})
  return next
}

function dropLater(database: TestDatabase): void {
  const drop = database.drop().finally(() => drops.delete(drop))
  drops.add(drop)
}

/**
 * Waits for the test databases being dropped and drops the spare clone (Postgres), or closes the
 * idle PGlite databases kept for reuse but one, which the worker's next file takes (the projects
 * that run without isolation, `vitest.config.ts`).
 */
export async function settleTestDatabases(): Promise<void> {
  await pglitePool.closeIdle(1)
  const unused = spare
  spare = undefined
  clones = 0
  if (unused) await unused.then(dropLater, () => {})
  await Promise.all(drops)
}

/**
 * Puts the run's migrated, seeded database into `dataDir` as the bot's PGlite data directory
 * (`<dataDir>/pglite`, where `createDb({ dataDir })` looks), so a bot or CLI started on it finds
 * its migrations applied instead of running initdb and every migration again; on Postgres, where
 * such a bot gets a database cloned from the template, it does nothing.
 */
export async function seedTestDataDir(dataDir: string): Promise<void> {
  if (hasPostgres) return
  pgliteSnapshot ??= snapshotPglite()
  const pgliteDir = join(dataDir, 'pglite')
  await mkdir(pgliteDir, { recursive: true })
  const pglite = await PGlite.create({
    dataDir: pgliteDir,
    loadDataDir: await pgliteSnapshot,
    ...PGLITE_OPTIONS,
  })
  await pglite.close()
}

/** The database of `useTestDb`, read inside tests and hooks. */
export type TestDbInUse = { readonly db: Db }

/**
 * Registers the hooks of a test database (`createTestDb`) new for each test (`'test'`, the
 * default) or shared by the tests of the file (`'file'`), closed after them.
 */
export function useTestDb(per: 'test' | 'file' = 'test'): TestDbInUse {
  let handle: TestDbHandle | undefined
  const [before, after] = per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll]
  before(async () => {
    handle = await createTestDb()
  })
  after(async () => {
    await handle?.close()
    handle = undefined
  })
  return {
    get db() {
      if (!handle) throw new Error('useTestDb: read db inside a test or hook')
      return handle.db
    },
  }
}

/** A new migrated and seeded database on the test server (Postgres only); `drop()` removes it. */
export async function createTestDbUrl(): Promise<TestDatabase> {
  const run = currentRun()
  return createServerDatabase(run, run.templateName)
}

/** A new empty database on the test server (Postgres only, from `template0`), not migrated. */
export async function createEmptyTestDbUrl(): Promise<TestDatabase> {
  return createServerDatabase(currentRun(), 'template0')
}

async function createServerDatabase(run: TestRun, template: string): Promise<TestDatabase> {
  const name = createTestDbName(run.runId)
  await createDatabase(run.serverUrl, name, template)
  let dropping: Promise<void> | undefined
  return {
    name,
    url: databaseUrlFor(run.serverUrl, name),
    drop: () => (dropping ??= dropDatabase(run.serverUrl, name)),
  }
}

function currentRun(): TestRun {
  const run = hasPostgres ? inject('kaderbotTestRun') : null
  if (!run) {
    throw new TestDbUnavailableError(
      'This helper needs TEST_DATABASE_URL and the global setup in vitest.config.ts'
    )
  }
  return run
}

/** The run's dump when the global setup made one (vitest), else one made here (a plain script). */
async function snapshotPglite(): Promise<File | Blob> {
  const dumpPath = inject('kaderbotPgliteDump')
  if (dumpPath) return new Blob([await readFile(dumpPath)])
  const handle = await createDb({ memory: true })
  try {
    await seedRegions(handle.db)
    if (handle.kind !== 'pglite') throw new TestDbUnavailableError('expected PGlite')
    return await handle.pglite.dumpDataDir('none')
  } finally {
    await handle.close()
  }
}
