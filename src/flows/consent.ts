/**
 * The privacy notice and consent (docs/domain.md, decisions 8 and 21, and #privacy): the gate every
 * chat passes first. Nothing else happens without consent; PRIVASI shows the whole notice at any
 * time. Who declined gets no menu: whatever they send later is answered briefly with how to agree
 * (MULAI or Ya), which then records consent and shows the menu.
 * @module
 */
import {
  type Answers,
  type FlowContext,
  type Step,
  askYesNo,
  defineFlow,
  isResumeCommand,
} from '../engine/index.js'
import { NOTICE_VERSION } from '../domain/consent.js'

/** This chat's latest answer declined the current notice. */
const declined = (ctx: { snapshot: { refusedConsent?: boolean } }) =>
  ctx.snapshot.refusedConsent === true

/** A yes/no step where MULAI also means yes (docs/domain.md, decision 21). */
function consentStep<const Id extends string>(
  id: Id,
  when: (answers: Answers, ctx: FlowContext) => boolean,
  /** What any other message counts as; without it, the question is asked again. */
  otherwise?: null
): Step<Id, boolean | null, true> {
  const yesNo = askYesNo(id, { when, hidden: true })
  return {
    ...yesNo,
    doubt: undefined,
    accept(input, env) {
      if (input.type === 'text' && isResumeCommand(input.text)) return { ok: true, value: true }
      const read = yesNo.accept(input, env)
      return read.ok || otherwise === undefined ? read : { ok: true, value: otherwise }
    },
    display: (value, env) => yesNo.display(value === true, env),
  }
}

export const consent = defineFlow({
  id: 'consent',
  version: 1,
  inMenu: false,
  confirm: false,
  steps: [
    // The whole notice, until it is answered.
    consentStep('agree', (_answers, ctx) => !declined(ctx)),
    // After a refusal: the message itself is the answer; anything but yes or no gets a short reply.
    consentStep('again', (_answers, ctx) => declined(ctx), null),
  ],
  complete: ({ agree, again }, ctx) => {
    const answer = agree ?? again
    if (answer === null || answer === undefined) {
      return {
        effects: [],
        reply: { texts: [{ key: 'consent:notYet' }], choices: ANSWER_OPTIONS },
      }
    }
    return {
      effects: [
        {
          type: 'consent_answered',
          given: answer,
          noticeVersion: NOTICE_VERSION,
          at: ctx.now.toISOString(),
        },
      ],
      reply: { texts: [{ key: answer ? 'consent:thanks' : 'consent:refused' }] },
    }
  },
  // After "ya" the person sees what they can do; after "tidak" they see nothing more.
  menuAfter: ({ agree, again }) => (agree ?? again) === true,
})

/** The buttons under the short reply to someone who declined, numbered as the question's. */
const ANSWER_OPTIONS = [
  { id: 'yes', label: { key: 'common:yes' } },
  { id: 'no', label: { key: 'common:no' } },
]

/**
 * Consent is asked while this chat has not accepted the current notice; after a refusal the
 * message that meets the gate is taken as the answer (no notice again and again).
 */
export const consentGate = {
  flowId: consent.id,
  applies: (ctx: { snapshot: { consented: boolean } }) => !ctx.snapshot.consented,
  answeredAtOnce: declined,
}
