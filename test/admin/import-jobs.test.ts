/**
 * Dashboard imports as jobs, on the real database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): the upload answers with the job page, the job runs in the background
 * through `runImport`, its JSON gives the counts, its report is paged 100 rows at a time with the
 * rejected rows first; a failing import is `failed` with an Indonesian reason and changed nothing;
 * a job a restart cut off is marked failed at start-up; a file over the limit gets the Indonesian
 * page. On PostgreSQL the counts grow while the import runs (a connection of their own).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SQL, count, eq, like, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db, DbHandle } from '../../src/db/client.js'
import { auditLog, importJobRows, importJobs, people } from '../../src/db/schema/index.js'
import type { ImportJobStatusJson } from '../../src/http/admin/imports.js'
import { type ImportJobs, openImportJobs } from '../../src/import/jobs.js'
import {
  NOW,
  createDashboardApp,
  seedDashboard,
  signInAs,
  signInWithToken,
} from '../harness/admin.js'
import { type TestDbHandle, createTestDb, hasPostgres } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

const DESA = '35.07.24.2001'

let handle: TestDbHandle
let dataDir: string
let jobs: ImportJobs
let app: Awaited<ReturnType<typeof createDashboardApp>>
let admin: Awaited<ReturnType<typeof signInWithToken>>
let supervisor: Awaited<ReturnType<typeof signInWithToken>>

beforeAll(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-import-jobs-'))
  const seed = await seedDashboard(handle.db)
  jobs = openImportJobs(handle as DbHandle, {
    dataDir,
    logger: silentLogger,
    timeZone: 'Asia/Jakarta',
  })
  app = await createDashboardApp(handle.db, { importJobs: jobs })
  admin = await signInWithToken(app)
  supervisor = await signInAs(app, handle.db, seed.supSgs)
})

afterAll(async () => {
  await handle?.close()
  await rm(dataDir, { recursive: true, force: true })
})

/** A people file: `rows` kader rows with phones from `first`, every `badEvery`th with a bad region. */
function peopleCsv(rows: number, first: number, badEvery = 0): string {
  const lines = ['nama;telepon;peran;kode_wilayah']
  for (let i = 1; i <= rows; i++) {
    const phone = `0813${String(first + i).padStart(8, '0')}`
    const region = badEvery > 0 && i % badEvery === 0 ? '99.99' : DESA
    lines.push(`Kader Impor ${letters(first + i)};${phone};kader;${region}`)
  }
  return lines.join('\n')
}

/** A name part without digits (names may not hold numbers). */
function letters(n: number): string {
  let text = ''
  for (let rest = n; rest > 0; rest = Math.floor(rest / 26)) {
    text = String.fromCharCode(97 + (rest % 26)) + text
  }
  return text
}

async function upload(
  browser: typeof admin,
  csv: string,
  kind = 'people'
): Promise<{ response: Response; jobId: number }> {
  const data = new FormData()
  data.set('_csrf', await browser.csrf('/admin/orang'))
  data.set('jenis', kind)
  data.set('berkas', new File([csv], 'impor.csv', { type: 'text/csv' }))
  const response = await browser.post('/admin/orang/impor', data)
  const location = response.headers.get('location') ?? ''
  return { response, jobId: Number(/\/admin\/impor\/(\d+)$/.exec(location)?.[1] ?? NaN) }
}

async function status(jobId: number): Promise<ImportJobStatusJson> {
  const response = await admin.get(`/admin/impor/${jobId}/status`)
  expect(response.status).toBe(200)
  return (await response.json()) as ImportJobStatusJson
}

