/**
 * The dashboard's training pages: the cohorts a viewer may see, and one cohort's participants ×
 * sessions attendance grid. Scoped in SQL by the viewer's region (a cohort belongs to its
 * kecamatan), so a supervisor of another kecamatan cannot open it by URL.
 * @module
 */
import { type SQL, and, asc, eq } from 'drizzle-orm'
import type { AttendanceStatus } from '../../domain/training.js'
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
import type { AdminScope } from './admin-visits.js'
import { withinCode } from './regions.js'

/** One cohort in the dashboard's list. */
export type AdminCohort = {
  id: number
  code: string
  programmeId: number
  programmeCode: string
  track: string
  kecamatanCode: string
  kecamatanName: string
  mentorName: string | null
}

export type ListAdminCohortsParams = { scope: AdminScope; kecamatanCode?: string }

/** Cohorts as the dashboard shows them (programme, kecamatan name, mentor), where `where` holds. */
function selectAdminCohorts(db: DbOrTx, where: SQL | undefined) {
  return db
    .select({
      id: cohorts.id,
      code: cohorts.code,
      programmeId: cohorts.programmeId,
      programmeCode: programmes.code,
      track: cohorts.track,
      kecamatanCode: cohorts.kecamatanCode,
      kecamatanName: regions.name,
      mentorName: people.name,
    })
    .from(cohorts)
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(regions, eq(regions.code, cohorts.kecamatanCode))
    .leftJoin(people, eq(people.id, cohorts.mentorId))
    .where(where)
}

/** The cohorts whose kecamatan lies within the scope, by code. */
export async function listAdminCohorts(
  db: DbOrTx,
  params: ListAdminCohortsParams
): Promise<AdminCohort[]> {
  const conditions = [withinCode(cohorts.kecamatanCode, params.scope.regionPrefix)]
  if (params.kecamatanCode !== undefined) {
    conditions.push(eq(cohorts.kecamatanCode, params.kecamatanCode))
  }
  return selectAdminCohorts(db, and(...conditions)).orderBy(asc(cohorts.code))
}

/** A cohort's attendance grid: sessions in order, participants by name, one cell per pair. */
export type CohortGrid = {
  cohort: AdminCohort
  sessions: {
    id: number
    date: string
    startsAt: Date
    endsAt: Date
    topic: string
    cancelled: boolean
  }[]
  participants: {
    personId: number
    name: string
    status: string
    minor: boolean
    kompeten: boolean | null
    /** By session id; a missing key means no row (not recorded). */
    cells: Record<number, AttendanceStatus>
  }[]
}

export type FindCohortGridParams = { scope: AdminScope; cohortId: number }

/** One cohort's grid within the scope, or `undefined` (also when outside the scope). */
export async function findCohortGrid(
  db: DbOrTx,
  params: FindCohortGridParams
): Promise<CohortGrid | undefined> {
  const cohortRows = await selectAdminCohorts(
    db,
    and(
      eq(cohorts.id, params.cohortId),
      withinCode(cohorts.kecamatanCode, params.scope.regionPrefix)
    )
  )
  const cohort = cohortRows[0]
  if (!cohort) return undefined
  const sessions = await db
    .select({
      id: trainingSessions.id,
      date: trainingSessions.date,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      topic: trainingSessions.topic,
      cancelled: trainingSessions.cancelled,
    })
    .from(trainingSessions)
    .where(eq(trainingSessions.cohortId, cohort.id))
    .orderBy(asc(trainingSessions.startsAt), asc(trainingSessions.id))
  const members = await db
    .select({
      personId: enrollments.personId,
      name: people.name,
      status: enrollments.status,
      minor: enrollments.minor,
      kompeten: enrollments.kompeten,
    })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .where(eq(enrollments.cohortId, cohort.id))
    .orderBy(asc(people.name), asc(people.id))
  const marks = await db
    .select({
      sessionId: attendance.sessionId,
      personId: attendance.personId,
      status: attendance.status,
    })
    .from(attendance)
    .innerJoin(trainingSessions, eq(trainingSessions.id, attendance.sessionId))
    .where(eq(trainingSessions.cohortId, cohort.id))
  const cellsOf = new Map<number, Record<number, AttendanceStatus>>()
  for (const mark of marks) {
    const cells = cellsOf.get(mark.personId) ?? {}
    cells[mark.sessionId] = mark.status
    cellsOf.set(mark.personId, cells)
  }
  return {
    cohort,
    sessions,
    participants: members.map((member) => ({
      ...member,
      cells: cellsOf.get(member.personId) ?? {},
    })),
  }
}
