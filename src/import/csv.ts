/**
 * Reading an import CSV (docs/design.md#contracts): UTF-8 with or without a BOM, a header row,
 * comma or semicolon separated (detected from the header line; Excel in Indonesia saves with
 * semicolons), cells trimmed, empty lines and lines of only separators skipped. Headers are matched
 * to fields through an alias table, case-insensitively and ignoring spaces and punctuation
 * (`Tahun Lahir`, `tahun-lahir` and `TAHUN_LAHIR` are all `tahun_lahir`). Shared by every kind.
 * The file is read as a stream (`openCsvTable`): rows come one by one, so a file of 100,000 rows
 * never sits in memory whole.
 * @module
 */
import { Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import { FILE_MESSAGES } from './messages.js'

/** Thrown when a file cannot be imported at all; the message is Indonesian, for the CLI. */
export class ImportFileError extends Error {
  readonly code = 'IMPORT_FILE' as const

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ImportFileError'
  }
}

/** For each field, the header names that mean it; the first is the one error messages show. */
export type ColumnAliases<F extends string> = Record<F, readonly string[]>

export type ReadCsvTableOptions<F extends string> = {
  columns: ColumnAliases<F>
  /** Fields whose column must be present (cells may still be empty). */
  required: readonly F[]
}

/** One data row: its line in the file (1 is the header) and its cells by field ('' if empty). */
export type CsvRow<F extends string> = {
  line: number
  cells: Record<F, string>
  /** The row has non-empty cells beyond the header's columns. */
  tooManyCells: boolean
}

export type CsvTable<F extends string> = {
  rows: CsvRow<F>[]
  /** Header cells that match no field, as written, in file order. */
  ignoredColumns: string[]
}

/** A CSV being read: its header is checked, its rows come as they are parsed. */
export type CsvTableStream<F extends string> = {
  /** Header cells that match no field, as written, in file order. */
  ignoredColumns: string[]
  rows: AsyncIterable<CsvRow<F>>
}

/** An import file: its whole text, its bytes, or its bytes (or text) in chunks as read. */
export type CsvSource = string | Uint8Array | AsyncIterable<string | Uint8Array>

/** Decodes file bytes as UTF-8 (a BOM is dropped); throws `ImportFileError` for other encodings. */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    throw new ImportFileError(FILE_MESSAGES.notUtf8(), { cause: error })
  }
}

/** A header cell as compared with the aliases: lower case, `_` for any run of other characters. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
}

/** `;` when the header line has more semicolons than commas, else `,`. */
export function detectDelimiter(headerLine: string): ';' | ',' {
  const count = (char: string) => headerLine.split(char).length - 1
  return count(';') > count(',') ? ';' : ','
}

/** The source's text in chunks, decoded as UTF-8 (a character split between chunks is kept whole). */
async function* decodedChunks(source: CsvSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source
    return
  }
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true })
    } catch (error) {
      throw new ImportFileError(FILE_MESSAGES.notUtf8(), { cause: error })
    }
  }
  const chunks = source instanceof Uint8Array ? [source] : source
  for await (const chunk of chunks) yield typeof chunk === 'string' ? chunk : decode(chunk)
  yield decode()
}

/**
 * The text with one line ending everywhere (csv-parse takes the first one it sees as the only
 * one) and no BOM; a `\r` at the end of a chunk waits for the next one.
 */
async function* normalizedChunks(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let started = false
  let carriageReturn = false
  for await (const piece of chunks) {
    let chunk: string = carriageReturn ? `\r${piece}` : piece
    if (!started && chunk !== '') {
      chunk = chunk.replace(/^\uFEFF/, '')
      started = true
    }
    carriageReturn = chunk.endsWith('\r')
    if (carriageReturn) chunk = chunk.slice(0, -1)
    if (chunk !== '') yield chunk.replace(/\r\n?/g, '\n')
  }
  if (carriageReturn) yield '\n'
}

/** A line with a cell in it (not empty, not only separators and spaces). */
const hasContent = (line: string): boolean => line.replace(/[;,\s]/g, '') !== ''

type ParsedRecord = { info: { lines: number }; record: string[] }

/**
 * Opens a CSV for reading: reads up to its header line to choose the separator, checks the header
 * and returns the rows as they are parsed. Throws `ImportFileError` for an empty file, a missing
 * required column or two columns meaning the same field; reading the rows throws it for text that
 * is not UTF-8 or a broken CSV (an unclosed quote), wherever in the file that is.
 */
