/**
 * The training indicators of docs/domain.md, decision 13, for a programme and optionally
 * one cohort or one kecamatan, as of a moment. Definitions shared by every function:
 *
 * - *enrolled*: the enrollments of the cohorts in scope, whatever their status (active,
 *   withdrawn, completed): everyone who was enrolled counts in the denominators.
 * - *sessions held* of a cohort: its sessions that are not cancelled and have ended by `asOf`.
 * - *present*: an attendance row `present` or `late`; `izin` is not present and not absent.
 * - *absent without izin* at a held session: a row `absent`, or no row at all (the session is over
 *   and nobody recorded the participant).
 *
 * Counts are exact integers; `value` is rounded to one decimal (half up) and is `null` when the
 * denominator is 0. The figures are computed from a few thousand rows read once per call;
 * `readTrainingIndicators` and `readTrainingIndicatorsByCohort` read them once for all four.
 * @module
 */
import { and, eq, inArray, lte } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import {
  INCOME_BRACKETS,
  ONLINE_SALES_CHANNELS,
  type AttendanceStatus,
  type ProgrammeSettings,
} from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  baselineSurveys,
  cohorts,
  enrollments,
  followUpSurveys,
  trainingSessions,
} from '../schema/index.js'
import { getProgrammeSettings } from './training-programmes.js'
import { heldBy } from './training-sessions.js'

/** Consecutive absences from the latest held sessions that make a drop-out. */
export const DROP_OUT_ABSENCES = 3

/** The programme, the optional narrower scope and the moment an indicator is computed for. */
export type TrainingIndicatorScope = {
  programmeId: number
  /** Only this cohort (of the programme). */
  cohortId?: number
  /** Only the cohorts of this kecamatan (`35.07.24`). */
  kecamatanCode?: string
  /** Sessions ended by this moment are held. */
  asOf: Date
}

/** An indicator with its two counts. */
export type TrainingIndicator = { numerator: number; denominator: number; value: number | null }

/** `numerator ÷ denominator × 100`, rounded to one decimal; `null` when the denominator is 0. */
function percent(numerator: number, denominator: number): TrainingIndicator {
  return {
    numerator,
    denominator,
    value: denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10,
  }
}

type EnrollmentFacts = {
  cohortId: number
  status: string
  kompeten: boolean | null
  /** The statuses at the cohort's held sessions, latest session first; `null` = no row. */
  statuses: (AttendanceStatus | null)[]
}

type TrainingFacts = {
  /** Held sessions per cohort in scope (cohorts without any held session map to 0). */
  heldByCohort: Map<number, number>
  enrollments: EnrollmentFacts[]
}

