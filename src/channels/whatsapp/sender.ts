/**
 * The WhatsApp `ChannelSender`: the ban-aware rules (docs/design.md P6, docs/domain.md, decision
 * 10), then the rendered contents through the live socket. A number that never wrote to the bot
 * gets nothing (skipped, not retried). A message to a chat that has not written within the reply
 * window is unsolicited and counts against a daily cap; past it the message waits for a later
 * retry. Every content waits for its pacing slot, goes to the contact's LID when known, and is kept for `getMessage` retries.
 * @module
 */
import type { WAMessage } from '@whiskeysockets/baileys'
import { describeError } from '../../lib/redact.js'
import { DOCUMENT_GONE, DocumentGoneError, type ReadDocument, documentBytes } from '../documents.js'
import type { ChannelSender, DeliveryResult } from '../types.js'
import { encodeAuthValue } from './auth-state.js'
import type { HumanPacer, HumanPacing } from './pacing.js'
import { type WhatsAppContent, type WhatsAppTexts, renderOutbound } from './render.js'
import type { WhatsAppStore } from './store.js'

/** The part of a Baileys socket the sender uses. */
export type WhatsAppSendSocket = {
  sendMessage: (jid: string, content: SendableContent) => Promise<WAMessage | undefined>
}

/** `WhatsAppContent` with media resolved to bytes: what Baileys' `sendMessage` receives. */
export type SendableContent =
  | { text: string }
  | { image: Buffer; caption?: string }
  | { document: Buffer; mimetype: string; fileName: string; caption?: string }
  | {
      location: {
        degreesLatitude: number
        degreesLongitude: number
        name?: string
        address?: string
      }
    }

export type WhatsAppSenderDeps = {
  /** The open socket, or `undefined` while not connected (standby replica, reconnecting). */
  socket: () => WhatsAppSendSocket | undefined
  store: WhatsAppStore
  pacer: HumanPacer
  limits: Pick<HumanPacing, 'unsolicitedPerDay' | 'replyWindowMs'>
  texts: WhatsAppTexts
  readMedia: (ref: string) => Promise<Uint8Array>
  /** Reads a document a message carries (`certificate:…`). */
  readDocument?: ReadDocument
  clock: () => Date
  /** The local calendar day (YYYY-MM-DD) of an instant, for the daily cap. */
  dayOf: (now: Date) => string
  /** How long sent messages are kept for `getMessage`. */
  sentTtlMs: number
}

/** Retry later when the socket is down (the outbox backs off further on repeats). */
const NOT_CONNECTED_RETRY_MS = 30_000
/** Retry later when the day's unsolicited messages are used up. */
const DAILY_CAP_RETRY_MS = 6 * 60 * 60 * 1000
/** Prune kept messages at most this often. */
const PRUNE_EVERY_MS = 10 * 60 * 1000

export function createWhatsAppSender(deps: WhatsAppSenderDeps): ChannelSender {
  let lastPruneAt = 0

  async function prune(now: Date): Promise<void> {
    if (now.getTime() - lastPruneAt < PRUNE_EVERY_MS) return
    lastPruneAt = now.getTime()
    await deps.store.pruneSent(new Date(now.getTime() - deps.sentTtlMs))
  }

  async function resolve(content: WhatsAppContent): Promise<SendableContent> {
    if ('image' in content) {
      const bytes = await deps.readMedia(content.image.ref)
      return {
        image: Buffer.from(bytes),
        ...(content.caption ? { caption: content.caption } : {}),
      }
    }
    if ('document' in content) {
      return { ...content, document: await documentBytes(deps.readDocument, content.document.ref) }
    }
    return content
  }

  return {
    channel: 'whatsapp',
    async send(recipientId, message, progress): Promise<DeliveryResult> {
      const now = deps.clock()
      const contact = await deps.store.findContact(recipientId)
      if (!contact) {
        return { ok: false, retryable: false, error: 'skipped: this number never wrote to the bot' }
      }
      if (!deps.socket()) {
        return {
          ok: false,
          retryable: true,
          error: 'whatsapp not connected',
          retryAfterMs: NOT_CONNECTED_RETRY_MS,
          localWait: true,
        }
      }
      const solicited = now.getTime() - contact.lastInboundAt.getTime() <= deps.limits.replyWindowMs
      if (!solicited) {
        const allowed = await deps.store.takeUnsolicited(
          deps.dayOf(now),
          deps.limits.unsolicitedPerDay
        )
        if (!allowed) {
          return {
            ok: false,
            retryable: true,
            error: 'daily cap of unsolicited whatsapp messages reached',
            retryAfterMs: DAILY_CAP_RETRY_MS,
            localWait: true,
          }
        }
      }
      const jid = contact.lid ?? contact.chatId
      let lastId: string | undefined
      try {
        // A message of several parts (a text, then a location): after a failed later part the
        // retry sends only the parts that did not go out (`progress`).
        const parts = renderOutbound(message, deps.texts)
        const already = progress?.partsSent ?? 0
        for (const [index, content] of parts.entries()) {
          if (index < already) continue
          const sendable = await resolve(content)
          await deps.pacer.take(recipientId)
          const socket = deps.socket()
          if (!socket) throw new NotConnectedError()
          const sent = await socket.sendMessage(jid, sendable)
          const id = sent?.key.id
          if (id && sent.message) {
            lastId = id
            await deps.store.saveSent({
              messageId: id,
              remoteJid: jid,
              message: encodeAuthValue(sent.message),
              sentAt: deps.clock(),
            })
          }
          if (index < parts.length - 1) await progress?.partSent(index + 1)
        }
        await prune(deps.clock())
      } catch (error) {
        return toDeliveryFailure(error)
      }
      return lastId === undefined ? { ok: true } : { ok: true, platformMessageId: lastId }
    },
  }
}

class NotConnectedError extends Error {
  readonly code = 'WHATSAPP_NOT_CONNECTED' as const

  constructor() {
    super('whatsapp not connected')
    this.name = 'NotConnectedError'
  }
}

/**
 * A loggable description of a failure, scrubbed like every logged error and with long digit runs
 * (phone numbers inside JIDs) removed.
 */
export function describeWhatsAppError(error: unknown): string {
  return describeError(error).replace(/[0-9]{6,}/g, '…')
}

/** The HTTP-like status Baileys puts on its errors (`Boom`), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined
}

/** Maps a failed send to the outbox's terms; the text never carries message content. */
export function toDeliveryFailure(error: unknown): DeliveryResult & { ok: false } {
  if (error instanceof DocumentGoneError) return DOCUMENT_GONE
  if (error instanceof NotConnectedError) {
    return {
      ok: false,
      retryable: true,
      error: error.message,
      retryAfterMs: NOT_CONNECTED_RETRY_MS,
      localWait: true,
    }
  }
  const status = statusCodeOf(error)
  if (status === 429) {
    return { ok: false, retryable: true, error: '429: rate-overlimit', retryAfterMs: 60_000 }
  }
  if (status !== undefined) return { ok: false, retryable: true, error: `${status}: send failed` }
  return { ok: false, retryable: true, error: `error: ${describeWhatsAppError(error)}` }
}
