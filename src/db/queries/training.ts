/**
 * Queries of the young mothers' training (DOMAIN §5, decisions 1, 2, 7, 13): the default
 * programme and its settings, cohorts, dated sessions with their check-in codes, enrollments and
 * attendance. Time is always a parameter (`now`, `at`, `from`); nothing here reads the clock.
 * @module
 */
import { randomInt } from 'node:crypto'
import { and, asc, desc, eq, gt, gte, lte, sql } from 'drizzle-orm'
import {
  DEFAULT_PROGRAMME_CODE,
  DEFAULT_PROGRAMME_SETTINGS,
  type AttendanceStatus,
  type CheckinMode,
  type ProgrammeSettings,
  type SkillTrack,
} from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { attendance, cohorts, enrollments, programmes, trainingSessions } from '../schema/index.js'
import type { UpsertAction } from './people.js'

/** The default programme's display name. */
export const DEFAULT_PROGRAMME_NAME = 'Pelatihan Ibu Muda'

/** Time zone of ages and local dates (WIB). */
const TIME_ZONE = 'Asia/Jakarta'

/** Age below which a participant is a minor (DOMAIN decision 7). */
export const ADULT_AGE = 18

/** Thrown by `getProgrammeSettings` when no programme has the id. */
export class ProgrammeNotFoundError extends Error {
  readonly code = 'PROGRAMME_NOT_FOUND' as const

  constructor(
    readonly programmeId: number,
    options?: ErrorOptions
  ) {
    super(`programme ${programmeId} not found`, options)
    this.name = 'ProgrammeNotFoundError'
  }
}

/**
 * The id of the default programme (`DEFAULT_PROGRAMME_CODE`), created with
 * `DEFAULT_PROGRAMME_SETTINGS` the first time; an existing programme keeps its settings.
 */
export async function ensureDefaultProgramme(db: DbOrTx): Promise<number> {
  const inserted = await db
    .insert(programmes)
    .values({
      code: DEFAULT_PROGRAMME_CODE,
      name: DEFAULT_PROGRAMME_NAME,
      settings: DEFAULT_PROGRAMME_SETTINGS,
    })
    .onConflictDoNothing({ target: programmes.code })
    .returning({ id: programmes.id })
  if (inserted[0]) return inserted[0].id
  const rows = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(eq(programmes.code, DEFAULT_PROGRAMME_CODE))
  if (!rows[0]) throw new Error('ensureDefaultProgramme: the conflicting row disappeared')
  return rows[0].id
}

/**
 * A programme's settings, with `DEFAULT_PROGRAMME_SETTINGS` filling any key the stored JSON lacks
 * (a programme saved before a setting existed). Throws `ProgrammeNotFoundError`.
 */
export async function getProgrammeSettings(
  db: DbOrTx,
  programmeId: number
): Promise<ProgrammeSettings> {
  const rows = await db
    .select({ settings: programmes.settings })
    .from(programmes)
    .where(eq(programmes.id, programmeId))
  if (!rows[0]) throw new ProgrammeNotFoundError(programmeId)
  return { ...DEFAULT_PROGRAMME_SETTINGS, ...rows[0].settings }
}

export type UpsertCohortParams = {
  /** Used only when the cohort is new; an existing cohort stays in its programme. */
  programmeId: number
  code: string
  kecamatanCode: string
  track: SkillTrack
  mentorId: number | null
}

/** The cohort an upsert left in the database, and what it did. */
export type UpsertCohortResult = { id: number; action: UpsertAction }

/**
 * Inserts a cohort, or updates the kecamatan, track and mentor of the cohort with this code, in
 * one statement. `unchanged` when the stored cohort already had those values.
 */
export async function upsertCohort(
  db: DbOrTx,
  params: UpsertCohortParams
): Promise<UpsertCohortResult> {
  const rows = await db
    .insert(cohorts)
    .values(params)
    .onConflictDoUpdate({
      target: cohorts.code,
      set: {
        kecamatanCode: sql`excluded.kecamatan_code`,
        track: sql`excluded.track`,
        mentorId: sql`excluded.mentor_id`,
      },
      setWhere: sql`(cohorts.kecamatan_code, cohorts.track, cohorts.mentor_id) is distinct from (excluded.kecamatan_code, excluded.track, excluded.mentor_id)`,
    })
    // xmax = 0 only on freshly inserted row versions; an unchanged cohort returns no row at all.
    .returning({ id: cohorts.id, inserted: sql<boolean>`(xmax = 0)` })
  const row = rows[0]
  if (row) return { id: row.id, action: row.inserted ? 'inserted' : 'updated' }
  const existing = await findCohortByCode(db, params.code)
  if (!existing) throw new Error('upsertCohort: the conflicting row disappeared')
  return { id: existing.id, action: 'unchanged' }
}

