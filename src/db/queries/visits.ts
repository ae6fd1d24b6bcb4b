/**
 * Queries of the visit report (docs/domain.md#the-home-visit, decisions 6 and 11): families found
 * by a typo-tolerant name search, visits with their monthly references, referrals and their
 * follow-up. Only `submitted` visits count anywhere; a cadre may withdraw their own visit for a
 * while after reporting it.
 * @module
 */
import { and, asc, count, desc, eq, gte, lte, sql } from 'drizzle-orm'
import { findKbState } from './kb-register.js'
import type { FamilyMatch, LastVisit } from '../../domain/snapshot.js'
import type { FollowUpStatus } from '../../domain/visits.js'
import { visitReference } from '../../domain/visits.js'
import type { DbOrTx } from '../client.js'
import { rowsOf } from '../raw.js'
import { cachedSelect } from '../statement.js'
import { families, referrals, visits } from '../schema/index.js'

/** What a cadre recorded at a visit: the KB part, risks, measurements, actions (a select's columns). */
export const VISIT_FINDINGS_COLUMNS = {
  kbStatus: visits.kbStatus,
  kbMethod: visits.kbMethod,
  kbIntent: visits.kbIntent,
  risk4t: visits.risk4t,
  envRisks: visits.envRisks,
  lila: visits.lila,
  hb: visits.hb,
  actions: visits.actions,
  note: visits.note,
}

/** A visit's findings as read by `VISIT_FINDINGS_COLUMNS`. */
export type VisitFindings = Pick<typeof visits.$inferSelect, keyof typeof VISIT_FINDINGS_COLUMNS>

/** Thrown when a visit date is not a `YYYY-MM-DD` calendar date. */
export class InvalidVisitDateError extends Error {
  readonly code = 'INVALID_VISIT_DATE' as const

  constructor(visitDate: string) {
    super(`not a YYYY-MM-DD date: ${JSON.stringify(visitDate)}`)
    this.name = 'InvalidVisitDateError'
  }
}

/** Lowest `similarity(head_name, query)` (whole-name trigram overlap) that counts as a match. */
const NAME_SIMILARITY_MIN = 0.3

/** Lowest `word_similarity(query, head_name)` (the query against the best part of the name). */
const NAME_WORD_SIMILARITY_MIN = 0.5

export type SearchFamiliesParams = {
  desaCode: string
  /** What the cadre typed for the head of household; typos and partial names are fine. */
  query: string
  /** At most this many matches (default 6). */
  limit?: number
}

/**
 * The families of one desa whose head's name matches what the cadre typed, best first (pg_trgm):
 * a match has `similarity(head_name, q) >= 0.3`, or `word_similarity(q, head_name) >= 0.5`, or
 * contains `q` case-insensitively. Ordered by the larger of the two scores, then by whole-name
 * similarity, then by name. A blank query finds nothing.
 */
export async function searchFamilies(
  db: DbOrTx,
  params: SearchFamiliesParams
): Promise<FamilyMatch[]> {
  const query = params.query.trim().replace(/\s+/g, ' ')
  if (query === '') return []
  const contains = `%${query.replace(/[\\%_]/g, '\\$&')}%`
  return familySearch(db, { desaCode: params.desaCode, query, contains, limit: params.limit ?? 6 })
}

/** `searchFamilies`'s select, built once (it runs on most turns of a visit report). */
const familySearch = cachedSelect((db) => {
  const query = sql.placeholder('query')
  const similarity = sql`similarity(${families.headName}, ${query})`
  const wordSimilarity = sql`word_similarity(${query}, ${families.headName})`
  const substring = sql`${families.headName} ilike ${sql.placeholder('contains')}`
  return db
    .select({
      id: families.id,
      headName: families.headName,
      dusunRwRt: families.dusunRwRt,
      // Written out: drizzle leaves columns unqualified in a one-table select, and a bare "id"
      // inside this subquery would mean the visit's id.
      lastVisitDate: sql<string | null>`(
        select max(v.visit_date)::text from visits v
        where v.family_id = families.id and v.status = 'submitted'
      )`,
    })
    .from(families)
    .where(
      and(
        eq(families.desaCode, sql.placeholder('desaCode')),
        sql`(${similarity} >= ${NAME_SIMILARITY_MIN}
          or ${wordSimilarity} >= ${NAME_WORD_SIMILARITY_MIN}
          or ${substring})`
      )
    )
    .orderBy(
      desc(sql`greatest(${similarity}, ${wordSimilarity})`),
      desc(similarity),
      asc(families.headName),
      asc(families.id)
    )
    .limit(sql.placeholder('limit'))
})

