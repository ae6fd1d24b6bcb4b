/**
 * Attendance at the training's sessions (docs/domain.md#the-training-programme): check-ins and a
 * mentor's records, the absences marked after a session, runs of absences, the mentor's roster,
 * and the daily attendance list in the order of the paper daftar hadir for exports.
 * @module
 */
import { and, asc, desc, eq, gte, lte, ne, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { AttendanceStatus } from '../../domain/training.js'
import type { RosterEntry } from '../../domain/snapshot.js'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
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
