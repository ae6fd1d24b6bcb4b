/**
 * A cohort's documents in real headless Chromium (Debian's package, driven by `playwright-core`),
 * served on a real port over a finished cohort with graduates: an admin logs in with the
 * ADMIN_TOKEN form, opens the cohort from the Pelatihan page, downloads its certificates (one
 * PDF, a page per graduate) and its daftar hadir (one PDF, a page per session), and both files
 * are read back.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFParse } from 'pdf-parse'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { completeCohortAndPlan } from '../../src/conversation/training-completion.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { listCertificates } from '../../src/db/queries/training-certificates.js'
import { ADMIN_TOKEN } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import {
  baselinesSettled,
  enrolParticipants,
  morningSession,
  sewingCohort,
  wib,
} from '../harness/training-db.js'
import { type DashboardServer, launchChromium, startDashboardServer } from './harness.js'

const handle = useTestDb('file')
let server: DashboardServer
let browser: Browser
let downloads: string
let cohortId: number

/*
 * SGS-MJ-01, two sessions (1 and 2 December 2026); the default rule (80% of sessions held):
 * Nur Aini and Lilis Suryani attend both and graduate, Wati attends one and does not.
 */
beforeAll(async () => {
  const db = handle.db
  const cohort = await sewingCohort(db)
  cohortId = cohort.cohortId
  const planned = wib('2026-11-20T10:00')
  const sessions = [
    await morningSession(db, { cohortId, topic: 'Pola dasar', now: planned }),
    await morningSession(db, { cohortId, topic: 'Ujian', date: '2026-12-02', now: planned }),
  ]
  const people = await enrolParticipants(db, cohortId, planned, [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Lilis Suryani', chat: 'wa-lilis' },
    { name: 'Wati', chat: 'wa-wati' },
  ])
  await baselinesSettled(db, Object.values(people), wib('2026-11-20T10:01'))
  const attendees = [Object.values(people), [people['Nur Aini'], people['Lilis Suryani']]]
  for (const [index, session] of sessions.entries()) {
    for (const personId of attendees[index]!) {
      await recordAttendance(db, {
        sessionId: session.id,
        personId,
        status: 'present',
        method: 'kode',
        at: wib(`2026-12-0${index + 1}T07:55`),
      })
    }
  }
  await completeCohortAndPlan(
    db,
    { i18n: await testI18n(), timeZone: 'Asia/Jakarta' },
    cohortId,
    wib('2026-12-02T12:00')
  )
  server = await startDashboardServer(db)
  browser = await launchChromium()
  downloads = await mkdtemp(join(tmpdir(), 'kaderbot-certificates-'))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  if (downloads) await rm(downloads, { recursive: true, force: true })
})

/** Clicks a link that downloads, saves the file and reads it back as PDF text and page count. */
async function downloadPdf(page: Page, name: string) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name }).click(),
  ])
  const file = join(downloads, download.suggestedFilename())
  await download.saveAs(file)
  const parser = new PDFParse({ data: new Uint8Array(await readFile(file)) })
  const pages = (await parser.getText()).pages.map((p) => p.text.replace(/\s+/g, ' '))
  await parser.destroy()
  return { filename: download.suggestedFilename(), pages }
}

test('an admin downloads a cohort’s certificates and daftar hadir from its page', async () => {
  const context = await browser.newContext({
    baseURL: server.url,
    locale: 'id-ID',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))

  await page.goto('/admin/login')
  await page.locator('input[name="token"]').fill(ADMIN_TOKEN)
  await page.locator('form[action="/admin/login"] button[type="submit"]').click()
  await page.waitForURL(`${server.url}/admin`)

  await page.goto('/admin/pelatihan')
  await page.getByRole('link', { name: 'SGS-MJ-01' }).click()
  await page.waitForURL(`${server.url}/admin/pelatihan/${cohortId}`)

  const certificates = await downloadPdf(page, 'Unduh sertifikat lulusan kelompok ini (PDF)')
  expect(certificates.filename).toBe('sertifikat-SGS-MJ-01.pdf')
  const codes = (await listCertificates(handle.db, { cohortId })).map((c) => [c.name, c.code])
  expect(codes.map(([name]) => name)).toEqual(['Lilis Suryani', 'Nur Aini'])
  expect(certificates.pages).toHaveLength(2)
  for (const [index, [name, code]] of codes.entries()) {
    expect(certificates.pages[index]).toContain(name)
    expect(certificates.pages[index]).toContain(`Nomor: ${code}`)
    expect(certificates.pages[index]).toContain('dengan kehadiran 2 dari 2 sesi')
  }
  expect(certificates.pages.join(' ')).not.toContain('Wati')

  const sheets = await downloadPdf(page, 'Semua sesi kelompok ini dalam satu PDF')
  expect(sheets.filename).toBe('daftar-hadir_SGS-MJ-01.pdf')
  expect(sheets.pages).toHaveLength(2)
  expect(sheets.pages[0]).toContain('Hari, tanggal : Selasa, 1 Desember 2026')
  expect(sheets.pages[0]).toContain('Jumlah Hadir Izin Tidak hadir Terdaftar 3 0 0 3')
  expect(sheets.pages[1]).toContain('Hari, tanggal : Rabu, 2 Desember 2026')
  expect(sheets.pages[1]).toContain('Jumlah Hadir Izin Tidak hadir Terdaftar 2 0 1 3')
  expect(errors).toEqual([])
  await context.close()
}, 120_000)
