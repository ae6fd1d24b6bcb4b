/**
 * The appliers of /siaran: a broadcast composed (stored and planned, its scope checked again by
 * the service) or cancelled. Both flows are open only to active admins and supervisors.
 * @module
 */
import {
  BroadcastForbiddenError,
  cancelBroadcast,
  createBroadcast,
} from '../../broadcasts/service.js'
import type { BroadcastCancelled, BroadcastRequested } from '../../domain/effects.js'
import { type Applier, forPerson } from './types.js'

export const broadcastAppliers: {
  broadcast_requested: Applier<BroadcastRequested>
  broadcast_cancelled: Applier<BroadcastCancelled>
} = {
  broadcast_requested: forPerson(async (tx, effect, scope, deps) => {
    const at = effect.at === null ? undefined : new Date(effect.at)
    try {
      const created = await createBroadcast(tx, {
        author: { personId: scope.personId },
        segment: effect.segment,
        text: effect.text,
        photoRef: effect.photoRef ?? undefined,
        at,
        now: scope.now,
        timeZone: deps.timeZone,
        // Queued in this turn (the runtime wakes the sender after commit).
        fanOut: { i18n: deps.i18n, timeZone: deps.timeZone },
      })
      const later = at !== undefined && at > scope.now
      const key = later ? 'broadcast:scheduled' : 'broadcast:queued'
      return [{ texts: [{ key, params: { count: created.recipients, at: effect.at ?? '' } }] }]
    } catch (error) {
      if (error instanceof BroadcastForbiddenError) {
        return [{ texts: [{ key: 'broadcast:forbidden' }] }]
      }
      throw error
    }
  }),

  broadcast_cancelled: forPerson(async (tx, effect, scope) => {
    const author = { personId: scope.personId }
    const result = await cancelBroadcast(tx, effect.broadcastId, author, scope.now)
    return [{ texts: [{ key: `broadcast:cancel.${result}` }] }]
  }),
}
