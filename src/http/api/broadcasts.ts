/**
 * Announcements from other agencies' systems (DESIGN "Contracts"): `POST /broadcasts` stores a
 * broadcast to a segment through the broadcast service (which audit-logs it and plans its
 * sending), `GET /broadcasts/:id` follows its progress, `GET /broadcasts` lists them with the
 * usual paging. Ids are strings in the contract.
 * @module
 */
import { z } from 'zod'
import {
  BroadcastForbiddenError,
  broadcastTextSchema,
  createBroadcast,
  getBroadcastStatus,
  listBroadcasts,
  segmentSchema,
} from '../../broadcasts/service.js'
import { BROADCAST_STATUSES } from '../../domain/broadcasts.js'
import type { ApiDeps } from './deps.js'
import { encodeCursor } from './cursor.js'
import { type ApiRegistry, errorSchema } from './registry.js'
import { broadcastsQuerySchema, pageSchema } from './schemas.js'

export const createBroadcastBodySchema = z
  .object({
    segment: segmentSchema.describe(
      'Who receives it: every active person matching all given parts (roles: any of them).'
    ),
    text: broadcastTextSchema.describe("The message; {nama} becomes each recipient's name."),
    at: z.iso
      .datetime({
        offset: true,
        message: 'must be an ISO 8601 time, such as 2025-12-01T08:00:00+07:00',
      })
      .optional()
      .describe('When to send (ISO 8601); absent or past: now.'),
  })
  .strict()

const statusSchema = z.object({
  id: z.string(),
  status: z.enum(BROADCAST_STATUSES),
  recipients: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  at: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
})

const listItemSchema = statusSchema.extend({
  segment: segmentSchema,
  text: z.string(),
  authorSource: z.enum(['api', 'chat']),
})

const idParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be a broadcast id')
    .transform(Number),
})

type StatusLike = {
  id: number
  status: (typeof BROADCAST_STATUSES)[number]
  recipients: number
  sent: number
  failed: number
  skipped: number
  at: Date
  createdAt: Date
}

function statusJson(report: StatusLike): z.infer<typeof statusSchema> {
  return {
    id: String(report.id),
    status: report.status,
    recipients: report.recipients,
    sent: report.sent,
    failed: report.failed,
    skipped: report.skipped,
    at: report.at.toISOString(),
    createdAt: report.createdAt.toISOString(),
  }
}

export function registerBroadcastRoutes(registry: ApiRegistry, deps: ApiDeps): void {
  const clock = deps.clock ?? (() => new Date())

  registry.add(
    {
      method: 'post',
      path: '/broadcasts',
      tag: 'broadcasts',
      summary: 'Announce a message to a segment, now or at a given time',
      body: createBroadcastBodySchema,
      responses: {
        201: {
          description: 'Stored and planned; follow it with GET /broadcasts/{id}.',
          schema: z.object({
            id: z.string(),
            recipients: z.number().int(),
            status: z.enum(BROADCAST_STATUSES),
          }),
        },
        403: {
          description: 'The segment lies outside what the API may reach.',
          schema: errorSchema,
        },
      },
    },
    async (c, { body }) => {
      try {
        const created = await createBroadcast(deps.db, {
          author: { source: 'api' },
          segment: body.segment,
          text: body.text,
          ...(body.at !== undefined ? { at: new Date(body.at) } : {}),
          now: clock(),
        })
        return c.json(
          { id: String(created.id), recipients: created.recipients, status: created.status },
          201
        )
      } catch (error) {
        if (error instanceof BroadcastForbiddenError) {
          return c.json({ error: 'forbidden', message: error.message }, 403)
        }
        throw error
      }
    }
  )

  registry.add(
    {
      method: 'get',
      path: '/broadcasts/:id',
      tag: 'broadcasts',
      summary: 'Progress of a broadcast: recipients, sent, failed, skipped',
      params: idParamsSchema,
      responses: {
        200: { description: 'Where the broadcast stands.', schema: statusSchema },
        404: { description: 'No broadcast has this id.', schema: errorSchema },
      },
    },
    async (c, { params }) => {
      const report = await getBroadcastStatus(deps.db, params.id)
      if (!report) return c.json({ error: 'not_found', message: 'No broadcast has this id.' }, 404)
      return c.json(statusJson(report))
    }
  )

  registry.add(
    {
      method: 'get',
      path: '/broadcasts',
      tag: 'lists',
      summary: 'Broadcasts, oldest first, with their progress',
      query: broadcastsQuerySchema,
      responses: {
        200: { description: 'One page of broadcasts.', schema: pageSchema(listItemSchema) },
      },
    },
    async (c, { query }) => {
      const page = await listBroadcasts(deps.db, {
        limit: query.limit,
        ...(query.cursor !== undefined ? { afterId: query.cursor } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
      })
      return c.json({
        data: page.data.map((item) => ({
          ...statusJson(item),
          segment: item.segment,
          text: item.text,
          authorSource: 'source' in item.author ? 'api' : 'chat',
        })),
        next: page.next === null ? null : encodeCursor('broadcasts', page.next),
      })
    }
  )
}
