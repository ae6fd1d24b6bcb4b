/**
 * What the training leaves behind (docs/domain.md, the training programme, decision 18): the
 * check-in codes a mentor is shown and her presence at a session, the baseline survey at
 * enrolment, and the mentor's kompeten mark. Time is always a parameter.
 * @module
 */
import {
  type SQL,
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNull,
  lte,
  ne,
  notExists,
  sql,
} from 'drizzle-orm'
import { DEFAULT_PROGRAMME_SETTINGS } from '../../domain/training.js'
import type { BaselineDue, KompetenCohort, MentorCodeSession } from '../../domain/snapshot.js'
import { localDate } from '../../domain/dates.js'
import type { DbOrTx } from '../client.js'
import {
  baselineSurveys,
  cohorts,
  enrollments,
  people,
  programmes,
  trainingNotices,
  trainingSessions,
} from '../schema/index.js'
import { claimTrainingNotice } from './training-notices.js'
import { recordAudit } from './audit.js'

/** The once-only notice key saying a session's code reached its mentor. */
export const codeShownKey = (sessionId: number) => `code_shown:${sessionId}`

/**
 * A mentor's sessions (cohorts she leads) on the local day of `at` in `timeZone` that have not
 * ended, with
 * their check-in codes, by start.
 */
export async function listMentorCodesToday(
  db: DbOrTx,
  params: { mentorId: number; at: Date; timeZone: string }
): Promise<MentorCodeSession[]> {
  const rows = await db
    .select({
      id: trainingSessions.id,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      venue: trainingSessions.venue,
      topic: trainingSessions.topic,
      track: cohorts.track,
      cohortCode: cohorts.code,
      code: trainingSessions.checkinCode,
    })
    .from(cohorts)
    .innerJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .where(
      and(
        eq(cohorts.mentorId, params.mentorId),
        eq(trainingSessions.cancelled, false),
        eq(trainingSessions.date, localDate(params.at, params.timeZone)),
        gt(trainingSessions.endsAt, params.at)
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
  return rows.map((row) => ({
    ...row,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
  }))
}

/**
 * The mentor has seen these sessions' codes (only sessions of cohorts she leads count): from now
 * on a participant's failed code is hers to help with. Seen from the programme's check-in opening
 * to the session's end, it also records her presence at the session (the first time).
 */
export async function markCodesShown(
  db: DbOrTx,
  params: { mentorId: number; sessionIds: number[]; at: Date }
): Promise<void> {
  if (params.sessionIds.length === 0) return
  const at = sql`${params.at.toISOString()}::timestamptz`
  const opens = sql`make_interval(mins => coalesce((${programmes.settings}->>'checkinOpensMinutes')::int, ${DEFAULT_PROGRAMME_SETTINGS.checkinOpensMinutes}))`
  const own = await db
    .select({
      id: trainingSessions.id,
      during: sql<boolean>`${at} between ${trainingSessions.startsAt} - ${opens} and ${trainingSessions.endsAt}`,
    })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(
      and(inArray(trainingSessions.id, params.sessionIds), eq(cohorts.mentorId, params.mentorId))
    )
  for (const session of own) {
    await claimTrainingNotice(db, { key: codeShownKey(session.id), at: params.at })
  }
  const present = own.filter((s) => s.during).map((s) => s.id)
  if (present.length === 0) return
  await db
    .update(trainingSessions)
    .set({ mentorPresentAt: params.at })
    .where(and(inArray(trainingSessions.id, present), isNull(trainingSessions.mentorPresentAt)))
}

/** Whether the session's code has reached its mentor (morning reminder, KODE, JADWAL). */
export async function wasCodeShown(db: DbOrTx, sessionId: number): Promise<boolean> {
  const rows = await db
    .select({ id: trainingNotices.id })
    .from(trainingNotices)
    .where(eq(trainingNotices.key, codeShownKey(sessionId)))
  return rows.length > 0
}

const withoutBaseline = (db: DbOrTx) =>
  notExists(
    db
      .select({ id: baselineSurveys.id })
      .from(baselineSurveys)
      .where(eq(baselineSurveys.enrollmentId, enrollments.id))
  )

const dueColumns = { enrollmentId: enrollments.id, personId: people.id, name: people.name }

/** The latest active enrollment without a baseline that also meets `where`, with its person. */
async function findBaselineDue(db: DbOrTx, where: SQL | undefined): Promise<BaselineDue | null> {
  const rows = await db
    .select(dueColumns)
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(and(eq(enrollments.status, 'active'), withoutBaseline(db), where))
    .orderBy(desc(enrollments.id))
    .limit(1)
  return rows[0] ?? null
}

/** The person's latest active enrollment still without a baseline, if any. */
export const findOwnBaselineDue = (db: DbOrTx, personId: number) =>
  findBaselineDue(db, eq(enrollments.personId, personId))

/**
 * The participant of an active enrollment still without a baseline, who has not said BERHENTI:
 * whom the baseline invitation goes to.
 */
export const findBaselineForInvite = (db: DbOrTx, enrollmentId: number) =>
  findBaselineDue(
    db,
    and(eq(enrollments.id, enrollmentId), eq(people.status, 'active'), isNull(people.optedOutAt))
  )

/** Participants at most listed for a mentor to fill a baseline for, by name. */
export const BASELINE_LIST_LIMIT = 30

/**
 * The active participants of the cohorts a mentor leads that have no baseline yet, by name (at
 * most `BASELINE_LIST_LIMIT`): she fills it in for one without a phone.
 */
export async function listBaselineDueForMentor(
  db: DbOrTx,
  mentorId: number
): Promise<BaselineDue[]> {
  return db
    .select(dueColumns)
    .from(cohorts)
    .innerJoin(enrollments, eq(enrollments.cohortId, cohorts.id))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(
      and(eq(cohorts.mentorId, mentorId), eq(enrollments.status, 'active'), withoutBaseline(db))
    )
    .orderBy(asc(people.name), asc(people.id))
    .limit(BASELINE_LIST_LIMIT)
}

export type SaveBaselineParams = {
  enrollmentId: number
  /** Who answered: the participant herself, or her cohort's mentor filling it in for her. */
  actorId: number
  consent: boolean
  workingForPay: boolean | null
  businessStarted: boolean | null
  businessKind: string | null
  channels: string[] | null
  incomeBracket: string | null
  at: Date
}

/**
 * `saved`; `already` when the enrollment has a baseline; `forbidden` when it is not the actor's.
 * `self`: the actor is the participant; `name`: the participant's.
 */
export type SaveBaselineResult =
  { status: 'saved' | 'already'; name: string; self: boolean } | { status: 'forbidden' }

/**
 * Stores a baseline (only the refusal when `consent` is false), once per enrollment. The actor is
 * the participant of the active enrollment or the mentor of its cohort (then audit-logged as a
 * record made for someone else).
 */
export async function saveBaseline(
  db: DbOrTx,
  params: SaveBaselineParams
): Promise<SaveBaselineResult> {
  const [enrollment] = await db
    .select({ personId: enrollments.personId, mentorId: cohorts.mentorId, name: people.name })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(and(eq(enrollments.id, params.enrollmentId), ne(enrollments.status, 'withdrawn')))
  if (!enrollment) return { status: 'forbidden' }
  const self = enrollment.personId === params.actorId
  if (!self && enrollment.mentorId !== params.actorId) return { status: 'forbidden' }
  const answers = params.consent
    ? {
        workingForPay: params.workingForPay,
        businessStarted: params.businessStarted,
        businessKind: params.businessKind,
        channels: params.channels,
        incomeBracket: params.incomeBracket,
      }
    : {}
  const rows = await db
    .insert(baselineSurveys)
    .values({
      enrollmentId: params.enrollmentId,
      personId: enrollment.personId,
      consentGiven: params.consent,
      recordedBy: self ? null : params.actorId,
      answeredAt: params.at,
      ...answers,
    })
    .onConflictDoNothing({ target: baselineSurveys.enrollmentId })
    .returning({ id: baselineSurveys.id })
  if (rows.length === 0) return { status: 'already', name: enrollment.name, self }
  if (!self) {
    await recordAudit(db, {
      actor: `person:${params.actorId}`,
      action: 'baseline_recorded_by_mentor',
      subject: `enrollment:${params.enrollmentId}`,
      detail: { consent: params.consent },
      at: params.at,
    })
  }
  return { status: 'saved', name: enrollment.name, self }
}

/**
 * The cohorts a mentor leads whose sessions are all over at `at` (at least one held), with each
 * participant not withdrawn and her kompeten mark, by cohort code and name.
 */
export async function listKompetenRoster(
  db: DbOrTx,
  params: { mentorId: number; at: Date }
): Promise<KompetenCohort[]> {
  const later = db
    .select({ id: trainingSessions.id })
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.cohortId, cohorts.id),
        eq(trainingSessions.cancelled, false),
        gt(trainingSessions.endsAt, params.at)
      )
    )
  const held = db
    .select({ id: trainingSessions.id })
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.cohortId, cohorts.id),
        eq(trainingSessions.cancelled, false),
        lte(trainingSessions.endsAt, params.at)
      )
    )
  const rows = await db
    .select({
      cohortId: cohorts.id,
      cohortCode: cohorts.code,
      enrollmentId: enrollments.id,
      name: people.name,
      kompeten: enrollments.kompeten,
    })
    .from(cohorts)
    .innerJoin(enrollments, eq(enrollments.cohortId, cohorts.id))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(
      and(
        eq(cohorts.mentorId, params.mentorId),
        ne(enrollments.status, 'withdrawn'),
        notExists(later),
        sql`exists (${held})`
      )
    )
    .orderBy(asc(cohorts.code), asc(people.name), asc(people.id))
  const byCohort = new Map<number, KompetenCohort>()
  for (const row of rows) {
    const cohort = byCohort.get(row.cohortId) ?? {
      cohortId: row.cohortId,
      cohortCode: row.cohortCode,
      participants: [],
    }
    cohort.participants.push({
      enrollmentId: row.enrollmentId,
      name: row.name,
      kompeten: row.kompeten,
    })
    byCohort.set(row.cohortId, cohort)
  }
  return [...byCohort.values()]
}

