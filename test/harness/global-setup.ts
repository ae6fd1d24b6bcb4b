/**
 * @module vitest globalSetup: with `TEST_DATABASE_URL`, builds this run's template database
 * (`kaderbot_template_<runId>`, migrated and regions seeded) that `createTestDb()` clones, and drops
 * it and the run's test databases afterwards. Without it (PGlite) it does nothing.
 */
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
  }
}

let current: TestRun | undefined

/**
 * Creates a fresh template every run (never reused, so it cannot be stale, and a per-run name so
 * parallel runs on one server never drop each other's template).
 */
export async function setup(project: TestProject): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) {
    project.provide('kaderbotTestRun', null)
    return
  }
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

/** Drops this run's template and any test database a test forgot to close. */
export async function teardown(): Promise<void> {
  if (!current) return
  await sweepDatabases(current.serverUrl, current.runId)
  current = undefined
}
