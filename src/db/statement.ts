/**
 * @module Statements of the hot path whose SQL text is built once. `db.execute(sql`...`)` turns the
 * template into text on every call (walking every chunk and every column reference); a statement
 * here is built once, with named placeholders (`sql.placeholder('name')`) where the values go, and
 * each run only fills in the values. It runs on whatever it is given, a transaction included, as
 * `db.execute` would, and returns the same raw result (`rowsOf` reads it on both drivers).
 */
import type { Query, SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { DbOrTx } from './client.js'

const dialect = new PgDialect()

/** A statement built once: run it with the values of its placeholders. */
export type CachedStatement<Values extends Record<string, unknown>> = (
  db: DbOrTx,
  values: Values
) => Promise<unknown>

/**
 * `build` is called once, on the first run; its SQL must name every value with
 * `sql.placeholder` (a value interpolated directly would be fixed forever).
 */
export function cachedStatement<Values extends Record<string, unknown>>(
  build: () => SQL
): CachedStatement<Values> {
  let query: Query | undefined
  return (db, values) => {
    query ??= dialect.sqlToQuery(build())
    return db._.session.prepareQuery(query, undefined, undefined, false).execute(values)
  }
}

/**
 * Statements of one family whose text depends on a shape (how many rows a multi-row insert
 * has): each shape's text is built once, on its first run, and kept (a bounded number of shapes).
 */
export function cachedStatements<Values extends Record<string, unknown>>(
  build: (shape: string) => SQL,
  maxShapes = 200
): (db: DbOrTx, shape: string, values: Values) => Promise<unknown> {
  const queries = new Map<string, Query>()
  return (db, shape, values) => {
    let query = queries.get(shape)
    if (!query) {
      query = dialect.sqlToQuery(build(shape))
      if (queries.size >= maxShapes) queries.delete(queries.keys().next().value!)
      queries.set(shape, query)
    }
    return db._.session.prepareQuery(query, undefined, undefined, false).execute(values)
  }
}
