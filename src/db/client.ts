/**
 * @module Opens the database: PostgreSQL through postgres.js when a URL is given, else embedded
 * PGlite under `DATA_DIR` (docs/design.md P10). Both run the same schema, migrations and queries;
 * the rest of the app only sees `Db`.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import type { Sql } from 'postgres'
import { acquireLockFile } from './lock-file.js'
import type { LockFile } from './lock-file.js'
import { timedClient } from './deadline.js'
import { migrateDb } from './migrate.js'
import { PGLITE_TEMPLATE_DIR, copyPgliteTemplate } from './pglite-template.js'
import type { MigrateResult } from './migrate.js'
import { assertChannelName, notifyChannel } from './notify.js'
import type { Config } from '../config.js'

/**
 * The one database type the app uses, for both drivers. Drizzle is given no schema: the app
 * writes its queries with the query builder and never uses drizzle's relational queries
 * (`db.query.<table>`), whose builders drizzle would otherwise make for every table at every
 * transaction and savepoint (a turn's share of the bot's CPU under load).
 */
export type Db = PgDatabase<PgQueryResultHKT>

/** The `tx` a `db.transaction(async (tx) => ...)` callback receives. */
export type Tx = PgTransaction<PgQueryResultHKT>

/** What query functions accept, so they work standalone and inside a transaction. */
export type DbOrTx = Db | Tx

/** Logger shape accepted by the db layer (pino fits); only ids, counts and paths are logged. */
export type DbLogger = {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

type DbHandleBase = {
  /** The drizzle database. */
  db: Db
  /** What `createDb` migrated, when it ran migrations. */
  migration?: MigrateResult
  /** Closes the pool or PGlite and releases the data-directory lock; idempotent. */
  close: () => Promise<void>
  /** Sends a NOTIFY on `channel` (`[a-z_][a-z0-9_]*`); use `notifyChannel(tx, ...)` inside a tx. */
  notify: (channel: string, payload: string) => Promise<void>
  /** LISTENs on `channel`; resolves once listening, to a function that stops this listener. */
  listen: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>
  /**
   * A database on its own small pool of `max` connections (PostgreSQL), so that a background
   * worker (the outbox sender) is not queued behind the request transactions holding the main
   * pool; closed with the handle. PGlite has one session: the same database.
   */
  lane: (name: string, max: number, options?: LaneOptions) => Db
}

/** A lane's own statement timeout, e.g. `BACKGROUND_STATEMENT_TIMEOUT_MS` for a worker. */
export type LaneOptions = { statementTimeoutMs?: number }

/** An open PostgreSQL database; `sql` is the postgres.js pool (e.g. `sql.reserve()` for a session). */
export type PostgresDbHandle = DbHandleBase & { kind: 'postgres'; sql: Sql }

/** An open PGlite database (one session only: advisory locks always succeed on it). */
export type PgliteDbHandle = DbHandleBase & { kind: 'pglite'; pglite: PGlite; dataDir?: string }

/** An open database of either kind; narrow on `kind` for driver-specific needs. */
export type DbHandle = PostgresDbHandle | PgliteDbHandle

/** Options for `createDb`: a URL selects PostgreSQL; else `memory` or `dataDir` select PGlite. */
export type CreateDbOptions = {
  /** PostgreSQL URL; when set, the other storage options are ignored. */
  databaseUrl?: string
  /** Data directory for PGlite (`${dataDir}/pglite`, lock `${dataDir}/pglite.lock`). */
  dataDir?: string
  /** Apply pending migrations first (default true). */
  migrate?: boolean
  /** PGlite in memory, without lock or files (tests). */
  memory?: boolean
  /**
   * PGlite on disk: a fresh data directory starts from a copy of this prepared one
   * (`pglite-template.ts`), when it matches the running code, instead of running initdb.
   */
  template?: string
  /** PostgreSQL pool size (default 10). */
  poolMax?: number
  /** PostgreSQL: a connection not made within this fails (default `DEFAULT_CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs?: number
  /**
   * PostgreSQL: a statement, or a transaction's wait for its connection, not answered within this
   * fails with `DatabaseTimeoutError` (default `DEFAULT_STATEMENT_TIMEOUT_MS`).
   */
  statementTimeoutMs?: number
  logger?: DbLogger
}

/**
 * Defaults of `DB_CONNECT_TIMEOUT_MS` and `DB_STATEMENT_TIMEOUT_MS`: while the database cannot be
 * reached, every route answers 503 within 2 s instead of hanging (a request's statements are
 * short; lists and exports read in pages).
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 1500
export const DEFAULT_STATEMENT_TIMEOUT_MS = 1500

/**
 * For background workers (the outbox sender): nobody waits on them, and a statement the client
 * gave up on while the server still committed it (a claim under load) would hold its rows until
 * their lease ran out. Long enough not to happen under load, short enough that a link that never
 * comes back is dropped.
 */
export const BACKGROUND_STATEMENT_TIMEOUT_MS = 30_000

type DbTimeouts = { connectTimeoutMs: number; statementTimeoutMs: number }

/** Thrown when `createDb` gets neither a database URL, nor `memory`, nor a data directory. */
export class DbConfigError extends Error {
  readonly code = 'DB_CONFIG' as const

  constructor(message: string) {
    super(message)
    this.name = 'DbConfigError'
  }
}

/**
 * What every embedded database opens with: the extensions it loads (`CREATE EXTENSION` runs in a
 * migration) and PGlite's own start parameters with 16 MB of shared buffers instead of Postgres's
 * 128 MB. PGlite touches all of its buffers at start-up, inside the process: 128 MB made an idle
 * bot about 290 MiB resident; with 16 MB it is about 180 MiB, and it is ready sooner. The embedded
 * database is the small deployment's (a regency's cadres fit in tens of megabytes) and the files
 * stay in the operating system's cache; a large one runs on PostgreSQL (DATABASE_URL).
 */
export const PGLITE_OPTIONS = {
  extensions: { pg_trgm },
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
}

/**
 * A client of one session outside the pool, for a session advisory lock (the outbox lease, the
 * WhatsApp socket): Postgres releases the lock when that session ends, and postgres.js reconnects
 * the client after a cut, so a pid check tells whether the lock is still held. (A reserved pool
 * connection cannot serve: a query on one the server closed throws an uncaught TypeError in
 * postgres.js 3.4.)
 */
export function createSessionClient(databaseUrl: string, applicationName: string): Sql {
  return postgres(databaseUrl, {
    max: 1,
    idle_timeout: 0,
    onnotice: () => undefined,
    connection: { application_name: applicationName },
  })
}

/**
 * Sessions plan every run of a prepared statement for its own values. Postgres's default switches
 * a statement to a generic plan after five runs, and the outbox claim's generic plan scanned the
 * whole outbox: the bench's sender stalled at a few thousand rows. Parsing is still saved.
 */
const PLANNING = { plan_cache_mode: 'force_custom_plan' }

/**
 * Opens the database the options select, applies pending migrations (unless `migrate: false`) and
 * returns a handle; for PGlite on disk it first takes the exclusive `${dataDir}/pglite.lock`.
 */
export async function createDb(options: CreateDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options)
  if (options.memory) return openPglite(undefined, options)
  if (options.dataDir) return openPglite(options.dataDir, options)
  throw new DbConfigError('createDb needs a databaseUrl, a dataDir or memory: true')
}