export type CreateFamilyParams = {
  headName: string
  desaCode: string
  dusunRwRt?: string | null
  /** The cadre who first recorded the family. */
  createdBy: number
  /** When the family agreed to be recorded, or `null` if not (yet) asked. */
  consentedAt: Date | null
  krs?: boolean
}

/** Records a newly visited household (keyed by head's name, desa and dusun/RW/RT, no NIK). */
export async function createFamily(
  db: DbOrTx,
  params: CreateFamilyParams
): Promise<{ id: number }> {
  const rows = await db
    .insert(families)
    .values({
      headName: params.headName,
      desaCode: params.desaCode,
      dusunRwRt: params.dusunRwRt ?? null,
      createdBy: params.createdBy,
      consentedAt: params.consentedAt,
      krs: params.krs ?? false,
    })
    .returning({ id: families.id })
  return rows[0]!
}

/** A family as the visit report needs it. */
export type Family = {
  id: number
  headName: string
  desaCode: string
  dusunRwRt: string | null
  krs: boolean
  consentedAt: Date | null
}

/** The family with this id, if any. */
export async function findFamily(db: DbOrTx, id: number): Promise<Family | undefined> {
  const rows = await db
    .select({
      id: families.id,
      headName: families.headName,
      desaCode: families.desaCode,
      dusunRwRt: families.dusunRwRt,
      krs: families.krs,
      consentedAt: families.consentedAt,
    })
    .from(families)
    .where(eq(families.id, id))
  return rows[0]
}

export type MarkFamilyConsentParams = { familyId: number; at: Date }

/** Records when the family agreed to be recorded (docs/domain.md#the-home-visit). */
export async function markFamilyConsent(
  db: DbOrTx,
  params: MarkFamilyConsentParams
): Promise<void> {
  await db.update(families).set({ consentedAt: params.at }).where(eq(families.id, params.familyId))
}

export type SetFamilyKrsParams = { familyId: number; krs: boolean }

/** Sets or clears a family's KRS (at risk of stunting) flag, as the latest visit found it. */
export async function setFamilyKrs(db: DbOrTx, params: SetFamilyKrsParams): Promise<void> {
  await db.update(families).set({ krs: params.krs }).where(eq(families.id, params.familyId))
}

/** The `YYYY-MM` period of a `YYYY-MM-DD` visit date; throws `InvalidVisitDateError` otherwise. */
function periodOf(visitDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(visitDate)
  const month = Number(match?.[2])
  const day = Number(match?.[3])
  if (!match || month < 1 || month > 12 || day < 1 || day > 31) {
    throw new InvalidVisitDateError(visitDate)
  }
  return `${match[1]}-${match[2]}`
}

export type NextVisitReferenceParams = {
  /** `YYYY-MM-DD`; its month selects the sequence. */
  visitDate: string
}

/**
 * Takes the next number of the visit date's month and returns the reference `KJ-YYMM-NNNNNN`. The
 * numbers come from the month's own sequence (`visit_number_sequence`, made at its first use):
 * concurrent callers get distinct, increasing numbers without waiting for each other's
 * transactions, and a number taken by a transaction that rolls back stays unused.
 */
export async function nextVisitReference(
  db: DbOrTx,
  params: NextVisitReferenceParams
): Promise<string> {
  const period = periodOf(params.visitDate)
  const [row] = rowsOf<{ n: string | number }>(
    await db.execute(sql`select nextval(visit_number_sequence(${period})) as n`)
  )
  return visitReference(params.visitDate, Number(row!.n))
}

/**
 * Makes sure the month's next number is above `atLeast` (references written by other means, such
 * as the demo data, are not handed out again).
 */
export async function reserveVisitNumbers(
  db: DbOrTx,
  params: { period: string; atLeast: number }
): Promise<void> {
  await db.execute(sql`
    select setval(s, ${params.atLeast}) from visit_number_sequence(${params.period}) as s
    where ${params.atLeast} > coalesce(pg_sequence_last_value(s), 0)`)
}

