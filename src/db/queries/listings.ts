/**
 * Keyset lists of the records other systems sync and people export (docs/design.md#contracts:
 * lists, docs/domain.md, decision 3): visits, attendance and people, each row carrying its
 * Kemendagri codes, its programme code and its period, plus the indicators of a month and region as
 * rows. The REST API, the exports and the dashboard all read through these functions.
 *
 * - Every function takes the reader's `scope` (`regionPrefix`: `35.07` for the API token, a
 *   supervisor's kecamatan or desa on the dashboard) and applies it in SQL; a narrower `region`
 *   filter outside the scope matches nothing.
 * - Pages are keyset pages on the row id (`afterId`), ascending by default, so rows inserted while
 *   a reader pages never shift a page; a new row lands after the ones already read. `since` keeps
 *   rows created (people: updated) at or after a moment, for incremental sync.
 * - Rows hold only the personal data their list needs (docs/domain.md#privacy): ids as stable
 *   person and family keys, never phones, family names, notes, photos, locations or raw health
 *   numbers.
 * - `iterate*` functions walk every matching row in batches of `batchSize`, so an export of
 *   100,000 rows holds one batch in memory at a time.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { and, asc, desc, eq, gt, gte, lt, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { coversRegion } from '../../domain/people.js'
import type { PersonStatus, Role } from '../../domain/people.js'
import type {
  AttendanceRecord,
  IndicatorRecord,
  PersonRecord,
  VisitRecord,
  VisitStatus,
} from '../../domain/records.js'
import type { AttendanceStatus } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  cohorts,
  people,
  programmes,
  referrals,
  regions,
  trainingSessions,
  visits,
} from '../schema/index.js'
import type { AdminScope } from './admin-visits.js'
import { withinCode } from './regions.js'
import { type DaftarHadirRow, listDaftarHadir } from './attendance.js'
import { type VisitIndicators, readVisitIndicators } from './indicators.js'
import {
  TRAINING_EFFECTIVENESS_KEYS,
  TRAINING_INDICATOR_KEYS,
  type TrainingEffectivenessKey,
  type TrainingIndicator,
  type TrainingIndicatorKey,
  readTrainingEffectiveness,
  readTrainingIndicators,
} from './training-indicators.js'
import { type KbIndicatorKey, kbIndicatorFigures, readKbIndicators } from './kb-indicators.js'
import type { SigaMethodCode } from '../../domain/kb.js'

/**
 * The programme code of the cadres' home visits (docs/domain.md, decision 3: every record carries a
 * programme/OPD code). Visits are not stored per programme; every visit belongs to this one.
 */
export const HOME_VISIT_PROGRAMME_CODE = 'DPPKB-KUNJUNGAN'

/** The reader's region scope (`35.07` for admins and the API token). */
export type ListingScope = AdminScope

/** Thrown when a reader asks for a region outside their scope. */
export class OutOfScopeError extends Error {
  readonly code = 'OUT_OF_SCOPE' as const

  constructor(readonly regionCode: string) {
    super(`region ${regionCode} lies outside the reader's scope`)
    this.name = 'OutOfScopeError'
  }
}

/** Largest page any list returns. */
export const MAX_PAGE_SIZE = 1000

/** Rows fetched per query by the `iterate*` functions (default). */
export const DEFAULT_BATCH_SIZE = 1000

/** Paging shared by every list. */
export type PageParams = {
  scope: ListingScope
  /** Page size, 1..`MAX_PAGE_SIZE`. */
  limit: number
  /** Keyset: rows after this id (in the list's direction). */
  afterId?: number
  /** `asc` (default, oldest first: sync and exports) or `desc` (newest first: dashboards). */
  direction?: 'asc' | 'desc'
  /** Only rows created (people: updated) at or after this moment. */
  since?: Date
}

/** One page and the id to pass as `afterId` for the next, `null` on the last page. */
export type Page<T> = { rows: T[]; nextAfterId: number | null }

const kecamatanRegions = alias(regions, 'kecamatan_regions')

/** The keyset condition and order for an id column. */
function keyset(column: PgColumn, params: PageParams): { where?: SQL; order: SQL } {
  const descending = params.direction === 'desc'
  const where =
    params.afterId === undefined
      ? undefined
      : descending
        ? lt(column, params.afterId)
        : gt(column, params.afterId)
  return { where, order: descending ? desc(column) : asc(column) }
}

/** Cuts the `limit + 1` rows a page query fetched to the page and its next key. */
function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { rows, nextAfterId: null }
  const page = rows.slice(0, limit)
  return { rows: page, nextAfterId: page.at(-1)!.id }
}

