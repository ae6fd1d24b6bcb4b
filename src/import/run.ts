/**
 * One import as the CLI and the dashboard run it: the rows of any kind and the audit row in one
 * transaction, so the database holds all of the import's accepted rows and its audit row, or, when
 * anything fails on the way (the database, the process, a broken line), nothing of it.
 * @module
 */
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { recordAudit } from '../db/queries/audit.js'
import { DEFAULT_TIME_ZONE } from '../domain/dates.js'
import type { CsvSource } from './csv.js'
import { FAILURE_MESSAGES } from './messages.js'
import { importPeople, sqlState } from './people.js'
import type { ImportReport, OnImportProgress } from './report.js'
import { importStocks } from './stocks.js'
import { importEnrollments, importSessions } from './training.js'

/**
 * The kinds of import: the roster first, then the training schedule, then its participants; the
 * desa stocks (PUS, PPM targets, units) at any time.
 */
export const IMPORT_KINDS = ['people', 'sessions', 'enrollments', 'stocks'] as const

export const importKindSchema = z.enum(IMPORT_KINDS)

export type ImportKind = z.infer<typeof importKindSchema>

export type RunImportParams = {
  kind: ImportKind
  source: CsvSource
  /** Who imports, for the audit log: `person:12`, `admin_token`, `cli`. */
  actor: string
  now: Date
  /** The zone of the file's dates and of the current year (`TZ_NAME`; default `Asia/Jakarta`). */
  timeZone?: string
  onProgress?: OnImportProgress
  /** Runs first in the import's transaction (a dashboard job takes its lock there). */
  afterBegin?: (tx: DbOrTx) => Promise<void>
  /**
   * Runs in the import's transaction after its rows, before the commit (the dashboard stores the
   * report there, so a report exists exactly when the import does).
   */
  beforeCommit?: (tx: DbOrTx, report: ImportReport) => Promise<void>
}

/**
 * Imports a file of `kind` and records `<kind>_imported` with the counts in the audit log, in one
 * transaction. Throws `ImportFileError` for a file that cannot be read, and whatever the database
 * throws; either way nothing of the import was kept.
 */
export async function runImport(db: DbOrTx, params: RunImportParams): Promise<ImportReport> {
  const { kind, source, now } = params
  const options = {
    now,
    timeZone: params.timeZone ?? DEFAULT_TIME_ZONE,
    ...(params.onProgress ? { onProgress: params.onProgress } : {}),
  }
  return db.transaction(async (tx) => {
    await params.afterBegin?.(tx)
    const report =
      kind === 'people'
        ? await importPeople(tx, source, options)
        : kind === 'sessions'
          ? await importSessions(tx, source, options)
          : kind === 'stocks'
            ? await importStocks(tx, source, options)
            : await importEnrollments(tx, source, options)
    await recordAudit(tx, {
      actor: params.actor,
      action: `${kind}_imported`,
      detail: {
        accepted: report.accepted,
        updated: report.updated,
        unchanged: report.unchanged,
        rejected: report.rejected,
      },
      at: now,
    })
    await params.beforeCommit?.(tx, report)
    return report
  })
}

/** Error codes of a lost or refused database connection (Node, postgres.js). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
])

/**
 * Why an import stopped, in Indonesian, for the admin: the database connection, a database error
 * by its SQLSTATE, or an unexpected error; never a value of the file (no names, no phones).
 */
export function describeImportFailure(error: unknown): string {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
      return FAILURE_MESSAGES.nothingChanged(FAILURE_MESSAGES.connectionLost())
    }
    current = current.cause
  }
  const state = sqlState(error)
  if (state !== undefined) {
    const cause = /^(08|57P)/.test(state)
      ? FAILURE_MESSAGES.connectionLost()
      : FAILURE_MESSAGES.databaseError(state)
    return FAILURE_MESSAGES.nothingChanged(cause)
  }
  return FAILURE_MESSAGES.nothingChanged(FAILURE_MESSAGES.unknown())
}