export type CreateVisitParams = {
  cadreId: number
  familyId: number
  desaCode: string
  /** `YYYY-MM-DD` in WIB; its month is the visit's period. */
  visitDate: string
  sasaran: string[]
  kbStatus?: string | null
  kbMethod?: string | null
  kbIntent?: string | null
  risk4t?: string[]
  envRisks?: string[]
  lila?: number | null
  hb?: number | null
  actions: string[]
  note?: string | null
  photoRef?: string | null
  lat?: number | null
  lng?: number | null
  /** The earlier same-day visit this one repeats, when the cadre confirmed it (decision 11). */
  duplicateOf?: number | null
  createdAt: Date
}

/**
 * Stores a submitted visit with its period (`YYYY-MM` of the visit date) and a new reference
 * from `nextVisitReference`.
 */
export async function createVisit(
  db: DbOrTx,
  params: CreateVisitParams
): Promise<{ id: number; reference: string }> {
  const reference = await nextVisitReference(db, { visitDate: params.visitDate })
  const rows = await db
    .insert(visits)
    .values({
      reference,
      cadreId: params.cadreId,
      familyId: params.familyId,
      desaCode: params.desaCode,
      visitDate: params.visitDate,
      period: periodOf(params.visitDate),
      sasaran: params.sasaran,
      kbStatus: params.kbStatus ?? null,
      kbMethod: params.kbMethod ?? null,
      kbIntent: params.kbIntent ?? null,
      risk4t: params.risk4t ?? [],
      envRisks: params.envRisks ?? [],
      lila: params.lila ?? null,
      hb: params.hb ?? null,
      actions: params.actions,
      note: params.note ?? null,
      photoRef: params.photoRef ?? null,
      lat: params.lat ?? null,
      lng: params.lng ?? null,
      duplicateOf: params.duplicateOf ?? null,
      createdAt: params.createdAt,
    })
    .returning({ id: visits.id, reference: visits.reference })
  return rows[0]!
}

export type CreateReferralParams = {
  visitId: number
  familyId: number
  cadreId: number
  desaCode: string
  target: string
  reason: string
  /** `YYYY-MM-DD`, the day the cadre is reminded to check. */
  followUpDate: string
  createdAt: Date
}

/** Opens a referral made at a visit, with status `belum`: a follow-up task for the cadre. */
export async function createReferral(
  db: DbOrTx,
  params: CreateReferralParams
): Promise<{ id: number }> {
  const rows = await db
    .insert(referrals)
    .values({
      visitId: params.visitId,
      familyId: params.familyId,
      cadreId: params.cadreId,
      desaCode: params.desaCode,
      target: params.target,
      reason: params.reason,
      followUpDate: params.followUpDate,
      createdAt: params.createdAt,
    })
    .returning({ id: referrals.id })
  return rows[0]!
}

export type CountCadreVisitsInPeriodParams = {
  cadreId: number
  /** `YYYY-MM`. */
  period: string
}

/** How many submitted visits a cadre reported in a month (withdrawn ones do not count). */
export async function countCadreVisitsInPeriod(
  db: DbOrTx,
  params: CountCadreVisitsInPeriodParams
): Promise<number> {
  const rows = await db
    .select({ visits: count() })
    .from(visits)
    .where(
      and(
        eq(visits.cadreId, params.cadreId),
        eq(visits.period, params.period),
        eq(visits.status, 'submitted')
      )
    )
  return rows[0]?.visits ?? 0
}

export type FindSameDayVisitParams = { cadreId: number; familyId: number; visitDate: string }

/**
 * The earliest submitted visit of the same cadre to the same family on the same day, if any: a
 * likely duplicate the cadre is asked to confirm (docs/domain.md, decision 11).
 */
export async function findSameDayVisit(
  db: DbOrTx,
  params: FindSameDayVisitParams
): Promise<{ id: number; reference: string } | undefined> {
  const rows = await sameDayVisit(db, params)
  return rows[0]
}

