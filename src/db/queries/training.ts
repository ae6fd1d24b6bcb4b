/**
 * Queries of the young mothers' training (docs/domain.md#the-training-programme, decisions 1, 2, 7,
 * 13): the default programme and its settings, cohorts, dated sessions with their check-in codes,
 * enrollments and attendance. Time is always a parameter (`now`, `at`, `from`); nothing here reads
 * the clock.
 * @module
 */
import { randomInt } from 'node:crypto'
import { type SQL, and, asc, desc, eq, gt, gte, like, lte, ne, sql } from 'drizzle-orm'
import {
  BASELINE_INVITE_KIND,
  type BaselineInvitePayload,
  DEFAULT_PROGRAMME_CODE,
  DEFAULT_PROGRAMME_SETTINGS,
  PLAN_REMINDERS_KIND,
  type PlanRemindersPayload,
  SESSION_CHANGED_KIND,
  type AttendanceStatus,
  type CheckinMode,
  type ProgrammeSettings,
  type SessionChange,
  type SessionChangePayload,
  type SessionPlace,
  type SkillTrack,
  sessionFirePrefix,
} from '../../domain/training.js'
import { DEFAULT_TIME_ZONE, localDate, localYear } from '../../domain/dates.js'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import {
  attendance,
  cohorts,
  enrollments,
  fires,
  people,
  programmes,
  trainingNotices,
  trainingSessions,
} from '../schema/index.js'
import { planFires } from './fires.js'
import type { UpsertAction } from './people.js'

/** The sessions held by `at`: not cancelled and ended at or before it (docs/domain.md, decision 2). */
export function heldBy(at: Date): SQL | undefined {
  return and(eq(trainingSessions.cancelled, false), lte(trainingSessions.endsAt, at))
}

/** The default programme's display name. */
export const DEFAULT_PROGRAMME_NAME = 'Pelatihan Ibu Muda'

/** Time zone of ages and local dates (WIB; the dates module's default zone). */
const TIME_ZONE = DEFAULT_TIME_ZONE

/** Age below which a participant is a minor (docs/domain.md, decision 7). */
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
  /** `true` cancels, `false` restores a cancelled session; absent keeps the stored flag. */
  cancelled?: boolean
  /** The moment of the change: a change notice is due then. */
  now: Date
}

/**
 * What `upsertSession` did. `changed` is true when the participants are told of the update: an
 * existing session moved (start, end, venue), was cancelled or restored; a new topic alone or a
 * change of coordinates does not set it.
 */
export type UpsertSessionResult = { id: number; action: UpsertAction; changed: boolean }

/** A fresh 4-digit check-in code, `0000` to `9999`. */
export function createCheckinCode(): string {
  return String(randomInt(0, 10_000)).padStart(4, '0')
}

type StoredSession = typeof trainingSessions.$inferSelect

const placeOf = (session: { startsAt: Date; endsAt: Date; venue: string }): SessionPlace => ({
  startsAt: session.startsAt.toISOString(),
  endsAt: session.endsAt.toISOString(),
  venue: session.venue,
})

const samePlace = (a: SessionPlace, b: SessionPlace) =>
  a.startsAt === b.startsAt && a.endsAt === b.endsAt && a.venue === b.venue

/**
 * After a session moved, was cancelled or restored (inside the updating transaction): drops its
 * pending reminders and end-of-session fire (planned for the old time; the change notice plans
 * the new ones) and plans one change notice due `now`, measured against what the participants
 * last heard: a notice still pending is replaced, and a change undone before it went out tells
 * nobody anything. Past sessions (ended before `now`, old and new) are corrected silently.
 */
async function noteSessionChange(
  tx: DbOrTx,
  params: { stored: StoredSession; next: StoredSession; now: Date }
): Promise<void> {
  const { stored, next, now } = params
  const dropped = await tx
    .delete(fires)
    .where(
      and(eq(fires.status, 'pending'), like(fires.dedupeKey, `${sessionFirePrefix(stored.id)}%`))
    )
    .returning({ kind: fires.kind, payload: fires.payload })
  const pending = dropped.find((fire) => fire.kind === SESSION_CHANGED_KIND)?.payload as
    SessionChangePayload | undefined
  const known = pending
    ? { cancelled: pending.change === 'restored', place: pending.previous }
    : { cancelled: stored.cancelled, place: placeOf(stored) }
  const place = placeOf(next)
  const change: SessionChange | undefined =
    next.cancelled && !known.cancelled
      ? 'cancelled'
      : !next.cancelled && known.cancelled
        ? 'restored'
        : !next.cancelled && !samePlace(place, known.place)
          ? 'moved'
          : undefined
  const over = (endsAt: string) => new Date(endsAt).getTime() <= now.getTime()
  if (!change || (over(known.place.endsAt) && over(place.endsAt))) return
  await planFires(tx, [
    {
      kind: SESSION_CHANGED_KIND,
      dedupeKey: `${sessionFirePrefix(stored.id)}change:${next.revision}`,
      dueAt: now,
      graceSeconds: 24 * 3600,
      payload: {
        sessionId: stored.id,
        revision: next.revision,
        change,
        previous: known.place,
      } satisfies SessionChangePayload,
    },
  ])
}

