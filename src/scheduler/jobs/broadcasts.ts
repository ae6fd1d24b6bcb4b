/**
 * Broadcast fires (docs/design.md P7): `broadcast.send` fans a broadcast out at its time (once:
 * the dedupe key `broadcast:<id>` and the broadcast's own status guard it), `broadcast.progress`
 * tells the author how far it got and closes it when every message has settled.
 * @module
 */
import { checkBroadcastProgress } from '../../broadcasts/progress.js'
import {
  BROADCAST_PROGRESS_KIND,
  BROADCAST_SEND_KIND,
  type FanOutDeps,
  fanOutBroadcast,
} from '../../broadcasts/service.js'
import type { FireHandler } from '../fires.js'

type BroadcastPayload = { broadcastId: number }

export function broadcastHandlers(deps: FanOutDeps): Record<string, FireHandler> {
  return {
    [BROADCAST_SEND_KIND]: async (tx, fire, now) => {
      const { broadcastId } = fire.payload as BroadcastPayload
      await fanOutBroadcast(tx, deps, broadcastId, now)
    },
    [BROADCAST_PROGRESS_KIND]: async (tx, fire, now) => {
      const { broadcastId } = fire.payload as BroadcastPayload
      await checkBroadcastProgress(tx, deps, broadcastId, now)
    },
  }
}