/** One row of `cohorts`. */
export type Cohort = typeof cohorts.$inferSelect

/** The cohort with this code, if any. */
export async function findCohortByCode(db: DbOrTx, code: string): Promise<Cohort | undefined> {
  const rows = await db.select().from(cohorts).where(eq(cohorts.code, code))
  return rows[0]
}

export type UpsertSessionParams = {
  cohortId: number
  /** Local date `YYYY-MM-DD`; a cohort has at most one session per date. */
  date: string
  startsAt: Date
  endsAt: Date
  venue: string
  lat?: number | null
  lng?: number | null
  topic: string
  checkinMode: CheckinMode
  /** `null`/absent: the programme's `checkinRadiusMeters`. */
  radiusMeters?: number | null
}

/**
 * What `upsertSession` did. `changed` is true when an existing session moved (start, end, venue or
 * coordinates): the participants must be told; a new topic alone does not set it.
 */
export type UpsertSessionResult = { id: number; action: UpsertAction; changed: boolean }

/** A fresh 4-digit check-in code, `0000` to `9999`. */
export function createCheckinCode(): string {
  return String(randomInt(0, 10_000)).padStart(4, '0')
}

/**
 * Inserts the session of a cohort on a date with a new 4-digit `checkin_code`, or updates the
 * stored one, keeping its check-in code and its `cancelled` flag. Safe against a concurrent
 * import of the same session (the insert does nothing on conflict, then the row is locked).
 */
export async function upsertSession(
  db: DbOrTx,
  params: UpsertSessionParams
): Promise<UpsertSessionResult> {
  const values = {
    cohortId: params.cohortId,
    date: params.date,
    startsAt: params.startsAt,
    endsAt: params.endsAt,
    venue: params.venue,
    lat: params.lat ?? null,
    lng: params.lng ?? null,
    topic: params.topic,
    checkinMode: params.checkinMode,
    radiusMeters: params.radiusMeters ?? null,
  }
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(trainingSessions)
      .values({ ...values, checkinCode: createCheckinCode() })
      .onConflictDoNothing({ target: [trainingSessions.cohortId, trainingSessions.date] })
      .returning({ id: trainingSessions.id })
    if (inserted[0]) return { id: inserted[0].id, action: 'inserted', changed: false }

    const rows = await tx
      .select()
      .from(trainingSessions)
      .where(
        and(eq(trainingSessions.cohortId, params.cohortId), eq(trainingSessions.date, params.date))
      )
      .for('update')
    const stored = rows[0]
    if (!stored) throw new Error('upsertSession: the conflicting row disappeared')
    const moved =
      stored.startsAt.getTime() !== values.startsAt.getTime() ||
      stored.endsAt.getTime() !== values.endsAt.getTime() ||
      stored.venue !== values.venue ||
      stored.lat !== values.lat ||
      stored.lng !== values.lng
    const same =
      !moved &&
      stored.topic === values.topic &&
      stored.checkinMode === values.checkinMode &&
      stored.radiusMeters === values.radiusMeters
    if (same) return { id: stored.id, action: 'unchanged', changed: false }
    await tx.update(trainingSessions).set(values).where(eq(trainingSessions.id, stored.id))
    return { id: stored.id, action: 'updated', changed: moved }
  })
}

export type EnrollParams = {
  cohortId: number
  personId: number
  /** `undefined` keeps a stored birth year. */
  birthYear?: number
  /** The moment of enrollment, for the age. */
  now: Date
}

/** The enrollment an `enroll` left in the database, and what it did. */
export type EnrollResult = { id: number; action: UpsertAction; minor: boolean }

/** The calendar year of `at` in WIB. */
function yearInJakarta(at: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, year: 'numeric' }).format(at)
  )
}

/**
 * Whether a participant born in `birthYear` is a minor at `now` (DOMAIN decision 7): age counted
 * in whole calendar years (year of `now` in WIB − birth year) below `ADULT_AGE`. With only a
 * year, someone born in 2008 counts as 18 for all of 2026.
 */
export function isMinor(birthYear: number, now: Date): boolean {
  return yearInJakarta(now) - birthYear < ADULT_AGE
}

/**
 * Enrolls a person in a cohort, or updates the birth year and the minor flag of the existing
 * enrollment (status, kompeten mark and guardian consent are kept). `unchanged` when nothing
 * differs. A minor needs a guardian-consent mark before any follow-up survey.
 */
