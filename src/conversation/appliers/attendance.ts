/**
 * The appliers of a participant's own attendance: a check-in (present or late) and an excused
 * absence (izin), which her mentor is told about; its outcome `excused` (already, noMentor,
 * queued, mentorLater) picks the excuse flow's closing text. Both flows are open only to
 * participants.
 * @module
 */
import { eq } from 'drizzle-orm'
import { findSessionForReminder } from '../../db/queries/reminders.js'
import { recordAttendance } from '../../db/queries/attendance.js'
import { people } from '../../db/schema/index.js'
import type { AbsenceExcused, AttendanceCheckedIn } from '../../domain/effects.js'
import { PRIORITY } from '../../domain/priorities.js'
import { sendNotice } from '../../messaging/notify.js'
import { type Applier, EffectTargetMissingError, forPerson } from './types.js'

export const attendanceAppliers: {
  absence_excused: Applier<AbsenceExcused>
  attendance_checked_in: Applier<AttendanceCheckedIn>
} = {
  absence_excused: forPerson(async (tx, effect, scope, deps) => {
    const session = await findSessionForReminder(tx, effect.sessionId)
    if (!session) throw new EffectTargetMissingError(effect.type, `session ${effect.sessionId}`)
    const result = await recordAttendance(tx, {
      sessionId: effect.sessionId,
      personId: scope.personId,
      status: 'izin',
      method: 'izin',
      reason: effect.reason,
      reasonNote: effect.note ?? null,
      at: scope.now,
    })
    if (result === 'already') return { excused: 'already' }
    const [participant] = await tx
      .select({ name: people.name })
      .from(people)
      .where(eq(people.id, scope.personId))
    if (session.mentorId === null) return { excused: 'noMentor' }
    // The participant is told whether the mentor has it now or gets it once she uses the bot.
    const delivery = await sendNotice(
      tx,
      deps,
      session.mentorId,
      {
        texts: [
          {
            key: 'excuse:toMentor',
            params: {
              name: participant?.name ?? '',
              start: session.startsAt.toISOString(),
              topic: session.topic,
              // Her own words when she typed them, else the option's label.
              reason: effect.note ?? { key: `excuse:reason.${effect.reason}` },
            },
          },
        ],
      },
      PRIORITY.reminder
    )
    return { excused: delivery === 'queued' ? 'queued' : 'mentorLater' }
  }),

  attendance_checked_in: forPerson(async (tx, effect, scope) => {
    const session = await findSessionForReminder(tx, effect.sessionId)
    if (!session) throw new EffectTargetMissingError(effect.type, `session ${effect.sessionId}`)
    const at = new Date(effect.at)
    const late = at.getTime() > session.startsAt.getTime()
    const result = await recordAttendance(tx, {
      sessionId: effect.sessionId,
      personId: scope.personId,
      status: late ? 'late' : 'present',
      method: effect.method,
      at,
    })
    const key = result === 'already' ? 'checkin:already' : late ? 'checkin:late' : 'checkin:onTime'
    return [{ texts: [{ key }] }]
  }),
}