export type MarkKompetenParams = {
  cohortId: number
  /** The enrollments marked; those in `kompeten` are kompeten, the others belum kompeten. */
  enrollmentIds: number[]
  kompeten: number[]
  /** The person marking; with `mentorOnly`, only a cohort she leads is marked. */
  byPersonId: number | null
  /** The audit actor (`person:<id>`, `admin-token`). */
  actor: string
  mentorOnly: boolean
  at: Date
}

/**
 * Writes kompeten marks for enrollments of one cohort (not withdrawn), audit-logged with the
 * marks. Returns the number of enrollments marked (0 when the cohort is not the mentor's).
 */
export async function markKompeten(db: DbOrTx, params: MarkKompetenParams): Promise<number> {
  if (params.enrollmentIds.length === 0) return 0
  if (params.mentorOnly) {
    const [cohort] = await db
      .select({ mentorId: cohorts.mentorId })
      .from(cohorts)
      .where(eq(cohorts.id, params.cohortId))
    if (!cohort || cohort.mentorId !== params.byPersonId) return 0
  }
  const yes = new Set(params.kompeten)
  let marked = 0
  for (const value of [true, false]) {
    const ids = params.enrollmentIds.filter((id) => yes.has(id) === value)
    if (ids.length === 0) continue
    const rows = await db
      .update(enrollments)
      .set({ kompeten: value, kompetenAt: params.at, kompetenBy: params.byPersonId })
      .where(
        and(
          inArray(enrollments.id, ids),
          eq(enrollments.cohortId, params.cohortId),
          ne(enrollments.status, 'withdrawn')
        )
      )
      .returning({ id: enrollments.id })
    marked += rows.length
  }
  await recordAudit(db, {
    actor: params.actor,
    action: 'kompeten_marked',
    subject: `cohort:${params.cohortId}`,
    detail: {
      kompeten: params.enrollmentIds.filter((id) => yes.has(id)),
      belum: params.enrollmentIds.filter((id) => !yes.has(id)),
    },
    at: params.at,
  })
  return marked
}
