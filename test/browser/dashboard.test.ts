/**
 * The dashboard in real headless Chromium (Debian's package, driven by `playwright-core`) over
 * the hand-seeded month of `test/harness/admin.ts`, served on a real port with the runtime, the
 * simulator sender and the fires tick running: an admin logs in with the link MASUK sends in
 * the simulator chat, reads Ringkasan's indicators (counted by hand in the fixture), filters
 * Kunjungan, downloads an XLSX and reads it back, sends a broadcast and watches its progress bar
 * reach 100%; a supervisor is refused data outside their kecamatan by page and by API.
 * Screenshots of the main pages on a laptop and a phone go to `test-artifacts/screenshots/`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { TAJINAN, useSeededDashboard } from '../harness/admin.js'
import { giveConsent } from '../harness/runtime.js'
import {
  ChromiumMissingError,
  type DashboardServer,
  VIEWPORTS,
  launchChromium,
  overflowsSideways,
  say,
  screenshots,
  startDashboardServer,
} from './harness.js'

const month = useSeededDashboard()
let server: DashboardServer
let browser: Browser
const contexts: BrowserContext[] = []
const errors: string[] = []
let downloads: string
let missing: ChromiumMissingError | undefined

beforeAll(async () => {
  server = await startDashboardServer(month.db)
  try {
    browser = await launchChromium()
  } catch (error) {
    // Not installed: every test fails with how to install it (counted as failures, not skips).
    if (!(error instanceof ChromiumMissingError)) throw error
    missing = error
  }
  downloads = await mkdtemp(join(tmpdir(), 'kaderbot-downloads-'))
  await giveConsent(month.db, ['sim-admin', 'sim-sup', 'sim-siti'])
}, 120_000)

// Each test (not the whole file at once) fails while Chromium is missing.
beforeEach(() => {
  if (missing) throw missing
})

afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await server?.stop()
  if (downloads) await rm(downloads, { recursive: true, force: true })
})

/** A new browser profile (its own cookies) on a laptop screen; script errors fail the test. */
async function newPage(): Promise<Page> {
  if (missing) throw missing
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: VIEWPORTS.laptop,
    locale: 'id-ID',
    acceptDownloads: true,
  })
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (error) => errors.push(error.message))
  // An escaped name must never run: any dialog is a script that ran.
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return page
}

/** Logs a page in as the person chatting from `chat`: MASUK, then the link's confirm button. */
async function logInByChat(page: Page, chat: string): Promise<void> {
  const reply = await say(server.url, chat, 'masuk')
  expect(reply).toContain('berlaku 10 menit, sekali pakai')
  const link = /(http:\/\/127\.0\.0\.1:\d+\/admin\/login\/[A-Za-z0-9_-]+)/.exec(reply)?.[1]
  expect(link).toBeDefined()
  await page.goto(link!)
  // Opening the link only shows the button: a chat app's preview spends nothing.
  await expect.poll(() => page.locator('h1').textContent()).toContain('Masuk ke dasbor')
  await page.getByRole('button', { name: 'Masuk sekarang' }).click()
  await page.waitForURL(`${server.url}/admin`)
}

/** The visible text of one indicator card, spaces collapsed. */
async function card(page: Page, id: string): Promise<string> {
  const text = await page.locator(`#ind-${id}`).innerText()
  return text.replace(/\s+/g, ' ')
}

/** The family names in the visit table. */
async function listedFamilies(page: Page): Promise<string[]> {
  return page.locator('tbody tr td:nth-child(3)').allInnerTexts()
}

