/**
 * "Survei": a graduate's follow-up survey at +1, +3 and +6 months
 * (docs/domain.md#the-training-programme): its own consent first (docs/domain.md, decision 8), then
 * the baseline's questions in its words and codes (`outcome-questions.ts`, so a change from the
 * baseline compares like with like), income in brackets rather than figures (specific personal
 * data, UU PDP), and three of its own: orders last month, UPPKA, NIB. The invitation arrives unprompted with a button; SURVEI opens
 * the open wave too.
 * @module
 */
import { z } from 'zod'
import { askNumber, askYesNo, defineFlow } from '../engine/index.js'
import type { Answers, FlowContext } from '../engine/index.js'
import { outcomeAnswers, outcomeSteps } from './outcome-questions.js'

const survey = (ctx: FlowContext) => ctx.snapshot.lookups.openFollowUp?.survey ?? null
const agreed = (answers: Answers) => answers.consent === true
const hasBusiness = (answers: Answers) => agreed(answers) && answers.business === true

export const followUp = defineFlow({
  id: 'follow-up',
  version: 1,
  commands: ['survei'],
  confirm: false,
  inMenu: false,
  allowed: (ctx) =>
    ctx.snapshot.person?.status === 'active' && ctx.snapshot.person.roles.includes('peserta'),
  data: () => [{ kind: 'open_follow_up', key: 'open' }],
  unavailable: (ctx) =>
    ctx.snapshot.lookups.openFollowUp && !survey(ctx) ? { key: 'follow-up:none' } : undefined,
  steps: [
    askYesNo('consent', {
      promptParams: (_answers, ctx) => ({ months: survey(ctx)?.wave ?? 1 }),
    }),
    ...outcomeSteps(agreed),
    // Follow-up only: what the training's outcome looks like beyond the baseline's questions.
    askNumber('orders', {
      when: hasBusiness,
      schema: z.number().int().min(0).max(10_000),
    }),
    askYesNo('uppka', { when: agreed }),
    askYesNo('nib', { when: hasBusiness }),
  ],
  complete: (answers, ctx) => {
    const open = survey(ctx)
    // Not loaded yet: the runtime loads the wave and runs the turn again.
    if (!open) return { effects: [], reply: { texts: [{ key: 'follow-up:none' }] } }
    return {
      effects: [
        {
          type: 'follow_up_answered',
          surveyId: open.id,
          consent: answers.consent,
          ...outcomeAnswers(answers),
          ordersLastMonth: answers.orders ?? null,
          joinedUppka: answers.uppka ?? null,
          hasNib: answers.nib ?? null,
          at: ctx.now.toISOString(),
        },
      ],
      reply: { texts: [] },
    }
  },
})
