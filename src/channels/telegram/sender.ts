/**
 * The Telegram `ChannelSender`: renders an outbound message and sends it, mapping Bot API
 * failures to a `DeliveryResult` the outbox understands. It is given an `Api` without auto-retry:
 * the outbox owns retries and pacing (docs/design.md P6), so a 429 comes back as retryable with
 * Telegram's `retry_after` instead of sleeping here.
 * @module
 */
import { type Api, GrammyError, HttpError, InputFile } from 'grammy'
import { describeError } from '../../lib/redact.js'
import { DOCUMENT_GONE, DocumentGoneError, type ReadDocument, documentBytes } from '../documents.js'
import type { ChannelSender, DeliveryResult, PacingLimits } from '../types.js'
import { type RenderTexts, type TelegramSend, renderSends } from './render.js'

/** The part of grammY's `Api` the sender uses. */
export type TelegramSendApi = Pick<
  Api,
  'sendMessage' | 'sendPhoto' | 'sendDocument' | 'sendLocation' | 'sendVenue'
>

/**
 * Telegram's limits (docs/design.md P6): about 30 messages a second per bot, one a second per chat
 * on average with short bursts tolerated (a reply of three messages goes out at once, then the
 * chat waits), 20 a minute per group (negative chat ids). The sender keeps 5% of the bot's rate
 * free (the default margin).
 */
export const TELEGRAM_PACING: PacingLimits = {
  total: { count: 30, windowMs: 1000 },
  perChat: { count: 3, windowMs: 3000 },
  perGroup: { count: 20, windowMs: 60_000 },
  isGroup: (recipientId) => recipientId.startsWith('-'),
}

/** Sends in flight when Telegram answers fast, and the most when it is slow. */
export const TELEGRAM_CONCURRENCY = { base: 4, max: 32 }

export type TelegramSenderOptions = {
  /** Where a `media:` reference is on disk (the conversation media store). */
  mediaPath?: (ref: string) => string
  /** Reads a document a message carries (`certificate:…`), uploaded as a file. */
  readDocument?: ReadDocument
  /** Replaces `TELEGRAM_PACING` (tests scale it). */
  pacing?: PacingLimits
  /** Sends in flight at once when answers are fast (default 4: Telegram answers in about 100 ms). */
  concurrency?: number
  /** The most sends in flight when answers are slow (default 32). */
  maxConcurrency?: number
  /** Labels of the channel's own buttons (without them, no "share my number" button). */
  texts?: RenderTexts
}

export function createTelegramSender(
  api: TelegramSendApi,
  options: TelegramSenderOptions = {}
): ChannelSender {
  /** A stored photo is uploaded; a URL or a Telegram file id is passed on. */
  const photoOf = (ref: string): InputFile | string => {
    if (ref.startsWith('media:') && options.mediaPath) return new InputFile(options.mediaPath(ref))
    return ref
  }

  const call = async (chatId: string, send: TelegramSend): Promise<{ message_id: number }> => {
    switch (send.method) {
      case 'sendMessage': {
        const { method: _method, text, ...other } = send
        return api.sendMessage(chatId, text, other)
      }
      case 'sendPhoto': {
        const { method: _method, photo, ...other } = send
        return api.sendPhoto(chatId, photoOf(photo), other)
      }
      case 'sendDocument': {
        const { method: _method, document, fileName, ...other } = send
        const bytes = await documentBytes(options.readDocument, document)
        return api.sendDocument(chatId, new InputFile(bytes, fileName), other)
      }
      case 'sendLocation':
        return api.sendLocation(chatId, send.latitude, send.longitude)
      case 'sendVenue':
        return api.sendVenue(chatId, send.latitude, send.longitude, send.title, send.address)
    }
  }

  return {
    channel: 'telegram',
    pacing: options.pacing ?? TELEGRAM_PACING,
    concurrency: options.concurrency ?? TELEGRAM_CONCURRENCY.base,
    maxConcurrency: Math.max(
      options.concurrency ?? TELEGRAM_CONCURRENCY.base,
      options.maxConcurrency ?? TELEGRAM_CONCURRENCY.max
    ),
    async send(recipientId, message, progress): Promise<DeliveryResult> {
      // A message of several calls (a long text, a photo, a pin) records each call but the last,
      // so a retry after a later call failed does not send the earlier ones again.
      const sends = renderSends(message, options.texts)
      let lastId: number | undefined
      try {
        for (let part = progress?.partsSent ?? 0; part < sends.length; part++) {
          const sent = await call(recipientId, sends[part]!)
          lastId = sent.message_id
          if (part < sends.length - 1) await progress?.partSent(part + 1)
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
  if (error instanceof DocumentGoneError) return DOCUMENT_GONE
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
    if (code === 403) {
      return {
        ok: false,
        retryable: false,
        unreachable: true,
        error: `unreachable: ${description}`,
      }
    }
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
