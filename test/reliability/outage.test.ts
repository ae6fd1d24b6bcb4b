/**
 * Database outage (reliability suite): the bot runs in-process (`startKaderbot`, Telegram
 * webhook mode against the fake Bot API) with its database, outbox leases included, reached
 * through a TCP proxy the test controls. Cadres type their visit reports while the proxy is cut for
 * a few seconds: the webhook answers 503 (Telegram delivers again), `/healthz` answers 503, nothing
 * is half-written, and the bot recovers without a restart: the redelivered updates are processed
 * exactly once and every report lands. Postgres only: embedded PGlite has no connection to cut.
 * Then every route (simulator, `/api/v1`, dashboard, `/healthz`, both webhooks) while the
 * connections are reset and while the link stalls (a blackhole): 503 within 2 s, then working
 * again after the restore, with the outbox sender and scheduler neither crashing nor spinning.
 */
import { sql } from 'drizzle-orm'
import { Bot } from 'grammy'
import postgres from 'postgres'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type SeededPerson, seedFamilies, seedPeople } from '../../bench/seed.js'
import { loadConfig } from '../../src/config.js'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { telegramWebhookRoutes } from '../../src/http/routes/telegram-webhook.js'
import { type Kaderbot, startKaderbot } from '../../src/kaderbot.js'
import { type FakeTelegram, startFakeTelegram, textUpdate } from '../harness/fake-telegram.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'
import { type FakeGraph, startFakeGraph } from '../harness/fake-graph.js'
import { CLOUD_SECRETS, cloudPayload, cloudText, postWebhook } from '../harness/whatsapp-cloud.js'
import { createLogger } from '../../src/lib/logger.js'
import { type TcpProxy, startTcpProxy, targetOf, viaProxy } from './harness/tcp-proxy.js'
import {
  VISIT_SCRIPT,
  buildScripts,
  checkReplies,
  startLoad,
  waitUntil,
} from './harness/visit-load.js'
import { rowsOf } from '../../src/db/raw.js'

const SECRET = 'reliability_outage_secret'
const ADMIN_TOKEN = 'reliability-outage-admin-token'
const USERS = 12
const CUT_MS = 3000
const TELEGRAM_BASE = 760_000_000

type Row = Record<string, unknown>

let dataDir: string
let database: TestDatabase | undefined
let direct: DbHandle | undefined
let proxy: TcpProxy | undefined
let fake: FakeTelegram | undefined
let bot: Kaderbot | undefined
let graph: FakeGraph | undefined

beforeEach(async () => {
  if (!hasPostgres) return
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-outage-'))
  database = await createTestDbUrl()
  direct = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
})

afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await fake?.close()
  fake = undefined
  await graph?.close()
  graph = undefined
  await proxy?.close()
  proxy = undefined
  await direct?.close()
  direct = undefined
  await database?.drop()
  database = undefined
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

async function healthz(url: string): Promise<number> {
  return fetch(`${url}/healthz`).then(
    (response) => response.status,
    () => 0
  )
}

