/**
 * "Rujukan": the cadre tells how a referral ended (docs/domain.md#the-home-visit). Reached from the
 * follow-up reminder's button, or by typing RUJUKAN to see every open referral.
 * @module
 */
import { askChoice, defineFlow } from '../engine/index.js'
import type { FlowContext } from '../engine/index.js'
import { FOLLOW_UP_STATUSES } from '../domain/visits.js'
import { isReporter } from './reporters.js'

const open = (ctx: FlowContext) => ctx.snapshot.lookups.openReferrals?.referrals ?? []

export const referralOutcome = defineFlow({
  id: 'referral-outcome',
  version: 1,
  commands: ['rujukan'],
  confirm: false,
  allowed: isReporter,
  data: () => [{ kind: 'open_referrals', key: 'open' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.openReferrals && open(ctx).length === 0
      ? { key: 'referral-outcome:none' }
      : undefined,
  prefill: (arg) => ({ referral: arg }),
  steps: [
    askChoice('referral', {
      options: (_answers, ctx) =>
        open(ctx).map((r) => ({
          id: String(r.id),
          label: {
            key: 'referral-outcome:item',
            params: {
              name: r.headName,
              target: { key: `visit-report:referralTarget.${r.target}` },
              date: r.followUpDate,
            },
          },
        })),
    }),
    askChoice('status', { options: FOLLOW_UP_STATUSES }),
  ],
  complete: (answers) => ({
    effects: [
      {
        type: 'referral_followed_up',
        referralId: Number(answers.referral),
        status: answers.status,
      },
    ],
    reply: {
      texts: [
        { key: answers.status === 'belum' ? 'referral-outcome:later' : 'referral-outcome:saved' },
      ],
    },
  }),
})
