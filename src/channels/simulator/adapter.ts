import type { ChannelSender } from '../types.js'
import type { OutboundMessage } from '../../domain/messages.js'

/** Where the simulator "phone" keeps what it received; the database provides it. */
export type SimulatorInboxStore = {
  deliver: (recipientId: string, message: OutboundMessage) => Promise<number>
}

/**
 * The simulator channel: a channel like the others (docs/design.md#contracts), whose delivery is
 * writing to the simulated person's inbox. It has no platform limits to respect.
 */
export function createSimulatorChannel(store: SimulatorInboxStore): ChannelSender {
  return {
    channel: 'simulator',
    async send(recipientId, message) {
      const id = await store.deliver(recipientId, message)
      return { ok: true, platformMessageId: `sim-${id}` }
    },
  }
}
