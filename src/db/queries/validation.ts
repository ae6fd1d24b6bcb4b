/**
 * Supervisor validation of cadres' reports (docs/domain.md, "Monthly recap"): home visits and
 * Poktan activities, each `submitted` until the supervisor marks it valid or sends it back with a
 * reason; a returned activity is corrected by chat (the correction is a new report, the original
 * kept as `corrected`). Reviews are append-only in `report_reviews`; a visit's state is its latest
 * review, an activity also keeps its state on its row for the recap's counts.
 * @module
 */
import { type SQL, and, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { poktanActivities, reportReviews } from '../schema/index.js'
import type { ReportKind, ReportState } from '../../domain/poktan.js'

/**
 * Every report as one relation: kind, id, cadre, desa, period, date, the state, what it is about
 * (the family's head or the activity's kind) and when it was sent. Withdrawn visits are left out.
 */
const REPORTS = sql`(
  select 'visit'::text as kind, v.id, v.cadre_id, v.desa_code, v.period, v.visit_date::text as report_date,
    coalesce((select r.decision from report_reviews r
      where r.report_kind = 'visit' and r.report_id = v.id
      order by r.created_at desc, r.id desc limit 1), 'submitted') as state,
    f.head_name as subject, v.created_at
  from visits v join families f on f.id = v.family_id
  where v.status = 'submitted'
  union all
  select 'activity'::text, a.id, a.cadre_id, a.desa_code, a.period, a.activity_date::text,
    a.state, a.kind, a.created_at
  from poktan_activities a
) as reports`

/** How many reports of a desa and month are valid, wait for validation, or went back. */
export type ReportCounts = { valid: number; waiting: number; returned: number }

/** Report counts per desa for a month (desa without reports are absent). */
export async function reportCounts(
  db: DbOrTx,
  params: { period: string; desaCodes: string[] }
): Promise<Map<string, ReportCounts>> {
  const result = new Map<string, ReportCounts>()
  if (params.desaCodes.length === 0) return result
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select desa_code,
        count(*) filter (where state = 'valid')::int as valid,
        count(*) filter (where state = 'submitted')::int as waiting,
        count(*) filter (where state = 'returned')::int as returned
      from ${REPORTS}
      where period = ${params.period}
        and desa_code in (${sql.join(
          params.desaCodes.map((d) => sql`${d}`),
          sql`, `
        )})
      group by desa_code`)
  )
  for (const row of rows) {
    result.set(String(row.desa_code), {
      valid: toNumber(row.valid),
      waiting: toNumber(row.waiting),
      returned: toNumber(row.returned),
    })
  }
  return result
}

/** The cadres of a desa (by tier) with at least one valid report in the month. */
export async function cadresWithValidReports(
  db: DbOrTx,
  params: { period: string; desaCode: string }
): Promise<{ ppkbd: number; subPpkbd: number }> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select count(distinct p.id) filter (where p.cadre_tier = 'ppkbd')::int as ppkbd,
        count(distinct p.id) filter (where p.cadre_tier = 'sub_ppkbd')::int as sub_ppkbd
      from ${REPORTS} join people p on p.id = reports.cadre_id
      where reports.period = ${params.period} and reports.desa_code = ${params.desaCode}
        and reports.state = 'valid'`)
  )
  const row = rows[0] ?? {}
  return { ppkbd: toNumber(row.ppkbd ?? 0), subPpkbd: toNumber(row.sub_ppkbd ?? 0) }
}

/** One report in the supervisor's list. */
export type ReportListItem = {
  kind: ReportKind
  id: number
  cadreId: number
  cadreName: string
  desaCode: string
  period: string
  reportDate: string
  state: ReportState
  /** The family's head (visit) or the activity's kind code (activity). */
  subject: string
  createdAt: Date
  /** The latest reason given when the report was sent back. */
  returnReason: string | null
}

export type ReportFilters = {
  /** The reader's region: only reports of desa within it. */
  regionPrefix: string
  period?: string
  state?: ReportState
  kind?: ReportKind
  desaCode?: string
  limit?: number
}

