/**
 * Reading an import CSV (DESIGN "Contracts"): UTF-8 with or without a BOM, a header row, comma or
 * semicolon separated (detected from the header line; Excel in Indonesia saves with semicolons),
 * cells trimmed, empty lines and lines of only separators skipped. Headers are matched to fields
 * through an alias table, case-insensitively and ignoring spaces and punctuation
 * (`Tahun Lahir`, `tahun-lahir` and `TAHUN_LAHIR` are all `tahun_lahir`). Shared by every kind.
 * @module
 */
import { CsvError, parse } from 'csv-parse/sync'
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

/**
 * Parses CSV text into rows keyed by field. Throws `ImportFileError` for an empty file, a broken
 * CSV (an unclosed quote), a missing required column or two columns meaning the same field.
 */
export function readCsvTable<F extends string>(
  text: string,
  options: ReadCsvTableOptions<F>
): CsvTable<F> {
  // One line ending everywhere: csv-parse takes the first one it sees as the only one.
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const headerLine = normalized.split('\n').find((line) => line.replace(/[;,\s]/g, '') !== '')
  if (headerLine === undefined) throw new ImportFileError(FILE_MESSAGES.empty())

  let records: { info: { lines: number }; record: string[] }[]
  try {
    records = parse(normalized, {
      delimiter: detectDelimiter(headerLine),
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { info: { lines: number }; record: string[] }[]
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 0
      const problem =
        error.code === 'CSV_QUOTE_NOT_CLOSED' ? FILE_MESSAGES.quoteNotClosed() : error.code
      throw new ImportFileError(FILE_MESSAGES.broken(line, problem), { cause: error })
    }
    throw error
  }

  const [header, ...data] = records
  if (!header) throw new ImportFileError(FILE_MESSAGES.empty())
  const { indexes, ignoredColumns } = matchColumns(header.record, options)
  const width = header.record.length
  const rows = data.map(({ info, record }): CsvRow<F> => {
    const cells = {} as Record<F, string>
    for (const field of Object.keys(options.columns) as F[]) {
      const index = indexes.get(field)
      cells[field] = index === undefined ? '' : (record[index] ?? '')
    }
    return {
      line: info.lines,
      cells,
      tooManyCells: record.slice(width).some((cell) => cell !== ''),
    }
  })
  return { rows, ignoredColumns }
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