/** Walks every page of a list, yielding its rows one batch at a time. */
async function* iteratePages<T extends { id: number }, P extends PageParams>(
  list: (params: P) => Promise<Page<T>>,
  params: Omit<P, 'limit' | 'afterId'>,
  batchSize: number
): AsyncGenerator<T[], void, undefined> {
  let afterId: number | undefined
  for (;;) {
    const page = await list({ ...params, limit: batchSize, afterId } as P)
    if (page.rows.length > 0) yield page.rows
    if (page.nextAfterId === null) return
    afterId = page.nextAfterId
  }
}

/** `YYYY-MM` of a `YYYY-MM-DD` date column. */
function periodOfDate(column: PgColumn): SQL<string> {
  return sql<string>`to_char(${column}, 'YYYY-MM')`
}

// === Visits

export type ListVisitRowsParams = PageParams & {
  /** `YYYY-MM`, the month of the visit date (WIB). */
  period?: string
  /** A kabupaten, kecamatan or desa code: the visit's desa lies within it. */
  region?: string
  cadreId?: number
  /** Visits whose sasaran includes this target group. */
  sasaran?: string
  /** `submitted` or `withdrawn`; both when absent, so a syncing system sees withdrawals. */
  status?: VisitStatus
}

/**
 * The columns of a visit record (`visitRecordSchema`), one per field: a field added to the schema
 * and not selected here, or selected and not in the schema, fails to compile.
 */
const VISIT_RECORD_COLUMNS = {
  id: visits.id,
  reference: visits.reference,
  programmeCode: sql<string>`${HOME_VISIT_PROGRAMME_CODE}`,
  period: visits.period,
  visitDate: visits.visitDate,
  kecamatanCode: regions.parentCode,
  kecamatanName: kecamatanRegions.name,
  desaCode: visits.desaCode,
  desaName: regions.name,
  cadreId: visits.cadreId,
  familyId: visits.familyId,
  sasaran: visits.sasaran,
  kbStatus: visits.kbStatus,
  kbMethod: visits.kbMethod,
  kbIntent: visits.kbIntent,
  risk4t: visits.risk4t,
  envRisks: visits.envRisks,
  actions: visits.actions,
  referralTarget: referrals.target,
  referralReason: referrals.reason,
  referralStatus: referrals.status,
  followUpDate: referrals.followUpDate,
  duplicateOf: visits.duplicateOf,
  status: visits.status,
  createdAt: visits.createdAt,
} satisfies Record<keyof VisitRecord, unknown>

/**
 * One page of the visits within the scope matching the filters, by id (keyset), with the desa
 * and kecamatan codes and names and the referral made at the visit, if any.
 */
export async function listVisitRows(
  db: DbOrTx,
  params: ListVisitRowsParams
): Promise<Page<VisitRecord>> {
  const page = keyset(visits.id, params)
  const conditions: (SQL | undefined)[] = [
    withinCode(visits.desaCode, params.scope.regionPrefix),
    page.where,
  ]
  if (params.region !== undefined) conditions.push(withinCode(visits.desaCode, params.region))
  if (params.period !== undefined) conditions.push(eq(visits.period, params.period))
  if (params.cadreId !== undefined) conditions.push(eq(visits.cadreId, params.cadreId))
  if (params.sasaran !== undefined) {
    conditions.push(sql`${params.sasaran} = any(${visits.sasaran})`)
  }
  if (params.status !== undefined) conditions.push(eq(visits.status, params.status))
  if (params.since !== undefined) conditions.push(gte(visits.createdAt, params.since))
  const rows: VisitRecord[] = await db
    .select(VISIT_RECORD_COLUMNS)
    .from(visits)
    .leftJoin(regions, eq(regions.code, visits.desaCode))
    .leftJoin(kecamatanRegions, eq(kecamatanRegions.code, regions.parentCode))
    .leftJoin(referrals, eq(referrals.visitId, visits.id))
    .where(and(...conditions))
    .orderBy(page.order)
    .limit(params.limit + 1)
  return toPage(rows, params.limit)
}

/** Every visit matching the filters, in id order, `batchSize` rows at a time. */
export function iterateVisitRows(
  db: DbOrTx,
  params: Omit<ListVisitRowsParams, 'limit' | 'afterId'>,
  batchSize = DEFAULT_BATCH_SIZE
): AsyncGenerator<VisitRecord[], void, undefined> {
  return iteratePages((p: ListVisitRowsParams) => listVisitRows(db, p), params, batchSize)
}

// === Attendance

