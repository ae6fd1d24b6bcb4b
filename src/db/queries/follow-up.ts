/**
 * Completion and the graduates' follow-up surveys (docs/domain.md, decision 2 and
 * #the-training-programme): who completed a cohort by the programme's rule, the +1/+3/+6-month
 * waves, and their answers. Time is always a parameter.
 * @module
 */
import { and, asc, desc, eq, gt, inArray, isNull } from 'drizzle-orm'
import { FOLLOW_UP_KIND, FOLLOW_UP_WAVES } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  cohorts,
  enrollments,
  followUpSurveys,
  people,
  trainingSessions,
} from '../schema/index.js'
import { planFires } from './fires.js'
import { getProgrammeSettings } from './training-programmes.js'
import { heldBy } from './training-sessions.js'
import { recordAudit } from './audit.js'

/** A graduate a completion marked, with her planned waves. */
export type Graduate = { enrollmentId: number; personId: number }

/**
 * Whether `present` of `held` sessions meets the completion threshold (0..1), compared in
 * thousandths so 0.8 × 5 is exactly 4.
 */
export function meetsThreshold(present: number, held: number, threshold: number): boolean {
  return held > 0 && present * 1000 >= Math.round(threshold * 1000) * held
}

/**
 * Marks the completers of a cohort after its last session (docs/domain.md, decision 2): every
 * active enrollment whose participant was present (`present` or `late`) at ≥ the programme's
 * `completionThreshold` of the cohort's held sessions (not cancelled, ended by `now`) and whose
 * kompeten mark is not `false` (is `true`, when the programme's `completionRequiresKompeten` asks
 * for the mark: then a participant not yet marked completes when the mentor marks her) becomes
 * `completed` at `now`, with its follow-up waves planned. Returns the new graduates; a second run
 * finds none.
 */
export async function completeCohort(
  db: DbOrTx,
  params: { cohortId: number; now: Date }
): Promise<Graduate[]> {
  const [cohort] = await db
    .select({ programmeId: cohorts.programmeId })
    .from(cohorts)
    .where(eq(cohorts.id, params.cohortId))
  if (!cohort) return []
  const settings = await getProgrammeSettings(db, cohort.programmeId)
  const held = await db
    .select({ id: trainingSessions.id })
    .from(trainingSessions)
    .where(and(eq(trainingSessions.cohortId, params.cohortId), heldBy(params.now)))
  const heldIds = held.map((row) => row.id)
  const active = await db
    .select({ id: enrollments.id, personId: enrollments.personId, kompeten: enrollments.kompeten })
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, params.cohortId), eq(enrollments.status, 'active')))
    .orderBy(asc(enrollments.id))
  if (heldIds.length === 0 || active.length === 0) return []
  const present = await db
    .select({ personId: attendance.personId })
    .from(attendance)
    .where(
      and(inArray(attendance.sessionId, heldIds), inArray(attendance.status, ['present', 'late']))
    )
  const count = new Map<number, number>()
  for (const row of present) count.set(row.personId, (count.get(row.personId) ?? 0) + 1)
  const graduates = active
    .filter(
      (e) =>
        (settings.completionRequiresKompeten ? e.kompeten === true : e.kompeten !== false) &&
        meetsThreshold(count.get(e.personId) ?? 0, heldIds.length, settings.completionThreshold)
    )
    .map((e) => ({ enrollmentId: e.id, personId: e.personId }))
  if (graduates.length === 0) return []
  await db
    .update(enrollments)
    .set({ status: 'completed', completedAt: params.now })
    .where(
      inArray(
        enrollments.id,
        graduates.map((g) => g.enrollmentId)
      )
    )
  await db
    .insert(followUpSurveys)
    .values(
      graduates.flatMap((g) =>
        FOLLOW_UP_WAVES.map((wave) => ({ ...g, wave, status: 'planned' as const }))
      )
    )
    .onConflictDoNothing()
  return graduates
}

/** Whether the cohort has no session (not cancelled) ending after `at`: it is over. */
export async function isLastSessionOver(
  db: DbOrTx,
  params: { cohortId: number; at: Date }
): Promise<boolean> {
  const later = await db
    .select({ id: trainingSessions.id })
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.cohortId, params.cohortId),
        eq(trainingSessions.cancelled, false),
        gt(trainingSessions.endsAt, params.at)
      )
    )
    .limit(1)
  return later.length === 0
}

/** One follow-up wave with what its invitation needs to decide. */
export type FollowUpForSending = {
  id: number
  personId: number
  wave: number
  status: string
  minor: boolean
  guardianConsentAt: Date | null
  optedOutAt: Date | null
}

