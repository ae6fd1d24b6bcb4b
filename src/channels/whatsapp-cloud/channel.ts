/**
 * The WhatsApp channel over the official Cloud API: the webhook (`GET` verification
 * handshake, `POST` deliveries signed with the app secret), inbound messages mapped to
 * `InboundMessage` for the runtime (one transaction each, deduped on the message id, docs/design.md
 * P5), status callbacks recorded on the outbox row they concern, and the `ChannelSender`. The
 * channel is still called `whatsapp`: the people are the same, and the sender id is their `wa_id`.
 *
 * A `POST` whose `X-Hub-Signature-256` is not the HMAC-SHA256 of the raw body under the app
 * secret is refused 401 before anything is read. A transient database failure answers 500, so
 * Meta delivers again (the dedupe makes that safe); anything else is logged (ids only) and
 * acknowledged, so one poisoned message does not block the ones behind it.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { Logger } from '../../lib/logger.js'
import { isTransientDbError } from '../../lib/transient.js'
import { jsonBodyLimit } from '../../lib/body-limit.js'
import type { ReadDocument } from '../documents.js'
import type { ChannelSender } from '../types.js'
import type { InboundContent, InboundMessage, OutboundChoice } from '../../domain/messages.js'
import { asPickedChoice } from '../whatsapp/numbered-reply.js'
import type { GraphClient } from './graph.js'
import {
  type CloudMessage,
  type CloudStatus,
  type CloudWebhook,
  cloudWebhookSchema,
} from './payload.js'
import type { CloudTexts } from './render.js'
import { type CloudSenderDeps, createCloudSender, describeCloudError } from './sender.js'
import type { TemplateTable } from './templates.js'
import { phoneOfWaId, toCloudInbound } from './to-inbound.js'

/** A status callback, as the outbox records it. */
export type CloudStatusUpdate = {
  platformMessageId: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  /** For `failed`: Meta's code and title (never content). */
  error?: string
  /** For `failed`: Meta's error code alone. */
  code?: number
  /** The `wa_id` the message went to. */
  recipientId?: string
  at: Date
}

/** What the channel needs from storage (implemented in `db/queries/whatsapp-cloud.ts`). */
export type CloudStore = {
  /** Records that `waId` wrote at `at` (the window opens); idempotent, keeps the latest time. */
  noteInbound: (waId: string, phone: string | undefined, at: Date) => Promise<void>
  lastInboundAt: (waId: string) => Promise<Date | undefined>
  /** Moves the outbox row sent as `platformMessageId` forward; false when none was found. */
  updateStatus: (update: CloudStatusUpdate) => Promise<boolean>
  /** Stores the phone on the person's WhatsApp identity, once the runtime linked it. */
  updateIdentity: (waId: string, phone: string) => Promise<void>
  /**
   * The choices of the newest message sent to `waId` when it was unprompted (a reminder, a
   * request to review), else `undefined`.
   */
  lastUnpromptedChoices: (waId: string) => Promise<OutboundChoice[] | undefined>
}

export type CloudChannelDeps = {
  graph: GraphClient
  phoneNumberId: string
  appSecret: string
  verifyToken: string
  handleInbound: (message: InboundMessage, now: Date) => Promise<{ duplicate: boolean }>
  store: CloudStore
  media: {
    put: (bytes: Uint8Array, extension: string) => Promise<string>
    read: (ref: string) => Promise<Uint8Array>
    /** Reads a document a message carries (`certificate:…`). */
    readDocument?: ReadDocument
  }
  texts: CloudTexts
  templates: TemplateTable
  logger: Logger
  clock?: () => Date
  /** How long fetching a photo may take before it counts as unreadable (default 10 s). */
  photoTimeoutMs?: number
  /** Pacing, concurrency and the window of the sender (tests scale them). */
  sender?: Pick<CloudSenderDeps, 'pacing' | 'concurrency' | 'windowMs' | 'throttleWaits'>
}