const sameDayVisit = cachedSelect((db) =>
  db
    .select({ id: visits.id, reference: visits.reference })
    .from(visits)
    .where(
      and(
        eq(visits.cadreId, sql.placeholder('cadreId')),
        eq(visits.familyId, sql.placeholder('familyId')),
        eq(visits.visitDate, sql.placeholder('visitDate')),
        eq(visits.status, 'submitted')
      )
    )
    .orderBy(asc(visits.id))
    .limit(1)
)

export type ListRecentFamiliesParams = {
  cadreId: number
  /** At most this many (default 5). */
  limit?: number
}

/**
 * The families a cadre reported visits to most recently (submitted reports), newest visit first,
 * each once: the short list a visit report offers before any name is typed.
 */
export async function listRecentFamilies(
  db: DbOrTx,
  params: ListRecentFamiliesParams
): Promise<FamilyMatch[]> {
  return recentFamilies(db, { cadreId: params.cadreId, limit: params.limit ?? 5 })
}

const recentFamilies = cachedSelect((db) => {
  const latest = db
    .select({
      familyId: visits.familyId,
      lastVisitDate: sql<string>`max(${visits.visitDate})::text`.as('last_visit_date'),
      lastId: sql<number>`max(${visits.id})`.as('last_id'),
    })
    .from(visits)
    .where(and(eq(visits.cadreId, sql.placeholder('cadreId')), eq(visits.status, 'submitted')))
    .groupBy(visits.familyId)
    .as('latest')
  return db
    .select({
      id: families.id,
      headName: families.headName,
      dusunRwRt: families.dusunRwRt,
      lastVisitDate: latest.lastVisitDate,
    })
    .from(latest)
    .innerJoin(families, eq(families.id, latest.familyId))
    .orderBy(desc(latest.lastVisitDate), desc(latest.lastId))
    .limit(sql.placeholder('limit'))
})

/** The family's latest submitted visit, by any cadre (latest date, then latest report). */
export async function findLastVisit(db: DbOrTx, familyId: number): Promise<LastVisit | undefined> {
  const [visit] = await lastVisit(db, { familyId })
  if (!visit) return undefined
  // Place of service and JKN live in the KB register, for the method the visit recorded.
  const kb = visit.kbStatus === 'ber_kb' ? await findKbState(db, familyId) : undefined
  const same = kb?.status === 'ber_kb' && kb.method === visit.kbMethod
  return {
    ...visit,
    kbServicePlace: same ? kb.servicePlace : null,
    kbJkn: same ? kb.jkn : null,
  }
}

const lastVisit = cachedSelect((db) =>
  db
    .select({
      visitDate: visits.visitDate,
      sasaran: visits.sasaran,
      kbStatus: visits.kbStatus,
      kbMethod: visits.kbMethod,
      kbIntent: visits.kbIntent,
      risk4t: visits.risk4t,
      envRisks: visits.envRisks,
    })
    .from(visits)
    .where(and(eq(visits.familyId, sql.placeholder('familyId')), eq(visits.status, 'submitted')))
    .orderBy(desc(visits.visitDate), desc(visits.id))
    .limit(1)
)

export type ListRecentVisitsParams = {
  cadreId: number
  /** At most this many (default 5). */
  limit?: number
}

/** One of a cadre's recent visits, for "my reports" and withdrawing. */
export type RecentVisit = {
  id: number
  reference: string
  visitDate: string
  headName: string
  status: 'submitted' | 'withdrawn'
  createdAt: Date
  /** What was recorded, for /riwayat to show. */
  sasaran: string[]
} & VisitFindings

/** A cadre's latest reported visits, withdrawn ones included, newest report first. */
export async function listRecentVisits(
  db: DbOrTx,
  params: ListRecentVisitsParams
): Promise<RecentVisit[]> {
  return db
    .select({
      id: visits.id,
      reference: visits.reference,
      visitDate: visits.visitDate,
      headName: families.headName,
      status: visits.status,
      createdAt: visits.createdAt,
      sasaran: visits.sasaran,
      ...VISIT_FINDINGS_COLUMNS,
    })
    .from(visits)
    .innerJoin(families, eq(families.id, visits.familyId))
    .where(eq(visits.cadreId, params.cadreId))
    .orderBy(desc(visits.createdAt), desc(visits.id))
    .limit(params.limit ?? 5)
}