/** Reads the cohorts, held sessions, enrollments and attendance of a scope. */
async function loadFacts(db: DbOrTx, scope: TrainingIndicatorScope): Promise<TrainingFacts> {
  const conditions: (SQL | undefined)[] = [eq(cohorts.programmeId, scope.programmeId)]
  if (scope.cohortId !== undefined) conditions.push(eq(cohorts.id, scope.cohortId))
  if (scope.kecamatanCode !== undefined) {
    conditions.push(eq(cohorts.kecamatanCode, scope.kecamatanCode))
  }
  const cohortRows = await db
    .select({ id: cohorts.id })
    .from(cohorts)
    .where(and(...conditions))
  const cohortIds = cohortRows.map((row) => row.id)
  const heldByCohort = new Map(cohortIds.map((id) => [id, 0]))
  if (cohortIds.length === 0) return { heldByCohort, enrollments: [] }

  const sessions = await db
    .select({ id: trainingSessions.id, cohortId: trainingSessions.cohortId })
    .from(trainingSessions)
    .where(and(inArray(trainingSessions.cohortId, cohortIds), heldBy(scope.asOf)))
    .orderBy(trainingSessions.startsAt, trainingSessions.id)
  const enrollmentRows = await db
    .select({
      cohortId: enrollments.cohortId,
      personId: enrollments.personId,
      status: enrollments.status,
      kompeten: enrollments.kompeten,
    })
    .from(enrollments)
    .where(inArray(enrollments.cohortId, cohortIds))
  const sessionIds = sessions.map((session) => session.id)
  const attendanceRows =
    sessionIds.length === 0
      ? []
      : await db
          .select({
            sessionId: attendance.sessionId,
            personId: attendance.personId,
            status: attendance.status,
          })
          .from(attendance)
          .where(inArray(attendance.sessionId, sessionIds))

  const statusOf = new Map(
    attendanceRows.map((row) => [`${row.sessionId}:${row.personId}`, row.status])
  )
  const sessionsByCohort = new Map<number, number[]>()
  for (const session of sessions) {
    heldByCohort.set(session.cohortId, (heldByCohort.get(session.cohortId) ?? 0) + 1)
    const list = sessionsByCohort.get(session.cohortId) ?? []
    list.unshift(session.id) // latest first
    sessionsByCohort.set(session.cohortId, list)
  }
  return {
    heldByCohort,
    enrollments: enrollmentRows.map((row) => ({
      cohortId: row.cohortId,
      status: row.status,
      kompeten: row.kompeten,
      statuses: (sessionsByCohort.get(row.cohortId) ?? []).map(
        (sessionId) => statusOf.get(`${sessionId}:${row.personId}`) ?? null
      ),
    })),
  }
}

function presentCount(enrollment: EnrollmentFacts): number {
  return enrollment.statuses.filter((status) => status === 'present' || status === 'late').length
}

/** Attendance rate of facts: present ÷ (enrolled × sessions held) × 100 (see `attendanceRate`). */
function attendanceOf(facts: TrainingFacts): TrainingIndicator {
  let present = 0
  let possible = 0
  for (const enrollment of facts.enrollments) {
    present += presentCount(enrollment)
    possible += facts.heldByCohort.get(enrollment.cohortId) ?? 0
  }
  return percent(present, possible)
}

/** Drop-out rate of facts (see `dropOutRate`). */
function dropOutOf(facts: TrainingFacts): TrainingIndicator {
  const dropOuts = facts.enrollments.filter((enrollment) => {
    if (enrollment.status === 'withdrawn') return true
    const latest = enrollment.statuses.slice(0, DROP_OUT_ABSENCES)
    return (
      latest.length === DROP_OUT_ABSENCES &&
      latest.every((status) => status === null || status === 'absent')
    )
  }).length
  return percent(dropOuts, facts.enrollments.length)
}

/** Completion rate of facts with the programme's threshold (see `completionRate`). */
function completionOf(facts: TrainingFacts, settings: ProgrammeSettings): TrainingIndicator {
  // Thousandths, so 0.8 × 5 compares as 800 × 5 = 4000 against present × 1000 without rounding.
  const threshold = Math.round(settings.completionThreshold * 1000)
  const completers = facts.enrollments.filter((enrollment) => {
    const held = facts.heldByCohort.get(enrollment.cohortId) ?? 0
    return (
      enrollment.status !== 'withdrawn' &&
      enrollment.kompeten !== false &&
      held > 0 &&
      presentCount(enrollment) * 1000 >= threshold * held
    )
  }).length
  return percent(completers, facts.enrollments.length)
}

/** The four indicators of facts already read. */
function indicatorsOf(facts: TrainingFacts, settings: ProgrammeSettings): TrainingIndicators {
  return {
    attendanceRate: attendanceOf(facts),
    dropOutRate: dropOutOf(facts),
    completionRate: completionOf(facts, settings),
    targetAchievement: percent(facts.enrollments.length, settings.target),
  }
}

export type AttendanceRateParams = TrainingIndicatorScope

/**
 * Attendance rate = present ÷ (enrolled × sessions held) × 100, summed over the cohorts in scope:
 * the numerator counts the enrolled participants' `present` and `late` rows at their cohort's
 * held sessions; the denominator adds, per cohort, its enrolled participants × its sessions held.
 * `izin` is not present. `null` when nobody is enrolled or no session was held.
 */
