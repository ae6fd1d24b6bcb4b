/**
 * The simulator channel's API (docs/design.md#contracts): post one inbound message as a simulated
 * person and read what was delivered to them. It can speak as any phone (an admin's too, and ask
 * for a dashboard link), so with `ADMIN_TOKEN` set every route requires it as a bearer token, and
 * without it only requests from this machine (loopback, not through a proxy) are answered.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { Hono, type MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { InboundContent, InboundMessage, OutboundMessage } from '../../domain/messages.js'
import type { ReadDocument } from '../../channels/documents.js'
import type { HandleResult } from '../../conversation/runtime.js'
import { normalizePhone } from '../../lib/phone.js'
import { constantTimeEqual } from '../api/auth.js'
import { isLoopbackRequest } from '../client-address.js'
import { type BearerLimitDeps, limitBearerFailures } from '../login-limits.js'
import { NUL_REFUSAL, containsNul } from '../nul.js'
import { type MediaStore, photoExtension } from '../../conversation/media-store.js'

export type SimulatorRouteDeps = {
  handleInbound: (message: InboundMessage, now: Date) => Promise<HandleResult>
  listInbox: (params: {
    recipientId: string
    afterId: number
    limit: number
  }) => Promise<{ id: number; message: unknown; deliveredAt: Date }[]>
  media: MediaStore
  /** Reads the documents messages carry (a certificate's PDF), for `GET /documents/:ref`. */
  readDocument?: ReadDocument
  /** `ADMIN_TOKEN`: required as a bearer token when set; unset, only loopback is answered. */
  requiredToken?: string
  /** Where wrong tokens are counted, per address (`../login-limits.ts`); unset: not limited. */
  bearerLimit?: BearerLimitDeps
  clock?: () => Date
}

/** Largest photo the simulator accepts, as on WhatsApp's compressed images. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024

const senderSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.:@+-]+$/)

/** Any local form ("0812-3456-7890", "62812…") in, E.164 out, as the messengers give it. */
const phoneSchema = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const phone = normalizePhone(value)
    if (!phone) ctx.addIssue({ code: 'custom', message: 'not a phone number' })
    return phone ?? ''
  })

export const simulatorMessageSchema = z
  .object({
    from: senderSchema,
    phone: phoneSchema.optional(),
    id: z.string().trim().min(1).max(128).optional(),
    text: z.string().max(65_536).optional(),
    choice: z.string().min(1).max(64).optional(),
    location: z
      .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .optional(),
    photo: z
      .object({
        base64: z
          .string()
          .min(4)
          .max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4),
      })
      .optional(),
    contact: z.object({ phone: phoneSchema }).optional(),
  })
  .refine(
    (m) =>
      [m.text, m.choice, m.location, m.photo, m.contact].filter((v) => v !== undefined).length ===
      1,
    { message: 'exactly one of text, choice, location, photo, contact is required' }
  )
export type SimulatorMessage = z.infer<typeof simulatorMessageSchema>

const inboxQuerySchema = z.object({
  from: senderSchema,
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100),
})