export type ListAttendanceRowsParams = PageParams & {
  /** `YYYY-MM`, the month of the session date. */
  period?: string
  /** A kabupaten or kecamatan code: the cohort's kecamatan lies within it. */
  region?: string
  /** A cohort code. */
  cohort?: string
  status?: AttendanceStatus
}

/** The columns of an attendance record (`attendanceRecordSchema`), one per field. */
const ATTENDANCE_RECORD_COLUMNS = {
  id: attendance.id,
  programmeCode: programmes.code,
  cohortCode: cohorts.code,
  kecamatanCode: cohorts.kecamatanCode,
  sessionId: trainingSessions.id,
  sessionDate: trainingSessions.date,
  period: periodOfDate(trainingSessions.date),
  personId: attendance.personId,
  personRegionCode: people.regionCode,
  status: attendance.status,
  method: attendance.method,
  at: attendance.at,
} satisfies Record<keyof AttendanceRecord, unknown>

/**
 * One page of the attendance records whose cohort's kecamatan lies within the scope (a desa
 * scope: whose participant lives in it), by id (keyset). No izin reasons (health:
 * docs/domain.md#privacy).
 */
export async function listAttendanceRows(
  db: DbOrTx,
  params: ListAttendanceRowsParams
): Promise<Page<AttendanceRecord>> {
  const page = keyset(attendance.id, params)
  const conditions: (SQL | undefined)[] = [
    inRegion(params.scope.regionPrefix, cohorts.kecamatanCode, people.regionCode),
    page.where,
  ]
  if (params.region !== undefined) {
    conditions.push(inRegion(params.region, cohorts.kecamatanCode, people.regionCode))
  }
  if (params.period !== undefined) {
    conditions.push(eq(periodOfDate(trainingSessions.date), params.period))
  }
  if (params.cohort !== undefined) conditions.push(eq(cohorts.code, params.cohort))
  if (params.status !== undefined) conditions.push(eq(attendance.status, params.status))
  if (params.since !== undefined) conditions.push(gte(attendance.at, params.since))
  const rows: AttendanceRecord[] = await db
    .select(ATTENDANCE_RECORD_COLUMNS)
    .from(attendance)
    .innerJoin(trainingSessions, eq(trainingSessions.id, attendance.sessionId))
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(people, eq(people.id, attendance.personId))
    .where(and(...conditions))
    .orderBy(page.order)
    .limit(params.limit + 1)
  return toPage(rows, params.limit)
}

/**
 * A kabupaten or kecamatan code covers the cohorts of its kecamatan; a desa code (finer than a
 * cohort) covers the participants who live in it.
 */
function inRegion(code: string, kecamatanColumn: PgColumn, personRegionColumn: PgColumn): SQL {
  return code.split('.').length > 3
    ? withinCode(personRegionColumn, code)
    : withinCode(kecamatanColumn, code)
}

/** Every attendance record matching the filters, in id order, `batchSize` rows at a time. */
export function iterateAttendanceRows(
  db: DbOrTx,
  params: Omit<ListAttendanceRowsParams, 'limit' | 'afterId'>,
  batchSize = DEFAULT_BATCH_SIZE
): AsyncGenerator<AttendanceRecord[], void, undefined> {
  return iteratePages((p: ListAttendanceRowsParams) => listAttendanceRows(db, p), params, batchSize)
}

// === People

export type ListPeopleRowsParams = PageParams & {
  /** A kabupaten, kecamatan or desa code: the person's region code lies within it. */
  region?: string
  role?: Role
  status?: PersonStatus
}

/** Fields of a person record (`personRecordSchema`) derived from others after the query. */
type DerivedPersonFields = 'kecamatanCode' | 'desaCode' | 'optedOut'

/**
 * The columns of a person record, one per stored field; the region levels come from the region
 * code and `optedOut` from `optedOutAt`.
 */
const PERSON_RECORD_COLUMNS = {
  id: people.id,
  name: people.name,
  roles: people.roles,
  regionCode: people.regionCode,
  cadreTier: people.cadreTier,
  status: people.status,
  optedOutAt: people.optedOutAt,
  createdAt: people.createdAt,
  updatedAt: people.updatedAt,
} satisfies Record<Exclude<keyof PersonRecord, DerivedPersonFields> | 'optedOutAt', unknown>

