/**
 * Abuse (reliability suite): a chat flooding 50 messages a second is slowed (one turn
 * at a time, a token bucket, a friendly notice) while others keep their latency and nothing a
 * person typed is lost; the Telegram webhook refuses a missing or wrong secret; every `/api/v1`
 * route (read from the OpenAPI document, so a new route is covered) refuses missing, wrong and
 * under-scoped credentials; the simulator (it speaks as any phone) needs ADMIN_TOKEN once it is
 * set, with or without a real channel; a cadre cannot run the admin commands, and a supervisor
 * cannot read outside their scope, over the dashboard, the API and the chat.
 */
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createInboundGate } from '../../src/conversation/inbound-gate.js'
import { adminLoginTokens, broadcasts, inboundMessages } from '../../src/db/schema/index.js'
import {
  ADMIN_TOKEN,
  NOW,
  createBrowser,
  createDashboardWithApi,
  signInAs,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram, textUpdate } from '../harness/fake-telegram.js'
import { testI18n } from '../harness/i18n.js'
import {
  createTestRuntime,
  giveConsent,
  silentLogger,
  simulatorMessage,
} from '../harness/runtime.js'
import { fromPeer } from '../harness/http.js'
import { useStartedBot } from '../harness/start.js'
import { rowsOf } from '../../src/db/raw.js'

type Row = Record<string, unknown>

const SECRET = 'abuse_webhook_secret-1'

let fake: FakeTelegram
beforeEach(async () => {
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
})

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

// ---------------------------------------------------------------- (a) one chat floods

describe('one chat sending 50 messages a second', () => {
  const started = useStartedBot('abuse-flood')

  test(
    'is slowed and told so, loses nothing, and does not starve the others',
    { timeout: 300_000 },
    async () => {
      const bot = await started.start({
        adminToken: ADMIN_TOKEN,
        telegram: {
          botToken: fake.token,
          apiRoot: fake.apiRoot,
          mode: 'webhook',
          webhookSecret: SECRET,
        },
      })
      const post = async (update: unknown) => {
        const t0 = performance.now()
        const response = await fetch(`${bot.url}/webhook/telegram`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body: JSON.stringify(update),
        })
        await response.arrayBuffer()
        return { status: response.status, ms: performance.now() - t0 }
      }
      const others = Array.from({ length: 5 }, (_, i) => ({ id: 8_100_001 + i, first_name: 'Ibu' }))
      const flooder = { id: 8_199_999, first_name: 'Banjir' }
      /** Each other chat sends `count` messages, each after the answer to the last. */
      const talk = async (count: number) => {
        const runs = others.map(async (person) => {
          const results = []
          for (let i = 0; i < count; i++) results.push(await post(textUpdate(person, `halo ${i}`)))
          return results
        })
        return (await Promise.all(runs)).flat()
      }

      const baseline = await talk(6)

      const FLOOD = 200 // 4 s at 50 a second
      const floodStarted = performance.now()
      const flood: Promise<{ status: number; ms: number }>[] = []
      const flooding = (async () => {
        for (let i = 0; i < FLOOD; i++) {
          flood.push(post(textUpdate(flooder, `banjir pesan nomor ${i}`)))
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      })()
      await new Promise((resolve) => setTimeout(resolve, 300)) // the flood is under way
      const during = await talk(6)
      await flooding
      const floodResults = await Promise.all(flood)
      const floodSeconds = (performance.now() - floodStarted) / 1000
      await bot.stop()

      const db = (await started.openDb()).db
      const counts = rowsOf<Row>(
        await db.execute(sql`
        select sender_id,
          count(*)::int as total,
          count(*) filter (where throttled_at is null)::int as processed,
          count(*) filter (where throttled_at is not null)::int as throttled,
          count(*) filter (where text is null)::int as without_text
        from inbound_messages where channel = 'telegram' group by sender_id order by sender_id`)
      )
      const byChat = new Map(counts.map((row) => [Number(row['sender_id']), row]))
      const flooded = byChat.get(flooder.id)!
      const report = {
        baselineP50: percentile(
          baseline.map((r) => r.ms),
          50
        ),
        baselineP95: percentile(
          baseline.map((r) => r.ms),
          95
        ),
        duringP50: percentile(
          during.map((r) => r.ms),
          50
        ),
        duringP95: percentile(
          during.map((r) => r.ms),
          95
        ),
        floodP95: percentile(
          floodResults.map((r) => r.ms),
          95
        ),
        floodSeconds: Number(floodSeconds.toFixed(1)),
        flooderProcessed: flooded['processed'],
        flooderThrottled: flooded['throttled'],
      }
      console.info(`abuse flood: ${JSON.stringify(report)}`)

      // Every request was answered 200: nothing for Telegram to redeliver in a loop.
      expect([...baseline, ...during, ...floodResults].filter((r) => r.status !== 200)).toEqual([])
      // Nothing the flooder typed is lost: every message is recorded with its text.
      expect(flooded).toMatchObject({ total: FLOOD, without_text: 0 })
      // Slowed: the burst, then three a second (plus slack for the clock between the two reads).
      expect(Number(flooded['processed'])).toBeLessThanOrEqual(30 + Math.ceil(3 * floodSeconds) + 3)
      expect(Number(flooded['throttled'])).toBeGreaterThan(100)
      // ...and told so once, in friendly words.
      const notices = rowsOf<Row>(
        await db.execute(sql`
          select count(*)::int as n from outbox
          where recipient_id = ${String(flooder.id)}
            and message->>'text' like 'Pesan datang terlalu cepat%'`)
      )
      // (It reaches the chat behind the replies queued before it, at Telegram's 1 a second.)
      expect(notices[0]!['n']).toBe(1)
      // The others were never throttled and all their messages ran.
      for (const person of others) {
        expect(byChat.get(person.id)).toMatchObject({ total: 12, processed: 12, throttled: 0 })
      }
      // Not starved: their latency during the flood stays within a few times their own baseline
      // (loose bounds: the machine is shared; the numbers are printed above).
      expect(report.duringP95).toBeLessThan(report.baselineP95 * 5 + 1500)
    }
  )
})