export type CloudChannel = {
  sender: ChannelSender
  /** `GET|POST /webhook/whatsapp`, mounted by the app. */
  routes: () => Hono
  /** Handles one verified, parsed delivery (exposed for tests). */
  handlePayload: (payload: CloudWebhook) => Promise<void>
}

/** Largest photo the bot downloads. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024

/** Largest webhook body: Meta documents its webhook payloads as up to 3 MB. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024

/** `sha256=` and 64 hex digits: the only shape of `X-Hub-Signature-256`. */
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/i

/** Whether `header` is `sha256=<hex HMAC of body under secret>`, compared in constant time. */
export function validSignature(body: Uint8Array, header: string | undefined, secret: string) {
  if (!header?.startsWith('sha256=')) return false
  const given = Buffer.from(header.slice('sha256='.length), 'hex')
  const expected = createHmac('sha256', secret).update(body).digest()
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = createHmac('sha256', 'verify').update(given).digest()
  const b = createHmac('sha256', 'verify').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** A photo's extension from its first bytes (JPEG, PNG, WebP), else `undefined`. */
function photoExtension(bytes: Uint8Array): 'jpg' | 'png' | 'webp' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png'
  const riff = String.fromCharCode(...bytes.slice(0, 4))
  const webp = String.fromCharCode(...bytes.slice(8, 12))
  return riff === 'RIFF' && webp === 'WEBP' ? 'webp' : undefined
}

const STATUS_VALUES = new Set(['sent', 'delivered', 'read', 'failed'])

