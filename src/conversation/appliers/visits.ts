/**
 * The appliers of the home visit: a report recorded (its outcome the reference and the month's
 * count, which the flow's closing reply names; its referral's follow-up planned), a report withdrawn, and a referral's outcome (not
 * served yet: asked again a week later).
 * @module
 */
import { recordAudit } from '../../db/queries/audit.js'
import { recordVisit } from '../../db/queries/visit-report.js'
import { findReferral, setReferralStatus, withdrawVisit } from '../../db/queries/visits.js'
import type { ReferralFollowedUp, VisitReported, VisitWithdrawn } from '../../domain/effects.js'
import { FOLLOW_UP_DAYS, type FollowUpStatus } from '../../domain/visits.js'
import { addDays, today } from '../../domain/dates.js'
import { planReferralFollowUp } from '../referral-follow-up.js'
import { type Applier, forPerson } from './types.js'

export const visitAppliers: {
  visit_reported: Applier<VisitReported>
  visit_withdrawn: Applier<VisitWithdrawn>
  referral_followed_up: Applier<ReferralFollowedUp>
} = {
  visit_reported: forPerson(async (tx, effect, scope, deps) => {
    const recorded = await recordVisit(tx, {
      cadreId: scope.personId,
      report: effect,
      now: scope.now,
    })
    if (recorded.referral) {
      await planReferralFollowUp(tx, {
        referralId: recorded.referral.id,
        date: recorded.referral.followUpDate,
        timeZone: deps.timeZone,
      })
    }
    // The count is of the visit's own month (a November visit reported in December).
    return { reference: recorded.visit.reference, visitCountThisMonth: recorded.count }
  }),

  visit_withdrawn: forPerson(async (tx, effect, scope) => {
    const result = await withdrawVisit(tx, {
      visitId: effect.visitId,
      cadreId: scope.personId,
      now: scope.now,
    })
    if (result === 'withdrawn') {
      await recordAudit(tx, {
        actor: `person:${scope.personId}`,
        action: 'visit_withdrawn',
        subject: `visit:${effect.visitId}`,
        at: scope.now,
      })
    }
    const key = result === 'withdrawn' ? 'history:withdrawn' : 'history:tooLate'
    return [{ texts: [{ key }] }]
  }),

  async referral_followed_up(tx, effect, scope, deps) {
    const referral = await findReferral(tx, effect.referralId)
    if (!referral || referral.cadreId !== scope.personId) return
    await setReferralStatus(tx, {
      referralId: effect.referralId,
      status: effect.status as FollowUpStatus,
      now: scope.now,
    })
    // Not served yet: ask again in a week.
    if (effect.status === 'belum') {
      const next = addDays(today({ now: scope.now, timeZone: deps.timeZone }), FOLLOW_UP_DAYS)
      await planReferralFollowUp(tx, {
        referralId: referral.id,
        date: next,
        timeZone: deps.timeZone,
      })
    }
  },
}