export async function attendanceRate(
  db: DbOrTx,
  params: AttendanceRateParams
): Promise<TrainingIndicator> {
  return attendanceOf(await loadFacts(db, params))
}

export type DropOutRateParams = TrainingIndicatorScope

/**
 * Drop-out rate = drop-outs ÷ enrolled × 100, where a drop-out is an enrolled participant who was
 * withdrawn by a mentor (status `withdrawn`), or who was absent without izin (a row `absent`, or
 * no row) from each of the last 3 consecutive sessions held of the cohort. A cohort with fewer
 * than 3 sessions held has only withdrawn drop-outs. `null` when nobody is enrolled.
 */
export async function dropOutRate(
  db: DbOrTx,
  params: DropOutRateParams
): Promise<TrainingIndicator> {
  return dropOutOf(await loadFacts(db, params))
}

export type CompletionRateParams = TrainingIndicatorScope

/**
 * Completion rate = completers ÷ enrolled × 100 (docs/domain.md, decision 2), where a completer is
 * an enrolled, not withdrawn participant whose cohort held ≥ 1 session, who was present (`present`
 * or `late`) at ≥ threshold × sessions held (the programme's `completionThreshold`, 0.8 by
 * default; compared exactly, so 4 of 5 sessions is 80%), and whose kompeten mark is not `false`
 * (no mark counts as kompeten). `null` when nobody is enrolled.
 */
export async function completionRate(
  db: DbOrTx,
  params: CompletionRateParams
): Promise<TrainingIndicator> {
  const settings = await getProgrammeSettings(db, params.programmeId)
  return completionOf(await loadFacts(db, params), settings)
}

export type TargetAchievementParams = TrainingIndicatorScope

/**
 * Target achievement = enrolled ÷ the programme's target × 100 (setting `target`; 300 for the
 * ibu-muda programme). A narrower scope (a cohort, a kecamatan) still divides by the whole
 * programme's target, so the scopes add up. `null` when the target is 0.
 */
export async function targetAchievement(
  db: DbOrTx,
  params: TargetAchievementParams
): Promise<TrainingIndicator> {
  const settings = await getProgrammeSettings(db, params.programmeId)
  const facts = await loadFacts(db, params)
  return percent(facts.enrollments.length, settings.target)
}

/** The four training indicators of docs/domain.md, decision 13, in the order exports list them. */
export const TRAINING_INDICATOR_KEYS = [
  'attendanceRate',
  'dropOutRate',
  'completionRate',
  'targetAchievement',
] as const
export type TrainingIndicatorKey = (typeof TRAINING_INDICATOR_KEYS)[number]

/** The four training indicators for one scope. */
export type TrainingIndicators = Record<TrainingIndicatorKey, TrainingIndicator>

/**
 * Reads the four training indicators of a scope: the programme's settings and the scope's facts
 * once (four queries), then the four formulas on them.
 */
export async function readTrainingIndicators(
  db: DbOrTx,
  scope: TrainingIndicatorScope
): Promise<TrainingIndicators> {
  const settings = await getProgrammeSettings(db, scope.programmeId)
  return indicatorsOf(await loadFacts(db, scope), settings)
}

/** The indicators of a scope and of each of its cohorts. */
export type TrainingIndicatorsByCohort = {
  total: TrainingIndicators
  /** Per cohort id in scope (every cohort of the scope, with or without enrollments). */
  cohorts: Map<number, TrainingIndicators & { enrolled: number }>
}

/**
 * Reads the four training indicators of a scope and of each cohort in it from one read of the
 * facts (the same figures as `readTrainingIndicators` with `cohortId`, for a page that lists
 * every cohort). A cohort's target achievement divides by the whole programme's target.
 */
