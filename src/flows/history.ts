/**
 * "Riwayat": a cadre's last five reports; one sent less than 24 hours ago can be withdrawn (to
 * correct it, withdraw and report again). The withdrawn report is kept, marked, and audited.
 * @module
 */
import { askChoice, defineFlow } from '../engine/index.js'
import type { Answers, FlowContext } from '../engine/index.js'
import { isReporter } from './reporters.js'

const RECENT = { kind: 'recent_visits', key: 'recent' } as const

const recent = (ctx: FlowContext) => ctx.snapshot.lookups.recentVisits?.visits ?? []
const chosen = (answers: Answers, ctx: FlowContext) =>
  recent(ctx).find((v) => String(v.id) === answers.visit)

export const history = defineFlow({
  id: 'history',
  version: 1,
  commands: ['riwayat'],
  confirm: false,
  allowed: isReporter,
  data: () => [RECENT],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.recentVisits && recent(ctx).length === 0
      ? { key: 'history:none' }
      : undefined,
  steps: [
    askChoice('visit', {
      options: (_answers, ctx) =>
        recent(ctx).map((v) => ({
          id: String(v.id),
          label: {
            key: v.status === 'withdrawn' ? 'history:itemWithdrawn' : 'history:item',
            params: { reference: v.reference, date: v.visitDate, name: v.headName },
          },
        })),
    }),
    askChoice('action', {
      options: ['withdraw', 'keep'],
      promptParams: (answers, ctx) => ({ reference: chosen(answers, ctx)?.reference ?? '' }),
    }),
  ],
  complete: (answers) =>
    answers.action === 'withdraw'
      ? {
          effects: [{ type: 'visit_withdrawn', visitId: Number(answers.visit) }],
          reply: { texts: [] },
        }
      : { effects: [], reply: { texts: [{ key: 'history:kept' }] } },
})
