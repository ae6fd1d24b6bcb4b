/**
 * @module vitest globalSetup: builds the migrated, seeded database once per run for every test
 * file to copy. With `TEST_DATABASE_URL`: this run's template database
 * (`kaderbot_template_<runId>`, migrated and regions seeded) that `createTestDb()` clones, dropped
 * with the run's test databases afterwards. Without it (PGlite): a dump of such a database's data
 * directory in a temporary file, which `createTestDb()` loads, so no test file pays for initdb and
 * the migrations.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

let current: TestRun | undefined
let dumpDir: string | undefined

/**
 * Creates a fresh template every run (never reused, so it cannot be stale, and a per-run name so
 * parallel runs on one server never drop each other's template).
 */
export async function setup(project: TestProject): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) {
    project.provide('kaderbotTestRun', null)
    project.provide('kaderbotPgliteDump', await dumpSeededPglite())
    return
  }
  project.provide('kaderbotPgliteDump', null)
  await sweepDatabases(serverUrl)
  const runId = createRunId()
  const templateName = `${TEMPLATE_PREFIX}${runId}`
  current = { serverUrl, runId, templateName }
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
  project.provide('kaderbotTestRun', current)
}

/** The migrated, seeded PGlite data directory, dumped to a file of this run. */
async function dumpSeededPglite(): Promise<string> {
  const handle = await createDb({ memory: true })
  try {
    await seedRegions(handle.db)
    if (handle.kind !== 'pglite') throw new Error('expected an embedded PGlite database')
    const dump = await handle.pglite.dumpDataDir('none')
    dumpDir = await mkdtemp(join(tmpdir(), 'kaderbot-test-db-'))
    const path = join(dumpDir, 'seeded.tar')
    await writeFile(path, Buffer.from(await dump.arrayBuffer()))
    return path
  } finally {
    await handle.close()
  }
}

/** Drops this run's template and any test database a test forgot to close, or the PGlite dump. */
export async function teardown(): Promise<void> {
  if (dumpDir) await rm(dumpDir, { recursive: true, force: true })
  dumpDir = undefined
  if (!current) return
  await sweepDatabases(current.serverUrl, current.runId)
  current = undefined
}