export type WithdrawVisitParams = {
  visitId: number
  /** Only the cadre who reported the visit may withdraw it. */
  cadreId: number
  now: Date
  /** How long after reporting a visit may be withdrawn (default 24 hours). */
  withinHours?: number
}

/** What `withdrawVisit` did. */
export type WithdrawVisitResult = 'withdrawn' | 'too_late' | 'not_found'

/**
 * Withdraws a cadre's own visit if at most `withinHours` have passed since it was reported
 * (`created_at >= now - withinHours`). Another cadre's visit is `not_found`; a visit already
 * withdrawn answers `withdrawn` again (idempotent).
 */
export async function withdrawVisit(
  db: DbOrTx,
  params: WithdrawVisitParams
): Promise<WithdrawVisitResult> {
  const own = and(eq(visits.id, params.visitId), eq(visits.cadreId, params.cadreId))
  const cutoff = new Date(params.now.getTime() - (params.withinHours ?? 24) * 3_600_000)
  const updated = await db
    .update(visits)
    .set({ status: 'withdrawn' })
    .where(and(own, eq(visits.status, 'submitted'), gte(visits.createdAt, cutoff)))
    .returning({ id: visits.id })
  if (updated.length > 0) return 'withdrawn'
  const rows = await db.select({ status: visits.status }).from(visits).where(own)
  const visit = rows[0]
  if (!visit) return 'not_found'
  return visit.status === 'withdrawn' ? 'withdrawn' : 'too_late'
}

/** One row of `referrals`. */
export type Referral = {
  id: number
  visitId: number
  familyId: number
  cadreId: number
  desaCode: string
  target: string
  reason: string
  followUpDate: string
  status: FollowUpStatus
  closedAt: Date | null
  createdAt: Date
}

const referralColumns = {
  id: referrals.id,
  visitId: referrals.visitId,
  familyId: referrals.familyId,
  cadreId: referrals.cadreId,
  desaCode: referrals.desaCode,
  target: referrals.target,
  reason: referrals.reason,
  followUpDate: referrals.followUpDate,
  status: referrals.status,
  closedAt: referrals.closedAt,
  createdAt: referrals.createdAt,
}

export type SetReferralStatusParams = { referralId: number; status: FollowUpStatus; now: Date }

/**
 * Records a referral's follow-up status; any status but `belum` closes it at `now`, `belum`
 * reopens it. `undefined` if no such referral.
 */
export async function setReferralStatus(
  db: DbOrTx,
  params: SetReferralStatusParams
): Promise<Referral | undefined> {
  const rows = await db
    .update(referrals)
    .set({ status: params.status, closedAt: params.status === 'belum' ? null : params.now })
    .where(eq(referrals.id, params.referralId))
    .returning(referralColumns)
  return rows[0]
}

/** The referral with this id, if any. */
export async function findReferral(db: DbOrTx, id: number): Promise<Referral | undefined> {
  const rows = await db.select(referralColumns).from(referrals).where(eq(referrals.id, id))
  return rows[0]
}

export type ListOpenReferralsDueParams = {
  /** Only this cadre's referrals; all cadres' when absent. */
  cadreId?: number
  /** `YYYY-MM-DD`: referrals due on or before this day (overdue ones included). */
  dueOn: string
}

/** An open referral with the name of the family's head, for reminders. */
export type OpenReferral = Referral & { headName: string }

/**
 * Open referrals (`belum`) whose follow-up date is on or before `dueOn`, of submitted visits
 * only, earliest due first.
 */
export async function listOpenReferralsDue(
  db: DbOrTx,
  params: ListOpenReferralsDueParams
): Promise<OpenReferral[]> {
  return db
    .select({ ...referralColumns, headName: families.headName })
    .from(referrals)
    .innerJoin(visits, eq(visits.id, referrals.visitId))
    .innerJoin(families, eq(families.id, referrals.familyId))
    .where(
      and(
        eq(referrals.status, 'belum'),
        lte(referrals.followUpDate, params.dueOn),
        eq(visits.status, 'submitted'),
        params.cadreId === undefined ? undefined : eq(referrals.cadreId, params.cadreId)
      )
    )
    .orderBy(asc(referrals.followUpDate), asc(referrals.id))
}
