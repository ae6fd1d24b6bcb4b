/**
 * `GET /recaps/ppkbd?period=YYYY-MM&region=<desa>`: a desa's monthly recap (R/I/PPKBD) with every
 * figure, its formula and its source, the checks before signing and the signed state; the same as
 * `.xlsx` and `.pdf`; and `GET /recaps/kecamatan` (one row per desa, totals) for the PKB.
 * Downloads are audit-logged.
 * @module
 */
import type { Context } from 'hono'
import { z } from 'zod'
import { findRegion } from '../../db/queries/listings.js'
import { coversRegion } from '../../domain/people.js'
import { desaRecap, findDesa } from '../../recap/figures.js'
import { kecamatanRecap, kecamatanXlsx } from '../../recap/kecamatan.js'
import { recapPdf } from '../../recap/pdf.js'
import { renderRecap } from '../../recap/render.js'
import { latestSignature } from '../../recap/signatures.js'
import { recapXlsx } from '../../recap/xlsx.js'
import type { ApiCaller } from './auth.js'
import { type ApiDeps, auditApi, auditFilters } from './deps.js'
import {
  type ApiRouter,
  type ErrorJson,
  apiRoute,
  errorResponse,
  fileResponse,
  jsonResponse,
} from './routes.js'
import { periodSchema, regionSchema } from './schemas.js'

export const recapQuerySchema = z.object({ period: periodSchema, region: regionSchema })

const cellSchema = z.object({
  figure: z.string().describe('The figure id, such as units.bkb.reported or kb.new.IUD.month.'),
  value: z.number().nullable().describe('null: no data.'),
  formula: z.string().describe('How the figure is worked out (Indonesian).'),
  source: z.enum(['stok', 'laporan', 'register', 'tidak_ada']),
  sourceLabel: z.string(),
})

export const recapResponseSchema = z.object({
  title: z.string(),
  templateVersion: z.string(),
  period: z.string(),
  periodLabel: z.string(),
  desa: z.object({ code: z.string(), name: z.string() }),
  kecamatan: z.object({ code: z.string(), name: z.string() }),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.object({ label: z.string(), cells: z.array(cellSchema.nullable()) })),
    })
  ),
  figures: z.record(z.string(), cellSchema),
  checks: z.array(z.object({ code: z.string(), figure: z.string(), message: z.string() })),
  reports: z.object({
    valid: z.number(),
    waiting: z.number(),
    returned: z.number(),
    text: z.string(),
  }),
  signatures: z.array(
    z.object({ role: z.enum(['ppkbd', 'upt']), title: z.string(), name: z.string().nullable() })
  ),
  placeDate: z.string(),
  generatedAt: z.string(),
  verificationCode: z.string(),
  footer: z.string(),
  signed: z
    .object({ by: z.string(), at: z.string(), version: z.number(), text: z.string() })
    .nullable(),
})

export const kecamatanRecapResponseSchema = z.object({
  period: z.string(),
  kecamatan: z.object({ code: z.string(), name: z.string() }),
  columns: z.array(z.object({ key: z.string(), figure: z.string().nullable() })),
  rows: z.array(
    z.object({
      desa: z.object({ code: z.string(), name: z.string() }),
      values: z.array(z.number().nullable()),
    })
  ),
  totals: z.array(z.number().nullable()),
})

function refuse(c: Context, status: 400 | 403, message: string): ErrorJson<400 | 403> {
  return status === 403
    ? c.json({ error: 'forbidden', message }, 403)
    : c.json({ error: 'invalid_request', message, issues: [{ path: 'region', message }] }, 400)
}

/** A desa's recap rendered for the caller, or the error answer. */
export async function readDesaRecap(
  c: Context,
  deps: ApiDeps,
  caller: ApiCaller,
  query: { period: string; region: string }
) {
  if (!coversRegion(caller.scope.regionPrefix, query.region)) {
    return refuse(c, 403, `region: ${query.region} lies outside this token's region`)
  }
  if (!(await findDesa(deps.db, query.region))) {
    return refuse(c, 400, `region: ${query.region} is not a known desa or kelurahan code`)
  }
  const recap = await desaRecap(deps.db, { period: query.period, desaCode: query.region })
  const signature = await latestSignature(deps.db, recap)
  const now = deps.clock?.() ?? new Date()
  return renderRecap(recap, {
    i18n: deps.i18n,
    timeZone: deps.timeZone,
    now,
    signature:
      signature && !signature.changedSince
        ? { by: signature.signedBy, at: signature.signedAt, version: signature.version }
        : null,
  })
}

