/**
 * Downloads (issue 10 §2): visits, the attendance sheet (daftar hadir order) and indicators as
 * CSV (UTF-8 with BOM; `sep=;` for Excel in Indonesia) or XLSX. Rows stream from keyset batches
 * straight into the response, so the size of an export never decides the memory it takes. Every
 * export is written to the audit log before its first byte.
 * @module
 */
import type { Context } from 'hono'
import { iterateDaftarHadirRows, iterateVisitRows } from '../../db/queries/listings.js'
import type { ExportColumn, RowBatches } from '../../export/columns.js'
import { type CsvSeparator, csvStream } from '../../export/csv.js'
import {
  type LabelledIndicatorRow,
  daftarHadirColumns,
  indicatorColumns,
  visitColumns,
} from '../../export/datasets.js'
import { xlsxStream } from '../../export/xlsx.js'
import { API_SCOPE, type ApiDeps, auditApi, auditFilters } from './deps.js'
import { readIndicators } from './indicators.js'
import type { ApiRegistry } from './registry.js'
import {
  attendanceExportQuerySchema,
  indicatorsExportQuerySchema,
  visitsExportQuerySchema,
} from './schemas.js'

const FORMATS = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const
type Format = keyof typeof FORMATS

/** The download response of rows in a format, named `<base>.<format>`. */
function download<T>(
  c: Context,
  deps: ApiDeps,
  options: {
    format: Format
    base: string
    sheet: string
    separator: CsvSeparator
    columns: ExportColumn<T>[]
    rows: RowBatches<T>
  }
): Response {
  const body =
    options.format === 'csv'
      ? csvStream(options.rows, options.columns, {
          separator: options.separator,
          timeZone: deps.timeZone,
        })
      : xlsxStream(options.rows, options.columns, {
          sheetName: options.sheet,
          timeZone: deps.timeZone,
        })
  return c.body(body, 200, {
    'content-type': FORMATS[options.format],
    'content-disposition': `attachment; filename="${options.base}.${options.format}"`,
    'cache-control': 'no-store',
  })
}

/** A file name part of the filters (`2025-11_35.07.24`), or `semua` without any. */
function nameOf(...parts: (string | undefined)[]): string {
  const given = parts.filter((part): part is string => part !== undefined)
  return given.length === 0 ? 'semua' : given.join('_')
}

export function registerExportRoutes(registry: ApiRegistry, deps: ApiDeps): void {
  const header = (key: string) => deps.i18n.render({ key: `api:columns.${key}` })
  const sheet = (key: string) => deps.i18n.render({ key: `api:sheets.${key}` })

  for (const format of ['csv', 'xlsx'] as const) {
    const file = { description: `The ${format.toUpperCase()} file.`, contentType: FORMATS[format] }

    registry.add(
      {
        method: 'get',
        path: `/exports/visits.${format}`,
        tag: 'exports',
        summary: `Visits as ${format.toUpperCase()}, streamed; audit-logged`,
        query: visitsExportQuerySchema,
        responses: { 200: file },
      },
      async (c, { query }) => {
        const { sep, cadre, ...filters } = query
        await auditApi(deps, {
          action: 'export',
          subject: `visits.${format}`,
          detail: auditFilters(query),
        })
        return download(c, deps, {
          format,
          base: `kunjungan_${nameOf(query.period, query.region)}`,
          sheet: sheet('visits'),
          separator: sep,
          columns: visitColumns(header),
          rows: iterateVisitRows(deps.db, { ...filters, cadreId: cadre, scope: API_SCOPE }),
        })
      }
    )

    registry.add(
      {
        method: 'get',
        path: `/exports/attendance.${format}`,
        tag: 'exports',
        summary: `The attendance sheet (daftar hadir order) as ${format.toUpperCase()}; audit-logged`,
        description:
          'Every enrolled participant at every session that is not cancelled, by cohort, session date and name, with what was recorded (empty: nothing yet).',
        query: attendanceExportQuerySchema,
        responses: { 200: file },
      },
      async (c, { query }) => {
        const { sep, ...filters } = query
        await auditApi(deps, {
          action: 'export',
          subject: `attendance.${format}`,
          detail: auditFilters(query),
        })
        return download(c, deps, {
          format,
          base: `daftar-hadir_${nameOf(query.cohort, query.period, query.region)}`,
          sheet: sheet('attendance'),
          separator: sep,
          columns: daftarHadirColumns(header),
          rows: iterateDaftarHadirRows(deps.db, { ...filters, scope: API_SCOPE }),
        })
      }
    )

    registry.add(
      {
        method: 'get',
        path: `/exports/indicators.${format}`,
        tag: 'exports',
        summary: `The indicators of a month and region as ${format.toUpperCase()}; audit-logged`,
        query: indicatorsExportQuerySchema,
        responses: { 200: file },
      },
      async (c, { query }) => {
        const result = await readIndicators(c, deps, query)
        if (result instanceof Response) return result
        await auditApi(deps, {
          action: 'export',
          subject: `indicators.${format}`,
          detail: auditFilters(query),
        })
        const rows: LabelledIndicatorRow[] = result.rows.map((row) => ({
          ...row,
          asOf: row.asOf === null ? null : new Date(row.asOf),
        }))
        return download(c, deps, {
          format,
          base: `indikator_${nameOf(query.period, query.region)}`,
          sheet: sheet('indicators'),
          separator: query.sep,
          columns: indicatorColumns(header, (unit) =>
            deps.i18n.render({ key: `api:units.${unit}` })
          ),
          rows: once(rows),
        })
      }
    )
  }
}

/** One batch as batches. */
async function* once<T>(rows: T[]): AsyncGenerator<T[], void, undefined> {
  yield rows
}