/** A wave with its enrollment's minor flag and guardian mark and the person's opt-out. */
export async function findFollowUpForSending(
  db: DbOrTx,
  surveyId: number
): Promise<FollowUpForSending | undefined> {
  const rows = await db
    .select({
      id: followUpSurveys.id,
      personId: followUpSurveys.personId,
      wave: followUpSurveys.wave,
      status: followUpSurveys.status,
      minor: enrollments.minor,
      guardianConsentAt: enrollments.guardianConsentAt,
      optedOutAt: people.optedOutAt,
    })
    .from(followUpSurveys)
    .innerJoin(enrollments, eq(enrollments.id, followUpSurveys.enrollmentId))
    .innerJoin(people, eq(people.id, followUpSurveys.personId))
    .where(eq(followUpSurveys.id, surveyId))
  return rows[0]
}

/** Sets a wave's status (`sent` with its time, or `held`). */
export async function setFollowUpStatus(
  db: DbOrTx,
  params: { surveyId: number; status: 'sent' | 'held'; at: Date }
): Promise<void> {
  await db
    .update(followUpSurveys)
    .set({ status: params.status, ...(params.status === 'sent' ? { sentAt: params.at } : {}) })
    .where(eq(followUpSurveys.id, params.surveyId))
}

/** The planned waves of these graduates, to plan their fires. */
export async function listPlannedFollowUps(db: DbOrTx, personIds: number[]) {
  if (personIds.length === 0) return []
  return db
    .select({
      id: followUpSurveys.id,
      wave: followUpSurveys.wave,
      personId: followUpSurveys.personId,
    })
    .from(followUpSurveys)
    .where(and(inArray(followUpSurveys.personId, personIds), eq(followUpSurveys.status, 'planned')))
    .orderBy(asc(followUpSurveys.id))
}

/** The person's latest wave waiting for answers (sent, not answered), if any. */
export async function findOpenFollowUp(
  db: DbOrTx,
  personId: number
): Promise<{ id: number; wave: number } | undefined> {
  const rows = await db
    .select({ id: followUpSurveys.id, wave: followUpSurveys.wave })
    .from(followUpSurveys)
    .where(
      and(
        eq(followUpSurveys.personId, personId),
        eq(followUpSurveys.status, 'sent'),
        isNull(followUpSurveys.answeredAt)
      )
    )
    .orderBy(desc(followUpSurveys.wave))
    .limit(1)
  return rows[0]
}

export type SaveFollowUpAnswersParams = {
  surveyId: number
  personId: number
  consent: boolean
  workingForPay: boolean | null
  businessStarted: boolean | null
  businessKind: string | null
  channels: string[] | null
  ordersLastMonth: number | null
  incomeBracket: string | null
  joinedUppka: boolean | null
  hasNib: boolean | null
  at: Date
}

/**
 * Stores a graduate's answers to her sent wave (`answered`), or only her refusal (`declined`,
 * nothing else kept). `false` when the wave is not hers or not waiting for answers.
 */
export async function saveFollowUpAnswers(
  db: DbOrTx,
  params: SaveFollowUpAnswersParams
): Promise<boolean> {
  const answers = params.consent
    ? {
        workingForPay: params.workingForPay,
        businessStarted: params.businessStarted,
        businessKind: params.businessKind,
        channels: params.channels,
        ordersLastMonth: params.ordersLastMonth,
        incomeBracket: params.incomeBracket,
        joinedUppka: params.joinedUppka,
        hasNib: params.hasNib,
      }
    : {}
  const rows = await db
    .update(followUpSurveys)
    .set({
      status: params.consent ? 'answered' : 'declined',
      consentGiven: params.consent,
      answeredAt: params.at,
      ...answers,
    })
    .where(
      and(
        eq(followUpSurveys.id, params.surveyId),
        eq(followUpSurveys.personId, params.personId),
        eq(followUpSurveys.status, 'sent')
      )
    )
    .returning({ id: followUpSurveys.id })
  return rows.length > 0
}

/**
 * Marks a minor's guardian consent, by a mentor or an admin (docs/domain.md, decision 7),
 * audit-logged: her follow-up surveys may then go out; a wave held for want of it is invited at
 * once.
 */
export async function markGuardianConsent(
  db: DbOrTx,
  params: { enrollmentId: number; byPersonId: number; at: Date }
): Promise<void> {
  await db
    .update(enrollments)
    .set({ guardianConsentAt: params.at })
    .where(eq(enrollments.id, params.enrollmentId))
  const held = await db
    .update(followUpSurveys)
    .set({ status: 'planned' })
    .where(
      and(eq(followUpSurveys.enrollmentId, params.enrollmentId), eq(followUpSurveys.status, 'held'))
    )
    .returning({ id: followUpSurveys.id })
  await planFires(
    db,
    held.map((wave) => ({
      kind: FOLLOW_UP_KIND,
      dedupeKey: `follow-up:${wave.id}:guardian`,
      dueAt: params.at,
      graceSeconds: 7 * 24 * 3600,
      payload: { surveyId: wave.id },
    }))
  )
  await recordAudit(db, {
    actor: `person:${params.byPersonId}`,
    action: 'guardian_consent_marked',
    subject: `enrollment:${params.enrollmentId}`,
    at: params.at,
  })
}
