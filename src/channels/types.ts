/**
 * The channel-neutral message types (docs/design.md P1). Every channel adapter turns platform
 * events into one `InboundMessage` and renders one `OutboundMessage`; flows never see a platform
 * type.
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

export type OutboundMessage = {
  text: string
  choices?: OutboundChoice[]
  /** Several choices may be picked (the simulator page offers taps and a "Selesai"). */
  multiple?: boolean
  media?: { kind: 'photo'; ref: string }
  /** A place to show as a map pin (a venue when it has a name and an address). */
  location?: { lat: number; lng: number; name?: string; address?: string }
  /**
   * The message asks for the person's own phone number: a channel that can offer a one-tap
   * "share my number" button (Telegram's `request_contact`) shows one, labelled from its own
   * texts; others may add a hint. Choices, when present, take precedence.
   */
  requestContact?: boolean
}

/** The result of handing one message to a platform. */
export type DeliveryResult =
  | { ok: true; platformMessageId?: string }
  | {
      ok: false
      retryable: boolean
      error: string
      /** The platform's own wait (Telegram 429 `retry_after`): a rate limit, not a failed try. */
      retryAfterMs?: number
      /** The chat cannot be reached (Telegram 403: blocked); later non-live messages are skipped. */
      unreachable?: boolean
      /** `retryAfterMs` holds back the whole channel, not only this chat (a number's throughput). */
      holdOffAll?: boolean
      /**
       * `retryAfterMs` is a wait of our own (the socket is down, a daily cap we keep), not the
       * platform refusing: it does not count towards the sender's rate-limit cap.
       */
      localWait?: boolean
    }

/** At most `count` messages in any window of `windowMs` milliseconds. */
export type RateWindow = { count: number; windowMs: number }

/** A channel's pacing limits (docs/design.md P6); the outbox sender obeys them. */
export type PacingLimits = {
  /**
   * Every message of the channel (one bot, one number): the sender spaces starts evenly at the
   * rate `count / windowMs` less `margin`, so the platform never sees the limit reached.
   */
  total?: RateWindow
  /** The share of `total` kept free as a safety margin (default 0.05: 28.5 a second of 30). */
  margin?: number
  /**
   * Each chat (also groups), every message: a window of several messages allows the short burst
   * a platform tolerates (a reply of three messages at once), with the same average.
   */
  perChat?: RateWindow
  /**
   * Each chat, messages that answer nothing (reminders, nudges, broadcasts): a pace the live
   * replies count towards but are never held by (WhatsApp Cloud API's pair rate).
   */
  perChatUnsolicited?: RateWindow
  /** Each group chat, on top of `perChat`. */
  perGroup?: RateWindow
  /** Which recipient ids are group chats (Telegram: negative chat ids). */
  isGroup?: (recipientId: string) => boolean
}

/**
 * Where a message sent in several parts stands: `partsSent` went out on an earlier try; the
 * channel calls `partSent` after each further part but the last, so a retry sends only the rest.
 */
export type SendProgress = { partsSent: number; partSent: (partsSent: number) => Promise<void> }

/** What the outbox row says about the message beyond its content (its priority: reply or not). */
export type SendMeta = { priority: number }

/** What the outbox sender needs of a channel: one call that delivers one rendered message. */
export type ChannelSender = {
  channel: ChannelName
  send: (
    recipientId: string,
    message: OutboundMessage,
    progress?: SendProgress,
    meta?: SendMeta
  ) => Promise<DeliveryResult>
  /** The platform's limits; without them the channel is unpaced (the simulator). */
  pacing?: PacingLimits
  /**
   * How many sends may be in flight at once (default 1; pacing still applies). With a `total`
   * rate the sender raises it to what the observed answer time needs, up to `maxConcurrency`.
   */
  concurrency?: number
  /** The bound of that adaptive concurrency (default `concurrency`: fixed). */
  maxConcurrency?: number
}
