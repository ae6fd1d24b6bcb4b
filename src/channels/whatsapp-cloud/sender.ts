/**
 * The Cloud API `ChannelSender`. Inside the 24-hour customer-service window (the person wrote in
 * the last 24 hours) a message goes out as rendered: text, buttons or a list, a photo or a
 * document uploaded then sent by media id, a location. Outside it free-form messages are refused by Meta (131047),
 * so none is attempted: a reminder, nudge or broadcast goes as its approved template (the
 * template table; its choices as quick-reply buttons when a template with as many is approved,
 * else numbered in the text-only template's text), and a message with no template fails at once
 * with a clear reason, never retried. Throttling (130429 for the number's throughput, 131056 for the pair rate to one person)
 * comes back as a wait the outbox obeys without counting a failed try.
 * @module
 */
import { DOCUMENT_GONE, DocumentGoneError, type ReadDocument, documentBytes } from '../documents.js'
import type { ChannelSender, DeliveryResult, PacingLimits } from '../types.js'
import type { OutboundChoice } from '../../domain/messages.js'
import { type GraphClient, GraphError, GraphNetworkError } from './graph.js'
import { type CloudSend, type CloudTexts, renderCloud } from './render.js'
import { type TemplateTable, pickTemplate, templateBody, templateKindOf } from './templates.js'

/**
 * The platform's limits: 80 messages a second per business number, and a pair rate of about one
 * message every 6 seconds to the same person, with bursts tolerated. Live replies are not paced
 * per person (a cadre tapping through a report gets each answer at once; should Meta refuse one,
 * its 131056 is a wait the outbox obeys); reminders, nudges and broadcasts keep 10 a minute.
 */
export const CLOUD_PACING: PacingLimits = {
  total: { count: 80, windowMs: 1000 },
  perChatUnsolicited: { count: 10, windowMs: 60_000 },
}

/** The customer-service window: free-form messages only this long after the person last wrote. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000

/** Waits after throttling: the number's throughput (all chats), and the pair rate (one chat). */
export const THROUGHPUT_WAIT_MS = 1000
export const PAIR_RATE_WAIT_MS = 6000

/** Meta error codes the sender tells apart. */
export const CLOUD_ERRORS = {
  throughput: 130429,
  pairRate: 131056,
  outsideWindow: 131047,
  undeliverable: 131026,
  /** Generic, service unavailable, and "something went wrong": temporary. */
  temporary: [1, 2, 131000, 131016],
} as const

export type CloudContactStore = {
  /** When the person last wrote, if ever (the window runs from here). */
  lastInboundAt: (waId: string) => Promise<Date | undefined>
}

export type CloudSenderDeps = {
  graph: GraphClient
  store: CloudContactStore
  texts: CloudTexts
  templates: TemplateTable
  /** Reads a stored photo (`media:` reference) to upload it. */
  readMedia: (ref: string) => Promise<Uint8Array>
  /** Reads a document a message carries (`certificate:…`) to upload it. */
  readDocument?: ReadDocument
  clock?: () => Date
  /** Replaces `CLOUD_PACING` (tests scale it). */
  pacing?: PacingLimits
  concurrency?: number
  windowMs?: number
  /** Replaces the waits after throttling (tests scale them). */
  throttleWaits?: { throughputMs: number; pairRateMs: number }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
}

/** How many uploaded photos are remembered (a media id stays valid for 30 days). */
const MAX_CACHED_UPLOADS = 500