/**
 * Opens the database a config names: PostgreSQL at DATABASE_URL, else PGlite under DATA_DIR (a
 * fresh one from the template `npm run build` made, when there is one).
 */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbConnectTimeoutMs' | 'dbStatementTimeoutMs'>,
  logger?: DbLogger
): Promise<DbHandle> {
  return createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    template: PGLITE_TEMPLATE_DIR,
    ...(config.dbConnectTimeoutMs !== undefined
      ? { connectTimeoutMs: config.dbConnectTimeoutMs }
      : {}),
    ...(config.dbStatementTimeoutMs !== undefined
      ? { statementTimeoutMs: config.dbStatementTimeoutMs }
      : {}),
    logger,
  })
}

/**
 * The client drizzle runs on (`timedClient`, `src/db/deadline.ts`), with every statement that has
 * parameters sent as a named prepared statement, which postgres.js keeps per connection (by its
 * text) and Postgres then parses and plans once, not on every run. Drizzle asks for unnamed
 * statements unless a query is prepared by name, which a query inside a transaction cannot be.
 * The set of texts is bounded by the code (a list of n values is one text per n), and postgres.js
 * drops a connection's statements with the connection (`max_lifetime`, 30 to 60 minutes). This is
 * postgres.js's own default for its tagged templates (`prepare: true`); a pooler in transaction
 * mode (PgBouncer) would need it off. Each run is still planned for its own values (`PLANNING`).
 */
function drizzleOn(client: Sql, timeouts: DbTimeouts): Db {
  return drizzlePostgres(timedClient(client, timeouts.statementTimeoutMs))
}

/**
 * A pool's options: connections that fail within `connectTimeoutMs`, statements the server
 * cancels after `statementTimeoutMs` (the client gives up at the same time, `drizzleOn`), and
 * reconnection within 2 s after an outage (the default backoff grows to 20 s, while every route
 * answers 503 and waits for the database).
 */
function poolOptions(name: string, max: number, timeouts: DbTimeouts): postgres.Options<never> {
  return {
    max,
    connect_timeout: timeouts.connectTimeoutMs / 1000,
    backoff: (attempt) => Math.min(0.1 * 2 ** attempt, 2),
    onnotice: () => {},
    connection: {
      application_name: name,
      statement_timeout: timeouts.statementTimeoutMs,
      ...PLANNING,
    },
  }
}

