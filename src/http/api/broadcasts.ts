/**
 * Announcements from other agencies' systems (docs/design.md#contracts): `POST /broadcasts` stores
 * a broadcast to a segment through the broadcast service (which audit-logs it and plans its
 * sending, or for now starts it), `GET /broadcasts/:id` follows its progress,
 * `POST /broadcasts/:id/cancel` stops it, `GET /broadcasts` lists them with the usual paging.
 * Ids are strings in the contract.
 * @module
 */
import { z } from 'zod'
import {
  BroadcastForbiddenError,
  broadcastTextSchema,
  cancelBroadcast,
  createBroadcast,
  getBroadcastStatus,
  listBroadcasts,
  segmentSchema,
} from '../../broadcasts/service.js'
import { BROADCAST_STATUSES } from '../../domain/broadcasts.js'
import type { ApiDeps } from './deps.js'
import { encodeCursor } from './cursor.js'
import { type ApiRouter, apiRoute, errorResponse, jsonResponse } from './routes.js'
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

export function registerBroadcastRoutes({ app, guard }: ApiRouter, deps: ApiDeps): void {
  const clock = deps.clock ?? (() => new Date())

  app.openapi(
    apiRoute(guard, {
      method: 'post',
      path: '/broadcasts',
      tag: 'broadcasts',
      summary: 'Announce a message to a segment, now or at a given time',
      description:
        'A token limited to a kecamatan reaches only people there; a segment region outside it is refused with 403.',
      scope: 'broadcasts:write',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: createBroadcastBodySchema } },
        },
      },
      responses: {
        201: jsonResponse(
          'Stored: planned for its time (`scheduled`), or for now already queued (`sending`). Follow it with GET /broadcasts/{id}.',
          z.object({
            id: z.string(),
            recipients: z.number().int(),
            status: z.enum(BROADCAST_STATUSES),
          })
        ),
        403: errorResponse(
          "The token lacks broadcasts:write, or the segment region lies outside the token's region."
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const caller = c.get('apiCaller')
      try {
        // A broadcast for now fans out in this transaction: it starts at once.
        const created = await deps.db.transaction((tx) =>
          createBroadcast(tx, {
            author: {
              source: 'api',
              actor: caller.actor,
              regionPrefix: caller.scope.regionPrefix,
            },
            segment: body.segment,
            text: body.text,
            ...(body.at !== undefined ? { at: new Date(body.at) } : {}),
            now: clock(),
            timeZone: deps.timeZone,
            fanOut: { i18n: deps.i18n, timeZone: deps.timeZone },
          })
        )
        if (created.status === 'sending') deps.onQueued?.()
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

  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/broadcasts/{id}',
      tag: 'broadcasts',
      summary: 'Progress of a broadcast: recipients, sent, failed, skipped',
      scope: 'broadcasts:read',
      request: { params: idParamsSchema },
      responses: {
        200: jsonResponse('Where the broadcast stands.', statusSchema),
        404: errorResponse("No broadcast has this id within the token's region."),
      },
    }),
    async (c) => {
      const params = c.req.valid('param')
      const caller = c.get('apiCaller')
      const report = await getBroadcastStatus(deps.db, params.id, caller.scope.regionPrefix)
      if (!report) return c.json({ error: 'not_found', message: 'No broadcast has this id.' }, 404)
      return c.json(statusJson(report), 200)
    }
  )

  app.openapi(
    apiRoute(guard, {
      method: 'post',
      path: '/broadcasts/{id}/cancel',
      tag: 'broadcasts',
      summary: 'Cancel a broadcast that has not finished',
      description:
        'A scheduled broadcast is never sent. Of one being sent, the messages still queued are dropped (counted as skipped); those already handed to a channel go out. Cancelling a cancelled broadcast again answers the same.',
      scope: 'broadcasts:write',
      request: { params: idParamsSchema },
      responses: {
        200: jsonResponse('Cancelled: where the broadcast stands now.', statusSchema),
        404: errorResponse("No broadcast has this id within the token's region."),
        409: errorResponse('The broadcast has finished: nothing to cancel.'),
      },
    }),
    async (c) => {
      const params = c.req.valid('param')
      const caller = c.get('apiCaller')
      const author = {
        source: 'api' as const,
        actor: caller.actor,
        regionPrefix: caller.scope.regionPrefix,
      }
      const result = await deps.db.transaction((tx) =>
        cancelBroadcast(tx, params.id, author, clock())
      )
      if (result === 'not_found') {
        return c.json({ error: 'not_found', message: 'No broadcast has this id.' }, 404)
      }
      if (result === 'too_late') {
        return c.json(
          { error: 'already_finished', message: 'The broadcast has finished; nothing to cancel.' },
          409
        )
      }
      const report = await getBroadcastStatus(deps.db, params.id)
      return c.json(statusJson(report!), 200)
    }
  )

  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/broadcasts',
      tag: 'lists',
      summary: 'Broadcasts, oldest first, with their progress',
      description: "Only those reaching within the token's region.",
      scope: 'broadcasts:read',
      request: { query: broadcastsQuerySchema },
      responses: {
        200: jsonResponse('One page of broadcasts.', pageSchema(listItemSchema)),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const page = await listBroadcasts(deps.db, {
        limit: query.limit,
        regionPrefix: caller.scope.regionPrefix,
        ...(query.cursor !== undefined ? { afterId: query.cursor } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
      })
      return c.json(
        {
          data: page.data.map((item) => ({
            ...statusJson(item),
            segment: item.segment,
            text: item.text,
            authorSource: 'source' in item.author ? ('api' as const) : ('chat' as const),
          })),
          next: page.next === null ? null : encodeCursor('broadcasts', page.next),
        },
        200
      )
    }
  )
}