describe.skipIf(!hasPostgres)('database outage (Postgres behind a TCP proxy)', () => {
  test('the webhook answers 503 while the database is cut, nothing is half-written, and the bot recovers without a restart', async () => {
    const now = new Date()
    const cadres: SeededPerson[] = await seedPeople(direct!.db, {
      count: USERS,
      role: 'kader',
      telegramBase: TELEGRAM_BASE,
      now,
    })
    await seedFamilies(direct!.db, cadres, now)
    const scripts = buildScripts(cadres)

    proxy = await startTcpProxy(targetOf(database!.url))
    fake = await startFakeTelegram()
    const config = loadConfig({
      DATABASE_URL: viaProxy(database!.url, proxy),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MODE: 'webhook',
    })
    bot = await startKaderbot(
      { ...config, port: 0 },
      {
        logger: silentLogger,
        hostname: '127.0.0.1',
        // The fake enforces no flood limits here; the replies need not wait for Telegram's pacing.
        outboxPacing: { telegram: null },
      }
    )
    expect(await healthz(bot.url)).toBe(200)

    // The cadres type with a pause, so the cut falls in the middle of their reports.
    const load = startLoad(scripts, { url: bot.url, secret: SECRET, thinkMs: 100, retryMs: 250 })
    const total = USERS * VISIT_SCRIPT.length
    try {
      expect(await waitUntil(() => load.acknowledged >= total * 0.3, 60_000)).toBe(true)

      // --- the cut ---
      const cutAt = load.attempts.length
      // As a stopped or restarting database server: open connections reset, new ones refused.
      await proxy.cut('refuse')
      const healthDuringCut: number[] = []
      const cutEnds = Date.now() + CUT_MS
      while (Date.now() < cutEnds) {
        healthDuringCut.push(await healthz(bot.url))
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      const duringCut = load.attempts.slice(cutAt)
      await proxy.restore()
      const restoredAt = performance.now()
      const ackAtRestore = load.acknowledged
      const attemptsAtRestore = load.attempts.length

      // --- recovery, without a restart ---
      await waitUntil(async () => (await healthz(bot!.url)) === 200, 30_000)
      expect(await healthz(bot.url)).toBe(200)
      const healthyMs = performance.now() - restoredAt
      await Promise.race([
        load.done,
        new Promise((_, reject) =>
          setTimeout(async () => {
            const last = load.attempts.slice(-24).map((a) => a.status)
            reject(
              new Error(
                `the load did not finish after the cut: ${load.acknowledged}/${total} acknowledged, ` +
                  `last statuses ${last.join(',')}, /healthz ${await healthz(bot!.url)}`
              )
            )
          }, 90_000)
        ),
      ])

      const finishedMs = performance.now() - restoredAt
      const refusedAfter = load.attempts.slice(attemptsAtRestore).filter((a) => a.status !== 200)
      const statuses = new Set(load.attempts.map((a) => a.status))
      const refused = duringCut.filter((a) => a.status !== 200)
      console.info(
        `[reliability] outage: ${CUT_MS} ms cut at ${cutAt} attempts; ${duringCut.length} attempts during it, ` +
          `${refused.length} not acknowledged (statuses ${[...new Set(duringCut.map((a) => a.status))].join(',')}); ` +
          `healthz during the cut ${[...new Set(healthDuringCut)].join(',')}; ` +
          `${ackAtRestore}/${total} updates acknowledged at the restore; /healthz 200 ${Math.round(healthyMs)} ms ` +
          `and every report typed ${Math.round(finishedMs)} ms after it, with ${refusedAfter.length} more 503s; ` +
          `${proxy.forwarded} connections through the proxy`
      )
      // Updates arrived during the cut and were refused with 503 (Telegram delivers them again);
      // no attempt ever got another error status, and no connection was dropped unanswered.
      expect(refused.length).toBeGreaterThan(0)
      expect(refused.every((a) => a.status === 503)).toBe(true)
      expect([...statuses].sort()).toEqual([200, 503])
      expect(healthDuringCut.length).toBeGreaterThan(0)
      expect(healthDuringCut.every((status) => status === 503)).toBe(true)

      // Telegram may deliver an already acknowledged update again: answered 200, processed once.
      const again = await fetch(`${bot.url}/webhook/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: scripts[0]!.updates[2]!.body,
      })
      expect(again.status).toBe(200)

      // Every reply reaches its cadre (the sender regains its lease after the cut).
      expect(
        await waitUntil(() => checkReplies(fake!.messages, scripts).missing === 0, 60_000, 200)
      ).toBe(true)
    } finally {
      load.stop()
    }

    // --- nothing half-written, nothing twice ---
    const db = direct!.db
    const inbound = rowsOf<Row>(
      await db.execute(sql`
        select i.external_id, i.conversation_id,
          (select count(*)::int from outbox o where o.inbound_id = i.id) as replies
        from inbound_messages i where i.channel = 'telegram'`)
    )
    const expectedIds = scripts.flatMap((s) => s.updates.map((u) => String(u.updateId))).sort()
    // Every update processed exactly once: one inbound row each (no more, no fewer)...
    expect(inbound.map((row) => String(row['external_id'])).sort()).toEqual(expectedIds)
    // ...each with its conversation and its reply in the outbox, written in the same transaction.
    expect(inbound.filter((row) => row['conversation_id'] === null)).toEqual([])
    expect(inbound.filter((row) => Number(row['replies']) !== 1)).toEqual([])
    // Each cadre's report landed once, whole.
    const reports = rowsOf<Row>(
      await db.execute(sql`
        select v.cadre_id, count(*)::int as n from visits v group by v.cadre_id`)
    )
    expect(reports).toHaveLength(USERS)
    expect(reports.every((row) => Number(row['n']) === 1)).toBe(true)
    const conversations = rowsOf<Row>(
      await db.execute(sql`
        select count(*)::int as n from conversations
        where channel = 'telegram' and active_flow_id is not null`)
    )
    expect(Number(conversations[0]!['n'])).toBe(0)

    // Nothing stays unsent. A send whose record the cut lost stays claimed until its lease (60 s)
    // runs out and then goes again (a duplicate, counted below), so this may take a lease's time.
    const unsent = async () =>
      Number(
        rowsOf<Row>(
          await db.execute(sql`select count(*)::int as n from outbox where status <> 'sent'`)
        )[0]!['n']
      )
    expect(await waitUntil(async () => (await unsent()) === 0, 90_000, 500)).toBe(true)

    // Replies: each cadre got the script's replies in order; a reply the sender had handed to
    // Telegram when the cut stopped it recording the send may go twice (counted, bounded by a batch).
    const replies = checkReplies(fake!.messages, scripts)
    console.info(
      `[reliability] outage: replies exact for ${replies.exact}/${USERS} cadres, ${replies.duplicates} duplicate(s)`
    )
    expect(replies.wrong).toEqual([])
    expect(replies.missing).toBe(0)
    expect(replies.duplicates).toBeLessThanOrEqual(50)
  }, 240_000)
})

type RouteProbe = { name: string; send: () => Promise<Response>; ok: number }

type ProbeResult = { name: string; status: number; ms: number; body: string }

async function probe(route: RouteProbe): Promise<ProbeResult> {
  const started = performance.now()
  const response = await route.send()
  const body = await response.text()
  return { name: route.name, status: response.status, ms: performance.now() - started, body }
}

describe.skipIf(!hasPostgres)('every route while the database is unreachable', () => {
  // Postgres only, as above: the proxy sits on the connection PGlite does not have.
  test('reset and stall: each route answers 503 within 2 s, and works again once the database is back', async () => {
    proxy = await startTcpProxy(targetOf(database!.url))
    fake = await startFakeTelegram()
    graph = await startFakeGraph()
    const lines: string[] = []
    const logger = createLogger({ level: 'info', destination: { write: (l) => lines.push(l) } })
    const config = loadConfig({
      DATABASE_URL: viaProxy(database!.url, proxy),
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      SIMULATOR_ENABLED: 'true',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MODE: 'webhook',
      WHATSAPP_CLOUD_TOKEN: graph.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: graph.phoneNumberId,
      WHATSAPP_CLOUD_APP_SECRET: CLOUD_SECRETS.appSecret,
      WHATSAPP_CLOUD_VERIFY_TOKEN: CLOUD_SECRETS.verifyToken,
      WHATSAPP_CLOUD_API_ROOT: graph.apiRoot,
    })
    bot = await startKaderbot(
      { ...config, port: 0 },
      { logger, hostname: '127.0.0.1', outboxPacing: { telegram: null, whatsapp: null } }
    )
    const url = bot.url
    const login = await fetch(`${url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    })
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }
    let nextId = 1
    const routes: RouteProbe[] = [
      { name: 'healthz', ok: 200, send: () => fetch(`${url}/healthz`) },
      {
        name: 'simulator',
        ok: 200,
        send: () =>
          fetch(`${url}/api/v1/simulator/messages`, {
            method: 'POST',
            headers: { ...bearer, 'content-type': 'application/json' },
            body: JSON.stringify({ from: `sim-${nextId++}`, text: 'halo' }),
          }),
      },
      { name: 'api list', ok: 200, send: () => fetch(`${url}/api/v1/visits`, { headers: bearer }) },
      { name: 'dashboard', ok: 200, send: () => fetch(`${url}/admin`, { headers: { cookie } }) },
      {
        name: 'telegram webhook',
        ok: 200,
        send: () =>
          fetch(`${url}/webhook/telegram`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-telegram-bot-api-secret-token': SECRET,
            },
            body: JSON.stringify(textUpdate({ id: TELEGRAM_BASE + nextId++ }, 'halo')),
          }),
      },
      {
        name: 'whatsapp webhook',
        ok: 200,
        send: () =>
          postWebhook(url, cloudPayload({ messages: [cloudText(`62812000${nextId++}`, 'halo')] }), {
            graph: graph!,
          }),
      },
    ]
    const before = await Promise.all(routes.map(probe))
    expect(before.map((r) => [r.name, r.status])).toEqual(routes.map((r) => [r.name, r.ok]))

    for (const mode of ['reset', 'stall'] as const) {
      const linesBefore = lines.length
      const cutAt = performance.now()
      await proxy.cut(mode)
      const during = await Promise.all(routes.map(probe))
      // A second round, once the pool has noticed: still 503, still quick.
      const again = await Promise.all(routes.map(probe))
      const outageMs = performance.now() - cutAt
      await proxy.restore()
      const restoredAt = performance.now()
      const after: ProbeResult[] = []
      for (const route of routes) {
        let result = await probe(route)
        const deadline = Date.now() + 30_000
        while (result.status !== route.ok && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250))
          result = await probe(route)
        }
        after.push(result)
      }
      const recoveredMs = performance.now() - restoredAt
      const outageLines = lines.slice(linesBefore).map((l) => JSON.parse(l) as { msg: string })
      const failures = outageLines.filter((l) =>
        /drain failed|tick failed|record failed/.test(l.msg)
      )
      const show = (results: ProbeResult[]) =>
        results.map((r) => `${r.name} ${r.status} ${Math.round(r.ms)} ms`).join(', ')
      console.info(
        `[reliability] database ${mode}: during [${show(during)}]; again [${show(again)}]; ` +
          `after the restore [${show(after)}] (all back in ${Math.round(recoveredMs)} ms); ` +
          `${outageLines.length} log lines (${failures.length} background failures) in ${Math.round(outageMs + recoveredMs)} ms`
      )
      for (const result of [...during, ...again]) {
        expect({ name: result.name, status: result.status }).toEqual({
          name: result.name,
          status: 503,
        })
        expect(result.ms).toBeLessThan(2000)
      }
      const dashboard = during.find((r) => r.name === 'dashboard')!
      expect(dashboard.body).toContain('basis data sedang tidak bisa dihubungi')
      const api = during.find((r) => r.name === 'api list')!
      expect(JSON.parse(api.body)).toMatchObject({ error: 'unavailable' })
      expect(after.map((r) => [r.name, r.status])).toEqual(routes.map((r) => [r.name, r.ok]))
      // The outbox sender and the scheduler wait the outage out: no crash, no busy loop (they
      // poll about once a second per channel).
      expect(failures.length).toBeLessThan(10 * Math.ceil((outageMs + recoveredMs) / 1000) + 10)
    }
  }, 300_000)
})

