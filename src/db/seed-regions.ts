/**
 * @module Seeds Kabupaten Malang's regions (1 kabupaten, 33 kecamatan, 390 desa/kelurahan) from
 * `src/db/seed/*.csv` into `regions`, idempotently (see `seed/PROVENANCE.md` for the source).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { KABUPATEN_CODE } from '../domain/people.js'
import type { DbOrTx } from './client.js'
import { rowsOf } from './raw.js'
import { regions } from './schema/index.js'

/** Kemendagri code of Kabupaten Malang, the root of the seeded tree (one constant, in the domain). */
export { KABUPATEN_CODE }

/** Name stored for the kabupaten row. */
export const KABUPATEN_NAME = 'Kabupaten Malang'

/** The two seed files; a test passes changed copies. */
export type RegionSeedFiles = { kecamatan: string; desa: string }

const SEED_FILES: RegionSeedFiles = {
  kecamatan: fileURLToPath(new URL('./seed/kab-malang-kecamatan.csv', import.meta.url)),
  desa: fileURLToPath(new URL('./seed/kab-malang-desa.csv', import.meta.url)),
}

const KECAMATAN_CODE = /^35\.07\.\d{2}$/
const DESA_CODE = /^35\.07\.\d{2}\.[12]\d{3}$/

type RegionRow = typeof regions.$inferInsert

/** Thrown when a seed CSV is malformed (names the file and line). */
export class SeedDataError extends Error {
  readonly code = 'SEED_DATA' as const

  constructor(message: string) {
    super(message)
    this.name = 'SeedDataError'
  }
}

/** How many region rows a seed run inserted and how many existing rows it changed. */
export type SeedRegionsResult = { inserted: number; updated: number }

/**
 * Upserts all regions in one transaction, one multi-row statement per level; rows that are already
 * identical are left alone, so a second run returns `{ inserted: 0, updated: 0 }`. Regions missing
 * from the CSVs are never deleted (people may reference them).
 *
 * Every start runs it, so it first compares one digest of the stored rows the files name with the
 * same digest of the files' rows: when they match (the usual restart) it writes nothing, not even
 * the row locks an upsert of unchanged rows takes. A changed file, or a stored row changed or
 * deleted by hand, makes them differ and the upsert runs.
 */
export async function seedRegions(
  db: DbOrTx,
  files: RegionSeedFiles = SEED_FILES
): Promise<SeedRegionsResult> {
  const levels = await loadRegionRows(files)
  if (await storedRegionsMatch(db, levels.flat())) return { inserted: 0, updated: 0 }
  return db.transaction(async (tx) => {
    const result: SeedRegionsResult = { inserted: 0, updated: 0 }
    for (const rows of levels) {
      const returned = await tx
        .insert(regions)
        .values(rows)
        .onConflictDoUpdate({
          target: regions.code,
          set: {
            level: sql`excluded.level`,
            name: sql`excluded.name`,
            parentCode: sql`excluded.parent_code`,
          },
          setWhere: sql`(${regions.level}, ${regions.name}, ${regions.parentCode})
            is distinct from (excluded.level, excluded.name, excluded.parent_code)`,
        })
        // xmax = 0 only on freshly inserted row versions; unchanged rows are not returned at all.
        .returning({ inserted: sql<boolean>`(xmax = 0)` })
      for (const row of returned) {
        if (row.inserted) result.inserted++
        else result.updated++
      }
    }
    return result
  })
}

/** Separates fields and rows in the digest; it occurs in no code or name. */
const UNIT = '\u001f'
const RECORD = '\u001e'

/**
 * Whether the stored rows with the seed's codes equal the seed rows: an md5 over the fields in code
 * order ("C" collation, i.e. byte order, as the sort here), computed by the database on its side,
 * so one row comes back instead of 424.
 */
async function storedRegionsMatch(db: DbOrTx, rows: RegionRow[]): Promise<boolean> {
  const sorted = [...rows].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  const expected = createHash('md5')
    .update(
      sorted
        .map((row) => [row.code, row.level, row.name, row.parentCode ?? ''].join(UNIT))
        .join(RECORD),
      'utf8'
    )
    .digest('hex')
  const [stored] = rowsOf<{ digest: string | null }>(
    await db.execute(sql`
      select md5(string_agg(concat_ws(${UNIT}, code, level, name, coalesce(parent_code, '')),
        ${RECORD} order by code collate "C")) as digest
      from regions
      where code = any(string_to_array(${sorted.map((row) => row.code).join(',')}, ','))`)
  )
  return stored?.digest === expected
}

/** The seed rows per level, parents first: [kabupaten], kecamatan, desa/kelurahan. */
export async function loadRegionRows(files: RegionSeedFiles = SEED_FILES): Promise<RegionRow[][]> {
  const { kecamatan: kecamatanCsv, desa: desaCsv } = files
  const kecamatanRows = parseCsv(await readFile(kecamatanCsv, 'utf8'), kecamatanCsv, [
    'code',
    'name',
  ] as const)
  const desaRows = parseCsv(await readFile(desaCsv, 'utf8'), desaCsv, [
    'code',
    'kecamatan_code',
    'name',
    'type',
  ] as const)
  const kecamatan = kecamatanRows.map(({ line, row }): RegionRow => {
    if (!KECAMATAN_CODE.test(row.code)) fail(kecamatanCsv, line, `bad code "${row.code}"`)
    return { code: row.code, level: 'kecamatan', name: row.name, parentCode: KABUPATEN_CODE }
  })
  const kecamatanCodes = new Set(kecamatan.map((region) => region.code))
  const desa = desaRows.map(({ line, row }): RegionRow => {
    const { code, kecamatan_code: parent, name, type } = row
    if (!DESA_CODE.test(code)) fail(desaCsv, line, `bad code "${code}"`)
    if (!kecamatanCodes.has(parent) || !code.startsWith(`${parent}.`)) {
      fail(desaCsv, line, `kecamatan_code "${parent}" does not match code "${code}"`)
    }
    if (type !== 'desa' && type !== 'kelurahan') fail(desaCsv, line, `bad type "${type}"`)
    return { code, level: type, name, parentCode: parent }
  })
  const kabupaten: RegionRow = {
    code: KABUPATEN_CODE,
    level: 'kabupaten',
    name: KABUPATEN_NAME,
    parentCode: null,
  }
  return [[kabupaten], kecamatan, desa]
}

/** Parses a simple comma-separated file (no quoting) with an exact header into trimmed records. */
function parseCsv<H extends string>(
  text: string,
  file: string,
  header: readonly H[]
): { line: number; row: Record<H, string> }[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines[0]?.trim() !== header.join(',')) fail(file, 1, `expected header "${header.join(',')}"`)
  const rows: { line: number; row: Record<H, string> }[] = []
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2
    if (raw.trim() === '') return
    if (raw.includes('"')) fail(file, line, 'quoted fields are not supported')
    const fields = raw.split(',').map((field) => field.trim())
    if (fields.length !== header.length || fields.some((field) => field === '')) {
      fail(file, line, `expected ${header.length} non-empty fields`)
    }
    const row = Object.fromEntries(header.map((name, i) => [name, fields[i]])) as Record<H, string>
    rows.push({ line, row })
  })
  return rows
}

function fail(file: string, line: number, problem: string): never {
  throw new SeedDataError(`${file}:${line}: ${problem}`)
}