/** Writes a session's new values, bumping its revision and noting the change when it is one. */
async function updateStoredSession(
  tx: DbOrTx,
  stored: StoredSession,
  values: Partial<StoredSession>,
  now: Date
): Promise<boolean> {
  const merged = { ...stored, ...values }
  const notable =
    merged.cancelled !== stored.cancelled ||
    (!merged.cancelled && !samePlace(placeOf(merged), placeOf(stored)))
  const next = { ...merged, revision: notable ? stored.revision + 1 : stored.revision }
  await tx
    .update(trainingSessions)
    .set({ ...values, revision: next.revision })
    .where(eq(trainingSessions.id, stored.id))
  if (notable) await noteSessionChange(tx, { stored, next, now })
  return notable
}

/** How far ahead the hourly planner plans reminders; a session added within it plans its own. */
const PLANNING_HORIZON_MS = 50 * 3600_000

/**
 * A session added shortly before it starts plans its reminders at once rather than at the next
 * hourly run, which may come after its start: its same-day reminder brings the mentor the code.
 */
async function planRemindersNow(
  tx: DbOrTx,
  sessionId: number,
  session: { startsAt: Date; now: Date }
): Promise<void> {
  const ahead = session.startsAt.getTime() - session.now.getTime()
  if (ahead <= 0 || ahead > PLANNING_HORIZON_MS) return
  await planFires(tx, [
    {
      kind: PLAN_REMINDERS_KIND,
      dedupeKey: `${sessionFirePrefix(sessionId)}plan:${session.startsAt.toISOString()}`,
      dueAt: session.now,
      graceSeconds: 3600,
      payload: { sessionId } satisfies PlanRemindersPayload,
    },
  ])
}

/**
 * Inserts the session of a cohort on a date with a new 4-digit `checkin_code`, or updates the
 * stored one, keeping its check-in code (and its `cancelled` flag unless given). A move, a
 * cancellation or a restoration plans a change notice to the participants and the mentor and
 * drops the reminders planned for the old time (`noteSessionChange`). Safe against a concurrent
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
      .values({ ...values, cancelled: params.cancelled ?? false, checkinCode: createCheckinCode() })
      .onConflictDoNothing({ target: [trainingSessions.cohortId, trainingSessions.date] })
      .returning({ id: trainingSessions.id })
    if (inserted[0]) {
      await planRemindersNow(tx, inserted[0].id, params)
      return { id: inserted[0].id, action: 'inserted', changed: false }
    }

    const rows = await tx
      .select()
      .from(trainingSessions)
      .where(
        and(eq(trainingSessions.cohortId, params.cohortId), eq(trainingSessions.date, params.date))
      )
      .for('update')
    const stored = rows[0]
    if (!stored) throw new Error('upsertSession: the conflicting row disappeared')
    const cancelled = params.cancelled ?? stored.cancelled
    const same =
      stored.startsAt.getTime() === values.startsAt.getTime() &&
      stored.endsAt.getTime() === values.endsAt.getTime() &&
      stored.venue === values.venue &&
      stored.lat === values.lat &&
      stored.lng === values.lng &&
      stored.topic === values.topic &&
      stored.checkinMode === values.checkinMode &&
      stored.radiusMeters === values.radiusMeters &&
      stored.cancelled === cancelled
    if (same) return { id: stored.id, action: 'unchanged', changed: false }
    const changed = await updateStoredSession(tx, stored, { ...values, cancelled }, params.now)
    return { id: stored.id, action: 'updated', changed }
  })
}

export type RescheduleSessionParams = {
  sessionId: number
  /** The new local date `YYYY-MM-DD`, start and end. */
  date: string
  startsAt: Date
  endsAt: Date
  /** Absent: the same venue (and coordinates). */
  venue?: string
  now: Date
}

/** The cohort already has a session on the date a session was to move to. */
export class SessionDateTakenError extends Error {
  readonly code = 'SESSION_DATE_TAKEN' as const

  constructor(
    readonly date: string,
    options?: ErrorOptions
  ) {
    super(`the cohort already has a session on ${date}`, options)
    this.name = 'SessionDateTakenError'
  }
}

