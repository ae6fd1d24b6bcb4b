/**
 * The web simulator page in headless Chromium on a real port: buttons numbered as the bot numbers
 * them, a multiple choice answered with several taps and "Selesai", the admin-token field hidden
 * while nothing asked for it, the attachment buttons named as the bot names them (📎), and a
 * report number kept on one line on a phone. Screenshots land in `test-artifacts/screenshots`.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { deliverToSimulator } from '../../src/db/queries/simulator.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { giveConsent } from '../harness/runtime.js'
import {
  ChromiumMissingError,
  type DashboardServer,
  SCREENSHOT_DIR,
  VIEWPORTS,
  launchChromium,
  startDashboardServer,
} from './harness.js'

const FROM = 'web-browser-1'

let handle: TestDbHandle
let server: DashboardServer
let browser: Browser | undefined
let missing: ChromiumMissingError | undefined

beforeAll(async () => {
  handle = await createTestDb()
  await giveConsent(handle.db, [FROM])
  server = await startDashboardServer(handle.db)
  try {
    browser = await launchChromium()
  } catch (error) {
    if (!(error instanceof ChromiumMissingError)) throw error
    missing = error
  }
}, 120_000)

beforeEach(() => {
  if (missing) throw missing
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await handle?.close()
})

/** The last bot bubble's buttons, by their text. */
const lastButtons = (page: Page) =>
  page.locator('li.from-bot').last().locator('button.choice').allTextContents()

/** Waits until the chat shows at least `count` bubbles. */
async function waitForBubbles(page: Page, count: number) {
  await expect.poll(() => page.locator('#messages li').count()).toBeGreaterThanOrEqual(count)
}

async function type(page: Page, text: string, bubblesAfter: number) {
  await page.fill('#text', text)
  await page.press('#text', 'Enter')
  await waitForBubbles(page, bubblesAfter)
}

describe('the simulator page in Chromium', () => {
  test('numbered buttons, several taps and Selesai, no token field, 📎, one-line report number', async () => {
    const page = await browser!.newPage({ viewport: VIEWPORTS.phone })
    await page.addInitScript(`localStorage.setItem('kaderbot.simulator.from', '${FROM}')`)
    await page.goto(`${server.url}/simulator`)
    // Nothing asked for a token: the field stays hidden.
    expect(await page.locator('#token-row').isHidden()).toBe(true)
    // The bot says "tombol lampiran 📎, lalu Lokasi": the page's buttons say the same.
    expect((await page.locator('#location').textContent())!.replace(/\s/g, '')).toBe('📎Lokasi')

    await type(page, 'kenalan', 2)
    await type(page, 'Siti', 4)
    expect(await lastButtons(page)).toEqual([
      '1. Kader KB (PPKBD/Sub-PPKBD)',
      '2. Peserta pelatihan ibu muda',
      '3. Petugas DPPKB',
      '4. Lainnya',
    ])
    await page.locator('li.from-bot').last().getByRole('button', { name: '2. Peserta' }).click()
    await waitForBubbles(page, 6)
    await type(page, '2', 8)
    await type(page, 'lewati', 10)

    // "Topik apa yang Bapak/Ibu minati?": taps mark options, "Selesai" sends them as "2, 3".
    const topics = page.locator('li.from-bot').nth((await page.locator('li.from-bot').count()) - 1)
    expect(await topics.locator('.text').textContent()).toMatch(
      /^Topik apa yang Bapak\/Ibu minati\?/
    )
    const buttons = topics.locator('button.choice')
    const done = topics.getByRole('button', { name: 'Selesai' })
    expect(await done.isDisabled()).toBe(true)
    await buttons.nth(2).click()
    await buttons.nth(1).click()
    expect(await buttons.nth(1).getAttribute('aria-pressed')).toBe('true')
    const [second, third] = (await buttons.allTextContents()).slice(1, 3)
    await done.click()
    await waitForBubbles(page, 12)
    const answer = await page.locator('li.from-me').last().locator('.text').textContent()
    expect(answer).toBe(`${second!.slice(3)}, ${third!.slice(3)}`)
    expect(await page.locator('li.from-bot').last().locator('.text').textContent()).toMatch(/foto/i)

    // A report number never breaks at its hyphens, even in a narrow bubble.
    await deliverToSimulator(handle.db, {
      recipientId: FROM,
      message: {
        text: 'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000123. Ini kunjungan ke-12 Anda bulan ini.',
      },
    })
    const reference = page.locator('.reference').last()
    await reference.waitFor()
    expect(await reference.textContent()).toBe('KJ-2511-000123')
    // Run in the browser: its globals, typed here by hand (the tests compile without the DOM lib).
    type Styles = { getComputedStyle: (el: unknown) => { whiteSpace: string } }
    const whiteSpace = await reference.evaluate(
      (el) => (globalThis as unknown as Styles).getComputedStyle(el).whiteSpace
    )
    expect(whiteSpace).toBe('nowrap')
    // One box: the number is not split over two lines.
    const boxes = await reference.evaluate(
      (el) =>
        (el as unknown as { getClientRects: () => { length: number } }).getClientRects().length
    )
    expect(boxes).toBe(1)

    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'simulator-page-phone.png') })
    await page.close()
  }, 60_000)
})
