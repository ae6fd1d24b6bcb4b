/**
 * Training session reminders: the day before at 18.00 and the same day at 06.00
 * local time (programme settings), to every enrolled participant except those who said BERHENTI
 * or are excused; after each session, absences are marked, the absent get a warm word, and two
 * absences in a row alert the mentor and the cadres of the participant's desa. A session's
 * change and an absence alert are notices (docs/domain.md, decision 20): they wait for whoever the
 * bot cannot reach yet. Planning is a self-repeating hourly fire that plans the reminders of the
 * next two days with dedupe keys, so imports, restarts and replicas never double-send
 * (docs/design.md P7).
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { notifyPerson, sendNotice } from '../../messaging/notify.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { DbOrTx } from '../../db/client.js'
import { type PlanFireParams, planFires } from '../../db/queries/fires.js'
import { codeShownKey } from '../../db/queries/training-outcomes.js'
import { listConsecutiveAbsences, markAbsentAfterSession } from '../../db/queries/attendance.js'
import { listCohortParticipants } from '../../db/queries/training-cohorts.js'
import { claimTrainingNotice } from '../../db/queries/training-notices.js'
import { isLastSessionOver } from '../../db/queries/follow-up.js'
import { people } from '../../db/schema/index.js'
import { eq } from 'drizzle-orm'
import {
  findSessionForReminder,
  listCadresOfDesa,
  listReminderRecipients,
  listSessionsStartingBetween,
  type SessionForPlanning,
} from '../../db/queries/reminders.js'
import { PRIORITY } from '../../domain/priorities.js'
import {
  DEFAULT_PROGRAMME_SETTINGS,
  PLAN_REMINDERS_KIND,
  type PlanRemindersPayload,
  type ProgrammeSettings,
  SESSION_CHANGED_KIND,
  type SessionChangePayload,
} from '../../domain/training.js'
import { addDays } from '../../domain/dates.js'
import type { Text } from '../../engine/index.js'
import type { FireHandler } from '../fires.js'
import { completeCohortAndPlan } from './follow-up-surveys.js'

export { PLAN_REMINDERS_KIND }
export const SESSION_REMINDER_KIND = 'training.session_reminder'
export const SESSION_END_KIND = 'training.session_end'
/** Consecutive absences after which the mentor and the desa's cadres are alerted. */
export const ABSENCE_ALERT_AFTER = 2
const HOUR_MS = 3_600_000
/** A reminder later than this is no longer useful. */
const REMINDER_GRACE_SECONDS = 2 * 3600

/**
 * `startsAt` is the start the fire was planned for (absent in fires planned before it was added):
 * a fire for a session that has moved since does nothing; the move planned new ones.
 */
type ReminderPayload = {
  sessionId: number
  when: 'day_before' | 'same_day'
  startsAt?: string
  /** The same-day reminder of a session added (or moved) after its time: it goes out at once. */
  added?: boolean
}
type SessionEndPayload = { sessionId: number; startsAt?: string }

/** Whether a fire planned for `planned` still fits the session (it has not moved since). */
const stillPlanned = (session: { startsAt: Date }, planned: string | undefined) =>
  planned === undefined || planned === session.startsAt.toISOString()

/** Plans the next hourly planning run (idempotent per hour). */
export async function planReminderPlanning(tx: DbOrTx, now: Date): Promise<void> {
  const next = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS)
  await planFires(tx, [
    {
      kind: PLAN_REMINDERS_KIND,
      dedupeKey: `training-plan:${next.toISOString()}`,
      dueAt: next,
      graceSeconds: 3600,
      payload: {},
    },
  ])
}

/** Plans both reminders of every session starting within the next two days. */
export async function planSessionReminders(
  tx: DbOrTx,
  now: Date,
  timeZone: string
): Promise<number> {
  const sessions = await listSessionsStartingBetween(tx, {
    from: now,
    to: new Date(now.getTime() + 50 * HOUR_MS),
  })
  return planRemindersOf(tx, sessions, timeZone, now)
}

/**
 * Plans the reminders and the end-of-session fire of these sessions (idempotent). A day-before
 * reminder whose time has passed at `now` is not planned: the hourly planner has planned every
 * reminder long before its time, so a past one belongs to a session added or moved since (and a
 * move's notice has told them already). A same-day reminder whose time has passed before the
 * session starts goes out at once instead: it brings the mentor the check-in code.
 */
