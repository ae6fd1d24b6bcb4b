/**
 * "Awal": the baseline survey at enrolment (docs/domain.md, decision 18): the questions it shares
 * with the follow-up survey (`outcome-questions.ts`: working for pay, own business and its kind,
 * sales channels, income bracket), so the two compare, with its own consent first. The invitation arrives with a button
 * after enrolment, or at the participant's first contact; a mentor fills it in for a participant
 * of her cohort without a phone (as with ABSEN), asking her in person.
 * @module
 */
import { askChoice, askYesNo, defineFlow } from '../engine/index.js'
import type { Answers, FlowContext } from '../engine/index.js'
import { outcomeAnswers, outcomeSteps } from './outcome-questions.js'

const pending = (ctx: FlowContext) => ctx.snapshot.lookups.baselinePending
/** A mentor without her own baseline to give fills one in for a participant. */
const forOther = (ctx: FlowContext) =>
  !pending(ctx)?.self && (pending(ctx)?.participants.length ?? 0) > 0
const subject = (answers: Answers, ctx: FlowContext) =>
  forOther(ctx)
    ? pending(ctx)?.participants.find((p) => String(p.enrollmentId) === answers.who)
    : pending(ctx)?.self
const agreed = (answers: Answers) => answers.consent === true

export const baseline = defineFlow({
  id: 'baseline',
  version: 1,
  commands: ['awal'],
  confirm: false,
  inMenu: false,
  allowed: (ctx) =>
    ctx.snapshot.person?.status === 'active' &&
    ctx.snapshot.person.roles.some((role) => role === 'peserta' || role === 'mentor'),
  data: () => [{ kind: 'baseline_pending', key: 'due' }],
  unavailable: (ctx) => {
    const due = pending(ctx)
    return due && !due.self && due.participants.length === 0 ? { key: 'baseline:none' } : undefined
  },
  steps: [
    askChoice('who', {
      when: (_answers, ctx) => forOther(ctx),
      options: (_answers, ctx) =>
        (pending(ctx)?.participants ?? []).map((p) => ({
          id: String(p.enrollmentId),
          label: { key: 'baseline:participant', params: { name: p.name } },
        })),
    }),
    askYesNo('consent', {
      // Asked of her, or of the mentor who asks her in person.
      promptParams: (answers, ctx) => ({
        question: {
          key: forOther(ctx) ? 'baseline:consent.forOther' : 'baseline:consent.self',
          params: { name: subject(answers, ctx)?.name ?? '' },
        },
      }),
    }),
    ...outcomeSteps(agreed),
  ],
  complete: (answers, ctx) => {
    const due = subject(answers, ctx)
    // Not loaded yet: the runtime loads the list and runs the turn again.
    if (!due) return { effects: [], reply: { texts: [{ key: 'baseline:none' }] } }
    return {
      effects: [
        {
          type: 'baseline_answered',
          enrollmentId: due.enrollmentId,
          consent: answers.consent,
          ...outcomeAnswers(answers),
          at: ctx.now.toISOString(),
        },
      ],
      reply: { texts: [] },
    }
  },
})
