/**
 * @module vitest globalSetup of the projects that use databases (`vitest.config.ts`): builds the
 * migrated, seeded database once per run for every test file to copy. With `TEST_DATABASE_URL`:
 * this run's template database (`kaderbot_template_<runId>`, migrated and regions seeded) that
 * `createTestDb()` clones, dropped with the run's test databases afterwards. Without it (PGlite):
 * a dump of such a database's data directory in a temporary file, which `createTestDb()` loads, so
 * no test file pays for initdb and the migrations. Every project that lists this file calls it;
 * the first call builds, the others share what it built, and the last teardown removes it. A run
 * of unit tests alone builds nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { createDb } from '../../src/db/client.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import {
  createDatabase,
  createRunId,
  databaseUrlFor,
  sweepDatabases,
  TEMPLATE_PREFIX,
  withAdmin,
} from './pg-server.js'

/** What the global setup hands to test workers (read with `inject('kaderbotTestRun')`). */
export type TestRun = { serverUrl: string; runId: string; templateName: string }

declare module 'vitest' {
  export interface ProvidedContext {
    kaderbotTestRun: TestRun | null
    /** PGlite runs: the path of the migrated, seeded data directory's dump (a tar file). */
    kaderbotPgliteDump: string | null
  }
}

/** What one run built, shared by the projects' calls (each loads this module on its own). */
type Built = { run: TestRun | null; dump: string | null; users: number }

/** The main process's copy of what was built, on `globalThis` as module state is per project. */
const BUILT = Symbol.for('kaderbot.testDatabases')
const shared = globalThis as { [BUILT]?: Promise<Built> }

/**
 * Creates a fresh template every run (never reused, so it cannot be stale, and a per-run name so
 * parallel runs on one server never drop each other's template).
 */
export async function setup(project: TestProject): Promise<void> {
  shared[BUILT] ??= build()
  const built = await shared[BUILT]
  built.users++
  project.provide('kaderbotTestRun', built.run)
  project.provide('kaderbotPgliteDump', built.dump)
}

async function build(): Promise<Built> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) return { run: null, dump: await dumpSeededPglite(), users: 0 }
  await sweepDatabases(serverUrl)
  const runId = createRunId()
  const templateName = `${TEMPLATE_PREFIX}${runId}`
  await createDatabase(serverUrl, templateName, 'template0')
  const handle = await createDb({
    databaseUrl: databaseUrlFor(serverUrl, templateName),
    poolMax: 1,
  })
  try {
    await seedRegions(handle.db)
  } finally {
    await handle.close()
  }
  // Nobody may connect to the template: an open session would make every clone fail.
  await withAdmin(
    serverUrl,
    (sql) => sql`alter database ${sql(templateName)} allow_connections false`
  )
  return { run: { serverUrl, runId, templateName }, dump: null, users: 0 }
}

/** The migrated, seeded PGlite data directory, dumped to a file of this run. */
async function dumpSeededPglite(): Promise<string> {
  const handle = await createDb({ memory: true })
  try {
    await seedRegions(handle.db)
    if (handle.kind !== 'pglite') throw new Error('expected an embedded PGlite database')
    const dump = await handle.pglite.dumpDataDir('none')
    const path = join(await mkdtemp(join(tmpdir(), 'kaderbot-test-db-')), 'seeded.tar')
    await writeFile(path, Buffer.from(await dump.arrayBuffer()))
    return path
  } finally {
    await handle.close()
  }
}

/**
 * After the last project's tests: drops this run's template and any test database a test forgot
 * to close, or removes the PGlite dump.
 */
export async function teardown(): Promise<void> {
  const pending = shared[BUILT]
  if (!pending) return
  const built = await pending.catch(() => undefined)
  if (!built || --built.users > 0) return
  shared[BUILT] = undefined
  if (built.dump) await rm(dirname(built.dump), { recursive: true, force: true })
  if (built.run) await sweepDatabases(built.run.serverUrl, built.run.runId)
}
