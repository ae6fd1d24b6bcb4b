/**
 * The home-visit indicators of docs/domain.md, decision 13, each for a month and a
 * region scope. A scope code (`35.07`, a kecamatan `35.07.24`, a desa `35.07.24.2001`) covers
 * itself and every code below it. The period is `YYYY-MM`, the month of the visit date (WIB),
 * as stored in `visits.period`. Withdrawn visits never count, nor do referrals made at them.
 *
 * Counts are exact integers; `value` is rounded to one decimal (half up) and is `null` when the
 * denominator is 0. The cadre indicators scope by the cadre's own region code; the others by the
 * desa of the visit, referral or family.
 * @module
 */
import { and, count, countDistinct, eq, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { MODERN_KB_METHODS } from '../../domain/visits.js'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { families, people, referrals, visits } from '../schema/index.js'
import { withinCode } from './regions.js'

/** The month and the region an indicator is computed for. */
export type IndicatorScope = {
  /** `YYYY-MM`. */
  period: string
  /** A region code; covers itself and everything below it. */
  scope: string
}

/** `numerator ÷ denominator`, rounded to one decimal; `null` when the denominator is 0. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10) / 10
}

/** `numerator ÷ denominator × 100`, rounded to one decimal; `null` when the denominator is 0. */
function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10
}

/** Active people with the role `kader` whose region code lies within the scope. */
function registeredCadre(scope: string): SQL | undefined {
  return and(
    eq(people.status, 'active'),
    sql`'kader' = any(${people.roles})`,
    withinCode(people.regionCode, scope)
  )
}

export type VisitsPerCadreParams = IndicatorScope

/** Visits per active cadre, with its two counts. */
export type VisitsPerCadre = { visits: number; activeCadres: number; value: number | null }

/**
 * Visits per cadre = visits in the month ÷ active cadres, where active cadres are the registered
 * cadres of the scope (role kader, status active, region code within the scope) with ≥ 1
 * submitted visit in the month, and visits are the submitted visits they reported in the month
 * (wherever the family lives). `null` when no cadre was active.
 */
export async function visitsPerCadre(
  db: DbOrTx,
  params: VisitsPerCadreParams
): Promise<VisitsPerCadre> {
  const rows = await db
    .select({ visits: count(), activeCadres: countDistinct(visits.cadreId) })
    .from(visits)
    .innerJoin(people, eq(people.id, visits.cadreId))
    .where(
      and(
        eq(visits.status, 'submitted'),
        eq(visits.period, params.period),
        registeredCadre(params.scope)
      )
    )
  const { visits: visitCount = 0, activeCadres = 0 } = rows[0] ?? {}
  return { visits: visitCount, activeCadres, value: ratio(visitCount, activeCadres) }
}

export type ActiveCadreRateParams = IndicatorScope

/** Active-cadre rate, with its two counts. */
export type ActiveCadreRate = { active: number; registered: number; value: number | null }

/** Joins a cadre (`people`) to their submitted visits of the month. */
const submittedVisitsOf = (period: string) =>
  and(eq(visits.cadreId, people.id), eq(visits.status, 'submitted'), eq(visits.period, period))

/**
 * Active-cadre rate = active cadres ÷ registered cadres × 100, where registered cadres are the
 * people with role kader, status active and a region code within the scope, and active ones have
 * ≥ 1 submitted visit in the month (WIB). `null` when the scope has no registered cadre.
 */
export async function activeCadreRate(
  db: DbOrTx,
  params: ActiveCadreRateParams
): Promise<ActiveCadreRate> {
  const rows = await db
    .select({ registered: countDistinct(people.id), active: countDistinct(visits.cadreId) })
    .from(people)
    .leftJoin(visits, submittedVisitsOf(params.period))
    .where(registeredCadre(params.scope))
  const { active = 0, registered = 0 } = rows[0] ?? {}
  return { active, registered, value: percent(active, registered) }
}

export type ActiveCadreRateByKecamatanParams = IndicatorScope

/**
 * The active-cadre rate of every kecamatan within the scope (a kabupaten or a kecamatan code), in
 * one query: the same figures as `activeCadreRate` with each kecamatan as scope (cadres whose
 * region code is the kecamatan or lies below it). Kecamatan without a registered cadre are absent.
 */
export async function activeCadreRateByKecamatan(
  db: DbOrTx,
  params: ActiveCadreRateByKecamatanParams
): Promise<Map<string, ActiveCadreRate>> {
  const kecamatan = sql<string>`left(${people.regionCode}, 8)`
  const rows = await db
    .select({
      kecamatan,
      registered: countDistinct(people.id),
      active: countDistinct(visits.cadreId),
    })
    .from(people)
    .leftJoin(visits, submittedVisitsOf(params.period))
    .where(and(registeredCadre(params.scope), sql`length(${people.regionCode}) >= 8`))
    .groupBy(kecamatan)
  return new Map(
    rows.map((row) => [
      row.kecamatan,
      {
        active: row.active,
        registered: row.registered,
        value: percent(row.active, row.registered),
      },
    ])
  )
}

/** Submitted visits in the month per kecamatan of the visit's desa, within the scope. */
export async function countVisitsByKecamatan(
  db: DbOrTx,
  params: IndicatorScope
): Promise<Map<string, number>> {
  const kecamatan = sql<string>`left(${visits.desaCode}, 8)`
  const rows = await db
    .select({ kecamatan, visits: count() })
    .from(visits)
    .where(
      and(
        eq(visits.status, 'submitted'),
        eq(visits.period, params.period),
        withinCode(visits.desaCode, params.scope)
      )
    )
    .groupBy(kecamatan)
  return new Map(rows.map((row) => [row.kecamatan, row.visits]))
}

export type FamiliesVisitedParams = IndicatorScope

