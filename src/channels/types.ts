/**
 * The channel-neutral message types (DESIGN P1). Every channel adapter turns platform events into
 * one `InboundMessage` and renders one `OutboundMessage`; flows never see a platform type.
 * @module
 */

export type ChannelName = 'simulator' | 'telegram' | 'whatsapp'

/** What arrived, with the platform specifics already stripped. */
export type InboundContent =
  | { type: 'text'; text: string }
  | { type: 'choice'; id: string }
  | { type: 'location'; lat: number; lng: number }
  | { type: 'photo'; ref: string }
  | { type: 'contact'; phone: string; isSender?: boolean }
  /** Stickers, voice notes, videos, documents, reactions: answered kindly, never processed. */
  | { type: 'unsupported'; kind: string }

export type InboundMessage = {
  channel: ChannelName
  /** Telegram `update_id`, WhatsApp message key id, simulator request id: the dedupe key (P5). */
  externalId: string
  /** The chat partner's id on that channel (Telegram chat id, WhatsApp JID, simulator `from`). */
  senderId: string
  /** The sender's phone in E.164 when the platform gives it. */
  phone?: string
  receivedAt: Date
  content: InboundContent
}

export type OutboundChoice = { id: string; label: string }

export type OutboundMessage = {
  text: string
  choices?: OutboundChoice[]
  media?: { kind: 'photo'; ref: string }
}

/** The result of handing one message to a platform. */
export type DeliveryResult =
  | { ok: true; platformMessageId?: string }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number }

/** What the outbox sender needs of a channel: one call that delivers one rendered message. */
export type ChannelSender = {
  channel: ChannelName
  send: (recipientId: string, message: OutboundMessage) => Promise<DeliveryResult>
}