async function planRemindersOf(
  tx: DbOrTx,
  sessions: SessionForPlanning[],
  timeZone: string,
  now: Date
): Promise<number> {
  const rows: PlanFireParams[] = sessions.flatMap((session): PlanFireParams[] => {
    const startsAt = session.startsAt.toISOString()
    const settings: ProgrammeSettings = { ...DEFAULT_PROGRAMME_SETTINGS, ...session.settings }
    const dayBefore = atLocal(addDays(session.date, -1), settings.reminderDayBefore, timeZone)
    const sameDay = atLocal(session.date, settings.reminderSameDay, timeZone)
    const late = sameDay <= now && now < session.startsAt
    return [
      { when: 'day_before' as const, dueAt: dayBefore, added: false },
      { when: 'same_day' as const, dueAt: late ? now : sameDay, added: late },
    ]
      .filter((r) => r.dueAt < session.startsAt && (r.dueAt > now || r.added))
      .map((r): PlanFireParams => ({
        kind: SESSION_REMINDER_KIND,
        // The start time is in the key: a moved session is reminded again at its new time.
        dedupeKey: `session:${session.id}:${r.when}:${session.startsAt.toISOString()}`,
        dueAt: r.dueAt,
        graceSeconds: REMINDER_GRACE_SECONDS,
        payload: {
          sessionId: session.id,
          when: r.when,
          startsAt,
          ...(r.added ? { added: true } : {}),
        } satisfies ReminderPayload,
      }))
      .concat({
        // After the session: who neither checked in nor excused is marked absent.
        kind: SESSION_END_KIND,
        dedupeKey: `session:${session.id}:end:${session.startsAt.toISOString()}`,
        dueAt: session.endsAt,
        graceSeconds: 7 * 24 * 3600,
        payload: { sessionId: session.id, startsAt } satisfies SessionEndPayload,
      })
  })
  await planFires(tx, rows)
  return rows.length
}

/**
 * What the mentor hears of a change notice: every participant has it, some or none can be reached
 * yet (named: they get it once using the bot), or the cohort has nobody to tell.
 */
function participantsTold(count: number, waiting: string[]): Text {
  if (count === 0) return { key: 'schedule:changeTold.nobody' }
  if (waiting.length === 0) return { key: 'schedule:changeTold.all' }
  const names = waiting.join(', ')
  return waiting.length === count
    ? { key: 'schedule:changeTold.none', params: { names } }
    : { key: 'schedule:changeTold.some', params: { count: count - waiting.length, names } }
}

