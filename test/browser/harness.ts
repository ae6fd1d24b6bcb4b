/**
 * Browser tests' harness: Debian's Chromium driven by `playwright-core` (no bundled browser),
 * and the dashboard served in-process on a real port over the hand-seeded month of
 * `test/harness/admin.ts`, with what a started bot runs beside it: the runtime behind the
 * simulator API (so MASUK sends a real link), the outbox sender for the simulator channel, and
 * the fires tick (every second) that sends broadcasts. Everything reads the wall clock, as in
 * production: the browser drops a session cookie whose expiry (login time + 12 hours) is in the
 * past, so the fixture's fixed clock (28 November 2025) cannot be used; the tests pick the
 * seeded month in the pages' month filter instead.
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { type Browser, type Page, chromium } from 'playwright-core'
import { createSimulatorChannel } from '../../src/channels/simulator/adapter.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import type { Db } from '../../src/db/client.js'
import { deliverToSimulator, listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { startScheduler } from '../../src/scheduler/index.js'
import { broadcastHandlers } from '../../src/scheduler/jobs/broadcasts.js'
import { ADMIN_TOKEN, createDashboardApp } from '../harness/admin.js'
import { testI18n } from '../harness/i18n.js'
import { createRuntimeForTest, silentLogger } from '../harness/runtime.js'

/** Debian's `chromium` package; `.ci/run` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Where screenshots of the pages are kept after a run (git-ignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots')

/** A laptop and a phone, the two screens the dashboard must work on. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const

/**
 * Flags for a closed network and no display: nothing phones home (updates, sync, QUIC probes)
 * and there is no GPU. `headless: true` adds `--headless`, and Playwright gives each launch a
 * fresh `--user-data-dir` of its own in the temp dir, removed on close.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Thrown when Chromium is not installed: the browser tests fail, never skip. */
export class ChromiumMissingError extends Error {
  readonly code = 'CHROMIUM_MISSING' as const

  constructor() {
    super(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests (test/browser) drive Debian's ` +
        `chromium package: install it with "apt-get install -y chromium".`
    )
    this.name = 'ChromiumMissingError'
  }
}

/** Launches headless Chromium, or fails with how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new ChromiumMissingError()
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  })
}

export type DashboardServer = {
  /** `http://127.0.0.1:<port>`. */
  url: string
  stop: () => Promise<void>
}

/**
 * Serves the dashboard, the simulator API and `/api/v1` on a real port over `db`, with the
 * runtime, the simulator sender and a fires tick running, until `stop()`.
 */
export async function startDashboardServer(db: Db): Promise<DashboardServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-browser-'))
  const media = createMediaStore(dataDir)
  const i18n = await testI18n()
  const sender = createOutboxSender({
    db,
    logger: silentLogger,
    channels: [
      createSimulatorChannel({
        deliver: (recipientId, message) => deliverToSimulator(db, { recipientId, message }),
      }),
    ],
  })
  let url = ''
  const runtime = await createRuntimeForTest(db, {
    adminBaseUrl: () => url,
    onQueued: (channel) => sender.wake(channel),
  })
  const app = await createDashboardApp(
    db,
    { media, onQueued: () => sender.wake(), clock: undefined },
    {
      simulator: {
        handleInbound: runtime.handleInbound,
        listInbox: (params) => listSimulatorInbox(db, params),
        media,
      },
      api: { db, i18n, timeZone: 'Asia/Jakarta', adminToken: ADMIN_TOKEN },
    }
  )
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  sender.start()
  // Fires due by the wall clock run at once: the fixture's broadcasts are all in the past.
  const scheduler = startScheduler({
    db,
    timeZone: 'Asia/Jakarta',
    schedule: '* * * * * *',
    handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }),
    logger: silentLogger,
  })
  return {
    url,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive connections of the browser would hold `close` open.
      server.closeAllConnections()
      await closed
      await scheduler.stop()
      await sender.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Sends one simulator message as `from` and returns the bot's replies, joined. */
export async function say(url: string, from: string, text: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/simulator/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  })
  if (response.status !== 200) throw new Error(`simulator answered ${response.status}`)
  const body = (await response.json()) as { replies: { text: string }[] }
  return body.replies.map((reply) => reply.text).join('\n')
}

/**
 * Full-page screenshots of the page at `path` on a laptop and a phone, saved as
 * `<name>-laptop.png` and `<name>-phone.png`; returns the files. The page's size is put back.
 */
export async function screenshots(page: Page, path: string, name: string): Promise<string[]> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const before = page.viewportSize()
  const files: string[] = []
  for (const [device, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size)
    await page.goto(path)
    const file = join(SCREENSHOT_DIR, `${name}-${device}.png`)
    await page.screenshot({ path: file, fullPage: true })
    files.push(file)
  }
  if (before) await page.setViewportSize(before)
  return files
}

/** Whether the page is wider than its viewport (a layout that makes a phone scroll sideways). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  // A string, so the browser's `document` needs no DOM types in this Node project.
  const wider = await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1'
  )
  return wider === true
}
