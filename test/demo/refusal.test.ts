import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count } from 'drizzle-orm'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createDb } from '../../src/db/client.js'
import { adminSettings, people, visits } from '../../src/db/schema/index.js'
import { runSeedDemoCli } from '../../src/demo/seed-demo-cli.js'
import { DemoRefusedError, checkDemoTarget, seedDemo } from '../../src/demo/write.js'
import { createTestDbUrl, hasPostgres, useTestDb, seedTestDataDir } from '../harness/db.js'
import { seedPerson } from '../harness/visits-db.js'

const NOW = new Date('2026-10-30T03:00:00Z')

describe('a database with real people', () => {
  const ctx = useTestDb()

  test('is refused, and nothing is written', async () => {
    await seedPerson(ctx.db, { name: 'Siti Rahayu', roles: ['kader'], regionCode: '35.07.24.2001' })
    expect(await checkDemoTarget(ctx.db)).toEqual({ kind: 'foreign', people: 1 })
    await expect(seedDemo(ctx.db, { now: NOW })).rejects.toBeInstanceOf(DemoRefusedError)
    expect((await ctx.db.select({ n: count() }).from(people))[0]!.n).toBe(1)
    expect((await ctx.db.select({ n: count() }).from(visits))[0]!.n).toBe(0)
    expect(await ctx.db.select().from(adminSettings)).toEqual([])
  })

  test('is refused when someone was added after the demo', async () => {
    await seedDemo(ctx.db, { now: NOW })
    await seedPerson(ctx.db, { name: 'Budi Santoso', roles: ['kader'], regionCode: '35.07.24' })
    expect(await checkDemoTarget(ctx.db)).toEqual({ kind: 'foreign', people: 1 })
    await expect(seedDemo(ctx.db, { now: NOW })).rejects.toBeInstanceOf(DemoRefusedError)
  })
})

describe('npm run seed:demo (the CLI)', () => {
  let cleanup: (() => Promise<void>) | undefined
  afterEach(async () => {
    await cleanup?.()
    cleanup = undefined
    vi.restoreAllMocks()
  })

  test('seeds, then says it is there, then refuses once real people were added', async () => {
    let env: Record<string, string>
    if (hasPostgres) {
      const database = await createTestDbUrl()
      cleanup = database.drop
      env = { DATABASE_URL: database.url }
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'kaderbot-demo-'))
      cleanup = () => rm(dir, { recursive: true, force: true })
      await seedTestDataDir(dir)
      env = { DATA_DIR: dir }
    }
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined)

    expect(await runSeedDemoCli(env, NOW)).toBe(0)
    expect(out.mock.calls.flat().join('\n')).toMatch(/Data demo bulan 2026-10 tersimpan/)
    expect(out.mock.calls.flat().join('\n')).toMatch(/0812-0000-1000/)

    out.mockClear()
    expect(await runSeedDemoCli(env, NOW)).toBe(0)
    expect(out.mock.calls.flat().join('\n')).toMatch(/sudah ada/)

    const handle = await createDb({
      databaseUrl: env['DATABASE_URL'],
      ...(env['DATA_DIR'] ? { dataDir: env['DATA_DIR'] } : {}),
    })
    try {
      await seedPerson(handle.db, {
        name: 'Budi Santoso',
        roles: ['kader'],
        regionCode: '35.07.24',
      })
    } finally {
      await handle.close()
    }
    expect(await runSeedDemoCli(env, NOW)).toBe(1)
    const refusal = err.mock.calls.flat().join('\n')
    expect(refusal).toMatch(/Ditolak: basis data ini berisi 1 orang yang bukan data demo/)
    expect(refusal).toMatch(/Refused: this database holds 1 people who are not demo data/)
  }, 300_000)
})
