/**
 * What the outbox sender and the channels agree on beyond the message itself: a delivery's
 * result, a channel's pacing limits, the sender's interface. The channel-neutral message types
 * are in `domain/messages.ts`.
 * @module
 */

import type { ChannelName, OutboundMessage } from '../domain/messages.js'

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