describe('the inbound gate, on an injected clock', () => {
  const database = useTestDb()

  test('one turn at a time per chat, a bucket, one notice; other chats unaffected', async () => {
    const db = database.db
    const { runtime } = await createTestRuntime(db)
    await giveConsent(db, ['sim-a', 'sim-b'])
    let inFlight = 0
    let peak = 0
    let clock = 0
    const gate = createInboundGate({
      db,
      i18n: await testI18n(),
      logger: silentLogger,
      clock: () => clock,
      limits: { burst: 3, perSecond: 1, noticeEveryMs: 60_000 },
      handleInbound: async (message, now) => {
        inFlight += 1
        peak = Math.max(peak, inFlight)
        try {
          return await runtime.handleInbound(message, now)
        } finally {
          inFlight -= 1
        }
      },
    })
    const at = new Date('2025-11-24T01:00:00Z')
    const send = (from: string, text: string) =>
      gate.handleInbound(simulatorMessage(from, text), at)

    const burst = await Promise.all(
      ['1', '2', '3', '4', '5'].map((n) => send('sim-a', `halo ${n}`))
    )
    expect(peak).toBe(1) // never two turns of one chat at once
    const notice = 'Pesan datang terlalu cepat'
    expect(burst.map((r) => r.replies.some((m) => m.text.startsWith(notice)))).toEqual([
      false,
      false,
      false,
      true, // the first refused message gets the notice...
      false, // ...and the next refused one no second notice
    ])
    // Another chat has its own bucket.
    expect((await send('sim-b', 'halo')).replies[0]?.text).not.toMatch(notice)

    clock += 1000 // one token back
    expect((await send('sim-a', 'halo 6')).replies[0]?.text).not.toMatch(notice)
    const seventh = simulatorMessage('sim-a', 'halo 7')
    expect((await gate.handleInbound(seventh, at)).replies).toEqual([]) // refused, no notice yet
    // A redelivered refused message is a duplicate, not a second record.
    expect((await gate.handleInbound(seventh, at)).duplicate).toBe(true)

    const rows = await db
      .select({ text: inboundMessages.text, throttledAt: inboundMessages.throttledAt })
      .from(inboundMessages)
      .where(eq(inboundMessages.senderId, 'sim-a'))
      .orderBy(inboundMessages.text)
    // Refused ones are recorded with their text.
    expect(rows.map((r) => [r.text, r.throttledAt !== null])).toEqual([
      ['halo 1', false],
      ['halo 2', false],
      ['halo 3', false],
      ['halo 4', true],
      ['halo 5', true],
      ['halo 6', false],
      ['halo 7', true],
    ])
    const refused = await db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(and(isNotNull(inboundMessages.throttledAt), isNull(inboundMessages.conversationId)))
    expect(refused).toHaveLength(3)
  })
})

