/**
 * The channel-neutral message types (docs/design.md P1). Every channel adapter turns platform
 * events into one `InboundMessage` and renders one `OutboundMessage`; flows never see a platform
 * type. They are data shapes the conversation, the outbox rows and the data layer share, so they
 * live in domain/ (docs/architecture.md#dependency-rules); what only a channel and the outbox
 * sender need (delivery results, pacing, the sender's interface) is in `channels/types.ts`.
 * @module
 */

export type ChannelName = 'simulator' | 'telegram' | 'whatsapp'

/** What arrived, with the platform specifics already stripped. */
export type InboundContent =
  | { type: 'text'; text: string }
  /** A pressed button; `messageId` is the platform's id of the message it was on, when known. */
  | { type: 'choice'; id: string; messageId?: string }
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

/**
 * A file that goes with a message, named by a reference the channel's sender resolves to bytes at
 * send time: a stored photo (`media:…`, a URL, a platform file id), or a document drawn from the
 * database when it goes out (`certificate:<code>`), so an outbox row never holds the file and a
 * resend carries the current one. The message's text is its caption where it fits.
 */
export type OutboundMedia =
  | { kind: 'photo'; ref: string }
  | { kind: 'document'; ref: string; fileName: string; mimeType: string }

export type OutboundMessage = {
  text: string
  choices?: OutboundChoice[]
  /** Several choices may be picked (the simulator page offers taps and a "Selesai"). */
  multiple?: boolean
  media?: OutboundMedia
  /** A place to show as a map pin (a venue when it has a name and an address). */
  location?: { lat: number; lng: number; name?: string; address?: string }
  /**
   * The message asks for the person's own phone number: a channel that can offer a one-tap
   * "share my number" button (Telegram's `request_contact`) shows one, labelled from its own
   * texts; others may add a hint. Choices, when present, take precedence.
   */
  requestContact?: boolean
}
