/**
 * `GET /indicators?period=YYYY-MM&region=<code>`: the indicators of docs/domain.md, decision 13 for
 * a month and region, each with its label, its formula and its counts, computed by the existing
 * indicator queries (`listIndicatorRows`).
 * @module
 */
import type { Context } from 'hono'
import { type IndicatorRow, findRegion, listIndicatorRows } from '../../db/queries/listings.js'
import { coversRegion } from '../../domain/people.js'
import type { IndicatorRecord } from '../../domain/records.js'
import type { I18n } from '../../i18n/index.js'
import type { ApiCaller } from './auth.js'
import type { ApiDeps } from './deps.js'
import { type ApiRouter, type ErrorJson, apiRoute, errorResponse, jsonResponse } from './routes.js'
import { indicatorsQuerySchema, indicatorsResponseSchema, toJsonRow } from './schemas.js'

/** Adds the label and formula texts (`locales/id/api.json`) to indicator rows. */
export function labelIndicators(i18n: I18n, rows: IndicatorRow[]): IndicatorRecord[] {
  return rows.map(({ key, ...row }) => ({
    key,
    label: i18n.render({
      key: `api:indicators.${key}.label`,
      params: { method: row.method ?? '' },
    }),
    formula: i18n.render({ key: `api:indicators.${key}.formula` }),
    ...row,
  }))
}

/**
 * The indicators of a query within the caller's region, or the error answer: 400 for a region
 * code nobody knows, 403 for one outside the caller's region. A region covering the caller's
 * (the default `35.07` for a kecamatan token) narrows to the caller's region.
 */
export async function readIndicators(
  c: Context,
  deps: ApiDeps,
  caller: ApiCaller,
  query: { period: string; region: string }
): Promise<
  | { region: { code: string; level: string; name: string }; rows: IndicatorRecord[] }
  | ErrorJson<400 | 403>
> {
  const own = caller.scope.regionPrefix
  const asked = coversRegion(query.region, own) ? own : query.region
  if (!coversRegion(own, asked)) {
    return c.json(
      {
        error: 'forbidden',
        message: `region: ${query.region} lies outside this token's region ${own}`,
      },
      403
    )
  }
  const region = await findRegion(deps.db, asked)
  if (!region) {
    return c.json(
      {
        error: 'invalid_request',
        message: `region: ${query.region} is not a known region code of Kabupaten Malang`,
        issues: [{ path: 'region', message: 'unknown region code' }],
      },
      400
    )
  }
  const rows = await listIndicatorRows(deps.db, {
    scope: caller.scope,
    period: query.period,
    region: region.code,
    now: deps.clock?.() ?? new Date(),
    timeZone: deps.timeZone,
  })
  return { region, rows: labelIndicators(deps.i18n, rows) }
}

export function registerIndicatorRoutes({ app, guard }: ApiRouter, deps: ApiDeps): void {
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/indicators',
      tag: 'indicators',
      summary: 'The programme indicators of a month and region, with their formulas',
      description:
        'Home-visit indicators for any region; training indicators per programme for the kabupaten or a kecamatan, counting the sessions held by the end of the month.',
      scope: 'indicators:read',
      request: { query: indicatorsQuerySchema },
      responses: {
        200: jsonResponse('The indicators.', indicatorsResponseSchema),
        403: errorResponse(
          "The token lacks indicators:read, or the region lies outside the token's region."
        ),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const result = await readIndicators(c, deps, c.get('apiCaller'), query)
      if (result instanceof Response) return result
      return c.json(
        { period: query.period, region: result.region, data: result.rows.map(toJsonRow) },
        200
      )
    }
  )
}
