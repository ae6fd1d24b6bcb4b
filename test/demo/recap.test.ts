/**
 * The demo's monthly recap: after `seedDemo`, one demo desa's recap is complete (every check
 * passes, so it can be signed) and another is blocked by checks that name their cells (a BKB group
 * more than exists, reports waiting for validation).
 */
import { beforeAll, expect, test } from 'vitest'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/raw.js'
import { seedDemo } from '../../src/demo/write.js'
import { desaRecap } from '../../src/recap/figures.js'
import { useTestDb } from '../harness/db.js'

const NOW = new Date('2026-10-30T03:00:00Z')
const ctx = useTestDb('file')
let period = ''

beforeAll(async () => {
  const seeded = await seedDemo(ctx.db, { now: NOW })
  if (seeded.action !== 'seeded') throw new Error('the demo was already there')
  period = seeded.plan.period
})

test('one demo desa has a complete recap, another is blocked by checks naming their cells', async () => {
  const desas = rowsOf<{ desa_code: string; valid: boolean }>(
    await ctx.db.execute(sql`select desa_code, bool_and(state = 'valid') as valid
      from poktan_activities group by desa_code order by desa_code`)
  )
  expect(desas).toHaveLength(2)
  const complete = desas.find((d) => d.valid)!.desa_code
  const blocked = desas.find((d) => !d.valid)!.desa_code
  const ok = await desaRecap(ctx.db, { period, desaCode: complete })
  expect(ok.checks).toEqual([])
  expect(ok.figures['poktan.bkb.meetings']?.value).toBe(2)
  expect(ok.figures['units.bkb.reported']?.value).toBe(1)
  expect(ok.figures['kb.pus']?.value).toBe(420)
  const stopped = await desaRecap(ctx.db, { period, desaCode: blocked })
  expect(stopped.checks.map((c) => c.code)).toContain('melebihi')
  expect(stopped.checks.find((c) => c.code === 'melebihi')?.place).toEqual({
    section: 'I',
    row: 'BKB',
    column: 'Yang melapor',
  })
  expect(stopped.checks.map((c) => c.code)).toContain('menunggu_validasi')
})
