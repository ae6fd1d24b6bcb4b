/**
 * The PGlite template `npm run build` makes (src/db/pglite-template.ts): a fresh data directory
 * copied from it holds the same migrations journal, schema and regions as one made from scratch,
 * an existing database is never touched, and a template made by other migrations is not used.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import { ensurePgliteTemplate } from '../../src/db/pglite-template-build.js'
import { TEMPLATE_KEY_FILE, readTemplateKey } from '../../src/db/pglite-template.js'
import { rowsOf } from '../../src/db/raw.js'

let root: string
let template: string
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kaderbot-template-'))
  template = join(root, 'template')
  expect(await ensurePgliteTemplate(template)).toBe('made')
}, 120_000)
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** What must be identical between a copied and a made database. */
async function shape(db: Db) {
  const journal = rowsOf<{ hash: string; created_at: string }>(
    await db.execute(
      sql`select hash, created_at::text from drizzle.__drizzle_migrations order by id`
    )
  )
  const columns = rowsOf<{ c: string }>(
    await db.execute(sql`select table_name || '.' || column_name || ':' || data_type as c
      from information_schema.columns where table_schema = 'public' order by 1`)
  ).map((row) => row.c)
  const indexes = rowsOf<{ i: string }>(
    await db.execute(
      sql`select indexdef as i from pg_indexes where schemaname = 'public' order by 1`
    )
  ).map((row) => row.i)
  const extensions = rowsOf<{ e: string }>(
    await db.execute(sql`select extname as e from pg_extension order by 1`)
  ).map((row) => row.e)
  const [regions] = rowsOf<{ n: string }>(
    await db.execute(sql`select count(*)::text as n from regions`)
  )
  return { journal, columns, indexes, extensions, regions: Number(regions?.n) }
}

async function withDb<T>(handle: DbHandle, use: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await use(handle.db)
  } finally {
    await handle.close()
  }
}

describe('the PGlite template', () => {
  test('is kept while the migrations, seed and PGlite are unchanged', async () => {
    const key = readTemplateKey(template)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(await ensurePgliteTemplate(template)).toBe('kept')
    expect(readTemplateKey(template)).toBe(key)
    // Nothing of the build is left beside it.
    expect(readdirSync(root)).toEqual(['template'])
  })

  test('a fresh data directory copied from it is the database made from scratch', async () => {
    const fromScratch = await withDb(await createDb({ memory: true }), async (db) => {
      const { seedRegions } = await import('../../src/db/seed-regions.js')
      await seedRegions(db)
      return shape(db)
    })
    const dataDir = join(root, 'copied')
    const logger = { info: vi.fn(), warn: vi.fn() }
    const handle = await createDb({ dataDir, template, logger })
    expect(logger.info).toHaveBeenCalledWith({ template: 'copied' }, 'pglite template checked')
    expect(logger.warn).not.toHaveBeenCalled()
    expect(handle.migration).toMatchObject({ applied: 0, total: fromScratch.journal.length })
    const copied = await withDb(handle, async (db) => {
      await db.execute(sql`insert into regions (code, level, name) values ('99', 'kabupaten', 'X')`)
      return shape(db)
    })
    expect(copied).toEqual({ ...fromScratch, regions: fromScratch.regions + 1 })
    expect(fromScratch.regions).toBe(424)
    expect(fromScratch.extensions).toContain('pg_trgm')

    // Started again: the database is kept as it is, the template not looked at.
    const again = { info: vi.fn(), warn: vi.fn() }
    const reopened = await createDb({ dataDir, template, logger: again })
    expect(again.info).not.toHaveBeenCalledWith(expect.anything(), 'pglite template checked')
    expect((await withDb(reopened, shape)).regions).toBe(fromScratch.regions + 1)
  }, 120_000)

  test('is not used when it was made by other migrations, nor when there is none', async () => {
    const stale = join(root, 'stale')
    const logger = { info: vi.fn(), warn: vi.fn() }
    // A template of other migrations: its key differs from the running code's.
    const { cpSync } = await import('node:fs')
    cpSync(template, stale, { recursive: true })
    writeFileSync(join(stale, TEMPLATE_KEY_FILE), `${'0'.repeat(64)}\n`)
    const handle = await createDb({ dataDir: join(root, 'from-stale'), template: stale, logger })
    expect(logger.info).toHaveBeenCalledWith({ template: 'stale' }, 'pglite template checked')
    // initdb and every migration ran instead.
    expect(handle.migration?.applied).toBe(handle.migration?.total)
    await handle.close()

    const none = { info: vi.fn(), warn: vi.fn() }
    const missing = join(root, 'no-template')
    await (
      await createDb({ dataDir: join(root, 'from-none'), template: missing, logger: none })
    ).close()
    expect(none.info).toHaveBeenCalledWith({ template: 'absent' }, 'pglite template checked')
  }, 120_000)
})