/** The table rows of a job page's report: line and outcome. */
function reportRows(html: string): { line: number; outcome: string }[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'))
  return [...body.matchAll(/<tr><td class="num">(\d+)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map(
    (match) => ({ line: Number(match[1]), outcome: match[2]! })
  )
}

/**
 * Runs `statement` in a transaction on a connection of its own and keeps that transaction open
 * (its locks held) until `release` is called; resolves once the statement ran.
 */
async function holdInTransaction(
  db: Db,
  statement: SQL
): Promise<{ release: () => Promise<void> }> {
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => (release = resolve))
  let locked: () => void = () => undefined
  const isLocked = new Promise<void>((resolve) => (locked = resolve))
  const holder = db.transaction(async (tx) => {
    await tx.execute(statement)
    locked()
    await held
  })
  await isLocked
  return {
    release: async () => {
      release()
      await holder
    },
  }
}

const peopleLike = async (prefix: string) =>
  (
    await handle.db
      .select({ n: count() })
      .from(people)
      .where(like(people.name, `${prefix}%`))
  )[0]!.n

describe('an import as a job', () => {
  test('upload → job page → JSON counts → done → report paged, rejected rows first', async () => {
    const { response, jobId } = await upload(admin, peopleCsv(250, 1000, 25))
    expect(response.status).toBe(303)
    const [job] = await handle.db.select().from(importJobs).where(eq(importJobs.id, jobId))
    expect(job).toMatchObject({ kind: 'people', actor: 'admin_token', total: 250 })

    await jobs.settled()
    expect(await status(jobId)).toMatchObject({
      status: 'done',
      ended: true,
      processed: 250,
      accepted: 240,
      rejected: 10,
    })
    // The upload waited in DATA_DIR and is gone once the job ended.
    expect(await readdir(join(dataDir, 'import-uploads'))).toEqual([])

    const first = await (await admin.get(`/admin/impor/${jobId}`)).text()
    expect(first).toContain('Hasil impor')
    expect(first).toContain('240 diterima')
    expect(first).toContain('Halaman 1 dari 3')
    const rows = reportRows(first)
    expect(rows).toHaveLength(100)
    // Lines 26, 51, … 251 (every 25th row) rejected, first; then the others from line 2.
    expect(rows.slice(0, 10).map((row) => row.line)).toEqual(
      Array.from({ length: 10 }, (_, i) => 26 + 25 * i)
    )
    expect(rows.slice(0, 10).every((row) => row.outcome === 'ditolak')).toBe(true)
    expect(first).toContain('kode wilayah 99.99 tidak dikenal')
    expect(rows[10]).toEqual({ line: 2, outcome: 'diterima' })
    expect(first).toContain(`href="/admin/impor/${jobId}?halaman=2"`)

    const last = reportRows(await (await admin.get(`/admin/impor/${jobId}?halaman=3`)).text())
    expect(last).toHaveLength(50)
    expect(last.at(-1)).toEqual({ line: 250, outcome: 'diterima' })

    expect(await peopleLike('Kader Impor')).toBe(240)
    const audits = await handle.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'people_imported'))
    expect(audits.at(-1)).toMatchObject({
      actor: 'admin_token',
      detail: { accepted: 240, rejected: 10 },
    })
  })

  test('the job page polls through a served script, never an inline one', async () => {
    const html = await (await admin.get('/admin/orang')).text()
    expect(html).toContain('name="jenis"')
    // A job still running (as a request sees it while the import works).
    const [running] = await handle.db
      .insert(importJobs)
      .values({ kind: 'people', actor: 'admin_token', status: 'running', total: 9, createdAt: NOW })
      .returning()
    const page = await (await admin.get(`/admin/impor/${running!.id}`)).text()
    expect(page).toContain(`data-import-job="/admin/impor/${running!.id}/status"`)
    expect(page).toContain('Sedang diproses')
    expect(page).toContain('<script src="/admin/assets/import-job.js"')
    expect(page).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/)
    const script = await admin.get('/admin/assets/import-job.js')
    expect(script.headers.get('content-type')).toContain('text/javascript')
    expect(await script.text()).toContain('data-import-job')
    await handle.db.delete(importJobs).where(eq(importJobs.id, running!.id))
    const { jobId } = await upload(admin, peopleCsv(3, 5000))
    await jobs.settled()
    // Done: the report instead of the bar.
    const done = await (await admin.get(`/admin/impor/${jobId}`)).text()
    expect(done).not.toContain('data-import-job')
    expect(done).toContain('3 diterima')
  })

  test('a failing import is failed with the Indonesian reason and changed nothing', async () => {
    const before = await peopleLike('Kader Impor')
    const audits = async () => (await handle.db.select({ n: count() }).from(auditLog))[0]!.n
    const auditsBefore = await audits()
    // Hundreds of good rows, then a quote never closed far down the file.
    const csv = `${peopleCsv(1200, 20_000)}\n"Kader Rusak;0813999999;kader;${DESA}\n`
    const { jobId } = await upload(admin, csv)
    await jobs.settled()
    expect(await status(jobId)).toMatchObject({ status: 'failed', ended: true })
    const [job] = await handle.db.select().from(importJobs).where(eq(importJobs.id, jobId))
    expect(job!.failure).toMatch(/^impor dibatalkan, tidak ada data yang diubah: berkas CSV rusak/)
    const page = await (await admin.get(`/admin/impor/${jobId}`)).text()
    expect(page).toContain('Impor gagal: impor dibatalkan, tidak ada data yang diubah')
    expect(page).toContain('Tidak ada data yang diubah')
    expect(await peopleLike('Kader Impor')).toBe(before)
    expect(await audits()).toBe(auditsBefore)
    const kept = await handle.db
      .select({ n: count() })
      .from(importJobRows)
      .where(eq(importJobRows.jobId, jobId))
    expect(kept[0]!.n).toBe(0)
  })

  test('only admins start an import or see one', async () => {
    const data = new FormData()
    data.set('_csrf', await supervisor.csrf('/admin/orang'))
    data.set('berkas', new File([peopleCsv(1, 7000)], 'a.csv'))
    expect((await supervisor.post('/admin/orang/impor', data)).status).toBe(403)
    const [job] = await handle.db.select({ id: importJobs.id }).from(importJobs).limit(1)
    expect((await supervisor.get(`/admin/impor/${job!.id}`)).status).toBe(403)
    expect((await supervisor.get(`/admin/impor/${job!.id}/status`)).status).toBe(403)
    expect((await admin.get('/admin/impor/999999')).status).toBe(404)
  })

  test('sessions and enrollments are offered and run through the same job', async () => {
    const { jobId } = await upload(admin, 'kode_kelompok;tanggal\nX1;2025-12-01\n', 'sessions')
    await jobs.settled()
    const [job] = await handle.db.select().from(importJobs).where(eq(importJobs.id, jobId))
    expect(job).toMatchObject({ kind: 'sessions' })
    expect(['done', 'failed']).toContain(job!.status)
    expect(await (await admin.get(`/admin/impor/${jobId}`)).text()).toContain(
      'Jadwal sesi pelatihan'
    )
  })
})