// ---------------------------------------------------------------- (c), (e) /api/v1 and roles

describe('every /api/v1 route, and the dashboard, by who asks', () => {
  const month = useSeededDashboard()
  let app: Awaited<ReturnType<typeof createDashboardWithApi>>
  let routes: { method: string; path: string }[]
  beforeAll(async () => {
    app = await createDashboardWithApi(month.db)
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>
    }
    routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path: `/api/v1${path.replace(/\{[^}]+\}/g, '1')}`,
      }))
    )
  })

  /**
   * A request to `route` from `peer`; a POST carries a valid broadcast, unless `body` says
   * otherwise. Each route is tried from its own address: wrong tokens are limited per address.
   */
  const call = (
    route: { method: string; path: string },
    headers: Record<string, string>,
    peer: string,
    body: unknown = { segment: {}, text: 'x' }
  ) =>
    app.request(
      route.path,
      {
        method: route.method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(route.method === 'POST' ? { body: JSON.stringify(body) } : {}),
      },
      fromPeer(peer)
    )

  test('missing, wrong and under-scoped credentials are refused on every route', async () => {
    const broadcastsBefore = await month.db.select({ id: broadcasts.id }).from(broadcasts)
    const guarded = routes.filter((r) => !r.path.endsWith('/openapi.json'))
    expect(guarded.length).toBeGreaterThanOrEqual(9)
    // A supervisor's and even an admin's dashboard session is not an API credential.
    const supervisor = await signInAs(app, month.db, month.seed.supSgs)
    const admin = await signInWithToken(app)
    const refusals: Record<string, Record<string, string>> = {
      'no credential': {},
      'wrong token': { authorization: `Bearer ${ADMIN_TOKEN}x` },
      'truncated token': { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
      'token in other case': { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` },
      'webhook secret': { authorization: `Bearer ${SECRET}` },
      'supervisor session cookie': { cookie: supervisor.cookie },
      'admin session cookie': { cookie: admin.cookie },
      'session cookie as bearer': { authorization: `Bearer ${supervisor.cookie.split('=')[1]}` },
      'token in the query': {},
    }
    const admitted: string[] = []
    for (const [index, route] of guarded.entries()) {
      for (const [name, headers] of Object.entries(refusals)) {
        const target =
          name === 'token in the query'
            ? {
                ...route,
                path: `${route.path}${route.path.includes('?') ? '&' : '?'}token=${ADMIN_TOKEN}`,
              }
            : route
        const response = await call(target, headers, `198.51.100.${index}`)
        // 401, or 400 for an Authorization header that is not "Bearer <token>" at all, or 429
        // once the wrong admin tokens of all routes passed the account's limit.
        if (![400, 401, 429].includes(response.status))
          admitted.push(`${route.method} ${route.path} ${name}: ${response.status}`)
      }
      // The admin token is the credential: the route exists and lets it in.
      // (An empty body: a POST answers 400 then, past the guard, and sends nothing.)
      // From an address that has not guessed: other addresses' failures never lock it out.
      const ok = await call(
        route,
        { authorization: `Bearer ${ADMIN_TOKEN}` },
        `203.0.113.${index}`,
        {}
      )
      expect(ok.status, `${route.method} ${route.path}`).not.toBe(401)
    }
    expect(admitted).toEqual([])
    // Nothing was written by a refused POST.
    expect(await month.db.select({ id: broadcasts.id }).from(broadcasts)).toEqual(broadcastsBefore)
  })

  test('a supervisor reads their own scope only, over every dashboard route', async () => {
    const anonymous = createBrowser(app)
    const viewers = {
      anonymous,
      supSgs: await signInAs(app, month.db, month.seed.supSgs),
      supTjn: await signInAs(app, month.db, month.seed.supTjn),
      admin: await signInWithToken(app),
    }
    const { v1, v4 } = month.seed.visits
    const { sgs, tjn } = month.seed.cohorts
    // Expected status (or a marker that must / must not show) per viewer; Singosari holds V1 and
    // cohort SGS, Tajinan holds V4 (Hadi) and cohort TJN.
    type Expect = number | { has?: string; lacks?: string }
    const matrix: [string, Record<keyof typeof viewers, Expect>][] = [
      [`/admin/kunjungan/${v1}`, { anonymous: 303, supSgs: 200, supTjn: 404, admin: 200 }],
      [`/admin/kunjungan/${v4}`, { anonymous: 303, supSgs: 404, supTjn: 200, admin: 200 }],
      [`/admin/kunjungan/${v4}/foto`, { anonymous: 303, supSgs: 404, supTjn: 404, admin: 404 }],
      [`/admin/pelatihan/${sgs}`, { anonymous: 303, supSgs: 200, supTjn: 404, admin: 200 }],
      [`/admin/pelatihan/${tjn}`, { anonymous: 303, supSgs: 404, supTjn: 200, admin: 200 }],
      [
        '/admin/kunjungan?bulan=2025-11',
        {
          anonymous: 303,
          supSgs: { has: 'Budi Santoso', lacks: 'Hadi' },
          supTjn: { has: 'Hadi', lacks: 'Budi Santoso' },
          admin: { has: 'Hadi' },
        },
      ],
      [
        '/admin/kunjungan?bulan=2025-11&kecamatan=35.07.15',
        {
          anonymous: 303,
          supSgs: { lacks: 'Hadi' },
          supTjn: { has: 'Hadi' },
          admin: { has: 'Hadi' },
        },
      ],
      [
        '/admin/ekspor/kunjungan.csv?bulan=2025-11',
        {
          anonymous: 303,
          supSgs: { lacks: '35.07.15.2001' },
          supTjn: { lacks: '35.07.24.2001' },
          admin: { has: '35.07.15.2001' },
        },
      ],
      [
        '/admin/ekspor/kunjungan.csv?kecamatan=35.07.15',
        { anonymous: 303, supSgs: 404, supTjn: 200, admin: 200 },
      ],
      [
        '/admin/pelatihan',
        {
          anonymous: 303,
          supSgs: { has: 'SGS-MJ-01', lacks: 'TJN-MK-01' },
          supTjn: { has: 'TJN-MK-01', lacks: 'SGS-MJ-01' },
          admin: { has: 'TJN-MK-01' },
        },
      ],
      [
        '/admin/orang',
        {
          anonymous: 303,
          supSgs: { has: 'Nur Hidayah', lacks: 'Tuti' },
          supTjn: { has: 'Tuti', lacks: 'Nur Hidayah' },
          admin: { has: 'Tuti' },
        },
      ],
    ]
    const wrong: string[] = []
    for (const [path, expected] of matrix) {
      for (const [who, browser] of Object.entries(viewers)) {
        const want = expected[who as keyof typeof viewers]
        const response = await browser.get(path)
        const body = await response.text()
        if (typeof want === 'number') {
          if (response.status !== want) wrong.push(`${who} ${path}: ${response.status} ≠ ${want}`)
          continue
        }
        if (response.status !== 200) wrong.push(`${who} ${path}: ${response.status}`)
        if (want.has && !body.includes(want.has)) wrong.push(`${who} ${path}: lacks ${want.has}`)
        if (want.lacks && body.includes(want.lacks))
          wrong.push(`${who} ${path}: shows ${want.lacks}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

// ---------------------------------------------------------------- (d), (e) chat commands

describe('chat commands by role', () => {
  const month = useSeededDashboard('test')

  test('a cadre cannot run the admin commands; a supervisor sees only their approvals', async () => {
    const { runtime } = await createTestRuntime(month.db)
    await giveConsent(month.db, ['sim-siti', 'sim-sup', 'sim-admin'])
    const say = async (from: string, text: string) =>
      (await runtime.handleInbound(simulatorMessage(from, text), NOW)).replies
        .flatMap((m) => [m.text, ...(m.choices ?? []).map((c) => c.label)])
        .join('\n')
    const notAllowed = 'Maaf, menu itu tidak tersedia untuk Bapak/Ibu.'
    for (const command of ['/siaran', 'siaran', '/persetujuan', '/absen']) {
      expect(await say('sim-siti', command), command).toContain(notAllowed)
      await say('sim-siti', 'batal')
    }
    // MASUK gives a cadre no dashboard link.
    await say('sim-siti', '/masuk')
    const links = await month.db.select({ id: adminLoginTokens.id }).from(adminLoginTokens)
    expect(links).toEqual([])
    expect(await month.db.select({ id: broadcasts.id }).from(broadcasts)).toEqual([])

    // The Singosari supervisor's approvals list Nur (Wonorejo), never Tuti (Gunungsari, Tajinan).
    const approvals = await say('sim-sup', '/persetujuan')
    expect(approvals).toContain('Nur Hidayah')
    expect(approvals).not.toContain('Tuti')
    // The admin, whose scope is the kabupaten, may broadcast.
    expect(await say('sim-admin', '/siaran')).not.toContain(notAllowed)
  })
})

// ---------------------------------------------------------------- (b), (f) started bots

describe('a started bot', () => {
  const started = useStartedBot('abuse-open')
  const postMessage = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ from: 'sim-1', text: 'halo', id: `m-${performance.now()}` }),
    })

  test(
    'without a real channel: with ADMIN_TOKEN set the simulator needs it like every /api/v1 route',
    { timeout: 180_000 },
    async () => {
      const bot = await started.start({ simulatorEnabled: true, adminToken: ADMIN_TOKEN })
      // Else anyone reaching the port could speak as an admin's phone and ask for a login link.
      expect((await postMessage(bot.url)).status).toBe(401)
      expect((await fetch(`${bot.url}/api/v1/simulator/inbox?from=sim-1`)).status).toBe(401)
      const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }
      expect((await postMessage(bot.url, bearer)).status).toBe(200)
      const inbox = await fetch(`${bot.url}/api/v1/simulator/inbox?from=sim-1`, { headers: bearer })
      expect(inbox.status).toBe(200)
      const doc = (await (await fetch(`${bot.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>
      }
      for (const [path, methods] of Object.entries(doc.paths)) {
        if (path === '/openapi.json') continue
        for (const method of Object.keys(methods)) {
          const url = `${bot.url}/api/v1${path.replace(/\{[^}]+\}/g, '1')}`
          const response = await fetch(url, { method: method.toUpperCase() })
          expect(response.status, `${method} ${path}`).toBe(401)
        }
      }
    }
  )

  test(
    'with Telegram: the webhook refuses a missing or wrong secret, the simulator needs the token',
    { timeout: 180_000 },
    async () => {
      const bot = await started.start({
        simulatorEnabled: true,
        adminToken: ADMIN_TOKEN,
        telegram: {
          botToken: fake.token,
          apiRoot: fake.apiRoot,
          mode: 'webhook',
          webhookSecret: SECRET,
        },
      })
      const attempt = (headers: Record<string, string>) =>
        fetch(`${bot.url}/webhook/telegram`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(textUpdate({ id: 8_300_001 }, '/start')),
        })
      const secret = 'x-telegram-bot-api-secret-token'
      const refusedHeaders: Record<string, string>[] = [
        {},
        { [secret]: '' },
        { [secret]: `${SECRET}x` },
        { [secret]: SECRET.slice(0, -1) },
        { [secret]: SECRET.toUpperCase() },
        { authorization: `Bearer ${SECRET}` },
        { [secret]: ADMIN_TOKEN },
      ]
      for (const headers of refusedHeaders) {
        expect((await attempt(headers)).status, JSON.stringify(headers)).toBe(401)
      }
      expect((await attempt({ [secret]: SECRET })).status).toBe(200)

      // The simulator could speak as any phone: it needs the admin token.
      expect((await postMessage(bot.url)).status).toBe(401)
      expect((await postMessage(bot.url, { authorization: `Bearer ${ADMIN_TOKEN}x` })).status).toBe(
        401
      )
      expect((await fetch(`${bot.url}/api/v1/simulator/inbox?from=sim-1`)).status).toBe(401)
      expect((await postMessage(bot.url, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(
        200
      )
      await bot.stop()
      const db = (await started.openDb()).db
      const rows = await db
        .select({ channel: inboundMessages.channel })
        .from(inboundMessages)
        .orderBy(inboundMessages.id)
      // Only the update with the right secret and the message with the token got in.
      expect(rows).toEqual([{ channel: 'telegram' }, { channel: 'simulator' }])
    }
  )
})