export function simulatorRoutes(deps: SimulatorRouteDeps): Hono {
  const clock = deps.clock ?? (() => new Date())
  const app = new Hono()
  app.use(simulatorAccess(deps.requiredToken, deps.bearerLimit))

  app.post('/messages', bodyLimit({ maxSize: 8 * 1024 * 1024 }), async (c) => {
    const json: unknown = await c.req.json().catch(() => undefined)
    if (containsNul(json)) return c.json(NUL_REFUSAL, 400)
    const parsed = simulatorMessageSchema.safeParse(json)
    if (!parsed.success) {
      return c.json({ error: 'invalid_request', message: z.prettifyError(parsed.error) }, 400)
    }
    const body = parsed.data
    const content = await toContent(body, deps.media)
    const now = clock()
    const message: InboundMessage = {
      channel: 'simulator',
      externalId: body.id ?? `sim-${randomUUID()}`,
      senderId: body.from,
      // A card without the sender's phone stands for Telegram's "share my number" button.
      phone: body.phone ?? body.contact?.phone,
      receivedAt: now,
      content,
    }
    const result = await deps.handleInbound(message, now)
    return c.json({ replies: result.replies.map(toJson), duplicate: result.duplicate })
  })

  app.get('/inbox', async (c) => {
    const parsed = inboxQuerySchema.safeParse(c.req.query())
    if (!parsed.success) {
      return c.json({ error: 'invalid_request', message: z.prettifyError(parsed.error) }, 400)
    }
    const { from, after, limit } = parsed.data
    const rows = await deps.listInbox({ recipientId: from, afterId: after, limit })
    return c.json({
      messages: rows.map((row) => ({
        id: String(row.id),
        at: row.deliveredAt.toISOString(),
        ...toJson(row.message as OutboundMessage),
      })),
      cursor: String(rows.at(-1)?.id ?? after),
    })
  })
  // The simulator's "phone" downloads a document a message carried: drawn now, like a channel's
  // sender draws it when the message goes out.
  app.get('/documents/:ref', async (c) => {
    const ref = c.req.param('ref')
    const bytes = ref.length <= 200 ? await deps.readDocument?.(ref) : undefined
    if (!bytes) return c.json({ error: 'not_found', message: 'no such document' }, 404)
    const pdf = Buffer.from(bytes.subarray(0, 5)).toString() === '%PDF-'
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': pdf ? 'application/pdf' : 'application/octet-stream',
      'cache-control': 'no-store',
    })
  })
  return app
}

async function toContent(body: SimulatorMessage, media: MediaStore): Promise<InboundContent> {
  if (body.text !== undefined) return { type: 'text', text: body.text }
  if (body.choice !== undefined) return { type: 'choice', id: body.choice }
  if (body.location) return { type: 'location', ...body.location }
  if (body.contact) {
    // A card is the sender's own when it holds their number, or when they gave none (see above).
    const isSender = body.phone === undefined || body.contact.phone === body.phone
    return { type: 'contact', phone: body.contact.phone, isSender }
  }
  const bytes = Buffer.from(body.photo!.base64, 'base64')
  const extension = photoExtension(bytes)
  // Anything that is not a picture is treated like a document a messenger would deliver.
  if (!extension || bytes.length > MAX_PHOTO_BYTES) return { type: 'unsupported', kind: 'document' }
  return { type: 'photo', ref: await media.put(bytes, extension) }
}

function toJson(message: OutboundMessage) {
  const media = message.media
  // A document is offered as a link the simulator page downloads (under this API's access rule).
  const document =
    media?.kind === 'document'
      ? {
          document: {
            fileName: media.fileName,
            url: `/api/v1/simulator/documents/${encodeURIComponent(media.ref)}`,
          },
        }
      : {}
  if (!message.choices) return { text: message.text, ...document }
  const multiple = message.multiple ? { multiple: true } : {}
  return { text: message.text, choices: message.choices, ...multiple, ...document }
}

/** The refusal of a request from elsewhere while `ADMIN_TOKEN` is unset. */
export const LOOPBACK_ONLY = {
  error: 'forbidden',
  message:
    'Without ADMIN_TOKEN the simulator answers only requests from this machine (loopback); set ADMIN_TOKEN to use it from elsewhere.',
} as const

/**
 * Who may use the simulator: with a token, whoever sends it as `Authorization: Bearer <token>`;
 * without one, only this machine.
 */
export function simulatorAccess(
  requiredToken: string | undefined,
  bearerLimit?: BearerLimitDeps
): MiddlewareHandler {
  if (requiredToken === undefined) {
    return async (c, next) => (isLoopbackRequest(c) ? next() : c.json(LOOPBACK_ONLY, 403))
  }
  const guard = bearerAuth({ verifyToken: (given) => constantTimeEqual(given, requiredToken) })
  return bearerLimit ? limitBearerFailures(bearerLimit, guard) : guard
}
