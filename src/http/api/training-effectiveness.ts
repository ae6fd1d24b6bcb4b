/**
 * `GET /training/effectiveness?programme=IBU-MUDA&by=cohort|kecamatan&region=<code>`: the
 * training's effectiveness figures (docs/domain.md, decision 18) per cohort or per kecamatan and
 * for the whole scope, each share and change with its n (graduates who answered both the baseline
 * and a follow-up) and the formulas in words; the same figures as the keys of `/indicators`, broken
 * down (`listEffectivenessBreakdown`).
 * @module
 */
import { z } from '@hono/zod-openapi'
import {
  EFFECTIVENESS_BREAKDOWNS,
  listEffectivenessBreakdown,
} from '../../db/queries/training-effectiveness.js'
import type {
  BaselineChange,
  TrainingEffectiveness,
  TrainingIndicator,
} from '../../db/queries/training-indicators.js'
import { coversRegion } from '../../domain/people.js'
import { DEFAULT_PROGRAMME_CODE } from '../../domain/training.js'
import type { ApiDeps } from './deps.js'
import { type ApiRouter, apiRoute, errorResponse, jsonResponse } from './routes.js'

/** Training is organised per kecamatan: the kabupaten or one kecamatan. */
const KECAMATAN_OR_KABUPATEN = /^35\.07(\.\d{2})?$/

const querySchema = z
  .object({
    programme: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .optional()
      .describe(`Programme code; default ${DEFAULT_PROGRAMME_CODE}.`),
    by: z
      .enum(EFFECTIVENESS_BREAKDOWNS)
      .optional()
      .describe('Rows per cohort (default) or per kecamatan.'),
    region: z
      .string()
      .regex(KECAMATAN_OR_KABUPATEN, 'must be the kabupaten 35.07 or a kecamatan such as 35.07.24')
      .optional()
      .describe("The kabupaten or one kecamatan; default the token's region."),
  })
  .strict()

const shareSchema = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  value: z.number().nullable().describe('numerator ÷ denominator × 100, one decimal.'),
})

const changeSchema = z.object({
  n: z.number().int().describe('Graduates who answered the baseline and a follow-up.'),
  baseline: shareSchema,
  latest: shareSchema,
  change: z.number().nullable().describe('latest − baseline, in percentage points.'),
})

const figuresSchema = z.object({
  businessStartChange: changeSchema,
  onlineSellingChange: changeSchema,
  incomeBracketUp: shareSchema.describe('Denominator: n with an income bracket in both.'),
})

const responseSchema = z.object({
  programme: z.string(),
  by: z.enum(EFFECTIVENESS_BREAKDOWNS),
  region: z.string(),
  asOf: z.string().describe('Graduates completed and answers given by this time (ISO 8601).'),
  formulas: z.object({
    businessStartChange: z.string(),
    onlineSellingChange: z.string(),
    incomeBracketUp: z.string(),
  }),
  total: figuresSchema,
  data: z.array(
    figuresSchema.extend({
      code: z.string().describe('The cohort code, or the kecamatan code.'),
      kecamatanName: z.string(),
    })
  ),
})

const share = (figure: TrainingIndicator) => ({
  numerator: figure.numerator,
  denominator: figure.denominator,
  value: figure.value,
})

const change = (figure: BaselineChange) => ({
  n: figure.n,
  baseline: share(figure.baseline),
  latest: share(figure.latest),
  change: figure.change,
})

const figuresOf = (figures: TrainingEffectiveness) => ({
  businessStartChange: change(figures.businessStartChange),
  onlineSellingChange: change(figures.onlineSellingChange),
  incomeBracketUp: share(figures.incomeBracketUp),
})

export function registerTrainingEffectivenessRoutes({ app, guard }: ApiRouter, deps: ApiDeps) {
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/training/effectiveness',
      tag: 'indicators',
      summary: 'Training effectiveness per cohort or kecamatan, with n and formulas',
      description:
        'Share with an own business and selling online at the baseline and at the latest follow-up, their change in percentage points, and the share whose income bracket went up, each over the graduates who answered both surveys (n), per cohort or kecamatan and for the whole region.',
      scope: 'indicators:read',
      request: { query: querySchema },
      responses: {
        200: jsonResponse('The breakdown.', responseSchema),
        403: errorResponse('The token lacks indicators:read, or the region lies outside its own.'),
        404: errorResponse('No programme has this code.'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const own = c.get('apiCaller').scope.regionPrefix
      const region = query.region ?? own
      if (!coversRegion(own, region)) {
        return c.json(
          {
            error: 'forbidden',
            message: `region: ${region} lies outside this token's region ${own}`,
          },
          403
        )
      }
      const programme = query.programme ?? DEFAULT_PROGRAMME_CODE
      const by = query.by ?? 'cohort'
      const asOf = deps.clock?.() ?? new Date()
      const read = await listEffectivenessBreakdown(deps.db, {
        programmeCode: programme,
        by,
        asOf,
        ...(region.split('.').length === 3 ? { kecamatanCode: region } : {}),
      })
      if (!read) {
        return c.json(
          { error: 'not_found', message: `programme: no programme has the code ${programme}` },
          404
        )
      }
      const formula = (key: keyof z.infer<typeof figuresSchema>) =>
        deps.i18n.render({ key: `api:indicators.${key}.formula` })
      return c.json(
        {
          programme,
          by,
          region,
          asOf: asOf.toISOString(),
          formulas: {
            businessStartChange: formula('businessStartChange'),
            onlineSellingChange: formula('onlineSellingChange'),
            incomeBracketUp: formula('incomeBracketUp'),
          },
          total: figuresOf(read.total),
          data: read.groups.map((group) => ({
            code: group.code,
            kecamatanName: group.kecamatanName,
            ...figuresOf(group.figures),
          })),
        },
        200
      )
    }
  )
}
