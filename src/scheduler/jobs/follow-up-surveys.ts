/**
 * The graduates' follow-up and the baseline invitation (docs/domain.md, decisions 2 and 18, and
 * #the-training-programme): completion itself is `conversation/training-completion.ts`. A wave's fire
 * invites the graduate with a button to the survey, which asks its own consent first, and plans
 * one reminder three days later; a minor without the guardian-consent mark (docs/domain.md,
 * decision 7) is not asked (the wave is `held`), nor is someone who said BERHENTI.
 * @module
 */
import { eq } from 'drizzle-orm'
import { notifyPerson, sendNotice } from '../../messaging/notify.js'
import { type FollowUpDeps, completeCohortAndPlan } from '../../conversation/training-completion.js'
import { planFires } from '../../db/queries/fires.js'
import { findFollowUpForSending, setFollowUpStatus } from '../../db/queries/follow-up.js'
import { people } from '../../db/schema/index.js'
import { PRIORITY } from '../../domain/priorities.js'
import {
  BASELINE_INVITE_KIND,
  type BaselineInvitePayload,
  FOLLOW_UP_KIND,
} from '../../domain/training.js'
import { findBaselineForInvite } from '../../db/queries/training-outcomes.js'
import { type Reply, startButtonId } from '../../engine/index.js'
import type { FireHandler } from '../fires.js'

export { FOLLOW_UP_KIND }
export const FOLLOW_UP_REMINDER_KIND = 'training.follow_up_reminder'
/** Days after the invitation for its one reminder. */
const REMINDER_DAYS = 3
const DAY_SECONDS = 24 * 3600

type FollowUpPayload = { surveyId: number }

export type { FollowUpDeps }
export { completeCohortAndPlan }

export function followUpSurveyHandlers(deps: FollowUpDeps): Record<string, FireHandler> {
  const invite = (key: string, params: Record<string, string | number>): Reply => ({
    texts: [{ key, params }],
    choices: [{ id: startButtonId('follow-up'), label: { key: 'follow-up:start' } }],
  })
  return {
    [BASELINE_INVITE_KIND]: async (tx, fire) => {
      const { enrollmentId } = fire.payload as BaselineInvitePayload
      const due = await findBaselineForInvite(tx, enrollmentId)
      if (!due) return
      // A notice: it waits for a participant the bot cannot reach yet (her first contact).
      await sendNotice(
        tx,
        deps,
        due.personId,
        {
          texts: [{ key: 'baseline:invite', params: { name: due.name } }],
          choices: [{ id: startButtonId('baseline'), label: { key: 'baseline:start' } }],
        },
        PRIORITY.reminder
      )
    },
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
