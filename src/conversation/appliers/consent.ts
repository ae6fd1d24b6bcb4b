/**
 * The appliers of the chat's own standing: the privacy notice answered (notices that waited for
 * the person go out right after a yes), BERHENTI and MULAI.
 * @module
 */
import { recordConsent } from '../../db/queries/consent.js'
import { setOptedOut } from '../../db/queries/people.js'
import type { ConsentAnswered, OptedIn, OptedOut } from '../../domain/effects.js'
import { releaseNotices } from '../../messaging/notify.js'
import type { Applier } from './types.js'

export const consentAppliers: {
  consent_answered: Applier<ConsentAnswered>
  opted_out: Applier<OptedOut>
  opted_in: Applier<OptedIn>
} = {
  async consent_answered(tx, effect, scope) {
    await recordConsent(tx, {
      channel: scope.channel,
      senderId: scope.senderId,
      personId: scope.personId,
      noticeVersion: effect.noticeVersion,
      given: effect.given,
      at: new Date(effect.at),
    })
    if (effect.given && scope.personId !== undefined) {
      await releaseNotices(tx, { ...scope, personId: scope.personId })
    }
  },

  // Someone unknown has nothing to stop or resume: the words are answered all the same.
  async opted_out(tx, effect, scope) {
    if (scope.personId) await setOptedOut(tx, { personId: scope.personId, at: new Date(effect.at) })
  },

  async opted_in(tx, _effect, scope) {
    if (!scope.personId) return
    await setOptedOut(tx, { personId: scope.personId, at: null })
    await releaseNotices(tx, { ...scope, personId: scope.personId })
  },
}
