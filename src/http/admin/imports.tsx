/**
 * The dashboard's import jobs (admins only): the job page with its progress bar, polled by
 * `import-job.js` through a small JSON endpoint (no inline script), and, once the import is done,
 * its report paged 100 rows at a time, rejected rows first with their reasons. A failed import
 * says why, in Indonesian, and that nothing was changed.
 * @module
 */
import { readFile } from 'node:fs/promises'
import type { Hono } from 'hono'
import type { ImportJob } from '../../db/queries/import-jobs.js'
import { findImportJob, listImportJobRows } from '../../db/queries/import-jobs.js'
import { formatDateTime, formatNumber } from '../../i18n/format.js'
import type { ImportJobs } from '../../import/jobs.js'
import type { ImportReportRow } from '../../import/report.js'
import type { AdminContext, AdminDeps, AdminEnv, AdminText } from './context.js'
import { DataTable } from './controls.js'
import type { LayoutProps } from './layout.js'
import { idSchema } from './view-helpers.js'
import { z } from 'zod'

/** Report rows per page. */
export const IMPORT_REPORT_PAGE_SIZE = 100

const SCRIPT_URL = new URL('./import-job.js', import.meta.url)

const pageNumberSchema = z.coerce.number().int().min(1).max(1_000_000)

export type ImportRouteHelpers = {
  t: AdminText
  jobs: ImportJobs
  page: (
    c: AdminContext,
    props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
    status?: 200 | 400 | 403 | 404
  ) => Promise<Response>
}

/** What the job page's script reads: the counts, and a sentence for the bar. */
export type ImportJobStatusJson = {
  status: ImportJob['status']
  ended: boolean
  live: boolean
  processed: number
  total: number | null
  accepted: number
  updated: number
  unchanged: number
  rejected: number
  progressText: string
}

export function registerImportPages(
  app: Hono<AdminEnv>,
  deps: AdminDeps,
  helpers: ImportRouteHelpers
): void {
  const { page, jobs } = helpers
  const text = (key: string, params?: Parameters<AdminText>[1]) =>
    deps.i18n.render({ key: `import:${key}`, params })
  let script: Promise<string> | undefined

  /** The job of `:id` when the viewer is an admin; else the response to send. */
  async function jobOf(c: AdminContext): Promise<ImportJob | Response> {
    if (!c.get('viewer').isAdmin) {
      const message = helpers.t('errors.forbidden')
      return page(c, { title: message, children: <p>{message}</p> }, 403)
    }
    const id = idSchema.safeParse(c.req.param('id'))
    const job = id.success ? await findImportJob(deps.db, id.data) : undefined
    if (job) return job
    return page(c, { title: text('notFound'), children: <p>{text('notFound')}</p> }, 404)
  }

  function progressText(job: ImportJob): string {
    if (job.status === 'queued') return text('queued')
    if (!jobs.liveProgress) return text('progressHeld')
    return text('progressLive', {
      processed: formatNumber(job.processed),
      total: formatNumber(Math.max(job.total ?? 0, job.processed)),
      rejected: formatNumber(job.rejected),
    })
  }

  app.get('/assets/import-job.js', async (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'no-cache')
    return c.body(await (script ??= readFile(SCRIPT_URL, 'utf8')))
  })

  app.get('/impor/:id/status', async (c) => {
    const job = await jobOf(c)
    if (job instanceof Response) return job
    c.header('cache-control', 'no-store')
    const body: ImportJobStatusJson = {
      status: job.status,
      ended: job.status === 'done' || job.status === 'failed',
      live: jobs.liveProgress,
      processed: job.processed,
      total: job.total,
      accepted: job.accepted,
      updated: job.updated,
      unchanged: job.unchanged,
      rejected: job.rejected,
      progressText: progressText(job),
    }
    return c.json(body)
  })

  app.get('/impor/:id', async (c) => {
    const job = await jobOf(c)
    if (job instanceof Response) return job
    const pages = Math.max(1, Math.ceil(job.processed / IMPORT_REPORT_PAGE_SIZE))
    const requested = pageNumberSchema.safeParse(c.req.query('halaman'))
    const current = Math.min(requested.success ? requested.data : 1, pages)
    const rows =
      job.status === 'done'
        ? await listImportJobRows(deps.db, {
            jobId: job.id,
            offset: (current - 1) * IMPORT_REPORT_PAGE_SIZE,
            limit: IMPORT_REPORT_PAGE_SIZE,
          })
        : []
    const title = text('title', { kind: text(`kind.${job.kind}`), id: job.id })
    return page(c, {
      title,
      current: 'orang',
      children: (
        <>
          <p>
            <a href="/admin/orang">{text('back')}</a>
          </p>
          <p class="muted">
            {text('startedAt', { at: formatDateTime(job.createdAt, deps.timeZone) })}
          </p>
          {job.status === 'queued' || job.status === 'running' ? (
            <JobProgress
              job={job}
              text={text}
              progressText={progressText(job)}
              live={jobs.liveProgress}
            />
          ) : job.status === 'failed' ? (
            <section role="alert">
              <p class="error">{text('failed', { reason: job.failure ?? '' })}</p>
              <p>{text('failedNothing')}</p>
            </section>
          ) : (
            <JobReport
              job={job}
              rows={rows}
              page={current}
              pages={pages}
              t={helpers.t}
              text={text}
              timeZone={deps.timeZone}
            />
          )}
        </>
      ),
    })
  })
}

