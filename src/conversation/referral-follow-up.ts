/**
 * Referral follow-ups (docs/domain.md#the-home-visit): on the follow-up date at 08.00 local time
 * the cadre is asked how the referral ended, with a button that opens the outcome question for it.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import type { DbOrTx } from '../db/client.js'
import { planFires } from '../db/queries/fires.js'
import { findFamily, findReferral } from '../db/queries/visits.js'
import { PRIORITY } from '../domain/priorities.js'
import { startButtonId } from '../engine/index.js'
import { notifyPerson } from '../messaging/notify.js'
import type { TextRenderer } from '../messaging/render.js'

export const REFERRAL_FOLLOW_UP_KIND = 'referral.follow_up'
/** A reminder missed by a down server still goes out within three days. */
const GRACE_SECONDS = 3 * 24 * 3600
const REMINDER_HOUR = 8

export type ReferralFollowUpPayload = { referralId: number }

/** Plans the reminder for one follow-up date; planning the same date twice changes nothing. */
export async function planReferralFollowUp(
  tx: DbOrTx,
  params: { referralId: number; date: string; timeZone: string }
): Promise<void> {
  const [year, month, day] = params.date.split('-').map(Number)
  const dueAt = new TZDate(year!, month! - 1, day!, REMINDER_HOUR, 0, 0, params.timeZone)
  await planFires(tx, [
    {
      kind: REFERRAL_FOLLOW_UP_KIND,
      dedupeKey: `referral:${params.referralId}:${params.date}`,
      dueAt: new Date(dueAt.getTime()),
      graceSeconds: GRACE_SECONDS,
      payload: { referralId: params.referralId } satisfies ReferralFollowUpPayload,
    },
  ])
}

/** Sends the follow-up question, unless the outcome was already told. */
export async function sendReferralFollowUp(
  tx: DbOrTx,
  deps: { i18n: TextRenderer },
  payload: ReferralFollowUpPayload
): Promise<boolean> {
  const referral = await findReferral(tx, payload.referralId)
  if (!referral || referral.status !== 'belum') return false
  const family = await findFamily(tx, referral.familyId)
  await notifyPerson(
    tx,
    deps,
    referral.cadreId,
    {
      texts: [
        {
          key: 'referral-outcome:reminder',
          params: {
            name: family?.headName ?? '',
            target: { key: `visit-report:referralTarget.${referral.target}` },
          },
        },
      ],
      choices: [
        {
          id: startButtonId('referral-outcome', String(referral.id)),
          label: { key: 'referral-outcome:answer' },
        },
      ],
    },
    PRIORITY.reminder
  )
  return true
}
