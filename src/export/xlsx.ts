/**
 * Streams rows as an XLSX workbook with exceljs' streaming `WorkbookWriter`: one worksheet, a
 * bold header row, each row committed as soon as it is written, no shared-strings table (it
 * would grow with every distinct text). The writer waits whenever the output is full, so a slow
 * reader holds back the database reads instead of letting the zip buffer grow.
 * @module
 */
import { once } from 'node:events'
import { PassThrough, Readable } from 'node:stream'
import { type ExportColumn, type RowBatches, textOf } from './columns.js'

export type XlsxStreamOptions = {
  /** The worksheet's name (Excel allows 31 characters). */
  sheetName: string
  /** Zone of written instants (`TZ_NAME`). */
  timeZone: string
}

/** Bytes written to the worksheet that the zip has not taken yet (above this, the writer waits). */
const MAX_PENDING_BYTES = 1024 * 1024

/**
 * Bytes of the worksheet's XML waiting for the zip. exceljs' sheet stream ignores backpressure
 * and pushes into the PassThrough archiver reads the entry from, so its buffered length is where
 * unread rows pile up; read defensively, as exceljs does not document it.
 */
function pendingBytes(sheet: unknown): number {
  const pipes = (sheet as { stream?: { pipes?: unknown } }).stream?.pipes
  if (!Array.isArray(pipes)) return 0
  let sum = 0
  for (const pipe of pipes as {
    writableLength?: unknown
    _writableState?: { length?: unknown }
  }[]) {
    // archiver's PassThrough comes from readable-stream 2, which has no `writableLength`.
    const length = pipe.writableLength ?? pipe._writableState?.length
    if (typeof length === 'number') sum += length
  }
  return sum
}

/**
 * Resolves when the zip has taken the rows written so far and the reader has taken the output
 * (or has gone away): a slow reader holds back the rows instead of letting buffers grow.
 */
async function caughtUp(sheet: unknown, output: PassThrough): Promise<void> {
  while (!output.destroyed) {
    if (output.writableNeedDrain) {
      await Promise.race([once(output, 'drain'), once(output, 'close')]).catch(() => undefined)
    } else if (pendingBytes(sheet) > MAX_PENDING_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, 2))
    } else {
      return
    }
  }
}

/**
 * A byte stream of the workbook. Rows are read batch by batch while the reader consumes the
 * output; an error while reading rows ends the stream with that error.
 */
export function xlsxStream<T>(
  batches: RowBatches<T>,
  columns: readonly ExportColumn<T>[],
  options: XlsxStreamOptions
): ReadableStream<Uint8Array> {
  const output = new PassThrough()
  const write = async (): Promise<void> => {
    // Loaded on first use: exceljs costs about a second of every start-up otherwise.
    const { default: ExcelJS } = await import('exceljs')
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: output,
      useSharedStrings: false,
      useStyles: true,
    })
    const sheet = workbook.addWorksheet(options.sheetName.slice(0, 31))
    sheet.columns = columns.map((column) => ({
      header: column.header,
      width: Math.max(10, Math.min(40, column.header.length + 2)),
    }))
    sheet.getRow(1).font = { bold: true }
    sheet.getRow(1).commit()

    for await (const batch of batches) {
      if (output.destroyed) return
      for (const row of batch) {
        const values = columns.map((column) => {
          const value = column.value(row)
          if (value === null || value === undefined) return null
          return typeof value === 'number' ? value : textOf(value, options.timeZone)
        })
        sheet.addRow(values).commit()
      }
      await caughtUp(sheet, output)
    }
    sheet.commit()
    await workbook.commit()
  }
  write().catch((error: unknown) => output.destroy(error as Error))
  // Count chunks, not bytes: Node's default would take the byte high-water mark (16 KiB) as a
  // number of chunks and buffer the whole file before pausing the writer.
  return Readable.toWeb(output, {
    strategy: new CountQueuingStrategy({ highWaterMark: 1 }),
  }) as ReadableStream<Uint8Array>
}
