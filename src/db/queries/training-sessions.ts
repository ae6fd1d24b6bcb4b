/**
 * The training's dated sessions (docs/domain.md#the-training-programme, decisions 1, 2): upserts
 * with their check-in codes, moves and cancellations (with the change notices they plan), and
 * the lists participants and mentors see. Time is always a parameter (`now`, `at`, `from`).
 * @module
 */
import { randomInt } from 'node:crypto'
import { type SQL, and, asc, eq, gt, gte, like, lte, sql } from 'drizzle-orm'
import {
  PLAN_REMINDERS_KIND,
  type PlanRemindersPayload,
  SESSION_CHANGED_KIND,
  type CheckinMode,
  type ProgrammeSettings,
  type SessionChangePayload,
  decideSessionChange,
  isNotableSessionChange,
  plansRemindersAtOnce,
  type SkillTrack,
  sessionFirePrefix,
} from '../../domain/training.js'
import { localDate } from '../../domain/dates.js'
import type { DbOrTx } from '../client.js'
import { cohorts, enrollments, fires, programmes, trainingSessions } from '../schema/index.js'
import { planFires } from './fires.js'
import type { UpsertAction } from './people.js'
import { settingOf } from './training-programmes.js'

/** The sessions held by `at`: not cancelled and ended at or before it (docs/domain.md, decision 2). */
export function heldBy(at: Date): SQL | undefined {
  return and(eq(trainingSessions.cancelled, false), lte(trainingSessions.endsAt, at))
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

/**
 * After a session moved, was cancelled or restored (inside the updating transaction): drops its
 * pending reminders and end-of-session fire (planned for the old time; the change notice plans
 * the new ones) and plans one change notice due `now`, measured against what the participants
 * last heard (`decideSessionChange`): a notice still pending is replaced.
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
  const decided = decideSessionChange({ stored, pending, next, now })
  if (!decided) return
  await planFires(tx, [
    {
      kind: SESSION_CHANGED_KIND,
      dedupeKey: `${sessionFirePrefix(stored.id)}change:${next.revision}`,
      dueAt: now,
      graceSeconds: 24 * 3600,
      payload: {
        sessionId: stored.id,
        revision: next.revision,
        change: decided.change,
        previous: decided.previous,
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
  const notable = isNotableSessionChange(stored, merged)
  const next = { ...merged, revision: notable ? stored.revision + 1 : stored.revision }
  await tx
    .update(trainingSessions)
    .set({ ...values, revision: next.revision })
    .where(eq(trainingSessions.id, stored.id))
  if (notable) await noteSessionChange(tx, { stored, next, now })
  return notable
}

/** Plans a new session's reminders at once when `plansRemindersAtOnce` says so. */
async function planRemindersNow(
  tx: DbOrTx,
  sessionId: number,
  session: { startsAt: Date; now: Date }
): Promise<void> {
  if (!plansRemindersAtOnce(session.startsAt, session.now)) return
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

/** The session's row, locked until the transaction ends (a move or a cancellation at a time). */
async function lockSession(tx: DbOrTx, sessionId: number) {
  const rows = await tx
    .select()
    .from(trainingSessions)
    .where(eq(trainingSessions.id, sessionId))
    .for('update')
  return rows[0]
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
    const stored = await lockSession(tx, params.sessionId)
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
    const stored = await lockSession(tx, params.sessionId)
    if (!stored || stored.cancelled) return false
    return updateStoredSession(tx, stored, { cancelled: true }, params.now)
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
 * A session open for check-in as stored, with what a check-in needs to verify (code, venue, radius;
 * the chat sees `CheckinSession` of `domain/snapshot.ts`): the radius is the session's
 * own or its programme's `checkinRadiusMeters`.
 */
export type CheckinSessionRow = MentorSessionListItem & { radiusMeters: number }

/**
 * The not-cancelled session of one of the person's active enrollments whose check-in window
 * contains `at`: from `checkinOpensMinutes` before its start to `checkinClosesMinutes` after it
 * (both ends included), as set for the session's own programme; when windows overlap, the one
 * starting nearest to `at`.
 */
export async function findCheckinSession(
  db: DbOrTx,
  params: FindCheckinSessionParams
): Promise<CheckinSessionRow | undefined> {
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

/**
 * The not-cancelled sessions on the local day of `at` in `timeZone` of the cohorts a mentor
 * leads, by start.
 */
export async function listMentorSessionsOn(
  db: DbOrTx,
  params: { mentorId: number; at: Date; timeZone: string }
): Promise<(SessionListItem & { cohortCode: string })[]> {
  return db
    .select(sessionListColumns)
    .from(cohorts)
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(cohorts.mentorId, params.mentorId),
        eq(trainingSessions.cancelled, false),
        eq(trainingSessions.date, localDate(params.at, params.timeZone))
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
}
