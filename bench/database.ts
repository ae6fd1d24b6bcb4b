/**
 * @module A throwaway database per benchmark: embedded PGlite in a temporary DATA_DIR by default,
 * or, given a server URL, a fresh database created on that server and dropped afterwards. Either
 * way the benchmark gets a temporary DATA_DIR (media store, PGlite files) that is removed after.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger as DrizzleLogger } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { type Db, type DbHandle, createDb } from '../src/db/client.js'

export type BenchDatabase = {
  kind: 'pglite' | 'postgres'
  /** The throwaway database's URL (Postgres only). */
  databaseUrl?: string
  dataDir: string
  /**
   * Opens (and migrates) the database; PGlite allows one opener at a time. A bulk load may raise
   * the statement deadline (Postgres).
   */
  open: (options?: { statementTimeoutMs?: number }) => Promise<DbHandle>
  /** Drops the database and removes the data directory. */
  dispose: () => Promise<void>
}

/** Creates the throwaway database; `serverUrl` selects Postgres, else PGlite. */
export async function createBenchDatabase(
  label: string,
  serverUrl?: string
): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `kaderbot-bench-${label}-`))
  if (!serverUrl) {
    return {
      kind: 'pglite',
      dataDir,
      open: () => createDb({ dataDir }),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    }
  }
  const name = `kaderbot_bench_${label.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${Date.now()}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const databaseUrl = url.toString()
  return {
    kind: 'postgres',
    databaseUrl,
    dataDir,
    open: (options) => createDb({ databaseUrl, ...options }),
    async dispose() {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end({ timeout: 5 })
        await rm(dataDir, { recursive: true, force: true })
      }
    },
  }
}

/** Rows of a `db.execute` result on either driver (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return (result as { rows?: T[] }).rows ?? []
}

/** A drizzle instance that counts what it sends. */
export type CountingDb = {
  db: Db
  /** Statements sent through drizzle (transaction control `begin`/`commit` not included). */
  queries: () => number
  /** Top-level `db.transaction` calls. */
  transactions: () => number
}

/** A statement as drizzle sent it: its text and parameters. */
export type SentStatement = { query: string; params: unknown[] }

/**
 * A second drizzle instance over the handle's connection that counts every query it sends, and
 * hands each to `onQuery` when given (to read its plan).
 */
export function countingDb(
  handle: DbHandle,
  onQuery?: (statement: SentStatement) => void
): CountingDb {
  let queries = 0
  let transactions = 0
  const logger: DrizzleLogger = {
    logQuery: (query, params) => {
      queries++
      onQuery?.({ query, params })
    },
  }
  const db: Db =
    handle.kind === 'pglite'
      ? drizzlePglite(handle.pglite, { logger })
      : drizzlePostgres(handle.sql, { logger })
  const transaction = db.transaction.bind(db)
  db.transaction = ((...args: Parameters<Db['transaction']>) => {
    transactions++
    return transaction(...args)
  }) as Db['transaction']
  return { db, queries: () => queries, transactions: () => transactions }
}
