import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listDesa, listKecamatan } from '../../src/db/queries/regions.js'
import { rowsOf } from '../../src/db/raw.js'
import { regions } from '../../src/db/schema/index.js'
import { KABUPATEN_CODE, type RegionSeedFiles, seedRegions } from '../../src/db/seed-regions.js'
import { createTestDb } from '../harness/db.js'
import type { TestDbHandle } from '../harness/db.js'

let handle: TestDbHandle

beforeAll(async () => {
  handle = await createTestDb() // migrated and already seeded by the harness
})

afterAll(async () => {
  await handle?.close()
})

/**
 * Every region row's version: `xmin` changes when a row is written, `xmax` when one is locked (an
 * upsert that finds the row identical still locks it).
 */
async function rowVersions(): Promise<string[]> {
  const rows = rowsOf<{ version: string }>(
    await handle.db.execute(
      sql`select code || ' ' || xmin::text || ' ' || xmax::text as version from regions order by code`
    )
  )
  return rows.map((row) => row.version)
}

const SEED_DIR = fileURLToPath(new URL('../../src/db/seed/', import.meta.url))

async function countByLevel(): Promise<Record<string, number>> {
  const rows = await handle.db
    .select({ level: regions.level, n: sql<number>`count(*)::int` })
    .from(regions)
    .groupBy(regions.level)
  return Object.fromEntries(rows.map((row) => [row.level, row.n]))
}

describe('seedRegions', () => {
  it('gives 1 kabupaten, 33 kecamatan and 390 villages (378 desa + 12 kelurahan)', async () => {
    expect(await countByLevel()).toEqual({ kabupaten: 1, kecamatan: 33, desa: 378, kelurahan: 12 })
    const [kabupaten] = await handle.db.select().from(regions).where(eq(regions.level, 'kabupaten'))
    expect(kabupaten).toEqual({
      code: '35.07',
      level: 'kabupaten',
      name: 'Kabupaten Malang',
      parentCode: null,
    })
  })

  it('links every kecamatan to 35.07 and every village to an existing kecamatan', async () => {
    const orphans = rowsOf<{ code: string }>(
      await handle.db.execute(sql`
        select child.code from regions child
        left join regions parent on parent.code = child.parent_code
        where child.level <> 'kabupaten'
          and (parent.code is null
            or (child.level = 'kecamatan' and parent.code <> ${KABUPATEN_CODE})
            or (child.level in ('desa', 'kelurahan') and parent.level <> 'kecamatan'))`)
    )
    expect(orphans).toEqual([])
  })

  it('inserts nothing and updates nothing when run again, also inside a transaction', async () => {
    expect(await seedRegions(handle.db)).toEqual({ inserted: 0, updated: 0 })
    expect(await handle.db.transaction((tx) => seedRegions(tx))).toEqual({
      inserted: 0,
      updated: 0,
    })
  })

  it('updates only the rows whose name changed, and restores them', async () => {
    await handle.db
      .update(regions)
      .set({ name: 'Singosari Lama' })
      .where(eq(regions.code, '35.07.24'))
    await handle.db
      .update(regions)
      .set({ name: 'Ardimulyo X' })
      .where(eq(regions.code, '35.07.24.2001'))

    expect(await seedRegions(handle.db)).toEqual({ inserted: 0, updated: 2 })
    const [singosari] = await handle.db.select().from(regions).where(eq(regions.code, '35.07.24'))
    expect(singosari?.name).toBe('Singosari')
  })

  it('inserts all 424 rows into an empty table in one run', async () => {
    await handle.db.delete(regions)
    expect(await seedRegions(handle.db)).toEqual({ inserted: 424, updated: 0 })
    expect(await countByLevel()).toEqual({ kabupaten: 1, kecamatan: 33, desa: 378, kelurahan: 12 })
  })

  it('writes nothing, not even a row lock, when a restart finds the stored regions equal to the files', async () => {
    const before = await rowVersions()
    expect(before).toHaveLength(424)
    expect(await seedRegions(handle.db)).toEqual({ inserted: 0, updated: 0 })
    expect(await rowVersions()).toEqual(before)
  })

  it('applies a changed file at the next start, then writes nothing again until it changes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaderbot-regions-'))
    try {
      const files: RegionSeedFiles = {
        kecamatan: join(SEED_DIR, 'kab-malang-kecamatan.csv'),
        desa: join(dir, 'desa.csv'),
      }
      const desa = await readFile(join(SEED_DIR, 'kab-malang-desa.csv'), 'utf8')
      expect(desa).toContain('35.07.24.2001,35.07.24,Wonorejo,desa')
      await writeFile(
        files.desa,
        desa.replace('35.07.24.2001,35.07.24,Wonorejo,desa', '35.07.24.2001,35.07.24,Wonoreja,desa')
      )
      expect(await seedRegions(handle.db, files)).toEqual({ inserted: 0, updated: 1 })
      const [renamed] = await handle.db
        .select()
        .from(regions)
        .where(eq(regions.code, '35.07.24.2001'))
      expect(renamed?.name).toBe('Wonoreja')

      const applied = await rowVersions()
      expect(await seedRegions(handle.db, files)).toEqual({ inserted: 0, updated: 0 })
      expect(await rowVersions()).toEqual(applied)

      expect(await seedRegions(handle.db)).toEqual({ inserted: 0, updated: 1 })
      const [restored] = await handle.db
        .select()
        .from(regions)
        .where(eq(regions.code, '35.07.24.2001'))
      expect(restored?.name).toBe('Wonorejo')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('region queries', () => {
  it('listKecamatan returns the 33 kecamatan ordered by name', async () => {
    const kecamatan = await listKecamatan(handle.db)
    expect(kecamatan).toHaveLength(33)
    const names = kecamatan.map((row) => row.name)
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    expect(kecamatan).toContainEqual({
      code: '35.07.24',
      level: 'kecamatan',
      name: 'Singosari',
      parentCode: '35.07',
    })
  })

  it('listDesa returns the 17 villages of Singosari (35.07.24), including its kelurahan', async () => {
    const villages = await listDesa(handle.db, '35.07.24')
    expect(villages).toHaveLength(17)
    expect(villages.every((row) => row.parentCode === '35.07.24')).toBe(true)
    expect(new Set(villages.map((row) => row.level))).toEqual(new Set(['desa', 'kelurahan']))
  })

  it('listDesa returns nothing for an unknown kecamatan or for the kabupaten', async () => {
    expect(await listDesa(handle.db, '35.07.99')).toEqual([])
    expect(await listDesa(handle.db, '35.07')).toEqual([])
  })
})
