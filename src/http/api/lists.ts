/**
 * The list routes of docs/design.md#contracts: `GET /visits`, `/attendance`, `/people`, answering
 * `{ data, next }` with `since`, `limit` and `cursor`. Every page of personal data is written to
 * the audit log with the filters asked for and the number of rows given.
 * @module
 */
import {
  type Page,
  listAttendanceRows,
  listPeopleRows,
  listVisitRows,
} from '../../db/queries/listings.js'
import type { ApiCaller } from './auth.js'
import { type ApiDeps, auditApi, auditFilters } from './deps.js'
import { encodeCursor } from './cursor.js'
import { type ApiRouter, apiRoute, jsonResponse } from './routes.js'
import {
  attendanceQuerySchema,
  attendanceRowSchema,
  pageSchema,
  peopleQuerySchema,
  personRowSchema,
  toJsonRow,
  visitRowSchema,
  visitsQuerySchema,
} from './schemas.js'

/** Audit-logs a page read: the list, the filters asked for and the number of rows given. */
async function auditPage(
  deps: ApiDeps,
  caller: ApiCaller,
  list: string,
  query: Record<string, unknown>,
  rows: number
): Promise<void> {
  await auditApi(deps, caller, {
    action: 'api_read',
    subject: list,
    detail: { ...auditFilters(query), rows },
  })
}

/** A page as answered, `{ data, next }`: rows in JSON, `next` the cursor after its last row. */
function pageJson<T extends object>(list: string, page: Page<T>) {
  return {
    data: page.rows.map((row) => toJsonRow(row)),
    next: page.nextAfterId === null ? null : encodeCursor(list, page.nextAfterId),
  }
}

export function registerListRoutes({ app, guard }: ApiRouter, deps: ApiDeps): void {
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/visits',
      tag: 'lists',
      summary: 'Home visits, oldest first, with Kemendagri codes, programme code and period',
      description:
        'Keys instead of names: `cadreId` is the person key, `familyId` the family key. Each page read is audit-logged.',
      scope: 'visits:read',
      request: { query: visitsQuerySchema },
      responses: {
        200: jsonResponse('One page of visits.', pageSchema(visitRowSchema)),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const { cursor, cadre, ...filters } = query
      const page = await listVisitRows(deps.db, {
        ...filters,
        cadreId: cadre,
        afterId: cursor,
        scope: caller.scope,
      })
      await auditPage(deps, caller, 'visits', query, page.rows.length)
      return c.json(pageJson('visits', page), 200)
    }
  )

  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/attendance',
      tag: 'lists',
      summary: 'Training attendance records, oldest first, with programme and cohort codes',
      description:
        'One row per recorded check-in, izin or absence. A kecamatan `region` selects cohorts; a desa selects participants living there. Each page read is audit-logged.',
      scope: 'attendance:read',
      request: { query: attendanceQuerySchema },
      responses: {
        200: jsonResponse('One page of attendance records.', pageSchema(attendanceRowSchema)),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const { cursor, ...filters } = query
      const page = await listAttendanceRows(deps.db, {
        ...filters,
        afterId: cursor,
        scope: caller.scope,
      })
      await auditPage(deps, caller, 'attendance', query, page.rows.length)
      return c.json(pageJson('attendance', page), 200)
    }
  )

  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/people',
      tag: 'lists',
      summary: 'People (roster), oldest first: key, name, roles and region; no phone numbers',
      description:
        '`since` selects people created or changed since then. Each page read is audit-logged.',
      scope: 'people:read',
      request: { query: peopleQuerySchema },
      responses: {
        200: jsonResponse('One page of people.', pageSchema(personRowSchema)),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const { cursor, ...filters } = query
      const page = await listPeopleRows(deps.db, {
        ...filters,
        afterId: cursor,
        scope: caller.scope,
      })
      await auditPage(deps, caller, 'people', query, page.rows.length)
      return c.json(pageJson('people', page), 200)
    }
  )
}