/**
 * Families visited = the number of distinct families with ≥ 1 submitted visit in the month whose
 * visit's desa lies within the scope.
 */
export async function familiesVisited(db: DbOrTx, params: FamiliesVisitedParams): Promise<number> {
  const rows = await db
    .select({ families: countDistinct(visits.familyId) })
    .from(visits)
    .where(
      and(
        eq(visits.status, 'submitted'),
        eq(visits.period, params.period),
        withinCode(visits.desaCode, params.scope)
      )
    )
  return rows[0]?.families ?? 0
}

export type ReferralCompletionParams = IndicatorScope

/** Referral completion, with its two counts. */
export type ReferralCompletion = { closed: number; made: number; value: number | null }

/**
 * Referral completion = referrals closed "sudah dilayani" ÷ referrals made × 100, where referrals
 * made are those whose desa lies within the scope, made at a submitted visit of the month (the
 * visit's period, not the referral's `created_at`), and closed ones are those of them whose status
 * is now `sudah_dilayani`. `null` when none was made.
 */
export async function referralCompletion(
  db: DbOrTx,
  params: ReferralCompletionParams
): Promise<ReferralCompletion> {
  const rows = await db
    .select({
      made: count(),
      closed: sql<number>`count(*) filter (where ${referrals.status} = 'sudah_dilayani')`.mapWith(
        Number
      ),
    })
    .from(referrals)
    .innerJoin(visits, eq(visits.id, referrals.visitId))
    .where(
      and(
        eq(visits.status, 'submitted'),
        eq(visits.period, params.period),
        withinCode(referrals.desaCode, params.scope)
      )
    )
  const { closed = 0, made = 0 } = rows[0] ?? {}
  return { closed, made, value: percent(closed, made) }
}

export type KrsCoverageParams = IndicatorScope

/** KRS coverage, with its two counts. */
export type KrsCoverage = { visited: number; known: number; value: number | null }

/**
 * KRS coverage = distinct KRS-flagged families visited in the month ÷ all KRS-flagged families
 * known × 100, both among the families whose desa lies within the scope; "visited" means ≥ 1
 * submitted visit in the month. The flag is the family's current one (no history is kept), so a
 * past month's figure moves when flags change. `null` when the scope has no KRS family.
 */
export async function krsCoverage(db: DbOrTx, params: KrsCoverageParams): Promise<KrsCoverage> {
  const rows = await db
    .select({ known: countDistinct(families.id), visited: countDistinct(visits.familyId) })
    .from(families)
    .leftJoin(
      visits,
      and(
        eq(visits.familyId, families.id),
        eq(visits.status, 'submitted'),
        eq(visits.period, params.period)
      )
    )
    .where(and(eq(families.krs, true), withinCode(families.desaCode, params.scope)))
  const { visited = 0, known = 0 } = rows[0] ?? {}
  return { visited, known, value: percent(visited, known) }
}

export type KbParticipationParams = IndicatorScope

/** KB participation among visited PUS, with its two counts. */
export type KbParticipation = { modern: number; pusVisited: number; value: number | null }

/**
 * KB participation among visited PUS = PUS families whose latest visit records a modern method ÷
 * PUS families visited × 100. PUS families visited are the distinct families with ≥ 1 submitted
 * visit in the month whose sasaran includes `pus` and whose desa lies within the scope; a family's
 * latest visit is its latest submitted visit up to the end of the month (by visit date, then
 * report time), of any sasaran, and it records a modern method when its `kb_method` is one of
 * `MODERN_KB_METHODS`. `null` when no PUS family was visited.
 */
export async function kbParticipation(
  db: DbOrTx,
  params: KbParticipationParams
): Promise<KbParticipation> {
  const modernMethods = sql.join(
    MODERN_KB_METHODS.map((method) => sql`${method}`),
    sql`, `
  )
  const result = await db.execute(sql`
    with pus as (
      select distinct v.family_id
      from visits v
      where v.status = 'submitted'
        and v.period = ${params.period}
        and 'pus' = any(v.sasaran)
        and (v.desa_code = ${params.scope} or v.desa_code like ${params.scope} || '.%')
    ),
    latest as (
      select distinct on (v.family_id) v.family_id, v.kb_method
      from visits v
      join pus on pus.family_id = v.family_id
      where v.status = 'submitted' and v.period <= ${params.period}
      order by v.family_id, v.visit_date desc, v.created_at desc, v.id desc
    )
    select
      count(*)::int as pus_visited,
      (count(*) filter (where kb_method in (${modernMethods})))::int as modern
    from latest
  `)
  const row = rowsOf<{ pus_visited: unknown; modern: unknown }>(result)[0]
  const pusVisited = row ? toNumber(row.pus_visited) : 0
  const modern = row ? toNumber(row.modern) : 0
  return { modern, pusVisited, value: percent(modern, pusVisited) }
}

/** The six home-visit indicators of docs/domain.md, decision 13 for one month and scope. */
export type VisitIndicators = {
  visitsPerCadre: VisitsPerCadre
  activeCadreRate: ActiveCadreRate
  familiesVisited: number
  referralCompletion: ReferralCompletion
  krsCoverage: KrsCoverage
  kbParticipation: KbParticipation
}

/** Reads the six home-visit indicators of a month and scope, one after another. */
export async function readVisitIndicators(
  db: DbOrTx,
  params: IndicatorScope
): Promise<VisitIndicators> {
  return {
    visitsPerCadre: await visitsPerCadre(db, params),
    activeCadreRate: await activeCadreRate(db, params),
    familiesVisited: await familiesVisited(db, params),
    referralCompletion: await referralCompletion(db, params),
    krsCoverage: await krsCoverage(db, params),
    kbParticipation: await kbParticipation(db, params),
  }
}