export function createCloudSender(deps: CloudSenderDeps): ChannelSender {
  const clock = deps.clock ?? (() => new Date())
  const windowMs = deps.windowMs ?? SERVICE_WINDOW_MS
  const uploads = new Map<string, string>()

  async function mediaIdOf(ref: string): Promise<string> {
    const known = uploads.get(ref)
    if (known) return known
    if (!ref.startsWith('media:')) throw new TypeError('not a stored photo')
    const extension = /\.([a-z]+)$/.exec(ref)?.[1] ?? 'jpg'
    const mime = MIME_BY_EXTENSION[extension] ?? 'image/jpeg'
    const id = await deps.graph.uploadMedia(await deps.readMedia(ref), mime, `photo.${extension}`)
    if (uploads.size >= MAX_CACHED_UPLOADS) uploads.delete(uploads.keys().next().value!)
    uploads.set(ref, id)
    return id
  }

  async function bodyOf(send: CloudSend): Promise<Record<string, unknown>> {
    if (send.type === 'document') {
      // Uploaded at every send, never cached: a resend carries the document as it is now.
      const bytes = await documentBytes(deps.readDocument, send.ref)
      const id = await deps.graph.uploadMedia(bytes, send.mimeType, send.fileName)
      const { fileName: filename, caption } = send
      return { type: 'document', document: { id, filename, ...(caption ? { caption } : {}) } }
    }
    if (send.type !== 'image') return send
    const id = await mediaIdOf(send.ref)
    return { type: 'image', image: { id, ...(send.caption ? { caption: send.caption } : {}) } }
  }

  return {
    channel: 'whatsapp',
    pacing: deps.pacing ?? CLOUD_PACING,
    concurrency: deps.concurrency ?? 16,
    maxConcurrency: Math.max(deps.concurrency ?? 16, 64),
    async send(recipientId, message, progress, meta): Promise<DeliveryResult> {
      const lastInbound = await deps.store.lastInboundAt(recipientId)
      // No chat, no opt-in: the consent given at first contact is the WhatsApp opt-in
      // (docs/domain.md, decisions 8 and 10), so a number that never wrote gets nothing, not even a template.
      if (lastInbound === undefined) {
        return { ok: false, retryable: false, error: 'skipped: this number never wrote to the bot' }
      }
      const open = lastInbound !== undefined && clock().getTime() - lastInbound.getTime() < windowMs
      try {
        if (!open) {
          const kind = templateKindOf(meta?.priority ?? 0)
          const choices = message.choices ?? []
          const template = kind ? pickTemplate(deps.templates[kind], choices) : undefined
          if (!template) {
            return {
              ok: false,
              retryable: false,
              error: `outside_24h_window: no template for ${kind ?? 'a reply'}, not sent`,
            }
          }
          const withButtons = (template.quickReplies ?? 0) > 0
          const id = await deps.graph.sendMessage(recipientId, {
            type: 'template',
            template: withButtons
              ? templateBody(template, message.text, choices)
              : templateBody(template, numberedText(message.text, choices, deps.texts)),
          })
          return { ok: true, platformMessageId: id }
        }
        const sends = renderCloud(message, deps.texts)
        let lastId: string | undefined
        for (let part = progress?.partsSent ?? 0; part < sends.length; part++) {
          lastId = await deps.graph.sendMessage(recipientId, await bodyOf(sends[part]!))
          if (part < sends.length - 1) await progress?.partSent(part + 1)
        }
        return lastId === undefined ? { ok: true } : { ok: true, platformMessageId: lastId }
      } catch (error) {
        return toCloudDeliveryFailure(error, deps.throttleWaits)
      }
    },
  }
}

/**
 * A text-only template's text for a message with choices: the choices numbered after it, with the
 * hint, so the person can still answer "1" (the channel reads it against this message).
 */
function numberedText(text: string, choices: readonly OutboundChoice[], texts: CloudTexts) {
  if (choices.length === 0) return text
  const lines = choices.map((choice, i) => `${i + 1}. ${choice.label}`)
  return [text, ...lines, texts.choiceHint].join('\n')
}

/** Maps a failed Graph API call to the outbox's terms; the text never carries message content. */
export function toCloudDeliveryFailure(
  error: unknown,
  waits = { throughputMs: THROUGHPUT_WAIT_MS, pairRateMs: PAIR_RATE_WAIT_MS }
): DeliveryResult & { ok: false } {
  if (error instanceof DocumentGoneError) return DOCUMENT_GONE
  if (error instanceof GraphError) {
    const code = error.code
    const what = `${code}: ${error.title}`
    if (code === CLOUD_ERRORS.throughput) {
      return {
        ok: false,
        retryable: true,
        error: `throttled ${what}`,
        retryAfterMs: waits.throughputMs,
        holdOffAll: true,
      }
    }
    if (code === CLOUD_ERRORS.pairRate) {
      return {
        ok: false,
        retryable: true,
        error: `throttled ${what}`,
        retryAfterMs: waits.pairRateMs,
      }
    }
    if (code === CLOUD_ERRORS.outsideWindow) {
      return { ok: false, retryable: false, error: `outside_24h_window ${what}` }
    }
    if (code === CLOUD_ERRORS.undeliverable) {
      return { ok: false, retryable: false, unreachable: true, error: `unreachable ${what}` }
    }
    const temporary = (CLOUD_ERRORS.temporary as readonly number[]).includes(code)
    // An expired or revoked token (401, code 190) is fixed by an operator: worth retrying.
    const retryable = temporary || error.status >= 500 || error.status === 401
    return { ok: false, retryable, error: what }
  }
  if (error instanceof GraphNetworkError)
    return { ok: false, retryable: true, error: error.message }
  return {
    ok: false,
    retryable: true,
    error: `error: ${error instanceof Error ? error.name : 'unknown'}`,
  }
}

/** A loggable description of a failure, without any message content. */
export function describeCloudError(error: unknown): string {
  if (error instanceof GraphError) return `graph ${error.status} ${error.code}: ${error.title}`
  if (error instanceof GraphNetworkError) return error.message
  return error instanceof Error ? error.name : 'unknown'
}
