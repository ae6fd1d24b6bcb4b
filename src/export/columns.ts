/**
 * What an export writes: named columns, each reading one value from a row. Shared by the CSV and
 * XLSX writers, which take rows as an async iterable of batches and never hold more than one.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { formatISO } from 'date-fns/formatISO'

/** A value a column may read: lists are joined with `+` (as the CSV imports write roles). */
export type ExportValue = string | number | boolean | Date | null | undefined | readonly string[]

/** One column: its header (the text a reader sees) and how to read it from a row. */
export type ExportColumn<T> = { header: string; value: (row: T) => ExportValue }

/** Rows in batches, as the `iterate*` listings yield them. */
export type RowBatches<T> = AsyncIterable<readonly T[]>

/** Joins list values, as `npm run import` reads several roles (`kader+mentor`). */
export const LIST_SEPARATOR = '+'

/**
 * A value as text: an instant as ISO 8601 in the given zone (`2025-11-03T12:00:00+07:00`), a
 * list joined with `+`, a boolean as `ya`/`tidak`, nothing as the empty string. Numbers are left
 * to the writer (CSV decimal separator, XLSX number cells).
 */
export function textOf(value: Exclude<ExportValue, number>, timeZone: string): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return formatISO(new TZDate(value.getTime(), timeZone))
  if (typeof value === 'boolean') return value ? 'ya' : 'tidak'
  if (typeof value === 'string') return value
  return value.join(LIST_SEPARATOR)
}
