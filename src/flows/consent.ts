/**
 * The privacy notice and consent (DOMAIN decision 8, §7.10): the gate every chat passes first.
 * Nothing else happens without consent; PRIVASI shows the whole notice at any time.
 * @module
 */
import { askYesNo, defineFlow } from '../engine/index.js'
import { NOTICE_VERSION } from '../domain/consent.js'

export const consent = defineFlow({
  id: 'consent',
  version: 1,
  inMenu: false,
  confirm: false,
  steps: [askYesNo('agree')],
  complete: ({ agree }, ctx) => ({
    effects: [
      {
        type: 'consent_answered',
        given: agree,
        noticeVersion: NOTICE_VERSION,
        at: ctx.now.toISOString(),
      },
    ],
    reply: { texts: [{ key: agree ? 'consent:thanks' : 'consent:refused' }] },
  }),
  // After "ya" the person sees what they can do; after "tidak" they see nothing more.
  menuAfter: true,
})

/** Consent is asked while this chat has not accepted the current notice. */
export const consentGate = {
  flowId: consent.id,
  applies: (ctx: { snapshot: { consented: boolean } }) => !ctx.snapshot.consented,
}