export async function enroll(db: DbOrTx, params: EnrollParams): Promise<EnrollResult> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(enrollments)
      .where(
        and(eq(enrollments.cohortId, params.cohortId), eq(enrollments.personId, params.personId))
      )
      .for('update')
    const stored = rows[0]
    const birthYear = params.birthYear ?? stored?.birthYear ?? null
    const minor = birthYear !== null && isMinor(birthYear, params.now)
    if (!stored) {
      const inserted = await tx
        .insert(enrollments)
        .values({ cohortId: params.cohortId, personId: params.personId, birthYear, minor })
        .onConflictDoNothing({ target: [enrollments.cohortId, enrollments.personId] })
        .returning({ id: enrollments.id })
      if (inserted[0]) return { id: inserted[0].id, action: 'inserted', minor }
      // A concurrent enroll won the race: update that row instead.
      return enroll(tx, params)
    }
    if (stored.birthYear === birthYear && stored.minor === minor) {
      return { id: stored.id, action: 'unchanged', minor }
    }
    await tx.update(enrollments).set({ birthYear, minor }).where(eq(enrollments.id, stored.id))
    return { id: stored.id, action: 'updated', minor }
  })
}

/** A session as participants and mentors see it in lists (no check-in code). */
export type SessionListItem = {
  sessionId: number
  cohortId: number
  cohortCode: string
  track: SkillTrack
  date: string
  startsAt: Date
  endsAt: Date
  venue: string
  lat: number | null
  lng: number | null
  topic: string
  checkinMode: CheckinMode
}

const sessionListColumns = {
  sessionId: trainingSessions.id,
  cohortId: cohorts.id,
  cohortCode: cohorts.code,
  track: cohorts.track,
  date: trainingSessions.date,
  startsAt: trainingSessions.startsAt,
  endsAt: trainingSessions.endsAt,
  venue: trainingSessions.venue,
  lat: trainingSessions.lat,
  lng: trainingSessions.lng,
  topic: trainingSessions.topic,
  checkinMode: trainingSessions.checkinMode,
}

export type ListUpcomingSessionsForPersonParams = { personId: number; from: Date; limit: number }

/**
 * The sessions of the person's active enrollments that are not cancelled and start at or after
 * `from`, earliest first, at most `limit`. Without the check-in code: the mentor announces it.
 */
export async function listUpcomingSessionsForPerson(
  db: DbOrTx,
  params: ListUpcomingSessionsForPersonParams
): Promise<SessionListItem[]> {
  return db
    .select(sessionListColumns)
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(enrollments.personId, params.personId),
        eq(enrollments.status, 'active'),
        eq(trainingSessions.cancelled, false),
        gte(trainingSessions.startsAt, params.from)
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
    .limit(params.limit)
}

export type ListSessionsForMentorParams = { mentorId: number; from: Date; limit: number }

/** A mentor's session: a list item with the check-in code the mentor announces. */
export type MentorSessionListItem = SessionListItem & { checkinCode: string }

/**
 * The sessions of the cohorts the person mentors that are not cancelled and have not ended at
 * `from` (so a session under way is listed), earliest first, at most `limit`.
 */
export async function listSessionsForMentor(
  db: DbOrTx,
  params: ListSessionsForMentorParams
): Promise<MentorSessionListItem[]> {
  return db
    .select({ ...sessionListColumns, checkinCode: trainingSessions.checkinCode })
    .from(cohorts)
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(cohorts.mentorId, params.mentorId),
        eq(trainingSessions.cancelled, false),
        gt(trainingSessions.endsAt, params.from)
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
    .limit(params.limit)
}

export type FindCheckinSessionParams = {
  personId: number
  at: Date
  /** The window opens this many minutes before the start... */
  opensMinutes: number
  /** ...and closes this many minutes after it. */
  closesMinutes: number
}

/** A session open for check-in, with what a check-in needs to verify. */
export type CheckinSession = MentorSessionListItem & { radiusMeters: number | null }

/**
 * The not-cancelled session of one of the person's active enrollments whose check-in window
 * (`startsAt − opensMinutes` to `startsAt + closesMinutes`, both ends included) contains `at`;
 * when windows overlap, the one starting nearest to `at`.
 */