describe('an admin', () => {
  let admin: Page
  beforeAll(async () => {
    if (!missing) admin = await newPage()
  })

  test('logs in with the one-time link MASUK sends in the simulator chat', async () => {
    const login = await admin.goto('/admin')
    expect(login?.url()).toBe(`${server.url}/admin/login`)
    expect(await admin.locator('body').innerText()).toContain('kirim MASUK ke KaderBot')
    await logInByChat(admin, 'sim-admin')
    expect(await admin.locator('header').innerText()).toContain('Admin Kabupaten')

    // The link was used: opening it again shows the refusal, not a second session.
    const reply = await say(server.url, 'sim-admin', 'masuk')
    const again = /\/admin\/login\/[A-Za-z0-9_-]+/.exec(reply)![0]
    const other = await newPage()
    await other.goto(again)
    await other.getByRole('button', { name: 'Masuk sekarang' }).click()
    await other.waitForURL(`${server.url}/admin`)
    await other.goto(again)
    await other.getByRole('button', { name: 'Masuk sekarang' }).click()
    await expect
      .poll(() => other.locator('[role="alert"]').innerText())
      .toContain('Tautan masuk tidak berlaku')
  })

  test('reads the indicators of the seeded month as counted by hand', async () => {
    // The month of the fixture, chosen in the filter form (the dashboard runs on today's date).
    await admin.goto('/admin')
    const filters = admin.locator('form.filters')
    await filters.locator('select[name="bulan"]').selectOption('2025-11')
    await filters.locator('button[type="submit"]').click()
    await admin.waitForURL(/bulan=2025-11/)
    expect(await admin.locator('body').innerText()).toContain(
      'Periode November 2025, Seluruh Kabupaten Malang'
    )
    // The hand counts of test/admin/pages.test.ts (module comment of test/harness/admin.ts).
    expect(await card(admin, 'visitsPerCadre')).toContain('1,3')
    expect(await card(admin, 'visitsPerCadre')).toContain('4 kunjungan ÷ 3 kader aktif')
    expect(await card(admin, 'activeCadreRate')).toContain('75%')
    expect(await card(admin, 'activeCadreRate')).toContain('3 dari 4')
    expect(await card(admin, 'referralCompletion')).toContain('33,3%')
    expect(await card(admin, 'krsCoverage')).toContain('3 dari 4')
    expect(await card(admin, 'kbParticipation')).toContain('3 dari 4')
    expect(await card(admin, 'attendanceRate')).toContain('75%')
    expect(await card(admin, 'completionRate')).toContain('33,3%')
    expect(await card(admin, 'dropOutRate')).toContain('0%')
    expect(await card(admin, 'targetAchievement')).toContain('3 dari 300')
    // Charts are drawn on the server as SVG with a title.
    await expect.poll(() => admin.locator('#chart-weeks svg[role="img"]').count()).toBe(1)

    // Narrowed to Kecamatan Singosari through the filter form.
    await filters.locator('select[name="kecamatan"]').selectOption({ label: 'Singosari' })
    await filters.locator('button[type="submit"]').click()
    await admin.waitForURL(/bulan=2025-11&kecamatan=35\.07\.24/)
    expect(await card(admin, 'visitsPerCadre')).toContain('1,5')
    expect(await card(admin, 'activeCadreRate')).toContain('66,7%')
    expect(await card(admin, 'attendanceRate')).toContain('3 dari 4')
    expect(await card(admin, 'completionRate')).toContain('50%')
  })

  test('filters the visits, opens one, and downloads the list as XLSX', async () => {
    await admin.goto('/admin/kunjungan')
    const all = await listedFamilies(admin)
    expect(all).toHaveLength(4)
    // The name with a script tag shows as text; no dialog ran (checked after all tests).
    expect(all).toContain('<script>alert("x")</script> Keluarga')

    const form = admin.locator('form.filters')
    await form.locator('select[name="rujukan"]').selectOption('sudah_dilayani')
    await form.locator('button[type="submit"]').click()
    await admin.waitForURL(/rujukan=sudah_dilayani/)
    expect(await listedFamilies(admin)).toEqual(['Budi Santoso'])

    await admin.locator('tbody tr a').first().click()
    await admin.waitForURL(/\/admin\/kunjungan\/\d+$/)
    const detail = await admin.locator('main').innerText()
    expect(detail).toContain('Budi Santoso')
    expect(detail).toContain('Siti Rahayu')

    // Kecamatan Singosari, then download what the list shows: V1, V2, V3 (not Tajinan's V4).
    await admin.goto('/admin/kunjungan')
    await form.locator('select[name="kecamatan"]').selectOption({ label: 'Singosari' })
    await form.locator('button[type="submit"]').click()
    await admin.waitForURL(/kecamatan=35\.07\.24/)
    expect((await listedFamilies(admin)).sort()).toEqual(
      ['<script>alert("x")</script> Keluarga', 'Budi Santoso', 'Joko'].sort()
    )
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: 'Excel (XLSX)' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^kunjungan.*\.xlsx$/)
    const file = join(downloads, download.suggestedFilename())
    await download.saveAs(file)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(file)
    const sheet = workbook.worksheets[0]!
    const header = (sheet.getRow(1).values as unknown[]).map(String)
    expect(header).toContain('Nomor laporan')
    expect(sheet.rowCount).toBe(1 + 3)
    const kecamatan = header.indexOf('Kecamatan')
    const dates = header.indexOf('Tanggal kunjungan')
    const rows = [2, 3, 4].map((n) => sheet.getRow(n).values as unknown[])
    expect(rows.map((row) => row[kecamatan])).toEqual(['Singosari', 'Singosari', 'Singosari'])
    expect(rows.map((row) => String(row[dates])).sort()).toEqual([
      expect.stringContaining('2025-11-03'),
      expect.stringContaining('2025-11-10'),
      expect.stringContaining('2025-11-18'),
    ])
  })

  test('sends a broadcast and watches its progress bar reach 100%', async () => {
    await admin.goto('/admin/siaran')
    await admin.locator('input[name="peran"][value="kader"]').check()
    await admin.locator('textarea[name="teks"]').fill('Rapat kader Jumat pukul 09.00, {nama}.')
    await admin.getByRole('button', { name: 'Pratinjau dan hitung penerima' }).click()
    await admin.waitForURL(/teks=/)
    // Active cadres of the kabupaten: siti, ani, dewi, rina (nur and tuti are pending).
    const preview = await admin.locator('main').innerText()
    expect(preview).toContain('4 penerima')
    expect(preview).toContain('Rapat kader Jumat pukul 09.00, Admin Kabupaten.')

    await admin.getByRole('button', { name: 'Kirim siaran' }).click()
    await admin.waitForURL(/\/admin\/siaran\?hasil=/)
    // The fires tick fans it out, the sender delivers (siti has a chat and consented; ani, dewi and rina have
    // none and are skipped), and the page reloads itself every 10 seconds until it is done.
    const done = admin.locator('progress[value="4"][max="4"]')
    await done.waitFor({ state: 'attached', timeout: 90_000 })
    expect(await admin.locator('main').innerText()).toContain(
      '4 dari 4 selesai: 1 terkirim, 0 gagal, 3 dilewati'
    )
    const inbox = await fetch(`${server.url}/api/v1/simulator/inbox?from=sim-siti`)
    const { messages } = (await inbox.json()) as { messages: { text?: string }[] }
    expect(messages.map((m) => m.text).join('\n')).toContain(
      'Rapat kader Jumat pukul 09.00, Siti Rahayu.'
    )
  }, 120_000)

  test('the main pages, on a laptop and a phone, saved as screenshots', async () => {
    const pages: [string, string][] = [
      ['/admin?bulan=2025-11', 'ringkasan'],
      ['/admin/kunjungan?bulan=2025-11', 'kunjungan'],
      [`/admin/kunjungan/${month.seed.visits.v1}`, 'kunjungan-detail'],
      ['/admin/pelatihan', 'pelatihan'],
      [`/admin/pelatihan/${month.seed.cohorts.sgs}`, 'pelatihan-kelompok'],
      ['/admin/siaran', 'siaran'],
      ['/admin/orang', 'orang'],
    ]
    for (const [path, name] of pages) {
      const files = await screenshots(admin, path, name)
      expect(files).toHaveLength(2)
      // On the phone (the last size shot) nothing makes the page scroll sideways.
      await admin.setViewportSize(VIEWPORTS.phone)
      await admin.goto(path)
      expect({ name, overflows: await overflowsSideways(admin) }).toEqual({
        name,
        overflows: false,
      })
      await admin.setViewportSize(VIEWPORTS.laptop)
    }
    const anonymous = await newPage()
    await screenshots(anonymous, '/admin/login', 'masuk')
  }, 120_000)
})

