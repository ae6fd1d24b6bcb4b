/**
 * Attendance reads: whether a record exists, and the daily attendance list in the order of the
 * paper daftar hadir (docs/domain.md#the-training-programme) for exports.
 * @module
 */
import { and, asc, eq, gte, lte, ne } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { AttendanceStatus } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  cohorts,
  enrollments,
  people,
  regions,
  trainingSessions,
} from '../schema/index.js'
import { withinCode } from './regions.js'

/** Whether a person's attendance (any status, incl. izin) is already recorded for a session. */
export const hasAttendance = async (
  db: DbOrTx,
  params: { sessionId: number; personId: number }
): Promise<boolean> => {
  const rows = await db
    .select({ id: attendance.id })
    .from(attendance)
    .where(
      and(eq(attendance.sessionId, params.sessionId), eq(attendance.personId, params.personId))
    )
  return rows.length > 0
}

export type ListDaftarHadirParams = {
  /** Only this cohort. */
  cohortCode?: string
  /**
   * The reader's scope (docs/domain.md, decision 4): participants whose desa is this region or
   * under it (`35.07` for an admin, a kecamatan, a desa).
   */
  regionPrefix: string
  /** Local session dates `YYYY-MM-DD`, both included. */
  from: string
  to: string
}

/**
 * One line of the daily attendance list: the paper sheet's columns (No, Nama, Desa, Kecamatan,
 * time of check-in, status) plus the keys an export carries (docs/domain.md, decision 3).
 */
export type DaftarHadirRow = {
  cohortCode: string
  track: string
  /** The session's local date `YYYY-MM-DD` and its start and end. */
  sessionDate: string
  sessionId: number
  startsAt: Date
  endsAt: Date
  venue: string
  topic: string
  /** 1-based line number within the session's list. */
  no: number
  /** The stable person key. */
  personId: number
  name: string
  desaCode: string
  desaName: string
  kecamatanCode: string
  kecamatanName: string
  /** When the check-in (or the mentor's, izin's or the automatic record) was made; `null`: none. */
  recordedAt: Date | null
  /** `null`: nothing recorded yet (the session has not ended or is under way). */
  status: AttendanceStatus | null
  /** kode, lokasi, mentor, izin, auto. */
  method: string | null
  /** The izin reason (sakit, anak_sakit, keluarga, lainnya). */
  reason: string | null
  /** When the mentor confirmed her own presence at the session; `null`: not confirmed. */
  mentorPresentAt: Date | null
}

/**
 * The daftar hadir of the sessions (not cancelled) dated `from`..`to`: for each session, every
 * enrolled (not withdrawn) participant in the reader's region, with her record, ordered as the
 * paper lists are: by cohort code, session date and start, then participant name (and id), and
 * numbered from 1 per session. Reads personal data: the caller audit-logs the export.
 */
export async function listDaftarHadir(
  db: DbOrTx,
  params: ListDaftarHadirParams
): Promise<DaftarHadirRow[]> {
  const desa = alias(regions, 'desa')
  const kecamatan = alias(regions, 'kecamatan')
  const conditions = [
    eq(trainingSessions.cancelled, false),
    gte(trainingSessions.date, params.from),
    lte(trainingSessions.date, params.to),
    ne(enrollments.status, 'withdrawn'),
    withinCode(people.regionCode, params.regionPrefix),
    ...(params.cohortCode !== undefined ? [eq(cohorts.code, params.cohortCode)] : []),
  ]
  const rows = await db
    .select({
      cohortCode: cohorts.code,
      track: cohorts.track,
      sessionDate: trainingSessions.date,
      sessionId: trainingSessions.id,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      venue: trainingSessions.venue,
      topic: trainingSessions.topic,
      personId: people.id,
      name: people.name,
      desaCode: people.regionCode,
      desaName: desa.name,
      kecamatanCode: cohorts.kecamatanCode,
      kecamatanName: kecamatan.name,
      recordedAt: attendance.at,
      status: attendance.status,
      method: attendance.method,
      reason: attendance.reason,
      mentorPresentAt: trainingSessions.mentorPresentAt,
    })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(enrollments, eq(enrollments.cohortId, cohorts.id))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(desa, eq(desa.code, people.regionCode))
    .innerJoin(kecamatan, eq(kecamatan.code, cohorts.kecamatanCode))
    .leftJoin(
      attendance,
      and(eq(attendance.sessionId, trainingSessions.id), eq(attendance.personId, people.id))
    )
    .where(and(...conditions))
    .orderBy(
      asc(cohorts.code),
      asc(trainingSessions.date),
      asc(trainingSessions.startsAt),
      asc(trainingSessions.id),
      asc(people.name),
      asc(people.id)
    )
  let previous: number | undefined
  let no = 0
  return rows.map((row) => {
    no = row.sessionId === previous ? no + 1 : 1
    previous = row.sessionId
    return { ...row, no }
  })
}
