import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Where a dashboard import is: waiting to start, running, finished (`done`) or `failed`. */
export const IMPORT_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const

export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number]

/**
 * A CSV import started from the dashboard, run in the background (`src/import/jobs.ts`). The
 * counts grow while it runs (on PostgreSQL; written from a connection of their own) and are final
 * when it is `done`; `failure` says in Indonesian why a `failed` one changed nothing. `total` is
 * the number of lines of the file (an upper bound of its rows: empty lines are skipped).
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** `people`, `sessions` or `enrollments` (`IMPORT_KINDS`). */
    kind: text('kind').notNull(),
    status: text('status').$type<ImportJobStatus>().notNull().default('queued'),
    /** Who started it, as in the audit log: `person:12`, `admin_token`. */
    actor: text('actor').notNull(),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** Header cells of the file that matched no column. */
    ignoredColumns: text('ignored_columns')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    failure: text('failure'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    check('import_jobs_status_ck', sql`${t.status} in ('queued', 'running', 'done', 'failed')`),
    index('import_jobs_status_idx').on(t.status),
  ]
)

/**
 * The report of a `done` import, one row per line of the file, written in the import's own
 * transaction: a failed import keeps none. `name` is the name in the row (shown to admins only).
 */
export const importJobRows = pgTable(
  'import_job_rows',
  {
    jobId: bigint('job_id', { mode: 'number' })
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    /** `accepted`, `updated`, `unchanged` or `rejected` (`ImportRowStatus`). */
    status: text('status').notNull(),
    reason: text('reason'),
    name: text('name'),
  },
  (t) => [
    // The report's order: rejected rows first, then by line.
    index('import_job_rows_order_idx').on(t.jobId, sql`(${t.status} <> 'rejected')`, t.line),
  ]
)