async function openPostgres(databaseUrl: string, options: CreateDbOptions): Promise<DbHandle> {
  const migration =
    options.migrate === false ? undefined : await migrateDb({ kind: 'postgres', databaseUrl })
  if (migration) logMigration(options.logger, 'postgres', migration)
  const timeouts: DbTimeouts = {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  }
  const sql = postgres(databaseUrl, poolOptions('kaderbot', options.poolMax ?? 10, timeouts))
  const db = drizzleOn(sql, timeouts)
  const lanes: Sql[] = []
  let closing: Promise<void> | undefined
  return {
    kind: 'postgres',
    db,
    sql,
    ...(migration ? { migration } : {}),
    close: () =>
      (closing ??= Promise.all([sql, ...lanes].map((client) => client.end({ timeout: 5 }))).then(
        () => undefined
      )),
    lane: (name, max, laneOptions = {}) => {
      const laneTimeouts = { ...timeouts, ...laneOptions }
      const client = postgres(databaseUrl, poolOptions(`kaderbot-${name}`, max, laneTimeouts))
      lanes.push(client)
      return drizzleOn(client, laneTimeouts)
    },
    notify: (channel, payload) => notifyChannel(db, channel, payload),
    listen: async (channel, onPayload) => {
      assertChannelName(channel)
      const meta = await sql.listen(channel, guard(channel, onPayload, options.logger))
      return async () => {
        await meta.unlisten()
      }
    },
  }
}

async function openPglite(
  dataDir: string | undefined,
  options: CreateDbOptions
): Promise<DbHandle> {
  let lock: LockFile | undefined
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true })
    lock = acquireLockFile(join(dataDir, 'pglite.lock'), { logger: options.logger })
  }
  let pglite: PGlite | undefined
  try {
    const pgliteDir = dataDir === undefined ? undefined : join(dataDir, 'pglite')
    if (pgliteDir !== undefined && options.template !== undefined) {
      startFromTemplate(pgliteDir, options.template, options.logger)
    }
    // PGlite's own mkdir is not recursive (ENOENT otherwise).
    if (pgliteDir !== undefined) mkdirSync(pgliteDir, { recursive: true })
    // One options object: `new PGlite(undefined, options)` would silently drop the options.
    pglite = new PGlite({
      ...(pgliteDir !== undefined ? { dataDir: pgliteDir } : {}),
      ...PGLITE_OPTIONS,
    })
    await pglite.waitReady
    const migration =
      options.migrate === false ? undefined : await migrateDb({ kind: 'pglite', pglite })
    if (migration) logMigration(options.logger, 'pglite', migration)
    return createPgliteHandle(pglite, {
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(migration ? { migration } : {}),
      ...(lock ? { onClose: lock.release } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    })
  } catch (error) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => {})
    lock?.release()
    throw error
  }
}

/**
 * Copies the template into a fresh data directory (`copyPgliteTemplate`). A copy that fails leaves
 * the directory to PGlite's own initdb, as if there were no template.
 */
function startFromTemplate(pgliteDir: string, template: string, logger?: DbLogger): void {
  try {
    const outcome = copyPgliteTemplate(pgliteDir, template)
    if (outcome !== 'exists') logger?.info({ template: outcome }, 'pglite template checked')
  } catch (error) {
    const errorName = error instanceof Error ? error.name : typeof error
    const errorCode = (error as { code?: unknown } | null)?.code
    logger?.warn({ errorName, errorCode }, 'pglite template not copied, running initdb')
  }
}

/** Options for `createPgliteHandle`. */
export type CreatePgliteHandleOptions = {
  dataDir?: string
  migration?: MigrateResult
  /** Runs after PGlite closed (e.g. releases the lock file). */
  onClose?: () => void
  logger?: DbLogger
}

/** Wraps an already open PGlite (e.g. a `clone()` in tests) in a `DbHandle`. */
export function createPgliteHandle(
  pglite: PGlite,
  options: CreatePgliteHandleOptions = {}
): PgliteDbHandle {
  const db: Db = drizzlePglite(pglite)
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    try {
      if (!pglite.closed) await pglite.close()
    } finally {
      options.onClose?.()
    }
  }
  return {
    kind: 'pglite',
    db,
    pglite,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.migration ? { migration: options.migration } : {}),
    close: () => (closing ??= close()),
    lane: () => db,
    notify: (channel, payload) => notifyChannel(db, channel, payload),
    listen: async (channel, onPayload) => {
      assertChannelName(channel)
      const unlisten = await pglite.listen(channel, guard(channel, onPayload, options.logger))
      return async () => {
        if (!pglite.closed) await unlisten()
      }
    },
  }
}

/** Keeps a throwing listener from breaking the driver's connection handling. */
function guard(
  channel: string,
  onPayload: (payload: string) => void,
  logger: DbLogger | undefined
): (payload: string) => void {
  return (payload) => {
    try {
      onPayload(payload)
    } catch (error) {
      const errorName = error instanceof Error ? error.name : typeof error
      logger?.warn({ channel, errorName }, 'notification listener threw')
    }
  }
}

function logMigration(
  logger: DbLogger | undefined,
  kind: DbHandle['kind'],
  migration: MigrateResult
): void {
  logger?.info({ kind, ...migration }, 'database migrations checked')
}
