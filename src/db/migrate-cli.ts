/**
 * @module `npm run db:migrate`: applies pending migrations and seeds the region list, then prints
 * one line. Reads `DATABASE_URL` (unset → PGlite) and `DATA_DIR` (default `./data`) itself, as a
 * CLI entry. Never run it against a PGlite directory while the app runs (the lock file refuses).
 */
import { resolve } from 'node:path'
import { createDb } from './client.js'
import type { DbHandle } from './client.js'
import { seedRegions } from './seed-regions.js'

/** Describes the database without credentials, e.g. `postgres db "kaderbot" on host:5432`. */
function describeTarget(handle: DbHandle, databaseUrl: string | undefined): string {
  if (handle.kind === 'pglite') return `pglite ${resolve(handle.dataDir ?? '.', 'pglite')}`
  const url = new URL(databaseUrl ?? '')
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default)'
  return `postgres db "${name}" on ${url.host}`
}

/** Runs the CLI: migrate, seed regions, print one line; returns the process exit code. */
async function runMigrateCli(env: NodeJS.ProcessEnv): Promise<number> {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined
  const dataDir = env.DATA_DIR?.trim() || './data'
  let handle: DbHandle | undefined
  try {
    handle = await createDb({ databaseUrl, dataDir })
    const migration = handle.migration ?? { applied: 0, total: 0, ms: 0 }
    const seeded = await seedRegions(handle.db)
    console.log(
      `db:migrate ${describeTarget(handle, databaseUrl)}: applied ${migration.applied} of ` +
        `${migration.total} migrations in ${migration.ms} ms; regions ${seeded.inserted} inserted, ` +
        `${seeded.updated} updated`
    )
    return 0
  } catch (error) {
    console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await handle?.close()
  }
}

// A CLI entry reads only its two variables itself, so a half-configured bot can still migrate.
// eslint-disable-next-line no-restricted-properties
process.exitCode = await runMigrateCli(process.env)
