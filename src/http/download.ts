/**
 * The file download response shared by the dashboard (`/admin/ekspor/*`) and the API
 * (`/api/v1/exports/*`): rows streamed through the export writers (`src/export/`) as CSV or
 * XLSX, named `<base>.<format>`, never cached.
 * @module
 */
import type { Context } from 'hono'
import type { ExportColumn, RowBatches } from '../export/columns.js'
import { type CsvSeparator, csvStream } from '../export/csv.js'
import { xlsxStream } from '../export/xlsx.js'

/** The download formats and their content types. */
export const DOWNLOAD_FORMATS = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const
export type DownloadFormat = keyof typeof DOWNLOAD_FORMATS

export type DownloadOptions<T> = {
  format: DownloadFormat
  /** File name without the extension. */
  base: string
  /** Worksheet name (XLSX). */
  sheet: string
  /** CSV separator. */
  separator: CsvSeparator
  /** Zone of written instants (`TZ_NAME`). */
  timeZone: string
  columns: ExportColumn<T>[]
  rows: RowBatches<T>
}

/** The download response of rows in a format, named `<base>.<format>`. */
export function download<T>(c: Context, options: DownloadOptions<T>): Response {
  const body =
    options.format === 'csv'
      ? csvStream(options.rows, options.columns, {
          separator: options.separator,
          timeZone: options.timeZone,
        })
      : xlsxStream(options.rows, options.columns, {
          sheetName: options.sheet,
          timeZone: options.timeZone,
        })
  return c.body(body, 200, {
    'content-type': DOWNLOAD_FORMATS[options.format],
    'content-disposition': `attachment; filename="${options.base}.${options.format}"`,
    'cache-control': 'no-store',
  })
}