describe('a supervisor of Singosari', () => {
  test('is refused data of Tajinan, by page and by API', async () => {
    const sup = await newPage()
    await logInByChat(sup, 'sim-sup')
    expect(await sup.locator('header').innerText()).toContain('Lestari')

    // Ringkasan: their kecamatan only; a Tajinan filter typed in the URL is dropped.
    const options = await sup
      .locator('form.filters select[name="kecamatan"] option')
      .allInnerTexts()
    expect(options.filter((label) => label !== 'Semua')).toEqual(['Singosari'])
    await sup.goto(`/admin?bulan=2025-11&kecamatan=${TAJINAN}`)
    expect(await sup.locator('body').innerText()).toContain('Sebagian filter tidak valid')
    expect(await card(sup, 'visitsPerCadre')).toContain('1,5')

    // Kunjungan: no Tajinan visit listed, and Hadi's visit (V4) cannot be opened by its URL.
    await sup.goto(`/admin/kunjungan?kecamatan=${TAJINAN}`)
    expect(await listedFamilies(sup)).not.toContain('Hadi')
    const opened = await sup.goto(`/admin/kunjungan/${month.seed.visits.v4}`)
    expect(opened?.status()).toBe(404)
    const refusal = await sup.locator('main').innerText()
    expect(refusal).toContain('di luar wilayah Anda')
    expect(refusal).not.toContain('Hadi')
    await screenshots(sup, `/admin/kunjungan/${month.seed.visits.v4}`, 'di-luar-wilayah')

    // Data endpoints with the supervisor's own cookies: the dashboard's export refuses the
    // other kecamatan, and the REST API does not take a dashboard session at all.
    const exported = await sup.request.get(`/admin/ekspor/kunjungan.csv?kecamatan=${TAJINAN}`)
    expect(exported.status()).toBe(404)
    const own = await sup.request.get('/admin/ekspor/kunjungan.csv')
    expect(own.status()).toBe(200)
    expect(await own.text()).not.toContain(`${TAJINAN}.`)
    for (const path of ['/api/v1/visits', `/api/v1/visits?kecamatan=${TAJINAN}`]) {
      const api = await sup.request.get(path)
      expect(api.status()).toBe(401)
      expect(await api.text()).not.toContain('Hadi')
    }
  })
})

test('no page ran a script error or opened a dialog', () => {
  expect(errors).toEqual([])
})
