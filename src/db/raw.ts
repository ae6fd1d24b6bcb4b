/**
 * @module Helpers for raw `db.execute(sql`...`)` results, which differ by driver.
 *
 * - postgres.js returns the rows as an **array** (with extra properties); PGlite returns
 *   `{ rows: [...] }`. `rowsOf` accepts both.
 * - `int8`/`bigint` values (including `count(*)`, `sum()` of integers, `bigint` columns) arrive as a
 *   **string** from postgres.js; PGlite 0.5 returns a **number** when the value is a safe integer
 *   and a **BigInt** beyond 2^53. Cast in SQL (`count(*)::int`) or convert
 *   with `toNumber`. `numeric` is a string on both.
 * - `timestamptz` arrives as a string from both drivers in raw results (the query builder maps
 *   `timestamp` columns to `Date`), and `json`/`jsonb` are parsed on both.
 * The query builder hides all of this; use raw SQL only where the builder cannot express it, and
 * `fromDriverRow` to read a whole table row from such a result as the builder would.
 */
import { type Table, getTableColumns } from 'drizzle-orm'

/** Thrown when a value passed to `rowsOf` or `toNumber` does not have the expected shape. */
export class RawResultError extends Error {
  readonly code = 'RAW_RESULT' as const

  constructor(message: string) {
    super(message)
    this.name = 'RawResultError'
  }
}

/** The rows of a `db.execute` result from either driver (array for postgres.js, `.rows` for PGlite). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  if (typeof result === 'object' && result !== null && 'rows' in result) {
    const rows = (result as { rows: unknown }).rows
    if (Array.isArray(rows)) return rows as T[]
  }
  throw new RawResultError('rowsOf: expected an array or an object with a rows array')
}

/** Converts an integer from a raw result (number, BigInt or numeric string) to a safe JS number. */
export function toNumber(value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : Number.NaN
  if (!Number.isFinite(n)) throw new RawResultError(`toNumber: not a number (${typeof value})`)
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
    throw new RawResultError('toNumber: integer outside the safe range')
  }
  return n
}

/**
 * A raw result row (database column names) as the query builder returns the table's rows: each
 * column under its property name, mapped by the column's own driver mapping (dates, json...).
 */
export function fromDriverRow<T extends Table>(
  table: T,
  row: Record<string, unknown>
): T['$inferSelect'] {
  const out: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[column.name]
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value)
  }
  return out as T['$inferSelect']
}