/**
 * Moves a session to another date, time or venue (from the API or the dashboard; a CSV keys
 * sessions by date, so it can only move one within its day): participants and mentor get the
 * old → new notice. `false` when nothing changed or there is no such session; throws
 * `SessionDateTakenError` when the cohort has a session on the new date.
 */
export async function rescheduleSession(
  db: DbOrTx,
  params: RescheduleSessionParams
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.id, params.sessionId))
      .for('update')
    const stored = rows[0]
    if (!stored) return false
    if (params.date !== stored.date) {
      const taken = await tx
        .select({ id: trainingSessions.id })
        .from(trainingSessions)
        .where(
          and(
            eq(trainingSessions.cohortId, stored.cohortId),
            eq(trainingSessions.date, params.date)
          )
        )
      if (taken.length > 0) throw new SessionDateTakenError(params.date)
    }
    const values = {
      date: params.date,
      startsAt: params.startsAt,
      endsAt: params.endsAt,
      ...(params.venue !== undefined && params.venue !== stored.venue
        ? { venue: params.venue, lat: null, lng: null }
        : {}),
    }
    const same =
      stored.date === values.date &&
      stored.startsAt.getTime() === values.startsAt.getTime() &&
      stored.endsAt.getTime() === values.endsAt.getTime() &&
      values.venue === undefined
    if (same) return false
    await updateStoredSession(tx, stored, values, params.now)
    return true
  })
}

export type CancelSessionParams = { sessionId: number; now: Date }

/**
 * Cancels a session (from the API or the dashboard): the participants and the mentor get a
 * notice, and no reminder goes out. `false` when it was cancelled already or does not exist.
 */
export async function cancelSession(db: DbOrTx, params: CancelSessionParams): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.id, params.sessionId))
      .for('update')
    const stored = rows[0]
    if (!stored || stored.cancelled) return false
    return updateStoredSession(tx, stored, { cancelled: true }, params.now)
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

/**
 * Whether a participant born in `birthYear` is a minor at `now` (docs/domain.md, decision 7): age
 * counted in whole calendar years (year of `now` in WIB − birth year) below `ADULT_AGE`. With only
 * a year, someone born in 2008 counts as 18 for all of 2026.
 */
