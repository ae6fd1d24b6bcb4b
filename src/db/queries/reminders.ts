import { and, arrayContains, asc, eq, gte, isNull, lt, notExists } from 'drizzle-orm'
import type { ProgrammeSettings } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  channelIdentities,
  cohorts,
  enrollments,
  people,
  programmes,
  trainingSessions,
} from '../schema/index.js'

const planningColumns = {
  id: trainingSessions.id,
  date: trainingSessions.date,
  startsAt: trainingSessions.startsAt,
  endsAt: trainingSessions.endsAt,
  settings: programmes.settings,
}

/** A session as the reminder planner needs it: when, and its programme's settings. */
export type SessionForPlanning = {
  id: number
  date: string
  startsAt: Date
  endsAt: Date
  settings: Partial<ProgrammeSettings>
}

/** Sessions (not cancelled) starting in `[from, to)`, with their programme's settings. */
export const listSessionsStartingBetween = async (
  db: DbOrTx,
  params: { from: Date; to?: Date; sessionId?: number }
): Promise<SessionForPlanning[]> =>
  db
    .select(planningColumns)
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(
      and(
        eq(trainingSessions.cancelled, false),
        gte(trainingSessions.startsAt, params.from),
        params.to === undefined ? undefined : lt(trainingSessions.startsAt, params.to),
        params.sessionId === undefined ? undefined : eq(trainingSessions.id, params.sessionId)
      )
    )
    .orderBy(asc(trainingSessions.startsAt))

/** One session with what a reminder says: when, where, what, which skill. */
export const findSessionForReminder = async (db: DbOrTx, sessionId: number) => {
  const rows = await db
    .select({
      id: trainingSessions.id,
      cohortId: trainingSessions.cohortId,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      venue: trainingSessions.venue,
      topic: trainingSessions.topic,
      cancelled: trainingSessions.cancelled,
      revision: trainingSessions.revision,
      cohortCode: cohorts.code,
      track: cohorts.track,
      mentorId: cohorts.mentorId,
      checkinCode: trainingSessions.checkinCode,
      checkinMode: trainingSessions.checkinMode,
    })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .where(eq(trainingSessions.id, sessionId))
  return rows[0]
}

/**
 * Who a session reminder goes to: active enrollees of the cohort who have not said BERHENTI and
 * have not excused themselves (izin) from this session (unless `includeExcused`: a change notice
 * goes to them too, the new time may suit them), with a chat identity to reach them.
 */
export const listReminderRecipients = async (
  db: DbOrTx,
  params: { cohortId: number; sessionId: number; includeExcused?: boolean }
) =>
  db
    .selectDistinct({ personId: people.id })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(channelIdentities, eq(channelIdentities.personId, people.id))
    .where(
      and(
        eq(enrollments.cohortId, params.cohortId),
        eq(enrollments.status, 'active'),
        eq(people.status, 'active'),
        isNull(people.optedOutAt),
        params.includeExcused
          ? undefined
          : notExists(
              db
                .select({ id: attendance.id })
                .from(attendance)
                .where(
                  and(
                    eq(attendance.sessionId, params.sessionId),
                    eq(attendance.personId, people.id),
                    eq(attendance.status, 'izin')
                  )
                )
            )
      )
    )

/** The active cadres of one desa (to hear about a participant who stopped coming). */
export const listCadresOfDesa = async (db: DbOrTx, desaCode: string): Promise<number[]> => {
  const rows = await db
    .select({ id: people.id })
    .from(people)
    .where(
      and(
        eq(people.regionCode, desaCode),
        eq(people.status, 'active'),
        arrayContains(people.roles, ['kader'])
      )
    )
  return rows.map((row) => row.id)
}