const FILES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const

export function registerRecapRoutes({ app, guard }: ApiRouter, deps: ApiDeps): void {
  const errors = {
    403: errorResponse("The token lacks the scope, or the region lies outside the token's region."),
  }
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/recaps/ppkbd',
      tag: 'recaps',
      summary: "A desa's monthly recap (R/I/PPKBD) with every figure's formula and source",
      description:
        'Parts I-V as laid out by the versioned template, the checks before signing (each naming its cell), the report counts, the signers and the signed state.',
      scope: 'indicators:read',
      request: { query: recapQuerySchema },
      responses: { 200: jsonResponse('The recap.', recapResponseSchema), ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const result = await readDesaRecap(c, deps, caller, query)
      return result instanceof Response ? result : c.json(result, 200)
    }
  )
  for (const format of ['xlsx', 'pdf'] as const) {
    app.openapi(
      apiRoute(guard, {
        method: 'get',
        path: `/recaps/ppkbd.${format}`,
        tag: 'recaps',
        summary: `A desa's monthly recap as ${format.toUpperCase()}; audit-logged`,
        scope: 'exports:read',
        request: { query: recapQuerySchema },
        responses: {
          200: fileResponse(`The ${format.toUpperCase()} file.`, FILES[format]),
          ...errors,
        },
      }),
      async (c) => {
        const query = c.req.valid('query')
        const caller = c.get('apiCaller')
        const result = await readDesaRecap(c, deps, caller, query)
        if (result instanceof Response) return result
        await auditApi(deps, caller, {
          action: 'export',
          subject: `recap.ppkbd.${format}`,
          detail: auditFilters(query),
        })
        const bytes =
          format === 'pdf' ? await recapPdf(result, deps.i18n) : await recapXlsx(result, deps.i18n)
        return c.body(new Uint8Array(bytes), 200, {
          'content-type': FILES[format],
          'content-disposition': `attachment; filename="rekap-ppkbd_${query.region}_${query.period}.${format}"`,
          'cache-control': 'no-store',
        })
      }
    )
  }
  const readKecamatan = async (
    c: Context,
    caller: ApiCaller,
    query: { period: string; region: string }
  ) => {
    if (!coversRegion(caller.scope.regionPrefix, query.region)) {
      return refuse(c, 403, `region: ${query.region} lies outside this token's region`)
    }
    const region = await findRegion(deps.db, query.region)
    if (region?.level !== 'kecamatan') {
      return refuse(c, 400, `region: ${query.region} is not a known kecamatan code`)
    }
    return kecamatanRecap(deps.db, { period: query.period, kecamatan: region })
  }
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/recaps/kecamatan',
      tag: 'recaps',
      summary: "A kecamatan's monthly recap: one row per desa and the totals",
      scope: 'indicators:read',
      request: { query: recapQuerySchema },
      responses: {
        200: jsonResponse('The recap.', kecamatanRecapResponseSchema),
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const result = await readKecamatan(c, caller, query)
      return result instanceof Response
        ? result
        : c.json(
            {
              ...result,
              kecamatan: { code: result.kecamatan.code, name: result.kecamatan.name },
              columns: [...result.columns],
            },
            200
          )
    }
  )
  app.openapi(
    apiRoute(guard, {
      method: 'get',
      path: '/recaps/kecamatan.xlsx',
      tag: 'recaps',
      summary: "A kecamatan's monthly recap as XLSX; audit-logged",
      scope: 'exports:read',
      request: { query: recapQuerySchema },
      responses: { 200: fileResponse('The XLSX file.', FILES.xlsx), ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const caller = c.get('apiCaller')
      const result = await readKecamatan(c, caller, query)
      if (result instanceof Response) return result
      await auditApi(deps, caller, {
        action: 'export',
        subject: 'recap.kecamatan.xlsx',
        detail: auditFilters(query),
      })
      const bytes = await kecamatanXlsx(result, { i18n: deps.i18n, timeZone: deps.timeZone })
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': FILES.xlsx,
        'content-disposition': `attachment; filename="rekap-kecamatan_${query.region}_${query.period}.xlsx"`,
        'cache-control': 'no-store',
      })
    }
  )
}