export async function openCsvTable<F extends string>(
  source: CsvSource,
  options: ReadCsvTableOptions<F>
): Promise<CsvTableStream<F>> {
  const chunks = normalizedChunks(decodedChunks(source))
  // Read up to the first line with content, which is the header and decides the separator.
  let head = ''
  let headerLine: string | undefined
  while (headerLine === undefined) {
    const next = await chunks.next()
    if (next.done) {
      headerLine = head.split('\n').find(hasContent)
      if (headerLine === undefined) throw new ImportFileError(FILE_MESSAGES.empty())
      break
    }
    head += next.value
    const lines = head.split('\n')
    headerLine = lines.slice(0, -1).find(hasContent)
  }

  async function* text(): AsyncGenerator<string> {
    yield head
    for await (const chunk of chunks) yield chunk
  }
  const input = Readable.from(text(), { objectMode: false })
  const parser = parse({
    delimiter: detectDelimiter(headerLine),
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    info: true,
  })
  input.on('error', (error) => parser.destroy(error))
  input.pipe(parser)
  const records = (parser as AsyncIterable<ParsedRecord>)[Symbol.asyncIterator]()

  const first = await nextRecord(records)
  if (first === undefined) throw new ImportFileError(FILE_MESSAGES.empty())
  const { indexes, ignoredColumns } = matchColumns(first.record, options)
  const width = first.record.length
  const fields = Object.keys(options.columns) as F[]

  async function* rows(): AsyncGenerator<CsvRow<F>> {
    try {
      for (let parsed = await nextRecord(records); parsed; parsed = await nextRecord(records)) {
        const { info, record } = parsed
        const cells = {} as Record<F, string>
        for (const field of fields) {
          const index = indexes.get(field)
          cells[field] = index === undefined ? '' : (record[index] ?? '')
        }
        yield {
          line: info.lines,
          cells,
          tooManyCells: record.slice(width).some((cell) => cell !== ''),
        }
      }
    } finally {
      // A reader that stops early (an import that failed) closes the file.
      input.destroy()
      parser.destroy()
    }
  }
  return { ignoredColumns, rows: rows() }
}

/** The next parsed record; csv-parse's errors become `ImportFileError` with the line. */
async function nextRecord(records: AsyncIterator<ParsedRecord>): Promise<ParsedRecord | undefined> {
  try {
    const next = await records.next()
    return next.done ? undefined : next.value
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 0
      const problem =
        error.code === 'CSV_QUOTE_NOT_CLOSED' ? FILE_MESSAGES.quoteNotClosed() : error.code
      throw new ImportFileError(FILE_MESSAGES.broken(line, problem), { cause: error })
    }
    throw error
  }
}

/** Reads a whole CSV into rows keyed by field (`openCsvTable`, collected; for small files). */
export async function readCsvTable<F extends string>(
  source: CsvSource,
  options: ReadCsvTableOptions<F>
): Promise<CsvTable<F>> {
  const table = await openCsvTable(source, options)
  const rows: CsvRow<F>[] = []
  for await (const row of table.rows) rows.push(row)
  return { rows, ignoredColumns: table.ignoredColumns }
}

/** Maps each field to its column index; throws for missing required or doubled columns. */
function matchColumns<F extends string>(
  headers: string[],
  options: ReadCsvTableOptions<F>
): { indexes: Map<F, number>; ignoredColumns: string[] } {
  const fieldOf = new Map<string, F>()
  for (const field of Object.keys(options.columns) as F[]) {
    for (const alias of options.columns[field]) fieldOf.set(normalizeHeader(alias), field)
  }
  const indexes = new Map<F, number>()
  const ignoredColumns: string[] = []
  headers.forEach((header, index) => {
    if (header === '') return
    const field = fieldOf.get(normalizeHeader(header))
    if (field === undefined) {
      ignoredColumns.push(header)
      return
    }
    const earlier = indexes.get(field)
    if (earlier !== undefined) {
      throw new ImportFileError(FILE_MESSAGES.duplicateColumn(headers[earlier] ?? '', header))
    }
    indexes.set(field, index)
  })
  for (const field of options.required) {
    if (!indexes.has(field)) {
      throw new ImportFileError(FILE_MESSAGES.missingColumn(options.columns[field]))
    }
  }
  return { indexes, ignoredColumns }
}