export function isMinor(birthYear: number, now: Date): boolean {
  return localYear(now, TIME_ZONE) - birthYear < ADULT_AGE
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
      if (inserted[0]) {
        // The baseline survey's invitation: at once, or at her first contact (it waits).
        await planFires(tx, [
          {
            kind: BASELINE_INVITE_KIND,
            dedupeKey: `baseline:${inserted[0].id}`,
            dueAt: params.now,
            graceSeconds: 30 * 24 * 3600,
            payload: { enrollmentId: inserted[0].id } satisfies BaselineInvitePayload,
          },
        ])
        return { id: inserted[0].id, action: 'inserted', minor }
      }
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

export type FindCheckinSessionParams = { personId: number; at: Date }

/**
 * A session open for check-in, with what a check-in needs to verify: the radius is the session's
 * own or its programme's `checkinRadiusMeters`.
 */
export type CheckinSession = MentorSessionListItem & { radiusMeters: number }

/** A programme setting read from its JSON, the default filling a key the JSON lacks. */
const settingOf = (key: keyof ProgrammeSettings) =>
  sql<number>`coalesce((${programmes.settings}->>${key})::int, ${DEFAULT_PROGRAMME_SETTINGS[key]})`

/**
 * The not-cancelled session of one of the person's active enrollments whose check-in window
 * contains `at`: from `checkinOpensMinutes` before its start to `checkinClosesMinutes` after it
 * (both ends included), as set for the session's own programme; when windows overlap, the one
 * starting nearest to `at`.
 */
export async function findCheckinSession(
  db: DbOrTx,
  params: FindCheckinSessionParams
): Promise<CheckinSession | undefined> {
  const at = sql`${params.at.toISOString()}::timestamptz`
  const minutes = (key: keyof ProgrammeSettings) => sql`make_interval(mins => ${settingOf(key)})`
  const rows = await db
    .select({
      ...sessionListColumns,
      checkinCode: trainingSessions.checkinCode,
      radiusMeters:
        sql<number>`coalesce(${trainingSessions.radiusMeters}, ${settingOf('checkinRadiusMeters')})`.mapWith(
          Number
        ),
    })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(enrollments.personId, params.personId),
        eq(enrollments.status, 'active'),
        eq(trainingSessions.cancelled, false),
        sql`${at} between ${trainingSessions.startsAt} - ${minutes('checkinOpensMinutes')} and ${trainingSessions.startsAt} + ${minutes('checkinClosesMinutes')}`
      )
    )
    .orderBy(
      sql`abs(extract(epoch from (${trainingSessions.startsAt} - ${at})))`,
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
  /** An izin reason in the person's own words. */
  reasonNote?: string | null
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
      reasonNote: params.reasonNote ?? null,
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

/**
 * Claims a once-only training message (`code_failed:<session>:<person>`): `true` for the first
 * claim of the key, which then sends it; `false` ever after.
 */
export async function claimTrainingNotice(
  db: DbOrTx,
  params: { key: string; at: Date }
): Promise<boolean> {
  const rows = await db
    .insert(trainingNotices)
    .values(params)
    .onConflictDoNothing({ target: trainingNotices.key })
    .returning({ id: trainingNotices.id })
  return rows.length > 0
}

/** One participant of a session's cohort as the mentor sees them, with today's record. */
/**
 * The people a cohort's change notice goes to: its active participants (also those who excused
 * themselves, the new time may suit them), with or without a chat, by name.
 */
export async function listCohortParticipants(
  db: DbOrTx,
  cohortId: number
): Promise<{ personId: number; name: string }[]> {
  return db
    .select({ personId: people.id, name: people.name })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(
      and(
        eq(enrollments.cohortId, cohortId),
        eq(enrollments.status, 'active'),
        eq(people.status, 'active')
      )
    )
    .orderBy(asc(people.name), asc(people.id))
}

export type RosterEntry = { personId: number; name: string; status: AttendanceStatus | null }

/**
 * The participants of a session's cohort (enrolled, not withdrawn) with their attendance at it,
 * by name: the mentor's list to record attendance from. Empty unless `mentorId` mentors the
 * session's cohort.
 */
export async function listSessionRoster(
  db: DbOrTx,
  params: { sessionId: number; mentorId: number }
): Promise<RosterEntry[]> {
  return db
    .select({ personId: people.id, name: people.name, status: attendance.status })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(enrollments, eq(enrollments.cohortId, cohorts.id))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .leftJoin(
      attendance,
      and(eq(attendance.sessionId, trainingSessions.id), eq(attendance.personId, people.id))
    )
    .where(
      and(
        eq(trainingSessions.id, params.sessionId),
        eq(cohorts.mentorId, params.mentorId),
        ne(enrollments.status, 'withdrawn')
      )
    )
    .orderBy(asc(people.name), asc(people.id))
}

export type RecordAttendanceByMentorParams = {
  sessionId: number
  personId: number
  status: 'present' | 'late' | 'izin'
  reason: string | null
  mentorId: number
  at: Date
}

/**
 * A mentor's record of a participant's attendance (method `mentor`): written when there is none
 * yet, and over an `absent` or `izin` row (the mentor saw her in class after all); a check-in
 * (`present`, `late`) stays as it is. `recorded` when written, `already` when a check-in stood.
 */
export async function recordAttendanceByMentor(
  db: DbOrTx,
  params: RecordAttendanceByMentorParams
): Promise<RecordAttendanceResult> {
  const values = {
    sessionId: params.sessionId,
    personId: params.personId,
    status: params.status,
    method: 'mentor',
    reason: params.reason,
    recordedBy: params.mentorId,
    at: params.at,
  }
  const rows = await db
    .insert(attendance)
    .values(values)
    .onConflictDoUpdate({
      target: [attendance.sessionId, attendance.personId],
      set: {
        status: values.status,
        method: values.method,
        reason: values.reason,
        recordedBy: values.recordedBy,
        at: values.at,
      },
      setWhere: sql`${attendance.status} not in ('present', 'late')`,
    })
    .returning({ id: attendance.id })
  return rows.length > 0 ? 'recorded' : 'already'
}

/** The not-cancelled sessions on the local day of `at` of the cohorts a mentor leads, by start. */
export async function listMentorSessionsOn(
  db: DbOrTx,
  params: { mentorId: number; at: Date }
): Promise<(SessionListItem & { cohortCode: string })[]> {
  return db
    .select(sessionListColumns)
    .from(cohorts)
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(cohorts.mentorId, params.mentorId),
        eq(trainingSessions.cancelled, false),
        eq(trainingSessions.date, localDate(params.at, TIME_ZONE))
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
}

/**
 * The settings of the programme of the person's latest active enrollment (for texts that name
 * them, such as the check-in window); `undefined` when she has no active enrollment.
 */
export async function findSettingsForPerson(
  db: DbOrTx,
  personId: number
): Promise<ProgrammeSettings | undefined> {
  const rows = await db
    .select({ settings: programmes.settings })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(and(eq(enrollments.personId, personId), eq(enrollments.status, 'active')))
    .orderBy(desc(enrollments.id))
    .limit(1)
  return rows[0] ? { ...DEFAULT_PROGRAMME_SETTINGS, ...rows[0].settings } : undefined
}
