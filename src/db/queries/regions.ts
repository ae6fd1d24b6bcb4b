import { type SQL, and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../client.js'
import { regions } from '../schema/index.js'

/** One row of `regions`: a kabupaten, kecamatan, desa or kelurahan with its Kemendagri code. */
export type Region = typeof regions.$inferSelect

/**
 * `column` lies within the region `code`: the code itself or any code below it (`35.07.24`
 * covers `35.07.24.2001`), as `coversRegion` decides in memory.
 */
export function withinCode(column: AnyPgColumn, code: string): SQL {
  return sql`(${column} = ${code} or ${column} like ${code} || '.%')`
}

/** All kecamatan of the kabupaten, ordered by name (for choice lists). */
export async function listKecamatan(db: DbOrTx): Promise<Region[]> {
  return db.select().from(regions).where(eq(regions.level, 'kecamatan')).orderBy(asc(regions.name))
}

/** The desa and kelurahan of one kecamatan (e.g. `35.07.24`), ordered by name; empty if unknown. */
export async function listDesa(db: DbOrTx, kecamatanCode: string): Promise<Region[]> {
  return db
    .select()
    .from(regions)
    .where(
      and(eq(regions.parentCode, kecamatanCode), inArray(regions.level, ['desa', 'kelurahan']))
    )
    .orderBy(asc(regions.name))
}

/** Every region, for building the in-memory directory the flows choose from. */
export async function listAllRegions(db: DbOrTx): Promise<Region[]> {
  return db.select().from(regions)
}
