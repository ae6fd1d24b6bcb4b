/**
 * Reporting coverage and timeliness (docs/domain.md, "Monthly recap"): for a month, per desa and
 * cadre, whether the cadre reported that month's work (a visit or a Poktan activity dated in it)
 * by the deadline, the Nth of the next month at 23.59 local time (a setting, 3 by default), late,
 * or not yet. Coverage = cadres on time / cadres; timeliness = on time / reported.
 * @module
 */
import { eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { adminSettings } from '../schema/index.js'
import { addDays, localInstant } from '../../domain/dates.js'
import { percentOf } from '../../domain/kb.js'

/** The setting that holds the deadline's day of the next month. */
export const DEADLINE_SETTING = 'recap.deadline_day'
export const DEFAULT_DEADLINE_DAY = 3

export type CoverageStatus = 'on_time' | 'late' | 'not_yet'

export type CadreCoverage = {
  cadreId: number
  name: string
  desaCode: string
  status: CoverageStatus
  /** When the first report of the month was sent; null when none. */
  firstSentAt: Date | null
  reports: number
}

export type DesaCoverage = {
  desaCode: string
  desaName: string
  cadres: number
  onTime: number
  late: number
  notYet: number
  /** On time / cadres in percent; null for a desa without a cadre. */
  coverage: number | null
  /** On time / reported in percent; null when nobody reported. */
  timeliness: number | null
}

/** The deadline's day of the month after the period (the setting, or 3). */
export async function deadlineDay(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ value: adminSettings.value })
    .from(adminSettings)
    .where(eq(adminSettings.key, DEADLINE_SETTING))
  const day = Number(row?.value)
  return Number.isInteger(day) && day >= 1 && day <= 28 ? day : DEFAULT_DEADLINE_DAY
}

/** The last instant a report on `period` is on time: day N of the next month, 23.59.59 local. */
export function deadlineOf(period: string, day: number, timeZone: string): Date {
  const [year, month] = period.split('-').map(Number) as [number, number]
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`
  const dayAfter = addDays(`${next}-${String(day).padStart(2, '0')}`, 1)
  return new Date(localInstant(dayAfter, { hour: 0, minute: 0 }, timeZone).getTime() - 1)
}

/**
 * Every active cadre of the region with their status for the month, late ones first, then those
 * who have not reported, then those on time; by desa and name within.
 */
export async function cadreCoverage(
  db: DbOrTx,
  params: { period: string; regionPrefix: string; deadline: Date }
): Promise<CadreCoverage[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with sent as (
        select cadre_id, created_at from visits
          where period = ${params.period} and status = 'submitted'
        union all
        select cadre_id, created_at from poktan_activities
          where period = ${params.period} and state <> 'corrected'
      ),
      firsts as (
        select cadre_id, min(created_at) as first_sent, count(*)::int as reports
        from sent group by cadre_id
      )
      select p.id, p.name, p.region_code, f.first_sent, coalesce(f.reports, 0) as reports
      from people p left join firsts f on f.cadre_id = p.id
      where p.status = 'active' and 'kader' = any(p.roles)
        and (p.region_code = ${params.regionPrefix} or p.region_code like ${params.regionPrefix} || '.%')`)
  )
  const order: Record<CoverageStatus, number> = { late: 0, not_yet: 1, on_time: 2 }
  return rows
    .map((r): CadreCoverage => {
      const firstSentAt = r.first_sent == null ? null : new Date(String(r.first_sent))
      return {
        cadreId: toNumber(r.id),
        name: String(r.name),
        desaCode: String(r.region_code),
        status:
          firstSentAt === null ? 'not_yet' : firstSentAt <= params.deadline ? 'on_time' : 'late',
        firstSentAt,
        reports: toNumber(r.reports),
      }
    })
    .sort(
      (a, b) =>
        order[a.status] - order[b.status] ||
        a.desaCode.localeCompare(b.desaCode) ||
        a.name.localeCompare(b.name)
    )
}

/**
 * Coverage per desa of the region (every desa, one without a cadre included with null rates),
 * desa with late cadres first, then by lowest coverage.
 */
export async function desaCoverage(
  db: DbOrTx,
  params: { period: string; regionPrefix: string; deadline: Date }
): Promise<DesaCoverage[]> {
  const cadres = await cadreCoverage(db, params)
  const desas = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select code, name from regions where level in ('desa', 'kelurahan')
        and (code = ${params.regionPrefix} or code like ${params.regionPrefix} || '.%')`)
  )
  const result = desas.map((d): DesaCoverage => {
    const own = cadres.filter((c) => c.desaCode === String(d.code))
    const count = (status: CoverageStatus) => own.filter((c) => c.status === status).length
    const onTime = count('on_time')
    const late = count('late')
    return {
      desaCode: String(d.code),
      desaName: String(d.name),
      cadres: own.length,
      onTime,
      late,
      notYet: count('not_yet'),
      coverage: percentOf(onTime, own.length),
      timeliness: percentOf(onTime, onTime + late),
    }
  })
  return result.sort(
    (a, b) =>
      b.late - a.late ||
      (a.coverage ?? 101) - (b.coverage ?? 101) ||
      a.desaName.localeCompare(b.desaName)
  )
}
