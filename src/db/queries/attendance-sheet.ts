/**
 * The daftar hadir of a session as the SPJ wants it (docs/domain.md#the-training-programme): the
 * header (programme, track, kecamatan, date, venue, mentor and her own presence), one line per
 * enrolled participant with what was recorded, and the totals. Read for one session or for every
 * session of a cohort (a page each); the PDF and workbook are drawn from it in
 * `src/export/attendance-sheet.ts`. Reads personal data (names): callers audit-log the download.
 * @module
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { AttendanceStatus, ProgrammeSettings } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  cohorts,
  enrollments,
  people,
  programmes,
  regions,
  trainingSessions,
} from '../schema/index.js'
import { withinCode } from './regions.js'

/** How a line's signature cell is filled. */
export type SheetSignature =
  /** Blank: signed on paper. */
  | { kind: 'paper' }
  /** She checked in herself by chat (code or location), at `at`. */
  | { kind: 'chat'; at: Date }
  /** The mentor recorded her (ABSEN). */
  | { kind: 'mentor' }

/** One participant's line. */
export type AttendanceSheetLine = {
  /** 1-based, in name order (whatever the case a name was typed in). */
  no: number
  personId: number
  name: string
  desaName: string
  /**
   * `present` and `late` are hadir; `absent`, or nothing recorded once the session is over, is
   * tidak hadir; `null`: nothing recorded yet and the session is not over.
   */
  status: AttendanceStatus | null
  signature: SheetSignature
}

/** The foot of a sheet: hadir (present or late), izin, tidak hadir and terdaftar (the lines). */
export type AttendanceSheetTotals = {
  present: number
  izin: number
  absent: number
  enrolled: number
}

/** One session's daftar hadir. */
export type AttendanceSheet = {
  sessionId: number
  programmeName: string
  /** The programme's settings (the signer of its documents). */
  settings: ProgrammeSettings
  cohortCode: string
  track: string
  kecamatanName: string
  /** The local date `YYYY-MM-DD`, its start and end. */
  date: string
  startsAt: Date
  endsAt: Date
  venue: string
  topic: string
  cancelled: boolean
  mentorName: string | null
  /** When the mentor confirmed her own presence by chat; `null`: not confirmed. */
  mentorPresentAt: Date | null
  lines: AttendanceSheetLine[]
  totals: AttendanceSheetTotals
}

export type ListAttendanceSheetsParams = {
  /** The cohort whose sessions are listed (dated order). */
  cohortId: number
  /** Only this session of the cohort. */
  sessionId?: number
  /**
   * The reader's scope (docs/domain.md, decision 4): the cohort's kecamatan must lie within it
   * (`35.07` for an admin, a kecamatan); a narrower reader gets nothing, as for the cohort page.
   */
  regionPrefix: string
  /** Sessions over by this moment count a missing record as tidak hadir. */
  asOf: Date
}

/** Check-in methods by which the participant herself checked in by chat. */
const CHAT_METHODS: readonly string[] = ['kode', 'lokasi']

function signatureOf(row: {
  status: AttendanceStatus | null
  method: string | null
  at: Date | null
}) {
  if (row.status === null || row.at === null) return { kind: 'paper' } as const
  if ((row.status === 'present' || row.status === 'late') && CHAT_METHODS.includes(row.method!)) {
    return { kind: 'chat', at: row.at } as const
  }
  return row.method === 'mentor' ? ({ kind: 'mentor' } as const) : ({ kind: 'paper' } as const)
}

/**
 * The daftar hadir of a cohort's sessions (cancelled ones too, marked), or of one of them, in
 * date order: each with every enrolled participant not withdrawn, by name, and the totals. Empty
 * when the cohort lies outside the reader's scope or has no such session.
 */
export async function listAttendanceSheets(
  db: DbOrTx,
  params: ListAttendanceSheetsParams
): Promise<AttendanceSheet[]> {
  const mentor = alias(people, 'mentor')
  const sessions = await db
    .select({
      sessionId: trainingSessions.id,
      programmeName: programmes.name,
      settings: programmes.settings,
      cohortCode: cohorts.code,
      track: cohorts.track,
      kecamatanName: regions.name,
      date: trainingSessions.date,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      venue: trainingSessions.venue,
      topic: trainingSessions.topic,
      cancelled: trainingSessions.cancelled,
      mentorName: mentor.name,
      mentorPresentAt: trainingSessions.mentorPresentAt,
    })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(regions, eq(regions.code, cohorts.kecamatanCode))
    .leftJoin(mentor, eq(mentor.id, cohorts.mentorId))
    .where(
      and(
        eq(cohorts.id, params.cohortId),
        withinCode(cohorts.kecamatanCode, params.regionPrefix),
        params.sessionId === undefined ? undefined : eq(trainingSessions.id, params.sessionId)
      )
    )
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
  if (sessions.length === 0) return []

  const desa = alias(regions, 'desa')
  const members = await db
    .select({ personId: people.id, name: people.name, desaName: desa.name })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(desa, eq(desa.code, people.regionCode))
    .where(and(eq(enrollments.cohortId, params.cohortId), ne(enrollments.status, 'withdrawn')))
    .orderBy(asc(sql`lower(${people.name})`), asc(people.id))
  const records = await db
    .select({
      sessionId: attendance.sessionId,
      personId: attendance.personId,
      status: attendance.status,
      method: attendance.method,
      at: attendance.at,
    })
    .from(attendance)
    .where(
      inArray(
        attendance.sessionId,
        sessions.map((s) => s.sessionId)
      )
    )
  const recordOf = new Map(records.map((r) => [`${r.sessionId}:${r.personId}`, r]))

  return sessions.map((session) => {
    const over = !session.cancelled && session.endsAt <= params.asOf
    const totals: AttendanceSheetTotals = { present: 0, izin: 0, absent: 0, enrolled: 0 }
    const lines = members.map((member, index): AttendanceSheetLine => {
      const record = recordOf.get(`${session.sessionId}:${member.personId}`)
      const status = record?.status ?? (over ? 'absent' : null)
      totals.enrolled += 1
      if (status === 'present' || status === 'late') totals.present += 1
      else if (status === 'izin') totals.izin += 1
      else if (status === 'absent') totals.absent += 1
      return {
        no: index + 1,
        personId: member.personId,
        name: member.name,
        desaName: member.desaName,
        status,
        signature: signatureOf({
          status: record?.status ?? null,
          method: record?.method ?? null,
          at: record?.at ?? null,
        }),
      }
    })
    return { ...session, lines, totals }
  })
}
