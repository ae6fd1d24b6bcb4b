/**
 * Completion and the graduates' follow-up (docs/domain.md, decision 2 and #the-training-programme):
 * when a cohort's last session has ended, its completers are marked and congratulated, and their
 * follow-up waves at +1, +3 and +6 months are planned as fires (09.00 local time). A wave's fire
 * invites the graduate with a button to the survey, which asks its own consent first, and plans
 * one reminder three days later; a minor without the guardian-consent mark (docs/domain.md,
 * decision 7) is not asked (the wave is `held`), nor is someone who said BERHENTI.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { addMonths } from 'date-fns/addMonths'
import { eq } from 'drizzle-orm'
import { notifyPerson } from '../../conversation/notify.js'
import type { TextRenderer } from '../../conversation/render.js'
import type { DbOrTx } from '../../db/client.js'
import { planFires } from '../../db/queries/fires.js'
import {
  completeCohort,
  findFollowUpForSending,
  listPlannedFollowUps,
  setFollowUpStatus,
} from '../../db/queries/follow-up.js'
import { cohorts, people } from '../../db/schema/index.js'
import { PRIORITY } from '../../domain/priorities.js'
import { FOLLOW_UP_KIND } from '../../domain/training.js'
import { type Reply, startButtonId, today } from '../../engine/index.js'
import type { FireHandler } from '../fires.js'

export { FOLLOW_UP_KIND }
export const FOLLOW_UP_REMINDER_KIND = 'training.follow_up_reminder'
/** Local time of a wave's invitation. */
const INVITE_HOUR = 9
/** Days after the invitation for its one reminder. */
const REMINDER_DAYS = 3
const DAY_SECONDS = 24 * 3600

type FollowUpPayload = { surveyId: number }

export type FollowUpDeps = { i18n: TextRenderer; timeZone: string }

/**
 * After a cohort's last session (called by the end-of-session fire): marks the completers, tells
 * each graduate, and plans her waves. Idempotent: a second call finds no new completer.
 */
export async function completeCohortAndPlan(
  tx: DbOrTx,
  deps: FollowUpDeps,
  cohortId: number,
  now: Date
): Promise<number[]> {
  const graduates = await completeCohort(tx, { cohortId, now })
  if (graduates.length === 0) return []
  const [cohort] = await tx
    .select({ track: cohorts.track })
    .from(cohorts)
    .where(eq(cohorts.id, cohortId))
  const personIds = graduates.map((g) => g.personId)
  for (const personId of personIds) {
    const [person] = await tx
      .select({ name: people.name })
      .from(people)
      .where(eq(people.id, personId))
    await notifyPerson(
      tx,
      deps,
      personId,
      {
        texts: [
          {
            key: 'follow-up:graduated',
            params: {
              name: person?.name ?? '',
              track: { key: `schedule:track.${cohort?.track ?? 'menjahit'}` },
            },
          },
        ],
      },
      PRIORITY.reminder
    )
  }
  const [year, month, day] = today({ now, timeZone: deps.timeZone }).split('-').map(Number)
  const waves = await listPlannedFollowUps(tx, personIds)
  await planFires(
    tx,
    waves.map((wave) => ({
      kind: FOLLOW_UP_KIND,
      dedupeKey: `follow-up:${wave.id}`,
      dueAt: new Date(
        addMonths(
          new TZDate(year!, month! - 1, day!, INVITE_HOUR, 0, 0, deps.timeZone),
          wave.wave
        ).getTime()
      ),
      graceSeconds: 7 * DAY_SECONDS,
      payload: { surveyId: wave.id } satisfies FollowUpPayload,
    }))
  )
  return personIds
}

export function followUpSurveyHandlers(deps: FollowUpDeps): Record<string, FireHandler> {
  const invite = (key: string, params: Record<string, string | number>): Reply => ({
    texts: [{ key, params }],
    choices: [{ id: startButtonId('follow-up'), label: { key: 'follow-up:start' } }],
  })
  return {
    [FOLLOW_UP_KIND]: async (tx, fire, now) => {
      const { surveyId } = fire.payload as FollowUpPayload
      const survey = await findFollowUpForSending(tx, surveyId)
      if (!survey || survey.status !== 'planned' || survey.optedOutAt !== null) return
      if (survey.minor && survey.guardianConsentAt === null) {
        await setFollowUpStatus(tx, { surveyId, status: 'held', at: now })
        return
      }
      const [person] = await tx
        .select({ name: people.name })
        .from(people)
        .where(eq(people.id, survey.personId))
      const message = invite('follow-up:invite', { months: survey.wave, name: person?.name ?? '' })
      await notifyPerson(tx, deps, survey.personId, message, PRIORITY.reminder)
      await setFollowUpStatus(tx, { surveyId, status: 'sent', at: now })
      await planFires(tx, [
        {
          kind: FOLLOW_UP_REMINDER_KIND,
          dedupeKey: `follow-up:${surveyId}:reminder`,
          dueAt: new Date(now.getTime() + REMINDER_DAYS * DAY_SECONDS * 1000),
          graceSeconds: 2 * DAY_SECONDS,
          payload: { surveyId } satisfies FollowUpPayload,
        },
      ])
    },
    [FOLLOW_UP_REMINDER_KIND]: async (tx, fire) => {
      const { surveyId } = fire.payload as FollowUpPayload
      const survey = await findFollowUpForSending(tx, surveyId)
      // Once, and only while the wave still waits for its answers.
      if (!survey || survey.status !== 'sent' || survey.optedOutAt !== null) return
      await notifyPerson(
        tx,
        deps,
        survey.personId,
        invite('follow-up:reminder', { months: survey.wave }),
        PRIORITY.reminder
      )
    },
  }
}