export async function readTrainingIndicatorsByCohort(
  db: DbOrTx,
  scope: TrainingIndicatorScope
): Promise<TrainingIndicatorsByCohort> {
  const settings = await getProgrammeSettings(db, scope.programmeId)
  const facts = await loadFacts(db, scope)
  const cohorts = new Map<number, TrainingIndicators & { enrolled: number }>()
  for (const [cohortId, held] of facts.heldByCohort) {
    const own: TrainingFacts = {
      heldByCohort: new Map([[cohortId, held]]),
      enrollments: facts.enrollments.filter((enrollment) => enrollment.cohortId === cohortId),
    }
    cohorts.set(cohortId, { ...indicatorsOf(own, settings), enrolled: own.enrollments.length })
  }
  return { total: indicatorsOf(facts, settings), cohorts }
}

/** What a survey (the baseline or a follow-up wave) says of a graduate's business and income. */
type SurveyFacts = {
  businessStarted: boolean | null
  channels: string[] | null
  incomeBracket: string | null
}

/**
 * A graduate in scope with her latest answered follow-up wave (`null`: none answered yet) and
 * her baseline (`null`: none, or declined).
 */
type GraduateFacts = { latest: SurveyFacts | null; baseline: SurveyFacts | null }

/**
 * The graduates of the cohorts in scope (enrollments `completed` by `asOf`) and, for each, the
 * answered follow-up wave (answered by `asOf`) with the highest wave number.
 */
async function loadGraduates(db: DbOrTx, scope: TrainingIndicatorScope): Promise<GraduateFacts[]> {
  const conditions: (SQL | undefined)[] = [
    eq(cohorts.programmeId, scope.programmeId),
    eq(enrollments.status, 'completed'),
    lte(enrollments.completedAt, scope.asOf),
  ]
  if (scope.cohortId !== undefined) conditions.push(eq(cohorts.id, scope.cohortId))
  if (scope.kecamatanCode !== undefined) {
    conditions.push(eq(cohorts.kecamatanCode, scope.kecamatanCode))
  }
  const graduates = await db
    .select({ id: enrollments.id })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .where(and(...conditions))
  const ids = graduates.map((g) => g.id)
  const answers =
    ids.length === 0
      ? []
      : await db
          .select({
            enrollmentId: followUpSurveys.enrollmentId,
            wave: followUpSurveys.wave,
            businessStarted: followUpSurveys.businessStarted,
            channels: followUpSurveys.channels,
            incomeBracket: followUpSurveys.incomeBracket,
          })
          .from(followUpSurveys)
          .where(
            and(
              inArray(followUpSurveys.enrollmentId, ids),
              eq(followUpSurveys.status, 'answered'),
              lte(followUpSurveys.answeredAt, scope.asOf)
            )
          )
  const latest = new Map<number, (typeof answers)[number]>()
  for (const answer of answers) {
    const seen = latest.get(answer.enrollmentId)
    if (!seen || answer.wave > seen.wave) latest.set(answer.enrollmentId, answer)
  }
  const baselines =
    ids.length === 0
      ? []
      : await db
          .select({
            enrollmentId: baselineSurveys.enrollmentId,
            businessStarted: baselineSurveys.businessStarted,
            channels: baselineSurveys.channels,
            incomeBracket: baselineSurveys.incomeBracket,
          })
          .from(baselineSurveys)
          .where(
            and(
              inArray(baselineSurveys.enrollmentId, ids),
              eq(baselineSurveys.consentGiven, true),
              lte(baselineSurveys.answeredAt, scope.asOf)
            )
          )
  const baseline = new Map(baselines.map((b) => [b.enrollmentId, b]))
  return ids.map((id) => ({ latest: latest.get(id) ?? null, baseline: baseline.get(id) ?? null }))
}

export type FollowUpIndicatorParams = TrainingIndicatorScope

/**
 * Business-start rate = graduates whose latest answered follow-up says a business runs ÷
 * graduates reached (with at least one answered follow-up) × 100 (docs/domain.md, decision 13).
 * Graduates are enrollments completed by `asOf`; answers count when given by `asOf`.
 */