/** One page of the people whose region code lies within the scope, by id (keyset). */
export async function listPeopleRows(
  db: DbOrTx,
  params: ListPeopleRowsParams
): Promise<Page<PersonRecord>> {
  const page = keyset(people.id, params)
  const conditions: (SQL | undefined)[] = [
    withinCode(people.regionCode, params.scope.regionPrefix),
    page.where,
  ]
  if (params.region !== undefined) conditions.push(withinCode(people.regionCode, params.region))
  if (params.role !== undefined) conditions.push(sql`${params.role} = any(${people.roles})`)
  if (params.status !== undefined) conditions.push(eq(people.status, params.status))
  if (params.since !== undefined) conditions.push(gte(people.updatedAt, params.since))
  const rows = await db
    .select(PERSON_RECORD_COLUMNS)
    .from(people)
    .where(and(...conditions))
    .orderBy(page.order)
    .limit(params.limit + 1)
  const { rows: pageRows, nextAfterId } = toPage(rows, params.limit)
  return {
    rows: pageRows.map(({ optedOutAt, ...row }): PersonRecord => ({
      ...row,
      ...regionLevels(row.regionCode),
      optedOut: optedOutAt !== null,
    })),
    nextAfterId,
  }
}

/** The kecamatan and desa parts of a region code (`35.07.24.2001` → both; `35.07` → neither). */
function regionLevels(code: string): { kecamatanCode: string | null; desaCode: string | null } {
  const parts = code.split('.')
  return {
    kecamatanCode: parts.length >= 3 ? parts.slice(0, 3).join('.') : null,
    desaCode: parts.length >= 4 ? code : null,
  }
}

// === Indicators

/** Where an indicator's figure comes from. */
export type IndicatorKey =
  keyof VisitIndicators | TrainingIndicatorKey | TrainingEffectivenessKey | KbIndicatorKey

/**
 * One indicator of a month and region (docs/domain.md, decision 13): its record
 * (`indicatorRecordSchema`) without the label and formula a reader sees, which the caller adds,
 * with its key and KB method narrowed to the ones the queries give.
 */
export type IndicatorRow = Omit<IndicatorRecord, 'label' | 'formula' | 'key' | 'method'> & {
  key: IndicatorKey
  method: SigaMethodCode | null
}

export type ListIndicatorRowsParams = {
  scope: ListingScope
  /** `YYYY-MM`. */
  period: string
  /** Region code, within the scope. */
  region: string
  /** The reading moment: training figures of the current month are taken at `now`. */
  now: Date
  /** Zone of the period's month boundaries (`TZ_NAME`). */
  timeZone: string
}

/** The first instant after the `YYYY-MM` month in `timeZone`. */
export function endOfPeriod(period: string, timeZone: string): Date {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return new Date(new TZDate(year, month, 1, timeZone).getTime())
}

/**
 * The indicators of docs/domain.md, decision 13 for a month and a region, as rows: the six
 * home-visit indicators (`indicators.ts`) and, per programme, the four training indicators
 * (`training-indicators.ts`) taken as of the end of the month (or `now` if earlier). Training
 * is organised per kecamatan: for a desa region only the visit indicators are given. Throws
 * `OutOfScopeError` for a region outside the reader's scope.
 */