describe('a restart', () => {
  test('marks failed the jobs it cut off; they changed nothing', async () => {
    const [stale] = await handle.db
      .insert(importJobs)
      .values({ kind: 'people', actor: 'admin_token', status: 'running', createdAt: NOW })
      .returning()
    const restarted = openImportJobs(handle as DbHandle, {
      dataDir,
      logger: silentLogger,
      timeZone: 'Asia/Jakarta',
    })
    expect(await restarted.failInterrupted()).toEqual([stale!.id])
    const json = await status(stale!.id)
    expect(json).toMatchObject({ status: 'failed', ended: true })
    const page = await (await admin.get(`/admin/impor/${stale!.id}`)).text()
    expect(page).toContain('impor terhenti karena aplikasi dimulai ulang')
  })

  // Postgres only: the other replica is a second session holding the job's advisory lock, and
  // PGlite has a single session.
  test.runIf(hasPostgres)(
    'leaves alone a job another replica is running (it holds its lock)',
    async () => {
      const [live] = await handle.db
        .insert(importJobs)
        .values({ kind: 'people', actor: 'admin_token', status: 'running', createdAt: NOW })
        .returning()
      const other = await holdInTransaction(
        handle.lane('other-replica', 1),
        sql`select pg_advisory_xact_lock(hashtext(${`import_job:${live!.id}`}))`
      )
      expect(await jobs.failInterrupted()).toEqual([])
      await other.release()
      expect(await jobs.failInterrupted()).toEqual([live!.id])
    }
  )
})

// Postgres only: progress is written from a connection of its own while the import holds its
// transaction; PGlite's single session cannot do both (its bar is indeterminate instead).
describe.runIf(hasPostgres)('progress on PostgreSQL', () => {
  test('the counts grow while the import runs (written from a connection of their own)', async () => {
    // A row the third batch writes is locked by someone else: the import waits there, after
    // writing the progress of its first two batches.
    const csv = peopleCsv(1200, 40_000)
    const blockedPhone = `+62813${String(40_000 + 1100).padStart(8, '0')}`
    await handle.db.insert(people).values({
      name: 'Kader Impor Terkunci',
      phone: blockedPhone,
      roles: ['kader'],
      regionCode: DESA,
      status: 'active',
    })
    const other = await holdInTransaction(
      handle.lane('row-holder', 1),
      sql`select id from people where phone = ${blockedPhone} for update`
    )
    const { jobId } = await upload(admin, csv)
    let seen: ImportJobStatusJson | undefined
    // Each poll is a request to the app; the import cannot pass the locked row meanwhile.
    for (let polls = 0; polls < 10_000; polls++) {
      seen = await status(jobId)
      if (seen.processed >= 1000) break
    }
    await other.release()
    expect(seen).toMatchObject({ status: 'running', live: true, processed: 1000, total: 1200 })
    expect(seen!.progressText).toBe('1.000 dari sekitar 1.200 baris dibaca, 0 ditolak.')
    await jobs.settled()
    expect(await status(jobId)).toMatchObject({ status: 'done', processed: 1200 })
  })
})

describe('a file over the limit', () => {
  test('answers the Indonesian page, never a bare English 413', async () => {
    const data = new FormData()
    data.set('_csrf', await admin.csrf('/admin/orang'))
    data.set('berkas', new File(['x'.repeat(6 * 1024 * 1024)], 'besar.csv'))
    const response = await admin.post('/admin/orang/impor', data)
    expect(response.status).toBe(413)
    const html = await response.text()
    expect(html).toContain('Kiriman terlalu besar (paling banyak 5 MB)')
    expect(html).toContain('<html lang="id">')
    expect(html).not.toMatch(/Payload Too Large/i)
  })

  test('a file just over 5 MB within the body limit gets the people page with the reason', async () => {
    const data = new FormData()
    data.set('_csrf', await admin.csrf('/admin/orang'))
    data.set('berkas', new File(['x'.repeat(5 * 1024 * 1024 + 10)], 'besar.csv'))
    const response = await admin.post('/admin/orang/impor', data)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Berkas lebih dari 5 MB')
  })
})
