/**
 * What to do when the Baileys socket closes, by `DisconnectReason`. Pure.
 * - `restartRequired` (515), normal right after a QR scan: a new socket at once.
 * - `connectionReplaced` (440): another client took over these credentials; reconnecting would
 *   start a fight of two sockets, so stop and tell the admins.
 * - `loggedOut` (401): the phone unlinked the bot; wipe the auth state and pair afresh.
 * - `forbidden` (403): WhatsApp refuses the number (banned); stop and tell the admins.
 * - anything else: retry with exponential backoff up to a cap, then stop and tell the admins.
 * @module
 */
import { DisconnectReason } from '@whiskeysockets/baileys'

export type ReconnectPolicy = {
  /** Delay before the first retry; doubled each time. */
  baseDelayMs: number
  maxDelayMs: number
  /** Retries in a row (without an `open` in between) before giving up. */
  maxAttempts: number
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  maxAttempts: 12,
}

export type ReconnectDecision =
  | { action: 'restart_now' }
  | { action: 'retry'; delayMs: number }
  | { action: 'repair' }
  | { action: 'stop'; reason: 'replaced' | 'forbidden' | 'gave_up' }

/** `attempt` is the number of the retry this would be (1 for the first close after `open`). */
export function decideReconnect(
  statusCode: number | undefined,
  attempt: number,
  policy: ReconnectPolicy = DEFAULT_RECONNECT
): ReconnectDecision {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return { action: 'restart_now' }
    case DisconnectReason.connectionReplaced:
      return { action: 'stop', reason: 'replaced' }
    case DisconnectReason.loggedOut:
      return { action: 'repair' }
    case DisconnectReason.forbidden:
      return { action: 'stop', reason: 'forbidden' }
    default:
      if (attempt > policy.maxAttempts) return { action: 'stop', reason: 'gave_up' }
      return {
        action: 'retry',
        delayMs: Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs),
      }
  }
}