export function createCloudChannel(deps: CloudChannelDeps): CloudChannel {
  const clock = deps.clock ?? (() => new Date())
  const logger = deps.logger.child({ channel: 'whatsapp', transport: 'cloud' })
  const sender = createCloudSender({
    graph: deps.graph,
    store: deps.store,
    texts: deps.texts,
    templates: deps.templates,
    readMedia: deps.media.read,
    ...(deps.media.readDocument ? { readDocument: deps.media.readDocument } : {}),
    clock,
    ...deps.sender,
  })

  /** Downloads an image into the media store; one that cannot be read counts as a document. */
  async function photoContent(messageId: string, mediaId: string): Promise<InboundContent> {
    try {
      const deadline = AbortSignal.timeout(deps.photoTimeoutMs ?? 10_000)
      const work = (async () => {
        const info = await deps.graph.mediaInfo(mediaId)
        if ((info.file_size ?? 0) > MAX_PHOTO_BYTES) throw new Error('photo too large')
        return deps.graph.download(info.url, MAX_PHOTO_BYTES)
      })()
      const timeout = new Promise<never>((_, reject) => {
        deadline.addEventListener('abort', () => reject(new Error('photo timeout')))
      })
      const bytes = await Promise.race([work, timeout])
      const extension = photoExtension(bytes)
      if (!extension) throw new Error('not a photo')
      return { type: 'photo', ref: await deps.media.put(bytes, extension) }
    } catch (error) {
      logger.warn({ messageId, error: describeCloudError(error) }, 'photo download failed')
      return { type: 'unsupported', kind: 'document' }
    }
  }

  async function handleMessage(message: CloudMessage): Promise<void> {
    const now = clock()
    const sentAt = message.timestamp ? new Date(Number(message.timestamp) * 1000) : now
    const at = Number.isFinite(sentAt.getTime()) && sentAt < now ? sentAt : now
    const phone = phoneOfWaId(message.from)
    await deps.store.noteInbound(message.from, phone, at)
    const mapped = toCloudInbound(message)
    const content =
      mapped.kind === 'image'
        ? await photoContent(message.id, mapped.mediaId)
        : // A "1" or a label typed after a reminder's button (or numbered list) picks it.
          await asPickedChoice(mapped.content, () => deps.store.lastUnpromptedChoices(message.from))
    await deps.handleInbound(
      {
        channel: 'whatsapp',
        externalId: message.id,
        senderId: message.from,
        ...(phone ? { phone } : {}),
        receivedAt: now,
        content,
      },
      now
    )
    if (phone) await deps.store.updateIdentity(message.from, phone)
  }

  async function handleStatus(status: CloudStatus): Promise<void> {
    if (!STATUS_VALUES.has(status.status)) return
    const error = status.errors?.[0]
    const at = status.timestamp ? new Date(Number(status.timestamp) * 1000) : clock()
    const found = await deps.store.updateStatus({
      platformMessageId: status.id,
      status: status.status as CloudStatusUpdate['status'],
      ...(error ? { error: `${error.code}: ${error.title ?? 'failed'}`, code: error.code } : {}),
      ...(status.recipient_id ? { recipientId: status.recipient_id } : {}),
      at: Number.isFinite(at.getTime()) ? at : clock(),
    })
    if (status.status === 'failed') {
      logger.warn({ platformMessageId: status.id, code: error?.code, found }, 'delivery failed')
    }
  }

  /** Runs one step; a transient database failure is thrown (Meta redelivers), others logged. */
  async function guarded(id: string, step: () => Promise<void>): Promise<void> {
    try {
      await step()
    } catch (error) {
      if (isTransientDbError(error)) throw error
      logger.error({ messageId: id, error: describeCloudError(error) }, 'whatsapp event failed')
    }
  }

  async function handlePayload(payload: CloudWebhook): Promise<void> {
    for (const entry of payload.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') continue
        const value = change.value
        const numberId = value.metadata?.phone_number_id
        if (numberId !== undefined && numberId !== deps.phoneNumberId) {
          logger.warn({ numberId }, 'webhook for another phone number ignored')
          continue
        }
        for (const status of value.statuses ?? []) {
          await guarded(status.id, () => handleStatus(status))
        }
        // In order: a person's messages arrive in order, and each is one transaction.
        for (const message of value.messages ?? []) {
          await guarded(message.id, () => handleMessage(message))
        }
      }
    }
  }

  function routes(): Hono {
    const app = new Hono()
    app.get('/', (c) => {
      const mode = c.req.query('hub.mode')
      const challenge = c.req.query('hub.challenge')
      if (
        mode === 'subscribe' &&
        challenge !== undefined &&
        sameSecret(c.req.query('hub.verify_token'), deps.verifyToken)
      ) {
        return c.text(challenge, 200)
      }
      return c.text('forbidden', 403)
    })
    // Refusals are counted by the app (`src/http/refusal-log.ts`), not logged one by one: a flood
    // of forged posts would otherwise write a line each.
    app.post('/', jsonBodyLimit(MAX_WEBHOOK_BYTES), async (c) => {
      const signature = c.req.header('x-hub-signature-256')
      // A malformed header is refused before the body is read; a well-formed one needs it.
      if (!signature || !SIGNATURE_PATTERN.test(signature)) return c.text('unauthorized', 401)
      const raw = new Uint8Array(await c.req.arrayBuffer())
      if (!validSignature(raw, signature, deps.appSecret)) return c.text('unauthorized', 401)
      let json: unknown
      try {
        json = JSON.parse(Buffer.from(raw).toString('utf8'))
      } catch {
        logger.warn('webhook body is not JSON')
        return c.text('bad request', 400)
      }
      const parsed = cloudWebhookSchema.safeParse(json)
      if (!parsed.success) {
        // Signed by Meta but not what we read: acknowledged, so it is not redelivered forever.
        logger.warn({ issues: parsed.error.issues.length }, 'webhook payload not understood')
        return c.text('ok', 200)
      }
      try {
        await handlePayload(parsed.data)
      } catch (error) {
        // The database is away (`guarded` rethrows only that): 503, and Meta delivers it again.
        if (isTransientDbError(error)) return c.text('retry', 503)
        throw error
      }
      return c.text('ok', 200)
    })
    return app
  }

  return { sender, routes, handlePayload }
}
