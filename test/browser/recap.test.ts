/**
 * The monthly recap in real headless Chromium over the recap month of `test/recap/fixture.ts`
 * (November 2026), served as production serves it: the PKB logs in, reads Cakupan laporan (late
 * ones first) and the Rekap bulanan of Wonorejo with its blocking check, validates the waiting
 * report in Validasi with one click, signs the recap, and downloads its PDF, whose first page is
 * rendered to PNG. Screenshots go to `test-artifacts/screenshots/` (cakupan-laporan-*,
 * rekap-bulanan-*, rekap-pdf-page-1.png).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PDFParse } from 'pdf-parse'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createLoginToken } from '../../src/db/queries/admin.js'
import { useTestDb } from '../harness/db.js'
import { PERIOD, type RecapSeed, WONOREJO, seedRecapMonth } from '../recap/fixture.js'
import {
  type DashboardServer,
  SCREENSHOT_DIR,
  VIEWPORTS,
  launchChromium,
  overflowsSideways,
  screenshots,
  startDashboardServer,
} from './harness.js'

const database = useTestDb('file')
let seed: RecapSeed
let server: DashboardServer
let browser: Browser
const errors: string[] = []

beforeAll(async () => {
  seed = await seedRecapMonth(database.db)
  server = await startDashboardServer(database.db)
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function logInAs(personId: number): Promise<Page> {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: VIEWPORTS.laptop,
    locale: 'id-ID',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (error) => errors.push(error.message))
  // The wall clock: the browser drops a session cookie that expired by it.
  const { token } = await createLoginToken(database.db, { personId, now: new Date() })
  await page.goto(`/admin/login/${token}`)
  await page.getByRole('button', { name: 'Masuk sekarang' }).click()
  await page.waitForURL(`${server.url}/admin`)
  return page
}

test('coverage, the blocked recap, one-click validation, signing and the PDF', async () => {
  const pkb = await logInAs(seed.yanto)
  await pkb.getByRole('link', { name: 'Cakupan laporan' }).first().click()
  await pkb.selectOption('select[name="bulan"]', PERIOD)
  await pkb.getByRole('button', { name: 'Tampilkan' }).click()
  const rows = await pkb.locator('table').nth(1).locator('tbody tr').allInnerTexts()
  // Ani of Dengkol has not reported November: before the two who did.
  expect(rows[0]).toContain('Ani Susanti')
  expect(rows[0]).toContain('Belum lapor')
  const coverage = await screenshots(pkb, `/admin/cakupan?bulan=${PERIOD}`, 'cakupan-laporan')
  expect(await overflowsSideways(pkb)).toBe(false)

  const recapPath = `/admin/rekap?bulan=${PERIOD}&desa=${WONOREJO}`
  await pkb.goto(recapPath)
  await expect
    .poll(() => pkb.locator('.checks').innerText())
    .toContain('Masih ada 1 laporan yang menunggu validasi.')
  await screenshots(pkb, recapPath, 'rekap-bulanan')

  await pkb.goto(`/admin/validasi?bulan=${PERIOD}&status=submitted`)
  await pkb
    .locator(`#laporan-activity-${seed.activities.A5}`)
    .getByRole('button', { name: 'Sah' })
    .click()
  await expect.poll(() => pkb.locator('body').innerText()).toContain('Laporan dinyatakan sah.')

  await pkb.goto(recapPath)
  await pkb.getByRole('button', { name: 'Tanda tangani rekap ini' }).click()
  await expect
    .poll(() => pkb.locator('body').innerText())
    .toContain('Ditandatangani di dasbor oleh Yanto Prasetyo')

  const [download] = await Promise.all([
    pkb.waitForEvent('download'),
    pkb.getByRole('link', { name: 'Unduh PDF' }).click(),
  ])
  const file = await download.path()
  const { readFile } = await import('node:fs/promises')
  const parser = new PDFParse({ data: new Uint8Array(await readFile(file)) })
  const text = (await parser.getText()).text.replace(/[\t ]+/g, ' ')
  expect(text).toContain('BKB 36 24 17 3')
  expect(text).toContain('Ditandatangani di dasbor oleh Yanto Prasetyo')
  const shot = await parser.getScreenshot({ first: 1, scale: 1.5, imageBuffer: true })
  await parser.destroy()
  const png = join(SCREENSHOT_DIR, 'rekap-pdf-page-1.png')
  await writeFile(png, shot.pages[0]!.data)
  expect(Buffer.from(shot.pages[0]!.data).subarray(1, 4).toString('latin1')).toBe('PNG')
  expect(coverage).toHaveLength(2)
  expect(errors).toEqual([])
}, 120_000)
