/**
 * The dashboard's visit pages: a filtered, paged list with the names a reader needs (family,
 * cadre, desa, kecamatan, referral), one visit's detail, and visits per week of a month. Every
 * query takes the viewer's region scope (`regionPrefix`: a supervisor's kecamatan or desa, `35.07`
 * for admins) and applies it in SQL, so no URL reaches a visit outside it (docs/domain.md, decision
 * 4).
 * @module
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { FollowUpStatus } from '../../domain/visits.js'
import type { DbOrTx } from '../client.js'
import { families, people, referrals, regions, visits } from '../schema/index.js'
import { withinCode } from './regions.js'
import { VISIT_FINDINGS_COLUMNS } from './visits.js'
import type { VisitFindings } from './visits.js'

/** The viewer's region scope: codes at or below `regionPrefix` are visible. */
export type AdminScope = { regionPrefix: string }

/** Referral filter: visits without one, with any, or with one in a given follow-up status. */
export type ReferralFilter = 'none' | 'any' | FollowUpStatus

export type ListAdminVisitsParams = {
  scope: AdminScope
  /** `YYYY-MM`. */
  period?: string
  /** A kecamatan or desa code (narrows within the scope; outside it nothing matches). */
  regionCode?: string
  cadreId?: number
  sasaran?: string
  referral?: ReferralFilter
  /** Show withdrawn visits too (default: submitted only). */
  includeWithdrawn?: boolean
  /** Keyset cursor: the last row of the previous page. */
  after?: { visitDate: string; id: number }
  limit: number
}

/** One row of the dashboard's visit list. */
export type AdminVisitRow = {
  id: number
  reference: string
  visitDate: string
  status: 'submitted' | 'withdrawn'
  sasaran: string[]
  headName: string
  cadreId: number
  cadreName: string
  desaCode: string
  desaName: string
  kecamatanName: string | null
  referralStatus: string | null
}

const kecamatanRegions = alias(regions, 'kecamatan_regions')

/**
 * The columns of an `AdminVisitRow`, for a select from visits joined with family, cadre (`people`),
 * desa (`regions`), kecamatan (`kecamatanRegions`) and referral.
 */
const ADMIN_VISIT_ROW_FIELDS = {
  id: visits.id,
  reference: visits.reference,
  visitDate: visits.visitDate,
  status: visits.status,
  sasaran: visits.sasaran,
  headName: families.headName,
  cadreId: visits.cadreId,
  cadreName: people.name,
  desaCode: visits.desaCode,
  desaName: regions.name,
  kecamatanName: kecamatanRegions.name,
  referralStatus: referrals.status,
}

function filters(params: ListAdminVisitsParams): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [withinCode(visits.desaCode, params.scope.regionPrefix)]
  if (!params.includeWithdrawn) conditions.push(eq(visits.status, 'submitted'))
  if (params.period !== undefined) conditions.push(eq(visits.period, params.period))
  if (params.regionCode !== undefined) {
    conditions.push(withinCode(visits.desaCode, params.regionCode))
  }
  if (params.cadreId !== undefined) conditions.push(eq(visits.cadreId, params.cadreId))
  if (params.sasaran !== undefined) {
    conditions.push(sql`${params.sasaran} = any(${visits.sasaran})`)
  }
  if (params.referral === 'none') conditions.push(sql`${referrals.id} is null`)
  else if (params.referral === 'any') conditions.push(sql`${referrals.id} is not null`)
  else if (params.referral !== undefined) conditions.push(eq(referrals.status, params.referral))
  return conditions
}

/**
 * Visits in scope matching the filters, newest visit date first (then newest id), one page of
 * `limit`; pass the last row as `after` for the next page.
 */
export async function listAdminVisits(
  db: DbOrTx,
  params: ListAdminVisitsParams
): Promise<AdminVisitRow[]> {
  const conditions = filters(params)
  if (params.after) {
    conditions.push(
      or(
        lt(visits.visitDate, params.after.visitDate),
        and(eq(visits.visitDate, params.after.visitDate), lt(visits.id, params.after.id))
      )
    )
  }
  return db
    .select(ADMIN_VISIT_ROW_FIELDS)
    .from(visits)
    .innerJoin(families, eq(families.id, visits.familyId))
    .innerJoin(people, eq(people.id, visits.cadreId))
    .innerJoin(regions, eq(regions.code, visits.desaCode))
    .leftJoin(kecamatanRegions, eq(kecamatanRegions.code, regions.parentCode))
    .leftJoin(referrals, eq(referrals.visitId, visits.id))
    .where(and(...conditions))
    .orderBy(desc(visits.visitDate), desc(visits.id))
    .limit(params.limit)
}