export async function findCheckinSession(
  db: DbOrTx,
  params: FindCheckinSessionParams
): Promise<CheckinSession | undefined> {
  const opens = new Date(params.at.getTime() - params.closesMinutes * 60_000)
  const closes = new Date(params.at.getTime() + params.opensMinutes * 60_000)
  const rows = await db
    .select({
      ...sessionListColumns,
      checkinCode: trainingSessions.checkinCode,
      radiusMeters: trainingSessions.radiusMeters,
    })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(enrollments.personId, params.personId),
        eq(enrollments.status, 'active'),
        eq(trainingSessions.cancelled, false),
        // at ∈ [startsAt − opens, startsAt + closes]  ⇔  startsAt ∈ [at − closes, at + opens]
        gte(trainingSessions.startsAt, opens),
        lte(trainingSessions.startsAt, closes)
      )
    )
    .orderBy(
      sql`abs(extract(epoch from (${trainingSessions.startsAt} - ${params.at.toISOString()}::timestamptz)))`,
      asc(trainingSessions.id)
    )
    .limit(1)
  return rows[0]
}

export type RecordAttendanceParams = {
  sessionId: number
  personId: number
  status: AttendanceStatus
  /** kode, lokasi, mentor, izin, auto. */
  method: string
  reason?: string | null
  recordedBy?: number | null
  at: Date
}

/** `recorded` for a new row; `already` when the person's attendance at the session was recorded. */
export type RecordAttendanceResult = 'recorded' | 'already'

/** Records one attendance, idempotently: a second one for the same session and person is ignored. */
export async function recordAttendance(
  db: DbOrTx,
  params: RecordAttendanceParams
): Promise<RecordAttendanceResult> {
  const rows = await db
    .insert(attendance)
    .values({
      sessionId: params.sessionId,
      personId: params.personId,
      status: params.status,
      method: params.method,
      reason: params.reason ?? null,
      recordedBy: params.recordedBy ?? null,
      at: params.at,
    })
    .onConflictDoNothing({ target: [attendance.sessionId, attendance.personId] })
    .returning({ id: attendance.id })
  return rows.length > 0 ? 'recorded' : 'already'
}

export type MarkAbsentAfterSessionParams = { sessionId: number; at: Date }

/**
 * After a session: every active enrollee of its cohort with no attendance row gets `absent` with
 * method `auto` at `at`. Returns their person ids (ascending); nothing for a cancelled session.
 * Idempotent: a second run finds everyone recorded.
 */
export async function markAbsentAfterSession(
  db: DbOrTx,
  params: MarkAbsentAfterSessionParams
): Promise<number[]> {
  // Raw SQL: the query builder's insert … select cannot leave out the identity column.
  const result = await db.execute(sql`
    insert into ${attendance} (session_id, person_id, status, method, at)
    select s.id, e.person_id, 'absent', 'auto', ${params.at.toISOString()}::timestamptz
    from ${trainingSessions} s
    join ${enrollments} e on e.cohort_id = s.cohort_id and e.status = 'active'
    where s.id = ${params.sessionId} and not s.cancelled
      and not exists (
        select 1 from ${attendance} a where a.session_id = s.id and a.person_id = e.person_id
      )
    on conflict (session_id, person_id) do nothing
    returning person_id`)
  const rows = rowsOf<{ person_id: unknown }>(result).map((row) => ({
    personId: toNumber(row.person_id),
  }))
  return rows.map((row) => row.personId).sort((a, b) => a - b)
}

export type ListConsecutiveAbsencesParams = {
  personId: number
  cohortId: number
  /**
   * Held sessions are those ended by `asOf`, where a missing row counts as absent (the session
   * is over and nobody recorded the person). Without `asOf`: the sessions with a row for the
   * person, i.e. those `markAbsentAfterSession` or a check-in has recorded.
   */
  asOf?: Date
}

/**
 * How many of the latest held (not cancelled) sessions of the cohort, counted back from the
 * latest, the person was `absent` from in a row; an izin, present or late ends the run.
 */
export async function listConsecutiveAbsences(
  db: DbOrTx,
  params: ListConsecutiveAbsencesParams
): Promise<number> {
  const rows = await db
    .select({ status: attendance.status })
    .from(trainingSessions)
    .leftJoin(
      attendance,
      and(eq(attendance.sessionId, trainingSessions.id), eq(attendance.personId, params.personId))
    )
    .where(
      and(
        eq(trainingSessions.cohortId, params.cohortId),
        eq(trainingSessions.cancelled, false),
        params.asOf === undefined
          ? sql`${attendance.id} is not null`
          : lte(trainingSessions.endsAt, params.asOf)
      )
    )
    .orderBy(desc(trainingSessions.startsAt), desc(trainingSessions.id))
  let run = 0
  for (const row of rows) {
    if (row.status !== null && row.status !== 'absent') break
    run++
  }
  return run
}
