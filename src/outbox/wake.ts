/**
 * When queued messages wake a sender (docs/design.md P6): this replica's at once, and the other
 * replicas' through Postgres NOTIFY, only when one of them may hold a channel's lease this one
 * lacks (one replica, or PGlite: no round trip at all).
 * @module
 */
import type { ChannelName } from '../domain/messages.js'
import type { DbHandle } from '../db/client.js'
import type { OutboxSender } from './sender.js'

const WAKE_CHANNEL = 'outbox_wake'
/** The NOTIFY payload of a wake for every channel. */
const ANY_CHANNEL = '*'

export type OutboxWake = {
  /** Messages were queued on this channel, or on any channel when none is given. */
  wake: (channel?: ChannelName) => void
  /** Stops listening for other replicas' wakes. */
  unlisten: () => Promise<void>
}

/** Listens for other replicas' wakes and returns the wake this replica's runtime calls. */
export async function wireOutboxWake(params: {
  handle: Pick<DbHandle, 'kind' | 'notify' | 'listen'>
  sender: Pick<OutboxSender, 'wake' | 'holdsLease'>
  channels: readonly ChannelName[]
}): Promise<OutboxWake> {
  const { handle, sender, channels } = params
  const unlisten = await handle.listen(WAKE_CHANNEL, (channel) =>
    sender.wake(channel === ANY_CHANNEL ? undefined : (channel as ChannelName))
  )
  return {
    wake(channel) {
      sender.wake(channel)
      const heldHere = channel
        ? sender.holdsLease(channel)
        : channels.every((c) => sender.holdsLease(c))
      if (handle.kind === 'postgres' && !heldHere) {
        void handle.notify(WAKE_CHANNEL, channel ?? ANY_CHANNEL).catch(() => undefined)
      }
    },
    unlisten,
  }
}
