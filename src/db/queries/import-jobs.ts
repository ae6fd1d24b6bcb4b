/**
 * Dashboard import jobs (`src/import/jobs.ts`): the job row and its counts, the report rows the
 * import writes in its own transaction, the paged report (rejected rows first), and the jobs a
 * restart left behind.
 * @module
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { ImportKind } from '../../import/run.js'
import type { ImportProgress, ImportReport, ImportReportRow } from '../../import/report.js'
import type { DbOrTx } from '../client.js'
import { importJobRows, importJobs } from '../schema/index.js'

export type ImportJob = typeof importJobs.$inferSelect

/** Report rows per insert statement (sent as four arrays). */
const REPORT_INSERT_SIZE = 10_000

/** The advisory lock a running import holds in its transaction: free means nobody runs it. */
const jobLockKey = (id: number) => sql`hashtext(${`import_job:${id}`})`

export async function createImportJob(
  db: DbOrTx,
  params: { kind: ImportKind; actor: string; total?: number; now: Date }
): Promise<ImportJob> {
  const [job] = await db
    .insert(importJobs)
    .values({
      kind: params.kind,
      actor: params.actor,
      total: params.total ?? null,
      createdAt: params.now,
    })
    .returning()
  return job!
}

export async function findImportJob(db: DbOrTx, id: number): Promise<ImportJob | undefined> {
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id))
  return job
}

/** Marks a queued job running; false when it is no longer queued (a start-up failed it). */
export async function markImportJobRunning(db: DbOrTx, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(importJobs)
    .set({ status: 'running', startedAt: now })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'queued')))
    .returning({ id: importJobs.id })
  return rows.length === 1
}

/**
 * Takes the running import's advisory lock inside its transaction, so that a start-up of another
 * replica (`failInterruptedImportJobs`) sees the job is alive.
 */
export async function holdImportJobLock(tx: DbOrTx, id: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${jobLockKey(id)})`)
}

export async function recordImportJobProgress(
  db: DbOrTx,
  id: number,
  progress: ImportProgress
): Promise<void> {
  await db
    .update(importJobs)
    .set({
      processed: progress.processed,
      accepted: progress.accepted,
      rejected: progress.rejected,
    })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'running')))
}

/**
 * Stores the report and marks the job done, in the import's transaction. Throws when the job is
 * no longer running (a start-up marked it failed), which rolls the whole import back.
 */
export async function finishImportJob(
  tx: DbOrTx,
  id: number,
  report: ImportReport,
  now: Date
): Promise<void> {
  const done = await tx
    .update(importJobs)
    .set({
      status: 'done',
      processed: report.rows.length,
      accepted: report.accepted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected,
      ignoredColumns: report.ignoredColumns,
      finishedAt: now,
    })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'running')))
    .returning({ id: importJobs.id })
  if (done.length === 0) throw new Error(`import job ${id} is no longer running`)
  // Four arrays per statement, not a parameter per cell: 100,000 rows cost a few statements.
  for (let start = 0; start < report.rows.length; start += REPORT_INSERT_SIZE) {
    const rows = report.rows.slice(start, start + REPORT_INSERT_SIZE)
    await tx.execute(sql`
      insert into ${importJobRows} (job_id, line, status, reason, name)
      select ${id}, * from unnest(
        ${sql.param(rows.map((row) => row.line))}::integer[],
        ${sql.param(rows.map((row) => row.status))}::text[],
        ${sql.param(rows.map((row) => row.reason ?? null))}::text[],
        ${sql.param(rows.map((row) => row.name ?? null))}::text[]
      )`)
  }
}

/** Marks a job failed with the Indonesian reason (it changed nothing). */
export async function failImportJob(
  db: DbOrTx,
  id: number,
  failure: string,
  now: Date
): Promise<void> {
  await db
    .update(importJobs)
    .set({ status: 'failed', failure, finishedAt: now })
    .where(and(eq(importJobs.id, id), inArray(importJobs.status, ['queued', 'running'])))
}

/**
 * Marks failed every queued or running job that no live import holds (its process ended: a
 * restart, a crash); returns their ids. Their imports changed nothing: each is one transaction.
 */
export async function failInterruptedImportJobs(
  db: DbOrTx,
  failure: string,
  now: Date
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const stale = await tx
      .select({ id: importJobs.id })
      .from(importJobs)
      .where(
        and(
          inArray(importJobs.status, ['queued', 'running']),
          sql`pg_try_advisory_xact_lock(hashtext('import_job:' || ${importJobs.id}))`
        )
      )
    const ids = stale.map((row) => row.id)
    if (ids.length === 0) return []
    await tx
      .update(importJobs)
      .set({ status: 'failed', failure, finishedAt: now })
      .where(inArray(importJobs.id, ids))
    return ids
  })
}

/** One page of a job's report: rejected rows first, then by line. */
export async function listImportJobRows(
  db: DbOrTx,
  params: { jobId: number; offset: number; limit: number }
): Promise<ImportReportRow[]> {
  const rows = await db
    .select()
    .from(importJobRows)
    .where(eq(importJobRows.jobId, params.jobId))
    .orderBy(sql`(${importJobRows.status} <> 'rejected')`, asc(importJobRows.line))
    .offset(params.offset)
    .limit(params.limit)
  return rows.map((row) => ({
    line: row.line,
    status: row.status as ImportReportRow['status'],
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.name !== null ? { name: row.name } : {}),
  }))
}