export function sessionReminderHandlers(deps: {
  i18n: TextRenderer
  timeZone: string
  /** The public base URL once known, for the verification link sent with a certificate. */
  adminBaseUrl?: () => string | undefined
}): Record<string, FireHandler> {
  return {
    [SESSION_CHANGED_KIND]: async (tx, fire, now) => {
      const payload = fire.payload as SessionChangePayload
      const session = await findSessionForReminder(tx, payload.sessionId)
      // A later change planned its own notice, measured from what people knew.
      if (!session || session.revision !== payload.revision) return
      if (!session.cancelled) {
        // The reminders of the new time (those of the old one were dropped with the change).
        const planning = await listSessionsStartingBetween(tx, { from: now, sessionId: session.id })
        await planRemindersOf(tx, planning, deps.timeZone, now)
      }
      const notice: Text = {
        key: `schedule:change.${payload.change}`,
        params: {
          oldStart: payload.previous.startsAt,
          oldVenue: payload.previous.venue,
          start: session.startsAt.toISOString(),
          end: session.endsAt.toISOString(),
          venue: session.venue,
          topic: session.topic,
          track: { key: `schedule:track.${session.track}` },
        },
      }
      // A change is a notice (docs/domain.md, decision 20): it waits for a participant the bot
      // cannot reach yet, and the mentor is told who has it now and who gets it once using the bot.
      const participants = await listCohortParticipants(tx, session.cohortId)
      const waiting: string[] = []
      for (const { personId, name } of participants) {
        const delivery = await sendNotice(
          tx,
          deps,
          personId,
          { texts: [notice] },
          PRIORITY.reminder
        )
        if (delivery === 'waiting') waiting.push(name)
      }
      if (session.mentorId !== null) {
        const toMentor: Text = {
          key: 'schedule:changeToMentor',
          params: {
            cohort: session.cohortCode,
            notice,
            told: participantsTold(participants.length, waiting),
          },
        }
        await sendNotice(tx, deps, session.mentorId, { texts: [toMentor] }, PRIORITY.reminder)
      }
    },
    [PLAN_REMINDERS_KIND]: async (tx, fire, now) => {
      // A session just added plans its own reminders at once (the hourly run may come too late).
      const { sessionId } = (fire.payload ?? {}) as PlanRemindersPayload
      if (sessionId !== undefined) {
        const planning = await listSessionsStartingBetween(tx, { from: now, sessionId })
        await planRemindersOf(tx, planning, deps.timeZone, now)
        return
      }
      await planSessionReminders(tx, now, deps.timeZone)
      await planReminderPlanning(tx, now)
    },
    [SESSION_END_KIND]: async (tx, fire, now) => {
      const { sessionId, startsAt } = fire.payload as SessionEndPayload
      const session = await findSessionForReminder(tx, sessionId)
      if (!session || session.cancelled || !stillPlanned(session, startsAt)) return
      const absent = await markAbsentAfterSession(tx, { sessionId, at: now })
      for (const personId of absent) {
        await notifyPerson(
          tx,
          deps,
          personId,
          { texts: [{ key: 'schedule:missed' }] },
          PRIORITY.reminder
        )
        const run = await listConsecutiveAbsences(tx, { personId, cohortId: session.cohortId })
        if (run !== ABSENCE_ALERT_AFTER) continue
        const [participant] = await tx
          .select({ name: people.name, regionCode: people.regionCode })
          .from(people)
          .where(eq(people.id, personId))
        const alert = {
          texts: [
            {
              key: 'schedule:absenceAlert',
              params: { name: participant?.name ?? '', count: ABSENCE_ALERT_AFTER },
            },
          ],
        }
        const cadres = participant ? await listCadresOfDesa(tx, participant.regionCode) : []
        const toAlert = new Set([...(session.mentorId ? [session.mentorId] : []), ...cadres])
        // A notice about someone else: it waits for whoever the bot cannot reach yet.
        for (const id of toAlert) await sendNotice(tx, deps, id, alert, PRIORITY.reminder)
      }
      // The cohort's last session: completion by the programme's rule, then the follow-up.
      if (await isLastSessionOver(tx, { cohortId: session.cohortId, at: session.endsAt })) {
        const baseUrl = deps.adminBaseUrl?.()
        const completion = { i18n: deps.i18n, timeZone: deps.timeZone }
        await completeCohortAndPlan(
          tx,
          baseUrl === undefined ? completion : { ...completion, adminBaseUrl: baseUrl },
          session.cohortId,
          now
        )
      }
    },
    [SESSION_REMINDER_KIND]: async (tx, fire, now) => {
      const payload = fire.payload as ReminderPayload
      const session = await findSessionForReminder(tx, payload.sessionId)
      if (!session || session.cancelled || !stillPlanned(session, payload.startsAt)) return
      // The mentor gets the day's check-in code with the morning reminder, to announce in class;
      // once it reaches her, a participant's failed code is no longer the product's doing.
      if (payload.when === 'same_day' && session.mentorId !== null) {
        const delivery = await sendNotice(
          tx,
          deps,
          session.mentorId,
          {
            texts: [
              {
                key: 'schedule:mentorCode',
                params: {
                  code: session.checkinCode,
                  start: session.startsAt.toISOString(),
                  venue: session.venue,
                },
              },
            ],
          },
          PRIORITY.reminder
        )
        if (delivery === 'queued') {
          await claimTrainingNotice(tx, { key: codeShownKey(session.id), at: now })
        }
      }
      const recipients = await listReminderRecipients(tx, {
        cohortId: session.cohortId,
        sessionId: session.id,
      })
      for (const { personId } of recipients) {
        await notifyPerson(
          tx,
          deps,
          personId,
          {
            texts: [
              {
                key: `schedule:reminder.${payload.added ? 'added' : payload.when}`,
                params: {
                  start: session.startsAt.toISOString(),
                  end: session.endsAt.toISOString(),
                  venue: session.venue,
                  topic: session.topic,
                  track: { key: `schedule:track.${session.track}` },
                },
              },
            ],
          },
          PRIORITY.reminder
        )
      }
    },
  }
}

function atLocal(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number)
  const [hour, minute] = time.split(':').map(Number)
  return new Date(new TZDate(year!, month! - 1, day!, hour!, minute!, 0, timeZone).getTime())
}
