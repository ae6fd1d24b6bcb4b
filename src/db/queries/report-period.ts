/**
 * Which months have data, for the dashboard's default month and the note on an empty month.
 * @module
 */
import { and, eq, lte, max, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { visits } from '../schema/index.js'

/**
 * The latest month (YYYY-MM) with a submitted visit in the region (a desa, kecamatan or the
 * kabupaten), on or before `onOrBefore` when given; null when there is none.
 */
export async function latestVisitPeriod(
  db: DbOrTx,
  params: { regionPrefix: string; onOrBefore?: string }
): Promise<string | null> {
  const [row] = await db
    .select({ period: max(visits.period) })
    .from(visits)
    .where(
      and(
        eq(visits.status, 'submitted'),
        or(
          eq(visits.desaCode, params.regionPrefix),
          sql`${visits.desaCode} like ${`${params.regionPrefix}.%`}`
        ),
        params.onOrBefore === undefined ? undefined : lte(visits.period, params.onOrBefore)
      )
    )
  return row?.period ?? null
}
