/**
 * Exports stream: 25,000 generated visits go out as CSV and as XLSX through the
 * real routes while the JS heap is sampled after every chunk the reader takes. Garbage is collected
 * before each sample, so the samples are the memory the export keeps alive. The measurement is
 * printed; the assertion is only that it stays far below what holding the rows would take
 * (the control test: 25,000 row objects of ~25 fields take over 20 MB), never a time.
 * 25,000 rows, not more: the export keeps a few batches of 1,000 rows alive whatever the total
 * (the growth measured was 0 to 3.3 MB with 10,000 rows and with 25,000, 2.6 to 6 MB with 100,000),
 * while holding the rows grows with them: 20 to 22 MB here, twice the bound, in a third of the
 * time the same test took with 100,000 rows and a 32 MB bound.
 */
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { listVisitRows } from '../../src/db/queries/listings.js'
import { createFamily } from '../../src/db/queries/visits.js'
import { people } from '../../src/db/schema/index.js'
import { ADMIN_TOKEN, WONOREJO, buildApiApp } from '../harness/api.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'

const ROWS = 25_000
/** Generous: a few batches of 1,000 rows plus the drivers' and the zip's buffers. */
const MAX_HEAP_GROWTH_MB = 10

let handle: TestDbHandle
let api: Awaited<ReturnType<typeof buildApiApp>>

beforeAll(async () => {
  // Loading the rows in one statement takes longer than the production deadline of 1.5 s on
  // a busy CI machine; this test measures memory, not deadlines.
  handle = await createTestDb({ statementTimeoutMs: 60_000 })
  const [cadre] = await handle.db
    .insert(people)
    .values({ name: 'Kader Uji', roles: ['kader'], regionCode: WONOREJO })
    .returning({ id: people.id })
  const family = await createFamily(handle.db, {
    headName: 'Keluarga Uji',
    desaCode: WONOREJO,
    createdBy: cadre!.id,
    consentedAt: null,
  })
  // One statement: the November visits spread over the month's days.
  await handle.db.execute(`
    insert into visits (reference, cadre_id, family_id, desa_code, visit_date, period, sasaran,
      kb_status, kb_method, actions, created_at)
    select 'KJ-2511-' || lpad(g::text, 6, '0'), ${cadre!.id}, ${family.id}, '${WONOREJO}',
      date '2025-11-01' + (g % 30), '2025-11', array['pus', 'krs'], 'ber_kb', 'suntik_3',
      array['kie'], timestamptz '2025-11-01 05:00+00' + (g % 30) * interval '1 day'
    from generate_series(1, ${ROWS}) as g
  `)
  // What autovacuum does after a bulk load in production: without statistics the planner would
  // sort every matching row for each keyset page instead of walking the primary key.
  await handle.db.execute('analyze visits')
  api = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
}, 120_000)
afterAll(async () => {
  await handle.close()
})

// A full collection before the baseline, so garbage of earlier work does not hide the growth.
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** The JS heap plus Buffers and ArrayBuffers (where zip and stream buffers live, off the heap). */
function heapAndBuffers(): number {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/**
 * Reads a response body to the end; every `every` chunks it collects garbage and samples the heap,
 * so the peak is what the export keeps alive while it runs (not garbage waiting for a collection).
 */
async function drain(response: Response, every: number, onChunk?: (chunk: Uint8Array) => void) {
  collectGarbage()
  const start = heapAndBuffers()
  let peak = start
  let bytes = 0
  let chunks = 0
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    chunks += 1
    onChunk?.(value)
    if (chunks % every === 0) {
      collectGarbage()
      peak = Math.max(peak, heapAndBuffers())
    }
  }
  return { bytes, chunks, growthMb: (peak - start) / 1024 / 1024 }
}

describe(`exports of ${ROWS} visits stream in bounded memory`, () => {
  test('CSV', async () => {
    const response = await api.get('/api/v1/exports/visits.csv?period=2025-11')
    expect(response.status).toBe(200)
    let lines = 0
    const { bytes, growthMb } = await drain(response, 2, (chunk) => {
      for (const byte of chunk) if (byte === 0x0a) lines += 1
    })
    console.info(
      `CSV export of ${ROWS} visits: ${(bytes / 1024 / 1024).toFixed(1)} MB written, peak growth of heap and buffers ${growthMb.toFixed(1)} MB`
    )
    expect(lines).toBe(1 + ROWS)
    expect(growthMb).toBeLessThan(MAX_HEAP_GROWTH_MB)
  }, 300_000)

  test('XLSX', async () => {
    const response = await api.get('/api/v1/exports/visits.xlsx?period=2025-11')
    expect(response.status).toBe(200)
    const dir = await mkdtemp(join(tmpdir(), 'kaderbot-export-'))
    const path = join(dir, 'kunjungan.xlsx')
    const file = await open(path, 'w')
    try {
      let writing = Promise.resolve()
      const { bytes, growthMb } = await drain(response, 20, (chunk) => {
        writing = writing.then(async () => void (await file.write(chunk)))
      })
      await writing
      console.info(
        `XLSX export of ${ROWS} visits: ${(bytes / 1024 / 1024).toFixed(1)} MB written, peak growth of heap and buffers ${growthMb.toFixed(1)} MB`
      )
      expect(growthMb).toBeLessThan(MAX_HEAP_GROWTH_MB)
      await file.close()
      // The file is whole: exceljs reads every row back.
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.readFile(path)
      expect(workbook.worksheets[0]!.rowCount).toBe(1 + ROWS)
    } finally {
      await file.close().catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    }
  }, 300_000)

  test('control: holding the same rows at once would break the bound', async () => {
    collectGarbage()
    const start = heapAndBuffers()
    const all = await listVisitRows(handle.db, {
      scope: { regionPrefix: '35.07' },
      period: '2025-11',
      limit: ROWS,
    })
    collectGarbage()
    const heldMb = (heapAndBuffers() - start) / 1024 / 1024
    console.info(`Holding ${all.rows.length} visit rows at once: ${heldMb.toFixed(1)} MB`)
    expect(all.rows).toHaveLength(ROWS)
    expect(heldMb).toBeGreaterThan(MAX_HEAP_GROWTH_MB)
  }, 300_000)
})
