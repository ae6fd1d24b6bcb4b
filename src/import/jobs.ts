/**
 * Dashboard imports as background jobs: the upload is written to a file under the data
 * directory, a job row is made, and the import runs after the request has answered, through
 * `runImport` (one transaction: all accepted rows, the audit row, the report rows and the job's
 * `done`, or nothing of them). The page polls the job row for its counts.
 *
 * Progress: on PostgreSQL the counts are written after each batch from a connection of their own
 * (`progressDb`), outside the import's transaction, so the page sees them grow. On PGlite the one
 * session is held by the import until it commits: progress cannot be written, and the page shows
 * an indeterminate bar that goes from "sedang diproses" straight to done.
 *
 * Jobs of one process run one after another; a job left queued or running by a restart is marked
 * failed at start-up (`failInterrupted`), which is true to what happened: its transaction was
 * rolled back, nothing of it was kept.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BACKGROUND_STATEMENT_TIMEOUT_MS, type Db, type DbHandle } from '../db/client.js'
import {
  type ImportJob,
  createImportJob,
  failImportJob,
  failInterruptedImportJobs,
  finishImportJob,
  holdImportJobLock,
  markImportJobRunning,
  recordImportJobProgress,
} from '../db/queries/import-jobs.js'
import type { Logger } from '../lib/logger.js'
import { describeError } from '../lib/redact.js'
import { ImportFileError } from './csv.js'
import { FAILURE_MESSAGES } from './messages.js'
import { type ImportKind, describeImportFailure, runImport } from './run.js'

export type ImportJobsDeps = {
  db: Db
  /**
   * PostgreSQL: a connection of its own for the progress counts (`handle.lane`). Absent on
   * PGlite, whose one session the import holds: a write from outside would wait for the commit.
   */
  progressDb?: Db
  /** Where uploads wait for their job: `<DATA_DIR>/import-uploads` (default: the system's temp). */
  dir?: string
  logger: Logger
  timeZone: string
  now?: () => Date
}

export type StartImportParams = {
  kind: ImportKind
  /** The uploaded file; it is copied to `dir` as it streams in. */
  file: Blob
  /** Who imports, for the job and the audit log: `person:12`, `admin_token`. */
  actor: string
}

export type ImportJobs = {
  /** Stores the upload, makes a queued job and runs it in the background; returns the job. */
  start: (params: StartImportParams) => Promise<ImportJob>
  /** Marks failed the jobs a restart left queued or running; removes old leftover uploads. */
  failInterrupted: () => Promise<number[]>
  /** Resolves when every job started so far has finished (tests; shutdown). */
  settled: () => Promise<void>
  /** Whether progress counts are written while a job runs (PostgreSQL) or only at the end. */
  liveProgress: boolean
}

/** Leftover uploads older than this are removed at start-up; no import runs this long. */
const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000

export function createImportJobs(deps: ImportJobsDeps): ImportJobs {
  const now = deps.now ?? (() => new Date())
  const { db, progressDb, logger } = deps
  const dir = deps.dir ?? join(tmpdir(), 'kaderbot-import-uploads')
  let tail: Promise<void> = Promise.resolve()

  async function run(job: ImportJob, path: string): Promise<void> {
    try {
      if (!(await markImportJobRunning(db, job.id, now()))) return
      await runImport(db, {
        kind: job.kind as ImportKind,
        source: createReadStream(path, { highWaterMark: 64 * 1024 }),
        actor: job.actor,
        now: now(),
        timeZone: deps.timeZone,
        afterBegin: (tx) => holdImportJobLock(tx, job.id),
        ...(progressDb
          ? {
              onProgress: async (progress) => {
                // The bar is a courtesy: a failed write of it never stops the import.
                await recordImportJobProgress(progressDb, job.id, progress).catch(
                  (error: unknown) =>
                    logger.warn(
                      { error: describeError(error), jobId: job.id },
                      'import progress not saved'
                    )
                )
              },
            }
          : {}),
        beforeCommit: (tx, report) => finishImportJob(tx, job.id, report, now()),
      })
    } catch (error) {
      if (!(error instanceof ImportFileError)) {
        logger.error({ error: describeError(error), jobId: job.id }, 'import job failed')
      }
      const failure =
        error instanceof ImportFileError
          ? FAILURE_MESSAGES.nothingChanged(error.message)
          : describeImportFailure(error)
      await failImportJob(db, job.id, failure, now()).catch((failed: unknown) =>
        logger.error(
          { error: describeError(failed), jobId: job.id },
          'import job not marked failed'
        )
      )
    } finally {
      await rm(path, { force: true })
    }
  }

  return {
    liveProgress: progressDb !== undefined,

    async start(params) {
      await mkdir(dir, { recursive: true })
      const path = join(dir, `upload-${randomUUID()}.csv`)
      let job: ImportJob
      try {
        const lines = await saveUpload(params.file, path)
        job = await createImportJob(db, {
          kind: params.kind,
          actor: params.actor,
          total: Math.max(lines - 1, 0),
          now: now(),
        })
      } catch (error) {
        await rm(path, { force: true })
        throw error
      }
      tail = tail.then(() => run(job, path))
      return job
    },

    async failInterrupted() {
      const ids = await failInterruptedImportJobs(db, FAILURE_MESSAGES.interrupted(), now())
      await removeLeftovers(dir, now())
      return ids
    },

    settled: () => tail,
  }
}

/** Writes the upload to `path` chunk by chunk; returns its number of lines. */
async function saveUpload(file: Blob, path: string): Promise<number> {
  const output = await open(path, 'wx')
  let newlines = 0
  let last = 0x0a
  try {
    for await (const chunk of file.stream() as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of chunk) if (byte === 0x0a) newlines++
      if (chunk.length > 0) last = chunk[chunk.length - 1]!
      await output.write(chunk)
    }
  } finally {
    await output.close()
  }
  return newlines + (last === 0x0a ? 0 : 1)
}

/** Removes uploads a crash left behind (older than a day: no live job's file). */
async function removeLeftovers(dir: string, now: Date): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!/^upload-[0-9a-f-]+\.csv$/.test(name)) continue
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (info && now.getTime() - info.mtimeMs > LEFTOVER_AGE_MS) await rm(path, { force: true })
  }
}

/**
 * The app's import jobs on its database: on PostgreSQL the imports and their progress run on a
 * lane of two connections of their own (one holds the import's transaction, the other writes the
 * counts) with the background statement timeout; on PGlite on its one session, without live
 * progress. Uploads wait under `<dataDir>/import-uploads`.
 */
export function openImportJobs(
  handle: DbHandle,
  options: { dataDir: string; logger: Logger; timeZone: string }
): ImportJobs {
  const lane =
    handle.kind === 'postgres'
      ? handle.lane('imports', 2, { statementTimeoutMs: BACKGROUND_STATEMENT_TIMEOUT_MS })
      : undefined
  return createImportJobs({
    db: lane ?? handle.db,
    ...(lane ? { progressDb: lane } : {}),
    dir: join(options.dataDir, 'import-uploads'),
    logger: options.logger,
    timeZone: options.timeZone,
  })
}