/** One visit with everything the detail page shows. */
export type AdminVisitDetail = AdminVisitRow &
  VisitFindings & {
    familyId: number
    dusunRwRt: string | null
    krs: boolean
    photoRef: string | null
    lat: number | null
    lng: number | null
    duplicateOf: number | null
    createdAt: Date
    referral: {
      target: string
      reason: string
      followUpDate: string
      status: string
      closedAt: Date | null
    } | null
  }

export type FindAdminVisitParams = { scope: AdminScope; id: number }

/** One visit within the scope, or `undefined` (also when it exists outside the scope). */
export async function findAdminVisit(
  db: DbOrTx,
  params: FindAdminVisitParams
): Promise<AdminVisitDetail | undefined> {
  const rows = await db
    .select({
      ...ADMIN_VISIT_ROW_FIELDS,
      familyId: families.id,
      dusunRwRt: families.dusunRwRt,
      krs: families.krs,
      ...VISIT_FINDINGS_COLUMNS,
      photoRef: visits.photoRef,
      lat: visits.lat,
      lng: visits.lng,
      duplicateOf: visits.duplicateOf,
      createdAt: visits.createdAt,
      referralTarget: referrals.target,
      referralReason: referrals.reason,
      referralFollowUpDate: referrals.followUpDate,
      referralClosedAt: referrals.closedAt,
    })
    .from(visits)
    .innerJoin(families, eq(families.id, visits.familyId))
    .innerJoin(people, eq(people.id, visits.cadreId))
    .innerJoin(regions, eq(regions.code, visits.desaCode))
    .leftJoin(kecamatanRegions, eq(kecamatanRegions.code, regions.parentCode))
    .leftJoin(referrals, eq(referrals.visitId, visits.id))
    .where(and(eq(visits.id, params.id), withinCode(visits.desaCode, params.scope.regionPrefix)))
  const row = rows[0]
  if (!row) return undefined
  const { referralTarget, referralReason, referralFollowUpDate, referralClosedAt, ...visit } = row
  return {
    ...visit,
    referral:
      referralTarget !== null && referralReason !== null && referralFollowUpDate !== null
        ? {
            target: referralTarget,
            reason: referralReason,
            followUpDate: referralFollowUpDate,
            status: visit.referralStatus ?? 'belum',
            closedAt: referralClosedAt,
          }
        : null,
  }
}

export type CountVisitsByWeekParams = { scope: AdminScope; period: string; regionCode?: string }

/** Submitted visits in one week of the month: week 1 is days 1–7, week 5 days 29–31. */
export type WeekCount = { week: number; visits: number }

/**
 * Submitted visits of the month per week of the month (days 1–7, 8–14, 15–21, 22–28, 29–31), by
 * the visit's desa within the scope (and the optional narrower region); every week present, 0
 * when none.
 */
export async function countVisitsByWeek(
  db: DbOrTx,
  params: CountVisitsByWeekParams
): Promise<WeekCount[]> {
  const week = sql<number>`((extract(day from ${visits.visitDate})::int - 1) / 7 + 1)`
  const conditions = [
    eq(visits.status, 'submitted'),
    eq(visits.period, params.period),
    withinCode(visits.desaCode, params.scope.regionPrefix),
  ]
  if (params.regionCode !== undefined) {
    conditions.push(withinCode(visits.desaCode, params.regionCode))
  }
  const rows = await db
    .select({ week: week.mapWith(Number), visits: sql<number>`count(*)::int`.mapWith(Number) })
    .from(visits)
    .where(and(...conditions))
    .groupBy(week)
  const byWeek = new Map(rows.map((row) => [row.week, row.visits]))
  return [1, 2, 3, 4, 5].map((n) => ({ week: n, visits: byWeek.get(n) ?? 0 }))
}

export type ListScopeCadresParams = { scope: AdminScope }

/** The cadres (role kader) within a scope, by name, for the visit filter. */
export async function listScopeCadres(
  db: DbOrTx,
  params: ListScopeCadresParams
): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(
      and(
        sql`'kader' = any(${people.roles})`,
        withinCode(people.regionCode, params.scope.regionPrefix)
      )
    )
    .orderBy(people.name, people.id)
}