export async function businessStartRate(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<TrainingIndicator> {
  const reached = (await loadGraduates(db, params)).filter((g) => g.latest !== null)
  return percent(reached.filter((g) => g.latest!.businessStarted === true).length, reached.length)
}

/**
 * Graduates with income = graduates whose latest answered follow-up reports any own income from
 * work or a business (a bracket other than `none`; the baseline's question) ÷ graduates reached ×
 * 100.
 */
export async function graduatesWithIncomeRate(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<TrainingIndicator> {
  const reached = (await loadGraduates(db, params)).filter((g) => g.latest !== null)
  const earning = reached.filter(
    (g) => g.latest!.incomeBracket !== null && g.latest!.incomeBracket !== 'none'
  )
  return percent(earning.length, reached.length)
}

/**
 * Online-sales share = graduates whose latest answered follow-up names an online sales channel
 * (WhatsApp, Facebook, a marketplace, a food-delivery app) ÷ graduates whose latest answered
 * follow-up says a business runs × 100.
 */
export async function onlineSalesShare(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<TrainingIndicator> {
  const withBusiness = (await loadGraduates(db, params)).filter(
    (g) => g.latest?.businessStarted === true
  )
  const online = withBusiness.filter((g) =>
    (g.latest!.channels ?? []).some((channel) => ONLINE_SALES_CHANNELS.includes(channel))
  )
  return percent(online.length, withBusiness.length)
}

/**
 * Tracer response rate = graduates who answered at least one follow-up (with consent) ÷
 * graduates × 100. A declined consent is not an answer.
 */
export async function tracerResponseRate(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<TrainingIndicator> {
  return tracerOf(await loadGraduates(db, params))
}

function tracerOf(graduates: GraduateFacts[]): TrainingIndicator {
  return percent(graduates.filter((g) => g.latest !== null).length, graduates.length)
}

/**
 * A change from the baseline to the latest follow-up, only over graduates who answered both
 * (`n`): the share at the baseline and at the latest wave, each `count ÷ n × 100`, and `change`,
 * the difference in percentage points (latest − baseline, one decimal; `null` when `n` is 0).
 */
export type BaselineChange = {
  n: number
  baseline: TrainingIndicator
  latest: TrainingIndicator
  change: number | null
}

type SurveyPair = { latest: SurveyFacts; baseline: SurveyFacts }

/** Graduates who answered the baseline (with consent) and at least one follow-up. */
function pairsOf(graduates: GraduateFacts[]): SurveyPair[] {
  return graduates.flatMap((g) =>
    g.latest && g.baseline ? [{ latest: g.latest, baseline: g.baseline }] : []
  )
}

/** Graduates in scope who answered the baseline (with consent) and at least one follow-up. */
async function answeredBoth(db: DbOrTx, params: FollowUpIndicatorParams) {
  return pairsOf(await loadGraduates(db, params))
}

function changeOf(
  pairs: { latest: SurveyFacts; baseline: SurveyFacts }[],
  holds: (survey: SurveyFacts) => boolean
): BaselineChange {
  const baseline = percent(pairs.filter((p) => holds(p.baseline)).length, pairs.length)
  const latest = percent(pairs.filter((p) => holds(p.latest)).length, pairs.length)
  const change =
    pairs.length === 0
      ? null
      : Math.round(((latest.numerator - baseline.numerator) * 1000) / pairs.length) / 10
  return { n: pairs.length, baseline, latest, change }
}

const hasBusiness = (survey: SurveyFacts) => survey.businessStarted === true

const sellsOnline = (survey: SurveyFacts) =>
  survey.businessStarted === true &&
  (survey.channels ?? []).some((channel) => ONLINE_SALES_CHANNELS.includes(channel))

/**
 * Business-start change (docs/domain.md, decision 18) = share with an own business at the latest
 * follow-up − share with one at the baseline, in percentage points, over graduates who answered
 * both; each share = graduates with a business ÷ n × 100.
 */
export async function businessStartChange(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<BaselineChange> {
  return changeOf(await answeredBoth(db, params), hasBusiness)
}

/**
 * Online-selling change = share with a business sold through an online channel (WhatsApp,
 * Facebook, a marketplace, a food-delivery app) at the latest follow-up − the same share at the
 * baseline, in percentage points, over graduates who answered both.
 */
export async function onlineSellingChange(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<BaselineChange> {
  return changeOf(await answeredBoth(db, params), sellsOnline)
}

/**
 * Income bracket up = graduates whose latest follow-up's income bracket is higher than their
 * baseline's (none < below 500 thousand < 0.5–1 million < 1–2 million < above 2 million) ÷
 * graduates who answered both with a bracket × 100.
 */
export async function incomeBracketUp(
  db: DbOrTx,
  params: FollowUpIndicatorParams
): Promise<TrainingIndicator> {
  return bracketUpOf(await answeredBoth(db, params))
}

function bracketUpOf(answered: SurveyPair[]): TrainingIndicator {
  const rank = (bracket: string | null) =>
    bracket === null ? -1 : (INCOME_BRACKETS as readonly string[]).indexOf(bracket)
  const pairs = answered.filter(
    (p) => rank(p.baseline.incomeBracket) >= 0 && rank(p.latest.incomeBracket) >= 0
  )
  const up = pairs.filter((p) => rank(p.latest.incomeBracket) > rank(p.baseline.incomeBracket))
  return percent(up.length, pairs.length)
}

/**
 * Kompeten rate = participants marked kompeten ÷ participants the mentor marked (kompeten or belum
 * kompeten) × 100, over the enrollments in scope (not withdrawn) marked by `asOf`.
 */
export async function kompetenRate(
  db: DbOrTx,
  params: TrainingIndicatorScope
): Promise<TrainingIndicator> {
  const conditions: (SQL | undefined)[] = [
    eq(cohorts.programmeId, params.programmeId),
    lte(enrollments.kompetenAt, params.asOf),
    params.cohortId === undefined ? undefined : eq(cohorts.id, params.cohortId),
    params.kecamatanCode === undefined
      ? undefined
      : eq(cohorts.kecamatanCode, params.kecamatanCode),
  ]
  const marks = await db
    .select({ kompeten: enrollments.kompeten, status: enrollments.status })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .where(and(...conditions))
  const marked = marks.filter((m) => m.kompeten !== null && m.status !== 'withdrawn')
  return percent(marked.filter((m) => m.kompeten === true).length, marked.length)
}

/** The effectiveness figures of docs/domain.md (training outcomes), in the order they are listed. */
export const TRAINING_EFFECTIVENESS_KEYS = [
  'businessStartChange',
  'onlineSellingChange',
  'incomeBracketUp',
  'tracerResponseRate',
  'kompetenRate',
] as const
export type TrainingEffectivenessKey = (typeof TRAINING_EFFECTIVENESS_KEYS)[number]

/** The effectiveness figures of one scope. */
export type TrainingEffectiveness = {
  businessStartChange: BaselineChange
  onlineSellingChange: BaselineChange
  incomeBracketUp: TrainingIndicator
  tracerResponseRate: TrainingIndicator
  kompetenRate: TrainingIndicator
}

/**
 * Reads the five effectiveness figures of a scope, the graduates and their surveys once: the same
 * figures as `businessStartChange`, `onlineSellingChange`, `incomeBracketUp`,
 * `tracerResponseRate` and `kompetenRate`.
 */
export async function readTrainingEffectiveness(
  db: DbOrTx,
  scope: TrainingIndicatorScope
): Promise<TrainingEffectiveness> {
  const graduates = await loadGraduates(db, scope)
  const pairs = pairsOf(graduates)
  return {
    businessStartChange: changeOf(pairs, hasBusiness),
    onlineSellingChange: changeOf(pairs, sellsOnline),
    incomeBracketUp: bracketUpOf(pairs),
    tracerResponseRate: tracerOf(graduates),
    kompetenRate: await kompetenRate(db, scope),
  }
}