export async function listIndicatorRows(
  db: DbOrTx,
  params: ListIndicatorRowsParams
): Promise<IndicatorRow[]> {
  if (!coversRegion(params.scope.regionPrefix, params.region)) {
    throw new OutOfScopeError(params.region)
  }
  const region = params.region
  const period = params.period
  const scope = { period, scope: region }
  const visitRow = (
    key: IndicatorKey,
    unit: IndicatorRow['unit'],
    numerator: number | null,
    denominator: number | null,
    value: number | null
  ): IndicatorRow => ({
    key,
    programmeCode: HOME_VISIT_PROGRAMME_CODE,
    period,
    regionCode: region,
    unit,
    numerator,
    denominator,
    value,
    asOf: null,
    method: null,
    denominatorSource: null,
  })
  const {
    visitsPerCadre: perCadre,
    activeCadreRate: active,
    familiesVisited: visitedFamilies,
    referralCompletion: referral,
    krsCoverage: krs,
    kbParticipation: kb,
  } = await readVisitIndicators(db, scope)
  const rows: IndicatorRow[] = [
    visitRow('visitsPerCadre', 'ratio', perCadre.visits, perCadre.activeCadres, perCadre.value),
    visitRow('activeCadreRate', 'percent', active.active, active.registered, active.value),
    visitRow('familiesVisited', 'count', null, null, visitedFamilies),
    visitRow('referralCompletion', 'percent', referral.closed, referral.made, referral.value),
    visitRow('krsCoverage', 'percent', krs.visited, krs.known, krs.value),
    visitRow('kbParticipation', 'percent', kb.modern, kb.pusVisited, kb.value),
    // The KB register's indicators (docs/domain.md "KB register"), any region level.
    ...kbIndicatorFigures(await readKbIndicators(db, { period, region })).map((figure) => ({
      ...visitRow(figure.key, figure.unit, figure.numerator, figure.denominator, figure.value),
      method: figure.method,
      denominatorSource: figure.denominatorSource,
    })),
  ]

  const level = region.split('.').length
  if (level > 3) return rows
  const periodEnd = endOfPeriod(period, params.timeZone)
  const asOf = periodEnd < params.now ? periodEnd : params.now
  const programmeRows = await db
    .select({ id: programmes.id, code: programmes.code })
    .from(programmes)
    .orderBy(asc(programmes.code))
  for (const programme of programmeRows) {
    const trainingScope = {
      programmeId: programme.id,
      asOf,
      ...(level === 3 ? { kecamatanCode: region } : {}),
    }
    const trainingRow = (
      key: IndicatorKey,
      unit: IndicatorRow['unit'],
      figure: TrainingIndicator
    ): IndicatorRow => ({
      key,
      programmeCode: programme.code,
      period,
      regionCode: region,
      unit,
      numerator: figure.numerator,
      denominator: figure.denominator,
      value: figure.value,
      asOf,
      method: null,
      denominatorSource: null,
    })
    const figures = await readTrainingIndicators(db, trainingScope)
    for (const key of TRAINING_INDICATOR_KEYS) rows.push(trainingRow(key, 'percent', figures[key]))
    const effectiveness = await readTrainingEffectiveness(db, trainingScope)
    for (const key of TRAINING_EFFECTIVENESS_KEYS) {
      const figure = effectiveness[key]
      rows.push(
        'change' in figure
          ? trainingRow(key, 'points', {
              numerator: figure.latest.numerator - figure.baseline.numerator,
              denominator: figure.n,
              value: figure.change,
            })
          : trainingRow(key, 'percent', figure)
      )
    }
  }
  return rows
}

// === Daftar hadir (attendance sheet)

/**
 * One line of the attendance sheet with the programme code of its cohort (docs/domain.md, decision
 * 3).
 */
export type DaftarHadirExportRow = DaftarHadirRow & { programmeCode: string; period: string }

export type ListDaftarHadirExportParams = {
  scope: ListingScope
  /** `YYYY-MM`, the month of the session date; all dates when absent. */
  period?: string
  /** A region within the scope: the participants living in it. */
  region?: string
  /** A cohort code. */
  cohort?: string
}

/**
 * The attendance sheet in daftar hadir order (`listDaftarHadir` in `attendance.ts`: by cohort,
 * session date and participant name, numbered per session), each line with its programme code
 * and period. A whole programme is a few thousand lines, so it is read in one query. A region
 * outside the scope matches nothing.
 */
export async function listDaftarHadirExport(
  db: DbOrTx,
  params: ListDaftarHadirExportParams
): Promise<DaftarHadirExportRow[]> {
  const region = params.region ?? params.scope.regionPrefix
  if (!coversRegion(params.scope.regionPrefix, region)) return []
  const [from, to] =
    params.period === undefined
      ? ['0001-01-01', '9999-12-31']
      : [`${params.period}-01`, `${params.period}-${lastDayOf(params.period)}`]
  const rows = await listDaftarHadir(db, {
    regionPrefix: region,
    from,
    to,
    ...(params.cohort !== undefined ? { cohortCode: params.cohort } : {}),
  })
  const codes = await db
    .select({ cohortCode: cohorts.code, programmeCode: programmes.code })
    .from(cohorts)
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
  const programmeOf = new Map(codes.map((row) => [row.cohortCode, row.programmeCode]))
  return rows.map((row) => ({
    ...row,
    programmeCode: programmeOf.get(row.cohortCode) ?? '',
    period: row.sessionDate.slice(0, 7),
  }))
}

/** The last day of a `YYYY-MM` month, two digits (`2025-11` → `30`). */
function lastDayOf(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')
}

/** The attendance sheet as batches for the export writers (one batch: see above). */
export async function* iterateDaftarHadirRows(
  db: DbOrTx,
  params: ListDaftarHadirExportParams
): AsyncGenerator<DaftarHadirExportRow[], void, undefined> {
  const rows = await listDaftarHadirExport(db, params)
  if (rows.length > 0) yield rows
}

/** A region's code, level and name, if the code is known. */
export async function findRegion(
  db: DbOrTx,
  code: string
): Promise<{ code: string; level: string; name: string } | undefined> {
  const rows = await db
    .select({ code: regions.code, level: regions.level, name: regions.name })
    .from(regions)
    .where(eq(regions.code, code))
  return rows[0]
}