type Text = (key: string, params?: Parameters<AdminText>[1]) => string

/**
 * The bar of a job not finished. With live counts (PostgreSQL) it has a value the script moves;
 * without them (PGlite: the import holds the one session) it is indeterminate until the end.
 */
function JobProgress(props: { job: ImportJob; text: Text; progressText: string; live: boolean }) {
  const { job, text } = props
  const determinate = props.live && job.status === 'running' && (job.total ?? 0) > 0
  return (
    <section aria-labelledby="import-progress-text">
      <p>
        <strong>{text(`status.${job.status}`)}</strong>
      </p>
      {determinate ? (
        <progress
          data-import-job={`/admin/impor/${job.id}/status`}
          value={Math.min(job.processed, job.total ?? 0)}
          max={job.total ?? 0}
          aria-label={text('progressLabel')}
        />
      ) : (
        <progress
          data-import-job={`/admin/impor/${job.id}/status`}
          aria-label={text('progressLabel')}
        />
      )}
      <p id="import-progress-text" role="status">
        {props.progressText}
      </p>
      <noscript>
        <p class="muted">{text('noScript')}</p>
      </noscript>
      <script src="/admin/assets/import-job.js" defer></script>
    </section>
  )
}

/** A done job: its counts and one page of its report rows, rejected rows first. */
function JobReport(props: {
  job: ImportJob
  rows: ImportReportRow[]
  page: number
  pages: number
  t: AdminText
  text: Text
  timeZone: string
}) {
  const { job, t, text } = props
  const href = (page: number) => `/admin/impor/${job.id}?halaman=${page}`
  return (
    <section aria-labelledby="import-report">
      <h2 id="import-report">{text('report')}</h2>
      <p class="muted">
        {job.finishedAt &&
          text('finishedAt', { at: formatDateTime(job.finishedAt, props.timeZone) })}
      </p>
      <progress value={1} max={1} aria-label={text('progressLabel')} />
      <p role="status">
        {t('people.summary', {
          accepted: formatNumber(job.accepted),
          updated: formatNumber(job.updated),
          unchanged: formatNumber(job.unchanged),
          rejected: formatNumber(job.rejected),
        })}
      </p>
      {job.ignoredColumns.length > 0 && (
        <p>{text('ignoredColumns', { columns: job.ignoredColumns.join(', ') })}</p>
      )}
      <DataTable
        caption={text('reportPage', {
          page: formatNumber(props.page),
          pages: formatNumber(props.pages),
          size: IMPORT_REPORT_PAGE_SIZE,
        })}
        columns={[
          { label: t('people.line'), num: true },
          t('people.name'),
          t('people.outcome'),
          t('people.reason'),
        ]}
      >
        {props.rows.map((row) => (
          <tr>
            <td class="num">{row.line}</td>
            <td>{row.name ?? '–'}</td>
            <td>{t(`people.rowStatus.${row.status}`)}</td>
            <td>{row.reason ?? ''}</td>
          </tr>
        ))}
      </DataTable>
      <nav class="pager" aria-label={t('paging.label')}>
        {props.page > 1 && (
          <a href={href(props.page - 1)} rel="prev">
            {text('previous')}
          </a>
        )}
        {props.page < props.pages && (
          <a href={href(props.page + 1)} rel="next">
            {text('next')}
          </a>
        )}
      </nav>
    </section>
  )
}
