/**
 * The appliers of the training's effects from chat: three wrong check-in codes, a
 * mentor's attendance record and a graduate's follow-up answers. Spread into the appliers of
 * `conversation/registry.ts`; each runs inside the turn's transaction.
 * @module
 */
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { findSessionForReminder } from '../db/queries/reminders.js'
import { listSessionRoster, recordAttendanceByMentor } from '../db/queries/attendance.js'
import { claimTrainingNotice } from '../db/queries/training-notices.js'
import { saveFollowUpAnswers } from '../db/queries/follow-up.js'
import { codeShownKey, wasCodeShown } from '../db/queries/training-outcomes.js'
import { people } from '../db/schema/index.js'
import type { AttendanceRecorded, CheckinCodeFailed, FollowUpAnswered } from '../domain/effects.js'
import { PRIORITY } from '../domain/priorities.js'
import type { Reply, Text } from '../engine/index.js'
import type { ApplyDeps, EffectScope } from './appliers/types.js'
import { type NoticeDelivery, earlierNoticeDelivery, sendNotice } from '../messaging/notify.js'
import { recordAudit } from '../db/queries/audit.js'

type Applier<E> = (
  tx: DbOrTx,
  effect: E,
  scope: EffectScope,
  deps: ApplyDeps
) => Promise<Reply[] | void>

export const trainingAppliers: {
  checkin_code_failed: Applier<CheckinCodeFailed>
  attendance_recorded: Applier<AttendanceRecorded>
  follow_up_answered: Applier<FollowUpAnswered>
} = {
  async checkin_code_failed(tx, effect, scope, deps) {
    if (scope.personId === undefined) throw new Error('checkin_code_failed without a person')
    const session = await findSessionForReminder(tx, effect.sessionId)
    // She is told whether her mentor has it now, gets it once using the bot, or is not known.
    const key = session?.checkinMode === 'keduanya' ? 'checkin:failedOrPlace' : 'checkin:failed'
    const told = (mentor: NoticeDelivery | 'none'): Reply[] => [
      { texts: [{ key: `${key}.${mentor}` }] },
    ]
    if (!session || session.mentorId === null) return told('none')
    // The code never reached the mentor (a session added after the morning reminder, a mentor
    // who has not asked KODE): the failure is the product's, not hers. The mentor gets the code,
    // and nobody is alerted about the participant.
    if (!(await wasCodeShown(tx, effect.sessionId))) {
      // Sent once per session; a later failure asks whether the mentor can be reached by now.
      const firstLate = await claimTrainingNotice(tx, {
        key: `code_late:${effect.sessionId}`,
        at: scope.now,
      })
      const delivery = firstLate
        ? await sendNotice(
            tx,
            deps,
            session.mentorId,
            {
              texts: [
                {
                  key: 'schedule:mentorCodeLate',
                  params: {
                    code: session.checkinCode,
                    start: session.startsAt.toISOString(),
                    venue: session.venue,
                  },
                },
              ],
            },
            PRIORITY.live
          )
        : await earlierNoticeDelivery(tx, session.mentorId)
      if (delivery === 'queued') {
        await claimTrainingNotice(tx, { key: codeShownKey(effect.sessionId), at: scope.now })
      }
      return [{ texts: [{ key: `checkin:codeNotYet.${delivery}` }] }]
    }
    // Once per session and participant, however often she tries again.
    const first = await claimTrainingNotice(tx, {
      key: `code_failed:${effect.sessionId}:${scope.personId}`,
      at: scope.now,
    })
    if (!first) return told(await earlierNoticeDelivery(tx, session.mentorId))
    const [participant] = await tx
      .select({ name: people.name })
      .from(people)
      .where(eq(people.id, scope.personId))
    const delivery = await sendNotice(
      tx,
      deps,
      session.mentorId,
      {
        texts: [
          {
            key: 'checkin:toMentor',
            params: { name: participant?.name ?? '', start: session.startsAt.toISOString() },
          },
        ],
      },
      PRIORITY.live
    )
    return told(delivery)
  },

  async attendance_recorded(tx, effect, scope) {
    const mentorId = scope.personId
    if (mentorId === undefined) throw new Error('attendance_recorded without a person')
    // Only participants of a cohort this mentor leads (the roster is empty otherwise).
    const roster = await listSessionRoster(tx, { sessionId: effect.sessionId, mentorId })
    const chosen = roster.filter((entry) => effect.personIds.includes(entry.personId))
    const at = new Date(effect.at)
    const recorded: string[] = []
    const kept: string[] = []
    for (const entry of chosen) {
      const result = await recordAttendanceByMentor(tx, {
        sessionId: effect.sessionId,
        personId: entry.personId,
        status: effect.status,
        reason: effect.reason,
        mentorId,
        at,
      })
      if (result === 'already') {
        kept.push(entry.name)
        continue
      }
      recorded.push(entry.name)
      await recordAudit(tx, {
        actor: `person:${mentorId}`,
        action: 'attendance_recorded_by_mentor',
        subject: `attendance:${effect.sessionId}:${entry.personId}`,
        detail: { status: effect.status, previous: entry.status },
        at: scope.now,
      })
    }
    const texts: Text[] = [
      {
        key: 'mentor-attendance:saved',
        params: {
          count: recorded.length,
          names: recorded.join(', ') || '-',
          status: { key: `mentor-attendance:status.${effect.status}` },
        },
      },
    ]
    if (kept.length > 0) {
      texts.push({
        key: 'mentor-attendance:kept',
        params: { count: kept.length, names: kept.join(', ') },
      })
    }
    return [{ texts }]
  },

  async follow_up_answered(tx, effect, scope) {
    if (scope.personId === undefined) throw new Error('follow_up_answered without a person')
    const saved = await saveFollowUpAnswers(tx, {
      ...effect,
      personId: scope.personId,
      at: new Date(effect.at),
    })
    if (!saved) return [{ texts: [{ key: 'follow-up:closed' }] }]
    return [{ texts: [{ key: effect.consent ? 'follow-up:thanks' : 'follow-up:declined' }] }]
  },
}