/** Reports within a region, waiting ones first, then newest first. */
export async function listReports(db: DbOrTx, filters: ReportFilters): Promise<ReportListItem[]> {
  const where: SQL[] = [
    sql`(reports.desa_code = ${filters.regionPrefix} or reports.desa_code like ${filters.regionPrefix} || '.%')`,
  ]
  if (filters.period) where.push(sql`reports.period = ${filters.period}`)
  if (filters.state) where.push(sql`reports.state = ${filters.state}`)
  if (filters.kind) where.push(sql`reports.kind = ${filters.kind}`)
  if (filters.desaCode) where.push(sql`reports.desa_code = ${filters.desaCode}`)
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select reports.*, p.name as cadre_name,
        (select r.reason from report_reviews r where r.report_kind = reports.kind
          and r.report_id = reports.id and r.decision = 'returned'
          order by r.created_at desc, r.id desc limit 1) as return_reason
      from ${REPORTS} join people p on p.id = reports.cadre_id
      where ${sql.join(where, sql` and `)}
      order by (reports.state = 'submitted') desc, reports.created_at desc, reports.id desc
      limit ${filters.limit ?? 200}`)
  )
  return rows.map(reportItem)
}

/** A row of the reports relation as a list item. */
function reportItem(r: Record<string, unknown>): ReportListItem {
  return {
    kind: String(r.kind) as ReportKind,
    id: toNumber(r.id),
    cadreId: toNumber(r.cadre_id),
    cadreName: String(r.cadre_name ?? ''),
    desaCode: String(r.desa_code),
    period: String(r.period),
    reportDate: String(r.report_date),
    state: String(r.state) as ReportState,
    subject: String(r.subject),
    createdAt: new Date(String(r.created_at)),
    returnReason: r.return_reason == null ? null : String(r.return_reason),
  }
}

export type ReviewParams = {
  kind: ReportKind
  id: number
  decision: 'valid' | 'returned'
  reason: string | null
  reviewerId: number
  /** The reviewer's region: a report outside it is not found. */
  regionPrefix: string
  now: Date
}

export type ReviewResult =
  | { status: 'reviewed'; cadreId: number; desaCode: string; reportDate: string; subject: string }
  | { status: 'not_found' }
  /** Already valid, corrected, or (for a return) already returned. */
  | { status: 'not_open' }

/**
 * Marks a report valid or sends it back with a reason. Only a report waiting for validation (or,
 * to mark it valid after all, one that was returned and not yet corrected) can be reviewed.
 */
export async function reviewReport(db: DbOrTx, params: ReviewParams): Promise<ReviewResult> {
  const [report] = await listReportById(db, params.kind, params.id, params.regionPrefix)
  if (!report) return { status: 'not_found' }
  const open =
    report.state === 'submitted' || (report.state === 'returned' && params.decision === 'valid')
  if (!open) return { status: 'not_open' }
  await db.insert(reportReviews).values({
    reportKind: params.kind,
    reportId: params.id,
    decision: params.decision,
    reason: params.reason,
    reviewerId: params.reviewerId,
    createdAt: params.now,
  })
  if (params.kind === 'activity') {
    await db
      .update(poktanActivities)
      .set({ state: params.decision })
      .where(and(eq(poktanActivities.id, params.id), eq(poktanActivities.state, report.state)))
  }
  return {
    status: 'reviewed',
    cadreId: report.cadreId,
    desaCode: report.desaCode,
    reportDate: report.reportDate,
    subject: report.subject,
  }
}

async function listReportById(
  db: DbOrTx,
  kind: ReportKind,
  id: number,
  regionPrefix: string
): Promise<ReportListItem[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select reports.* from ${REPORTS}
      where reports.kind = ${kind} and reports.id = ${id}
        and (reports.desa_code = ${regionPrefix} or reports.desa_code like ${regionPrefix} || '.%')`)
  )
  return rows.map(reportItem)
}

/** The new reports a supervisor's digest names: how many, from how many cadres. */
export async function countNewReports(
  db: DbOrTx,
  params: { regionPrefix: string; since: Date; until: Date }
): Promise<{ reports: number; cadres: number }> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select count(*)::int as reports, count(distinct cadre_id)::int as cadres
      from ${REPORTS}
      where state = 'submitted' and created_at >= ${params.since.toISOString()}
        and created_at < ${params.until.toISOString()}
        and (desa_code = ${params.regionPrefix} or desa_code like ${params.regionPrefix} || '.%')`)
  )
  const row = rows[0] ?? {}
  return { reports: toNumber(row.reports ?? 0), cadres: toNumber(row.cadres ?? 0) }
}

/** The activities sent back to a cadre and not yet corrected, newest first (to correct by chat). */
export async function listReturnedActivities(db: DbOrTx, cadreId: number) {
  return db
    .select({
      id: poktanActivities.id,
      kind: poktanActivities.kind,
      activityDate: poktanActivities.activityDate,
      reason: sql<string | null>`(select r.reason from ${reportReviews} r
        where r.report_kind = 'activity' and r.report_id = ${poktanActivities.id}
        order by r.created_at desc, r.id desc limit 1)`,
    })
    .from(poktanActivities)
    .where(and(eq(poktanActivities.cadreId, cadreId), eq(poktanActivities.state, 'returned')))
    .orderBy(sql`${poktanActivities.createdAt} desc`)
}
