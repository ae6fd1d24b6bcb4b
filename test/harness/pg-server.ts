/**
 * @module Administration of throw-away databases on the test PostgreSQL server (`TEST_DATABASE_URL`),
 * shared by the vitest global setup (main process) and the harness (workers).
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import type { Sql } from 'postgres'

/** Prefix of every per-test database. */
export const TEST_DB_PREFIX = 'kaderbot_test_'

/** Prefix of the per-run template database (migrated and seeded once per run). */
export const TEMPLATE_PREFIX = 'kaderbot_template_'

/** Databases of runs older than this are considered abandoned and swept at the next setup. */
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000

/** Postgres error code for "source database is being accessed by other users". */
const OBJECT_IN_USE = '55006'

/** A new run id: base-36 start time plus random hex, e.g. `mi3x9k2a_4f1c2e`. */
export function createRunId(now: number = Date.now()): string {
  return `${now.toString(36)}_${randomBytes(3).toString('hex')}`
}

/** A new per-test database name of `runId`. */
export function createTestDbName(runId: string): string {
  return `${TEST_DB_PREFIX}${runId}_${randomBytes(4).toString('hex')}`
}

/** `serverUrl` with its database name replaced by `name`. */
export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `fn` on a short-lived single connection to the server's maintenance database. */
export async function withAdmin<T>(serverUrl: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** Creates database `name` as a copy of `template`, retrying while the template is briefly busy. */
export async function createDatabase(
  serverUrl: string,
  name: string,
  template: string
): Promise<void> {
  await withAdmin(serverUrl, async (sql) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`create database ${sql(name)} template ${sql(template)}`
        return
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (code !== OBJECT_IN_USE || attempt >= 20) throw error
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
      }
    }
  })
}

/** Drops database `name` if it exists, disconnecting its sessions first. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, async (sql) => {
    await sql`drop database if exists ${sql(name)} with (force)`
  })
}

/**
 * Drops the test and template databases of `runId`, or, without a run id, those of runs started
 * more than six hours ago (left behind by crashed or interrupted runs).
 */
export async function sweepDatabases(serverUrl: string, runId?: string): Promise<string[]> {
  return withAdmin(serverUrl, async (sql) => {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database
      where datname like ${TEST_DB_PREFIX + '%'} or datname like ${TEMPLATE_PREFIX + '%'}`
    const doomed = rows
      .map((row) => row.datname)
      .filter((name) => {
        const id = name.startsWith(TEMPLATE_PREFIX)
          ? name.slice(TEMPLATE_PREFIX.length)
          : name.slice(TEST_DB_PREFIX.length)
        if (runId !== undefined) return id === runId || id.startsWith(`${runId}_`)
        const started = Number.parseInt(id.split('_')[0] ?? '', 36)
        return Number.isFinite(started) && Date.now() - started > ABANDONED_AFTER_MS
      })
    for (const name of doomed) await sql`drop database if exists ${sql(name)} with (force)`
    return doomed
  })
}
