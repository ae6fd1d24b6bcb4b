/**
 * @module Applies the drizzle-kit SQL in `migrations/` to PostgreSQL (serialized across replicas with
 * an advisory lock, drizzle-orm#874) or to PGlite, and reports what it did.
 */
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import postgres from 'postgres'
import { rowsOf, toNumber } from './raw.js'

/** Absolute path of the repository's `migrations/` folder, independent of the working directory. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url))

/**
 * Session advisory-lock key held while migrating PostgreSQL (single-bigint form). Other advisory
 * locks in the app must use a different key.
 */
export const MIGRATION_LOCK_KEY = 7_281_001

/** What a migration run did: migrations applied now, migrations in the folder, elapsed time. */
export type MigrateResult = { applied: number; total: number; ms: number }

/** Where to migrate: a PostgreSQL URL (a dedicated connection is opened) or an open PGlite. */
export type MigrateTarget =
  { kind: 'postgres'; databaseUrl: string } | { kind: 'pglite'; pglite: PGlite }

/** Options for `migrateDb`; `migrationsFolder` exists for tests only. */
export type MigrateDbOptions = { migrationsFolder?: string }

/** Thrown when applying migrations fails; `cause` holds the driver's error with the SQL message. */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED' as const

  constructor(message: string, options: { cause: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

const MIGRATIONS_TABLE = 'drizzle.__drizzle_migrations'

/**
 * Applies pending migrations to `target` in one transaction; on PostgreSQL under
 * `pg_advisory_lock(MIGRATION_LOCK_KEY)` so concurrent replicas wait instead of colliding.
 */
export async function migrateDb(
  target: MigrateTarget,
  options: MigrateDbOptions = {}
): Promise<MigrateResult> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER
  const total = readMigrationFiles({ migrationsFolder }).length
  const started = performance.now()
  const applied =
    target.kind === 'postgres'
      ? await migratePostgresUrl(target.databaseUrl, migrationsFolder)
      : await migratePgliteClient(target.pglite, migrationsFolder)
  return { applied, total, ms: Math.round(performance.now() - started) }
}

async function migratePostgresUrl(databaseUrl: string, migrationsFolder: string): Promise<number> {
  const client = postgres(databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'kaderbot-migrate' },
  })
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`
    try {
      const before = await countApplied((query) => client.unsafe(query))
      try {
        await migratePostgres(drizzlePostgres(client), { migrationsFolder })
      } catch (error) {
        throw toMigrationError(error)
      }
      return (await countApplied((query) => client.unsafe(query))) - before
    } finally {
      // If the connection broke, the server already dropped the session lock with it.
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {})
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}

async function migratePgliteClient(pglite: PGlite, migrationsFolder: string): Promise<number> {
  const before = await countApplied((query) => pglite.query(query))
  try {
    await migratePglite(drizzlePglite(pglite), { migrationsFolder })
  } catch (error) {
    throw toMigrationError(error)
  }
  return (await countApplied((query) => pglite.query(query))) - before
}

/** Rows in drizzle's migrations table, or 0 before the first migration created it. */
async function countApplied(run: (query: string) => Promise<unknown>): Promise<number> {
  const [exists] = rowsOf<{ t: string | null }>(
    await run(`select to_regclass('${MIGRATIONS_TABLE}')::text as t`)
  )
  if (!exists?.t) return 0
  const [row] = rowsOf<{ n: unknown }>(await run(`select count(*) as n from ${MIGRATIONS_TABLE}`))
  return toNumber(row?.n)
}

function toMigrationError(error: unknown): MigrationError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new MigrationError(`Database migration failed: ${detail}`, { cause: error })
}
