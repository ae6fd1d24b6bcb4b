/**
 * Streams rows as CSV (RFC 4180 quoting), UTF-8 with a byte-order mark so Excel reads the text
 * right. With `;` as separator (what Excel in Indonesia expects) decimals are written with a
 * comma, as the Indonesian locale reads them. One batch of rows is formatted per pull, so the
 * consumer's pace bounds the memory.
 * @module
 */
import { type ExportColumn, type RowBatches, textOf } from './columns.js'

/** The separators a CSV export may use: `,` (default) or `;` (Excel in Indonesia). */
export const CSV_SEPARATORS = [',', ';'] as const
export type CsvSeparator = (typeof CSV_SEPARATORS)[number]

export type CsvStreamOptions = {
  separator?: CsvSeparator
  /** Zone of written instants (`TZ_NAME`). */
  timeZone: string
}

const BOM = '\uFEFF'

/** Leading characters that make a spreadsheet read a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/

/** One field: quoted when it holds the separator, a quote or a line break; formulas disarmed. */
export function csvField(
  value: Parameters<typeof textOf>[0] | number,
  options: CsvStreamOptions
): string {
  const separator = options.separator ?? ','
  if (typeof value === 'number') {
    const text = String(value)
    return separator === ';' ? text.replace('.', ',') : text
  }
  let text = textOf(value, options.timeZone)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line (ending in CRLF) of a row. */
export function csvLine<T>(
  row: T,
  columns: readonly ExportColumn<T>[],
  options: CsvStreamOptions
): string {
  const separator = options.separator ?? ','
  return `${columns.map((column) => csvField(column.value(row), options)).join(separator)}\r\n`
}

/**
 * A byte stream of the CSV: BOM and header line first, then one chunk per batch of rows, pulled
 * only when the reader wants more; cancelling the stream stops reading rows.
 */
export function csvStream<T>(
  batches: RowBatches<T>,
  columns: readonly ExportColumn<T>[],
  options: CsvStreamOptions
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const separator = options.separator ?? ','
  const iterator = batches[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const header = columns.map((column) => csvField(column.header, options)).join(separator)
      controller.enqueue(encoder.encode(`${BOM}${header}\r\n`))
    },
    async pull(controller) {
      const next = await iterator.next()
      if (next.done) {
        controller.close()
        return
      }
      let chunk = ''
      for (const row of next.value) chunk += csvLine(row, columns, options)
      controller.enqueue(encoder.encode(chunk))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}
