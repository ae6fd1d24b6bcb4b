/**
 * @module Statements of the hot path whose SQL text is built once. `db.execute(sql`...`)` turns the
 * template into text on every call (walking every chunk and every column reference); a statement
 * here is built once, with named placeholders (`sql.placeholder('name')`) where the values go, and
 * each run only fills in the values. It runs on whatever it is given, a transaction included, as
 * `db.execute` would, and returns the same raw result (`rowsOf` reads it on both drivers); a
 * drizzle select built once (`cachedSelect`) returns its rows typed, as the select would.
 */
import * as drizzle from 'drizzle-orm'
import type { Query, SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { SelectedFieldsOrdered } from 'drizzle-orm/pg-core'
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

/** What `cachedSelect` reads from a drizzle select once: its text and how its rows map. */
type SelectShape = {
  query: Query
  fields: SelectedFieldsOrdered
  joinsNotNullableMap: Record<string, boolean>
}

/** A drizzle select, as `cachedSelect` is given it (awaiting it runs it). */
type SelectBuilder<Row> = PromiseLike<Row[]> & {
  toSQL: () => Query
  _: { selectedFields: unknown }
}

/**
 * A drizzle select whose SQL is built once, on the first run: `build` writes it on the database
 * it is given, with `sql.placeholder('name')` where the values go (in conditions and limits),
 * and each run only fills them in. Rows come back typed and mapped as the select itself would
 * return them (drizzle's own row mapping, on whatever it is given, a transaction included).
 * Building a select's text costs more CPU than the database takes to run a lookup by index.
 */
export function cachedSelect<Values extends Record<string, unknown>, Row>(
  build: (db: DbOrTx) => SelectBuilder<Row>
): (db: DbOrTx, values: Values) => Promise<Row[]> {
  let shape: SelectShape | undefined
  return async (db, values) => {
    shape ??= selectShape(build(db))
    const prepared = db._.session.prepareQuery(shape.query, shape.fields, undefined, true)
    // Read by drizzle's row mapping (a left-joined table's columns all null: the table is null).
    Object.assign(prepared, { joinsNotNullableMap: shape.joinsNotNullableMap })
    return (await prepared.execute(values)) as Row[]
  }
}

/**
 * drizzle's own ordering of a select's fields for its row mapping: exported at run time, marked
 * internal in its types (an upgrade of drizzle must pass `test/db/statement.test.ts`).
 */
const { orderSelectedFields } = drizzle as unknown as {
  orderSelectedFields: (fields: Record<string, unknown>) => SelectedFieldsOrdered
}

function selectShape<Row>(select: SelectBuilder<Row>): SelectShape {
  const internal = select as unknown as { joinsNotNullableMap?: Record<string, boolean> }
  return {
    query: select.toSQL(),
    fields: orderSelectedFields(select._.selectedFields as Record<string, unknown>),
    joinsNotNullableMap: internal.joinsNotNullableMap ?? {},
  }
}
