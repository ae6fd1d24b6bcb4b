/**
 * `GET /indicators?period=YYYY-MM&region=<code>`: the indicators of DOMAIN decision 13 for a
 * month and region, each with its label, its formula and its counts, computed by the existing
 * indicator queries (`listIndicatorRows`).
 * @module
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import { type IndicatorRow, findRegion, listIndicatorRows } from '../../db/queries/listings.js'
import type { I18n } from '../../i18n/index.js'
import { API_SCOPE, type ApiDeps } from './deps.js'
import { type ApiRegistry, errorSchema } from './registry.js'
import type { indicatorSchema } from './schemas.js'
import { indicatorsQuerySchema, indicatorsResponseSchema } from './schemas.js'

/** An indicator row with its label and formula in Indonesian, as answered and exported. */
export type LabelledIndicator = z.infer<typeof indicatorSchema>

/** Adds the label and formula texts (`locales/id/api.json`) to indicator rows. */
export function labelIndicators(i18n: I18n, rows: IndicatorRow[]): LabelledIndicator[] {
  return rows.map((row) => ({
    key: row.key,
    label: i18n.render({ key: `api:indicators.${row.key}.label` }),
    formula: i18n.render({ key: `api:indicators.${row.key}.formula` }),
    programmeCode: row.programmeCode,
    period: row.period,
    regionCode: row.regionCode,
    unit: row.unit,
    numerator: row.numerator,
    denominator: row.denominator,
    value: row.value,
    asOf: row.asOf?.toISOString() ?? null,
  }))
}

/** The indicators of a query, or the 400 answer for a region code nobody knows. */
export async function readIndicators(
  c: Context,
  deps: ApiDeps,
  query: { period: string; region: string }
): Promise<
  { region: { code: string; level: string; name: string }; rows: LabelledIndicator[] } | Response
> {
  const region = await findRegion(deps.db, query.region)
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
    scope: API_SCOPE,
    period: query.period,
    region: region.code,
    now: deps.clock?.() ?? new Date(),
    timeZone: deps.timeZone,
  })
  return { region, rows: labelIndicators(deps.i18n, rows) }
}

export function registerIndicatorRoutes(registry: ApiRegistry, deps: ApiDeps): void {
  registry.add(
    {
      method: 'get',
      path: '/indicators',
      tag: 'indicators',
      summary: 'The programme indicators of a month and region, with their formulas',
      description:
        'Home-visit indicators for any region; training indicators per programme for the kabupaten or a kecamatan, counting the sessions held by the end of the month.',
      query: indicatorsQuerySchema,
      responses: {
        200: { description: 'The indicators.', schema: indicatorsResponseSchema },
        400: { description: 'Invalid period or unknown region.', schema: errorSchema },
      },
    },
    async (c, { query }) => {
      const result = await readIndicators(c, deps, query)
      if (result instanceof Response) return result
      return c.json({ period: query.period, region: result.region, data: result.rows })
    }
  )
}
