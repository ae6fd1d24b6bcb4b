/**
 * The tracer study's response (docs/domain.md#the-training-programme): per follow-up wave, how
 * many graduates were sent the survey and how many answered it, and the list of who answered which
 * wave, for the pulsa or transport incentive paid outside the product. The list carries names and
 * phone numbers: callers restrict it to admins and audit-log every download.
 * @module
 */
import { and, asc, eq, inArray, lte } from 'drizzle-orm'
import { FOLLOW_UP_WAVES } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  cohorts,
  enrollments,
  followUpSurveys,
  people,
  programmes,
  regions,
} from '../schema/index.js'
import { withinCode } from './regions.js'

/** One wave's response: sent, answered, declined, and the rate with its counts. */
export type TracerWave = {
  /** Months after completion: 1, 3 or 6. */
  wave: number
  /** Invitations sent by `asOf` (whatever came of them). */
  sent: number
  /** Of those, answered (with consent) by `asOf`. */
  answered: number
  /** Of those, consent declined. */
  declined: number
  /** answered ÷ sent × 100, one decimal; `null` when nothing was sent. */
  rate: number | null
}

export type ListTracerWavesParams = {
  /** The programme's code (`IBU-MUDA`). */
  programmeCode: string
  /** Only this kecamatan's cohorts; absent: the kabupaten. */
  kecamatanCode?: string
  asOf: Date
}

/** The statuses of a wave whose invitation went out. */
const SENT_STATUSES: readonly string[] = ['sent', 'answered', 'declined']

/**
 * Tracer response rate per wave = graduates who answered the wave (with consent) ÷ graduates the
 * wave's invitation was sent to × 100, both by `asOf`. A declined consent and a wave still
 * unanswered are not answers; a wave still planned, or held back (a minor without the guardian's
 * consent), was not sent and is in neither count. Every wave is listed, with zeros when none was
 * sent; `rate` is rounded to one decimal.
 */
export async function listTracerWaves(
  db: DbOrTx,
  params: ListTracerWavesParams
): Promise<TracerWave[]> {
  const rows = await db
    .select({
      wave: followUpSurveys.wave,
      status: followUpSurveys.status,
      sentAt: followUpSurveys.sentAt,
      answeredAt: followUpSurveys.answeredAt,
    })
    .from(followUpSurveys)
    .innerJoin(enrollments, eq(enrollments.id, followUpSurveys.enrollmentId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(
      and(
        eq(programmes.code, params.programmeCode),
        params.kecamatanCode === undefined
          ? undefined
          : eq(cohorts.kecamatanCode, params.kecamatanCode),
        inArray(followUpSurveys.status, [...SENT_STATUSES] as ('sent' | 'answered' | 'declined')[])
      )
    )
  // Sent by `asOf`; an answer given by then was sent by then even if its send time was not kept.
  const asOf = params.asOf.getTime()
  const byTime = (at: Date | null) => at !== null && at.getTime() <= asOf
  const sent = rows.filter((row) => byTime(row.sentAt ?? row.answeredAt))
  return FOLLOW_UP_WAVES.map((wave) => {
    const own = sent.filter((row) => row.wave === wave)
    const answered = own.filter((row) => row.status === 'answered' && byTime(row.answeredAt))
    const declined = own.filter((row) => row.status === 'declined' && byTime(row.answeredAt))
    return {
      wave,
      sent: own.length,
      answered: answered.length,
      declined: declined.length,
      rate: own.length === 0 ? null : Math.round((answered.length / own.length) * 1000) / 10,
    }
  })
}

/** One answered wave of one graduate. */
export type TracerRespondent = {
  programmeCode: string
  cohortCode: string
  kecamatanCode: string
  kecamatanName: string
  personId: number
  name: string
  /** E.164, or `null` for a participant without a phone of her own. */
  phone: string | null
  wave: number
  answeredAt: Date
}

export type ListTracerRespondentsParams = {
  /** The programme's code (`IBU-MUDA`). */
  programmeCode: string
  /** The reader's scope: the cohort's kecamatan lies within it. */
  regionPrefix: string
  /** Only these waves (default: all). */
  waves?: readonly number[]
  asOf: Date
}

/**
 * Who answered which follow-up wave (with consent) by `asOf`, in the reader's scope: ordered by
 * kecamatan, cohort, name and wave.
 */
export async function listTracerRespondents(
  db: DbOrTx,
  params: ListTracerRespondentsParams
): Promise<TracerRespondent[]> {
  const rows = await db
    .select({
      programmeCode: programmes.code,
      cohortCode: cohorts.code,
      kecamatanCode: cohorts.kecamatanCode,
      kecamatanName: regions.name,
      personId: people.id,
      name: people.name,
      phone: people.phone,
      wave: followUpSurveys.wave,
      answeredAt: followUpSurveys.answeredAt,
    })
    .from(followUpSurveys)
    .innerJoin(enrollments, eq(enrollments.id, followUpSurveys.enrollmentId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(regions, eq(regions.code, cohorts.kecamatanCode))
    .innerJoin(people, eq(people.id, followUpSurveys.personId))
    .where(
      and(
        eq(programmes.code, params.programmeCode),
        withinCode(cohorts.kecamatanCode, params.regionPrefix),
        eq(followUpSurveys.status, 'answered'),
        lte(followUpSurveys.answeredAt, params.asOf),
        params.waves === undefined ? undefined : inArray(followUpSurveys.wave, [...params.waves])
      )
    )
    .orderBy(
      asc(cohorts.kecamatanCode),
      asc(cohorts.code),
      asc(people.name),
      asc(people.id),
      asc(followUpSurveys.wave)
    )
  // An answered wave always has its time (the answer sets it); the filter only narrows the type.
  return rows.flatMap((row) =>
    row.answeredAt === null ? [] : [{ ...row, answeredAt: row.answeredAt }]
  )
}