describe('webhook during a database stall', () => {
  test('an update that fails after the webhook timed out (503) leaves no unhandled rejection', async () => {
    // grammY's own webhook timeout left the late failure unhandled, which stops a Node process.
    fake = await startFakeTelegram()
    const bot = new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } })
    bot.use(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      throw Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })
    })
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const app = telegramWebhookRoutes({ bot, secretToken: SECRET, timeoutMilliseconds: 50 })
      const response = await app.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(textUpdate({ id: 5001 }, 'halo')),
      })
      expect(response.status).toBe(503)
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe.skipIf(!hasPostgres)('postgres.js pool after connections were reset', () => {
  // A driver bug found by the outage test (porsager/postgres#1154, #1208; open PRs #1168, #1209):
  // postgres.js 3.4.9 defers small writes behind a setImmediate; when a connection is reset
  // before that runs, its close handler cancels the immediate without forgetting it, and that
  // connection object never writes again. Once every pooled connection is poisoned the pool never
  // recovers. `patches/postgres+3.4.9.patch` (applied by patch-package at install) fixes it; this
  // test fails on the stock driver.
  test('the pool recovers after a cut in the middle of its writes (patched postgres 3.4.9)', async () => {
    proxy = await startTcpProxy(targetOf(database!.url))
    const client = postgres(viaProxy(database!.url, proxy), {
      max: 10,
      connect_timeout: 2,
      onnotice: () => undefined,
      // Reconnect at once: what is measured is whether the pool can recover, not its backoff.
      backoff: () => 0.05,
    })
    const settleWithin = <T>(promise: Promise<T>, ms: number) =>
      Promise.race([
        promise,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms)),
      ])
    try {
      await Promise.all(Array.from({ length: 10 }, () => client`select pg_sleep(0.02)`))
      // As a pooler or load balancer in front of a restarting server: accepted, then reset.
      await proxy.cut('reset')
      await Promise.allSettled(Array.from({ length: 30 }, () => client`select 1`))
      for (let round = 0; round < 2; round++) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            settleWithin(
              client`select 1`.catch(() => 0),
              1500
            )
          )
        )
      }
      await proxy.restore()
      let answered = 0
      const deadline = Date.now() + 5000
      while (answered < 8 && Date.now() < deadline) {
        const ok = await settleWithin(
          client`select 1`.then(
            () => true,
            () => false
          ),
          1000
        )
        if (ok) answered++
      }
      expect(answered).toBe(8)
    } finally {
      await client.end({ timeout: 0.1 }).catch(() => undefined)
    }
  }, 60_000)
})

// Registered only on PGlite, so the Postgres run (where CI fails on a skipped test) has none.
if (!hasPostgres) {
  describe('database outage on PGlite', () => {
    // Skipped on purpose: an outage needs a database behind a connection the test can cut (the
    // TCP proxy above); embedded PGlite runs inside the bot's process, so there is none. The
    // Postgres run covers it; this marker says so in the PGlite report instead of saying nothing.
    test.skip('needs TEST_DATABASE_URL: embedded PGlite runs in-process, there is no connection to cut', () => {})
  })
}
