/**
 * The Telegram `ChannelSender`: renders an outbound message and sends it, mapping Bot API
 * failures to a `DeliveryResult` the outbox understands. It is given an `Api` without auto-retry:
 * the outbox owns retries and pacing (DESIGN P6), so a 429 comes back as retryable with
 * Telegram's `retry_after` instead of sleeping here.
 * @module
 */
import { GrammyError, HttpError } from 'grammy'
import { describeError } from '../../lib/redact.js'
import type { ChannelSender, DeliveryResult } from '../types.js'
import { renderOutbound } from './render.js'
import type { SendMessageParams } from './render.js'

/** The part of grammY's `Api` the sender uses. */
export type TelegramSendApi = {
  sendMessage: (
    chatId: number | string,
    text: string,
    other: Omit<SendMessageParams, 'text'>
  ) => Promise<{ message_id: number }>
}

export function createTelegramSender(api: TelegramSendApi): ChannelSender {
  return {
    channel: 'telegram',
    async send(recipientId, message): Promise<DeliveryResult> {
      // A message longer than one Telegram message goes out in parts; if a later part fails, the
      // retry sends the earlier ones again (rare: only texts over 4096 characters).
      let lastId: number | undefined
      try {
        for (const { text, ...other } of renderOutbound(message)) {
          const sent = await api.sendMessage(recipientId, text, other)
          lastId = sent.message_id
        }
      } catch (error) {
        return toDeliveryFailure(error)
      }
      return lastId === undefined ? { ok: true } : { ok: true, platformMessageId: String(lastId) }
    },
  }
}

/** Maps a failed Bot API call to the outbox's terms; the text never carries message content. */
export function toDeliveryFailure(error: unknown): DeliveryResult & { ok: false } {
  if (error instanceof GrammyError) {
    const code = error.error_code
    const description = error.description
    if (code === 429) {
      const retryAfter = error.parameters.retry_after
      return {
        ok: false,
        retryable: true,
        error: `429: ${description}`,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
      }
    }
    if (code >= 500) return { ok: false, retryable: true, error: `${code}: ${description}` }
    if (code === 403) return { ok: false, retryable: false, error: `unreachable: ${description}` }
    return { ok: false, retryable: false, error: `${code}: ${description}` }
  }
  if (error instanceof HttpError) {
    return { ok: false, retryable: true, error: `network: ${errorName(error.error)}` }
  }
  return { ok: false, retryable: true, error: `error: ${errorName(error)}` }
}

/** A failure's kind without its message, which may quote the request. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown'
}

/**
 * A loggable description of a failure: for the Bot API its method, code and Telegram's text,
 * never the payload (which holds message text); anything else scrubbed like every logged error.
 */
export function describeTelegramError(error: unknown): string {
  if (error instanceof GrammyError) {
    return `${error.method} ${error.error_code}: ${error.description}`
  }
  if (error instanceof HttpError) return `network: ${errorName(error.error)}`
  return describeError(error)
}
