/**
 * The demo's training evidence (docs/domain.md, decision 18), drawn from its own seeded generator
 * so the rest of the demo keeps its draws:
 *
 * - a baseline for most participants (about 85%; a few declined it, a few were filled in by the
 *   mentor for a participant without a phone);
 * - kompeten marks for the finished cohorts the day after their last session: nearly everyone who
 *   came often enough is kompeten, and most of those who came less (the practical test decides);
 * - graduates by the programme's completion rule (decision 2), each with a certificate sent by
 *   chat;
 * - the +1 and +3-month follow-up waves: about two in three graduates answer each wave (most of
 *   them answer both), a few decline, the rest leave it unanswered; the +6-month wave is not due.
 *   Their answers move from the baseline as a training would: more own businesses (of the
 *   cohort's skill), more online selling, a higher income bracket for some.
 *
 * `planOutcomes` is pure; `writeOutcomes` stores it through the same queries the chat and the
 * dashboard use (kompeten marks, completion, certificates), and batched inserts for the answers.
 * @module
 */
import { and, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { completeCohort, meetsThreshold } from '../db/queries/follow-up.js'
import { issueCertificates } from '../db/queries/training-certificates.js'
import { markKompeten } from '../db/queries/training-outcomes.js'
import { baselineSurveys, certificates, followUpSurveys } from '../db/schema/index.js'
import { DEFAULT_TIME_ZONE, addDays, localDate, localInstant } from '../domain/dates.js'
import {
  type AttendanceStatus,
  DEFAULT_PROGRAMME_SETTINGS,
  INCOME_BRACKETS,
  type SkillTrack,
} from '../domain/training.js'
import { createRandom, type Random } from './random.js'
import { recordAudit } from '../db/queries/audit.js'

/** The follow-up waves the demo's finished cohorts have reached (+6 months is not due yet). */
export const DEMO_ANSWERED_WAVES = [1, 3] as const

/** The shared questions' answers (src/flows/outcome-questions.ts), as both surveys store them. */
export type DemoSurveyAnswers = {
  workingForPay: boolean
  businessStarted: boolean
  businessKind: string | null
  channels: string[] | null
  incomeBracket: string
}

export type DemoBaseline = {
  /** Index into `enrollments`. */
  enrollment: number
  /** `null`: she declined; only the refusal is kept. */
  answers: DemoSurveyAnswers | null
  /** Filled in by the cohort's mentor for her (no phone of her own). */
  byMentor: boolean
  at: Date
}

export type DemoKompeten = { enrollment: number; kompeten: boolean }

export type DemoFollowUp = {
  enrollment: number
  wave: (typeof DEMO_ANSWERED_WAVES)[number]
  status: 'sent' | 'answered' | 'declined'
  sentAt: Date
  /** Answered: when, and the shared answers plus the follow-up's own. */
  answeredAt: Date | null
  answers: (DemoSurveyAnswers & { ordersLastMonth: number | null }) | null
}

export type DemoOutcomes = {
  baselines: DemoBaseline[]
  /** Per finished cohort (index into `cohorts`): the day its mentor marked and it completed. */
  finished: { cohort: number; markedAt: Date }[]
  kompeten: DemoKompeten[]
  /** Indexes into `enrollments` of those who complete by the programme's rule. */
  graduates: number[]
  followUps: DemoFollowUp[]
}

/** What of the training plan the outcomes depend on (the plan's rows, by index). */
export type OutcomesInput = {
  seed: number
  /** The first this many cohorts are finished. */
  finishedCohorts: number
  cohorts: readonly { track: SkillTrack }[]
  sessions: readonly { cohort: number; date: string; endsAt: Date }[]
  enrollments: readonly {
    cohort: number
    person: number
    status: 'active' | 'withdrawn'
    enrolledAt: Date
  }[]
  attendance: readonly { session: number; person: number; status: AttendanceStatus }[]
}

const wibAt = (date: string, minutes: number) =>
  localInstant(date, { hour: Math.floor(minutes / 60), minute: minutes % 60 }, DEFAULT_TIME_ZONE)

const ONLINE = ['wa', 'facebook', 'marketplace', 'ojol'] as const

/** A bracket `steps` up (or down) from `bracket`, within the list. */
function moveBracket(bracket: string, steps: number): string {
  const brackets = INCOME_BRACKETS as readonly string[]
  const index = Math.min(brackets.length - 1, Math.max(0, brackets.indexOf(bracket) + steps))
  return brackets[index]!
}

/** Where someone with a business sells: WhatsApp most, in person often, now and then elsewhere. */
function channelsOf(random: Random, online: boolean): string[] {
  const channels = new Set<string>()
  if (online) {
    channels.add(random.chance(0.8) ? 'wa' : random.pick(ONLINE))
    if (random.chance(0.3)) channels.add(random.pick(ONLINE))
  }
  if (!online || random.chance(0.6)) channels.add('langsung')
  return ['wa', 'facebook', 'marketplace', 'ojol', 'langsung'].filter((c) => channels.has(c))
}

/** A young mother's situation before the training. */
function drawBaseline(random: Random): DemoSurveyAnswers {
  const business = random.chance(0.22)
  const workingForPay = random.chance(0.25)
  return {
    workingForPay,
    businessStarted: business,
    businessKind: business ? random.weighted({ makanan: 60, lainnya: 30, jahit: 10 }) : null,
    channels: business ? channelsOf(random, random.chance(0.4)) : null,
    incomeBracket:
      business || workingForPay
        ? random.weighted({ lt500k: 50, '500k_1m': 35, '1m_2m': 12, gt2m: 3 })
        : random.weighted({ none: 80, lt500k: 20 }),
  }
}

/** Builds the outcomes of a training plan, deterministic by its seed. */
export function planOutcomes(input: OutcomesInput): DemoOutcomes {
  // Its own stream: the rest of the demo draws exactly what it drew before these existed.
  const random = createRandom(input.seed ^ 0x0b5e11e5)
  const baselines: DemoBaseline[] = []
  const before = new Map<number, DemoSurveyAnswers>()
  input.enrollments.forEach((e, index) => {
    if (!random.chance(0.85)) return
    const declined = random.chance(0.04)
    const answers = declined ? null : drawBaseline(random)
    const byMentor = random.chance(0.08)
    const at = new Date(e.enrolledAt.getTime() + random.int(2, 72) * 3_600_000)
    baselines.push({ enrollment: index, answers, byMentor, at })
    if (answers) before.set(index, answers)
  })

  const finished: DemoOutcomes['finished'] = []
  const kompeten: DemoKompeten[] = []
  const graduates: number[] = []
  const followUps: DemoFollowUp[] = []
  const present = new Set(
    input.attendance
      .filter((a) => a.status === 'present' || a.status === 'late')
      .map((a) => `${a.session}:${a.person}`)
  )
  const threshold = DEFAULT_PROGRAMME_SETTINGS.completionThreshold
  for (let c = 0; c < input.finishedCohorts; c++) {
    const sessions = input.sessions
      .map((s, index) => ({ s, index }))
      .filter((x) => x.s.cohort === c)
    const lastDate = sessions.reduce((last, x) => (x.s.date > last ? x.s.date : last), '')
    const markedAt = wibAt(addDays(lastDate, 1), 16 * 60 + random.int(0, 90))
    finished.push({ cohort: c, markedAt })
    const track = input.cohorts[c]!.track
    input.enrollments.forEach((e, index) => {
      if (e.cohort !== c || e.status === 'withdrawn') return
      const came = sessions.filter((x) => present.has(`${x.index}:${e.person}`)).length
      const enough = meetsThreshold(came, sessions.length, threshold)
      const mark = random.chance(enough ? 0.95 : 0.75)
      kompeten.push({ enrollment: index, kompeten: mark })
      if (!(enough && mark)) return
      graduates.push(index)
      followUps.push(...planFollowUps(random, { enrollment: index, markedAt, track, before }))
    })
  }
  return { baselines, finished, kompeten, graduates, followUps }
}

/** A graduate's two waves: one course of her business, answered or not per wave. */
function planFollowUps(
  random: Random,
  params: {
    enrollment: number
    markedAt: Date
    track: SkillTrack
    before: Map<number, DemoSurveyAnswers>
  }
): DemoFollowUp[] {
  const start =
    params.before.get(params.enrollment) ??
    // Without a baseline her later answers still need a starting point.
    drawBaseline(random)
  const responsive = random.chance(0.72)
  const startsBusiness = !start.businessStarted && random.chance(0.38)
  const goesOnline = random.chance(0.55)
  const earnsMore = random.chance(0.5)
  const skill = params.track === 'menjahit' ? 'jahit' : 'makanan'
  return DEMO_ANSWERED_WAVES.map((wave) => {
    const sentAt = wibAt(addDays(localDay(params.markedAt), wave * 30 + 1), 9 * 60)
    const answering = random.chance(responsive ? 0.86 : 0.08)
    const declining = !answering && random.chance(0.1)
    if (!answering) {
      return {
        enrollment: params.enrollment,
        wave,
        status: declining ? ('declined' as const) : ('sent' as const),
        sentAt,
        answeredAt: declining ? new Date(sentAt.getTime() + 3 * 3_600_000) : null,
        answers: null,
      }
    }
    // By the third month the change has gone further than by the first.
    const business = start.businessStarted || (startsBusiness && (wave === 3 || random.chance(0.6)))
    const online = business && (goesOnline || (start.channels ?? []).some((c) => c !== 'langsung'))
    const up = business && earnsMore ? (wave === 3 ? 1 + (random.chance(0.3) ? 1 : 0) : 1) : 0
    const income = moveBracket(
      start.incomeBracket === 'none' && business ? 'lt500k' : start.incomeBracket,
      start.incomeBracket === 'none' && business ? up - 1 : up
    )
    return {
      enrollment: params.enrollment,
      wave,
      status: 'answered' as const,
      sentAt,
      answeredAt: new Date(sentAt.getTime() + random.int(1, 96) * 3_600_000),
      answers: {
        workingForPay: start.workingForPay && !random.chance(0.15),
        businessStarted: business,
        businessKind: business ? (start.businessKind ?? skill) : null,
        channels: business ? channelsOf(random, online) : null,
        incomeBracket: income,
        ordersLastMonth: business ? random.int(wave === 1 ? 1 : 3, wave === 1 ? 12 : 30) : null,
      },
    }
  })
}

const localDay = (at: Date) => localDate(at, DEFAULT_TIME_ZONE)

/** What `writeOutcomes` stores, and the ids of the rows the plan's indexes point to. */
export type WriteOutcomesParams = {
  outcomes: DemoOutcomes
  cohorts: readonly { mentor: number }[]
  enrollments: readonly { cohort: number; person: number }[]
  /** The stored id of a person by plan index. */
  person: (index: number) => number
  cohortIds: readonly number[]
  enrollmentIds: readonly number[]
}

/** Thrown when the completion rule finds other graduates than the plan expects. */
export class DemoOutcomeMismatchError extends Error {
  readonly code = 'DEMO_OUTCOME_MISMATCH' as const

  constructor(cohort: number) {
    super(`the completion rule and the demo plan disagree on cohort ${cohort}'s graduates`)
    this.name = 'DemoOutcomeMismatchError'
  }
}

/** Rows per insert statement. */
const BATCH = 500

/** Stores the outcomes: baselines, kompeten marks, completion, certificates, follow-up waves. */
export async function writeOutcomes(tx: DbOrTx, params: WriteOutcomesParams): Promise<void> {
  const { outcomes } = params
  const enrollment = (index: number) => params.enrollmentIds[index]!
  const mentorOf = (enrollmentIndex: number) =>
    params.person(params.cohorts[params.enrollments[enrollmentIndex]!.cohort]!.mentor)
  const baselineRows = outcomes.baselines.map((b) => ({
    enrollmentId: enrollment(b.enrollment),
    personId: params.person(params.enrollments[b.enrollment]!.person),
    consentGiven: b.answers !== null,
    ...(b.answers ?? {}),
    recordedBy: b.byMentor ? mentorOf(b.enrollment) : null,
    answeredAt: b.at,
  }))
  for (let i = 0; i < baselineRows.length; i += BATCH) {
    await tx.insert(baselineSurveys).values(baselineRows.slice(i, i + BATCH))
  }
  const byMentor = baselineRows.filter((row) => row.recordedBy !== null)
  if (byMentor.length > 0) {
    await recordAudit(
      tx,
      byMentor.map((row) => ({
        actor: `person:${row.recordedBy}`,
        action: 'baseline_recorded_by_mentor',
        subject: `enrollment:${row.enrollmentId}`,
        detail: { consent: row.consentGiven },
        at: row.answeredAt,
      }))
    )
  }

  const graduates = new Set(outcomes.graduates.map(enrollment))
  for (const { cohort, markedAt } of outcomes.finished) {
    const cohortId = params.cohortIds[cohort]!
    const marks = outcomes.kompeten.filter(
      (k) => params.enrollments[k.enrollment]!.cohort === cohort
    )
    const mentor = params.person(params.cohorts[cohort]!.mentor)
    await markKompeten(tx, {
      cohortId,
      enrollmentIds: marks.map((k) => enrollment(k.enrollment)),
      kompeten: marks.filter((k) => k.kompeten).map((k) => enrollment(k.enrollment)),
      byPersonId: mentor,
      actor: `person:${mentor}`,
      mentorOnly: true,
      at: markedAt,
    })
    const completed = await completeCohort(tx, { cohortId, now: markedAt })
    const expected = [...graduates].filter((id) =>
      marks.some((k) => enrollment(k.enrollment) === id)
    )
    const got = completed.map((g) => g.enrollmentId)
    if (got.length !== expected.length || got.some((id) => !graduates.has(id))) {
      throw new DemoOutcomeMismatchError(cohort)
    }
    await issueCertificates(tx, { enrollmentIds: got, at: markedAt })
    if (got.length > 0) {
      // Each graduate got hers by chat with the congratulations, a minute after the marks.
      await tx
        .update(certificates)
        .set({ sentAt: new Date(markedAt.getTime() + 60_000) })
        .where(inArray(certificates.enrollmentId, got))
    }
  }

  // The waves completion planned, as they went: one delete and one insert instead of a few
  // hundred single-row updates (the rows have no other reference yet).
  const answered = outcomes.followUps.map((wave) => ({
    enrollmentId: enrollment(wave.enrollment),
    personId: params.person(params.enrollments[wave.enrollment]!.person),
    wave: wave.wave,
    status: wave.status,
    sentAt: wave.sentAt,
    consentGiven: wave.status === 'sent' ? null : wave.status === 'answered',
    answeredAt: wave.answeredAt,
    ...(wave.answers ?? {}),
  }))
  if (answered.length === 0) return
  await tx
    .delete(followUpSurveys)
    .where(
      and(
        inArray(followUpSurveys.enrollmentId, [...graduates]),
        inArray(followUpSurveys.wave, [...DEMO_ANSWERED_WAVES])
      )
    )
  for (let i = 0; i < answered.length; i += BATCH) {
    await tx.insert(followUpSurveys).values(answered.slice(i, i + BATCH))
  }
}
