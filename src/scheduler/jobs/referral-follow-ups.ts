import {
  REFERRAL_FOLLOW_UP_KIND,
  type ReferralFollowUpPayload,
  sendReferralFollowUp,
} from '../../conversation/referral-follow-up.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { FireHandler } from '../fires.js'

/**
 * The fire handler that asks a cadre how a referral ended, on its follow-up date. The message is
 * a reminder: the sender's poll delivers it once the fire's transaction has committed.
 */
export function referralFollowUpHandlers(deps: {
  i18n: TextRenderer
}): Record<string, FireHandler> {
  return {
    [REFERRAL_FOLLOW_UP_KIND]: async (tx, fire) => {
      await sendReferralFollowUp(tx, deps, fire.payload as ReferralFollowUpPayload)
    },
  }
}
