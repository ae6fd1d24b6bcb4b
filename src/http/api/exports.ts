/**
 * Downloads: visits, the attendance sheet (daftar hadir order) and indicators as
 * CSV (UTF-8 with BOM; `sep=;` for Excel in Indonesia) or XLSX. Rows stream from keyset batches
 * straight into the response, so the size of an export never decides the memory it takes. Every
 * export is written to the audit log before its first byte.
 * @module
 */
import { iterateDaftarHadirRows, iterateVisitRows } from '../../db/queries/listings.js'
import {
  chatSignature,
  daftarHadirColumns,
  indicatorColumns,
  visitColumns,
} from '../../export/datasets.js'
import { DOWNLOAD_FORMATS, download } from '../download.js'
import { type ApiDeps, auditApi, auditFilters } from './deps.js'
import { readIndicators } from './indicators.js'
import { type ApiRouter, apiRoute, fileResponse } from './routes.js'
import {
  attendanceExportQuerySchema,
  indicatorsExportQuerySchema,
  visitsExportQuerySchema,
} from './schemas.js'

/** A file name part of the filters (`2025-11_35.07.24`), or `semua` without any. */
function nameOf(...parts: (string | undefined)[]): string {
  const given = parts.filter((part): part is string => part !== undefined)
  return given.length === 0 ? 'semua' : given.join('_')
}

export function registerExportRoutes({ app, guard }: ApiRouter, deps: ApiDeps): void {
  const header = (key: string) => deps.i18n.render({ key: `api:columns.${key}` })
  const sheet = (key: string) => deps.i18n.render({ key: `api:sheets.${key}` })

  for (const format of ['csv', 'xlsx'] as const) {
    const file = fileResponse(`The ${format.toUpperCase()} file.`, DOWNLOAD_FORMATS[format])

    app.openapi(
      apiRoute(guard, {
        method: 'get',
        path: `/exports/visits.${format}`,
        tag: 'exports',
        summary: `Visits as ${format.toUpperCase()}, streamed; audit-logged`,
        scope: 'exports:read',
        request: { query: visitsExportQuerySchema },
        responses: { 200: file },
      }),
      async (c) => {
        const query = c.req.valid('query')
        const caller = c.get('apiCaller')
        const { sep, cadre, ...filters } = query
        await auditApi(deps, caller, {
          action: 'export',
          subject: `visits.${format}`,
          detail: auditFilters(query),
        })
        return download(c, {
          format,
          base: `kunjungan_${nameOf(query.period, query.region)}`,
          sheet: sheet('visits'),
          separator: sep,
          timeZone: deps.timeZone,
          columns: visitColumns(header),
          rows: iterateVisitRows(deps.db, { ...filters, cadreId: cadre, scope: caller.scope }),
        })
      }
    )

    app.openapi(
      apiRoute(guard, {
        method: 'get',
        path: `/exports/attendance.${format}`,
        tag: 'exports',
        summary: `The attendance sheet (daftar hadir order) as ${format.toUpperCase()}; audit-logged`,
        description:
          'Every enrolled participant at every session that is not cancelled, by cohort, session date and name, with what was recorded (empty: nothing yet).',
        scope: 'exports:read',
        request: { query: attendanceExportQuerySchema },
        responses: { 200: file },
      }),
      async (c) => {
        const query = c.req.valid('query')
        const caller = c.get('apiCaller')
        const { sep, ...filters } = query
        await auditApi(deps, caller, {
          action: 'export',
          subject: `attendance.${format}`,
          detail: auditFilters(query),
        })
        return download(c, {
          format,
          base: `daftar-hadir_${nameOf(query.cohort, query.period, query.region)}`,
          sheet: sheet('attendance'),
          separator: sep,
          timeZone: deps.timeZone,
          columns: daftarHadirColumns(header, chatSignature(deps.i18n, deps.timeZone)),
          rows: iterateDaftarHadirRows(deps.db, { ...filters, scope: caller.scope }),
        })
      }
    )

    app.openapi(
      apiRoute(guard, {
        method: 'get',
        path: `/exports/indicators.${format}`,
        tag: 'exports',
        summary: `The indicators of a month and region as ${format.toUpperCase()}; audit-logged`,
        scope: 'exports:read',
        request: { query: indicatorsExportQuerySchema },
        responses: { 200: file },
      }),
      async (c) => {
        const query = c.req.valid('query')
        const caller = c.get('apiCaller')
        const result = await readIndicators(c, deps, caller, query)
        if (result instanceof Response) return result
        await auditApi(deps, caller, {
          action: 'export',
          subject: `indicators.${format}`,
          detail: auditFilters(query),
        })
        return download(c, {
          format,
          base: `indikator_${nameOf(query.period, query.region)}`,
          sheet: sheet('indicators'),
          separator: query.sep,
          timeZone: deps.timeZone,
          columns: indicatorColumns(header, (unit) =>
            deps.i18n.render({ key: `api:units.${unit}` })
          ),
          rows: once(result.rows),
        })
      }
    )
  }
}

/** One batch as batches. */
async function* once<T>(rows: T[]): AsyncGenerator<T[], void, undefined> {
  yield rows
}
