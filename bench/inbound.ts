/**
 * @module Benchmark 1, inbound conversations: simulated Telegram cadres each complete the whole
 * visit report (`/lapor`, 11 updates) by posting real Update JSON to `POST /webhook/telegram` of a
 * real started bot (`startKaderbot`, config from `loadConfig`), whose replies go to the strict fake
 * Bot API with its flood limits off. In the same run, the same requests against a bare Hono route
 * (the HTTP ceiling) and a single-row INSERT loop on the same database (the database ceiling).
 */
import type { Writable } from 'node:stream'
import { serve } from '@hono/node-server'
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../src/config.js'
import type { Db, DbHandle } from '../src/db/client.js'
import { outbox, visits } from '../src/db/schema/index.js'
import { startKaderbot } from '../src/kaderbot.js'
import { createLogger } from '../src/lib/logger.js'
import { startFakeTelegram, textUpdate } from '../test/harness/fake-telegram.js'
import { createBenchDatabase, rowsOf } from './database.js'
import { type Posted, createPoster, runClosedLoop } from './load.js'
import { probeTurns } from './probe.js'
import { type SeededPerson, seedFamilies, seedPeople, switchOffNudges } from './seed.js'
import { type LatencySummary, freePort, round, startRssSampler, summarize } from './stats.js'

/**
 * The visit report's common case as a Telegram cadre types it (choices answered by number or
 * word, as `src/flows/visit-report.test.ts` does), with the start of the reply each answer gets.
 */
export const VISIT_SCRIPT: readonly { text: string; reply: RegExp }[] = [
  { text: '/lapor', reply: /^Siapa nama kepala keluarga/ },
  { text: 'budi', reply: /^Pilih keluarganya/ },
  { text: '1', reply: /^Sasaran di keluarga ini\?/ },
  { text: 'pus', reply: /^Status KB pasangan ini\?/ },
  { text: '1', reply: /^Cara KB yang dipakai\?/ },
  { text: 'suntik 3', reply: /^Suntik 3 bulan baru mulai dipakai bulan ini/ },
  { text: 'tidak', reply: /^Dilayani di mana/ },
  { text: 'puskesmas', reply: /^Ada risiko di keluarga ini\?/ },
  { text: 'tidak ada', reply: /^Apa yang .+ lakukan\?/ },
  { text: 'kie', reply: /^Mohon periksa kembali/ },
  { text: 'kirim', reply: /^Terima kasih! Laporan tersimpan/ },
]

/** The step of `VISIT_SCRIPT` (and of the grammY bot's script) that types the family's name. */
export const FAMILY_SEARCH_STEP = 1

const SECRET = 'bench_webhook_secret'
const WEBHOOK_PATH = '/webhook/telegram'
const TELEGRAM_ID_BASE = 710_000_000
/** Replies stopped arriving for this long: the rest counts as lost. */
const DELIVERY_STALL_MS = 30_000
/**
 * Telegram sends in flight at once. Production keeps 4, which with pacing on is far above
 * Telegram's 30 messages a second; with the fake's limits off, 4 would cap the replies instead.
 */
const SENDS_IN_FLIGHT = 32

export type InboundOptions = {
  users: number
  concurrency: number
  /** Extra users run first to warm the JIT and caches; not timed, but verified. */
  warmupUsers: number
  /** Postgres server URL; absent means embedded PGlite. */
  serverUrl?: string
  log: (line: string) => void
}

/** Throughput and latency of one closed-loop run. */
export type LoadFigures = {
  requests: number
  durationMs: number
  requestsPerSecond: number
  latencyMs: LatencySummary
  non200: number
}

export type InboundResult = {
  database: 'pglite' | 'postgres'
  users: number
  concurrency: number
  updatesPerUser: number
  setupMs: number
  inbound: LoadFigures & {
    flowsPerSecond: number
    replyDeliveryMs: LatencySummary
    /** Until the last reply reached the fake, from the first post. */
    deliveredWithinMs: number
  }
  httpCeiling: LoadFigures
  dbCeiling: LoadFigures
  ratios: { toHttpCeiling: number; toDbCeiling: number }
  peakRssMiB: { inbound: number; process: number }
  verified: {
    reportRows: number
    expectedReportRows: number
    repliesDelivered: number
    expectedReplies: number
    wrongReplies: number
    outboxNotSent: number
    ok: boolean
  }
  /**
   * One more cadre's visit report through `runtime.handleInbound` on a counting drizzle instance:
   * statements and transactions per update, each step's statements, and whether its replies matched.
   */
  perUpdate: {
    queries: { mean: number; max: number; perStep: number[] }
    transactions: { mean: number; max: number }
    repliesMatched: boolean
  }
  logLines: { warn: number; error: number; first: string[] }
  pacing: string
}

/** A user's prepared requests: the Update JSON bodies, built (and schema-checked) before timing. */
export type Script = { telegramId: number; bodies: string[] }

export function buildScripts(
  cadres: readonly SeededPerson[],
  steps: readonly { text: string }[] = VISIT_SCRIPT
): Script[] {
  return cadres.map((cadre) => ({
    telegramId: cadre.telegramId,
    bodies: steps.map((step, i) =>
      JSON.stringify(
        textUpdate(
          { id: cadre.telegramId, first_name: 'Kader' },
          // The family search: the name of the cadre's own family (bench/seed.ts).
          i === FAMILY_SEARCH_STEP ? (cadre.familySearch ?? step.text) : step.text
        )
      )
    ),
  }))
}

/** Posts every script's bodies in a closed loop; returns each request's answer, per script. */
export async function drive(
  post: (body: string) => Promise<Posted>,
  scripts: readonly Script[],
  concurrency: number
): Promise<{ posted: Posted[][]; durationMs: number }> {
  const posted: Posted[][] = scripts.map(() => [])
  const started = performance.now()
  await runClosedLoop(scripts, concurrency, async (script, index) => {
    for (const body of script.bodies) posted[index]!.push(await post(body))
  })
  return { posted, durationMs: performance.now() - started }
}

export function figures(posted: readonly Posted[][], durationMs: number): LoadFigures {
  const all = posted.flat()
  return {
    requests: all.length,
    durationMs: round(durationMs, 0),
    requestsPerSecond: round(all.length / (durationMs / 1000), 1),
    latencyMs: summarize(all.map((p) => p.ms)),
    non200: all.filter((p) => p.status !== 200).length,
  }
}

/** A pino destination that counts warn/error lines and keeps the first few (already redacted). */
function countingDestination() {
  const counts = { warn: 0, error: 0, first: [] as string[] }
  const destination = {
    write(line: string) {
      const level = (JSON.parse(line) as { level?: number }).level ?? 0
      if (level >= 50) counts.error++
      else if (level >= 40) counts.warn++
      if (counts.first.length < 5) counts.first.push(line.trim().slice(0, 300))
      return true
    },
  }
  return { counts, destination: destination as unknown as Writable }
}

/** The bare HTTP ceiling: the same requests against a Hono route that only answers 200. */
export async function runHttpCeiling(
  warmup: readonly Script[],
  scripts: readonly Script[],
  concurrency: number
): Promise<LoadFigures> {
  const app = new Hono().post(WEBHOOK_PATH, (c) => c.body(null, 200))
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  const poster = createPoster(`http://127.0.0.1:${port}`, {}, concurrency)
  try {
    const post = (body: string) => poster.post(WEBHOOK_PATH, body)
    await drive(post, warmup, concurrency)
    const run = await drive(post, scripts, concurrency)
    return figures(run.posted, run.durationMs)
  } finally {
    poster.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** Runs the inbound benchmark with its two ceilings and checks that nothing was lost. */
export async function benchInbound(options: InboundOptions): Promise<InboundResult> {
  const { log, concurrency } = options
  const database = await createBenchDatabase('inbound', options.serverUrl)
  try {
    // --- setup: the cadres, their identities and consent, one family per desa ---
    const setupStarted = performance.now()
    const now = new Date()
    const total = options.warmupUsers + options.users
    let cadres: SeededPerson[]
    {
      const handle = await database.open()
      try {
        cadres = await seedPeople(handle.db, {
          count: total + 1,
          role: 'kader',
          telegramBase: TELEGRAM_ID_BASE,
          now,
        })
        await seedFamilies(handle.db, cadres, now)
        await switchOffNudges(handle.db)
      } finally {
        await handle.close()
      }
    }
    // The last cadre is not driven over HTTP: it measures the queries of one visit report.
    const probe = cadres.pop()!
    const scripts = buildScripts(cadres)
    const warmup = scripts.slice(0, options.warmupUsers)
    const measured = scripts.slice(options.warmupUsers)
    const setupMs = round(performance.now() - setupStarted, 0)
    log(`inbound: seeded ${total} cadres on ${database.kind} in ${setupMs} ms`)

    // --- the HTTP ceiling ---
    const httpCeiling = await runHttpCeiling(warmup, measured, concurrency)
    log(`inbound: HTTP ceiling ${httpCeiling.requestsPerSecond} req/s`)

    // --- the real bot against the fake Bot API (flood limits off) ---
    const fakeStartedAt = performance.now() // the fake's `at` is relative to (about) this
    const fake = await startFakeTelegram()
    const port = await freePort()
    const { counts, destination } = countingDestination()
    const config = loadConfig({
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_MODE: 'webhook',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    })
    const bot = await startKaderbot(config, {
      hostname: '127.0.0.1',
      logger: createLogger({ level: 'warn', destination }),
      // The fake's flood limits are off, so the app's Telegram pacing is off to match.
      outboxPacing: { telegram: null },
      outboxConcurrency: { telegram: SENDS_IN_FLIGHT },
      // Scripted users answer at machine speed: no per-sender flood limit (one turn per chat stays).
      inboundLimits: null,
    })
    const poster = createPoster(bot.url, { 'x-telegram-bot-api-secret-token': SECRET }, concurrency)
    // Replies the fake accepted so far, counted incrementally (the calls list only grows).
    const allIds = new Set(scripts.map((s) => s.telegramId))
    let seenCalls = 0
    let accepted = 0
    const acceptedReplies = () => {
      for (; seenCalls < fake.calls.length; seenCalls++) {
        const c = fake.calls[seenCalls]!
        if (
          c.method === 'sendMessage' &&
          c.status === 200 &&
          allIds.has(Number(c.params['chat_id']))
        )
          accepted++
      }
      return accepted
    }
    let inbound: InboundResult['inbound']
    let peakRss: number
    try {
      const post = (body: string) => poster.post(WEBHOOK_PATH, body)
      await drive(post, warmup, concurrency)
      const rss = startRssSampler()
      const run = await drive(post, measured, concurrency)
      // Replies leave through the outbox after the webhook answered: wait for the last one, as
      // long as they keep coming.
      const expected = scripts.length * VISIT_SCRIPT.length
      let lastProgress = performance.now()
      for (let count = acceptedReplies(); count < expected;) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        const now = acceptedReplies()
        if (now > count) lastProgress = performance.now()
        else if (performance.now() - lastProgress > DELIVERY_STALL_MS) break
        count = now
      }
      peakRss = rss.stop()
      const firstPost = Math.min(...run.posted.flatMap((p) => p.map((x) => x.sentAt)))
      const replyTimes = deliveryTimes(fake.calls, measured, run.posted, fakeStartedAt)
      inbound = {
        ...figures(run.posted, run.durationMs),
        flowsPerSecond: round(measured.length / (run.durationMs / 1000), 2),
        replyDeliveryMs: summarize(replyTimes.latencies),
        deliveredWithinMs: round(fakeStartedAt + replyTimes.last - firstPost, 0),
      }
      log(`inbound: ${inbound.requestsPerSecond} updates/s, p99 ${inbound.latencyMs.p99} ms`)
    } finally {
      poster.close()
      await bot.stop()
      await fake.close()
    }
    const replies = checkReplies(fake.messages, scripts)

    // --- verification and the database ceiling, on the same database ---
    const handle = await database.open()
    let dbCeiling: LoadFigures
    let verified: InboundResult['verified']
    let perUpdate: InboundResult['perUpdate']
    try {
      const reportRows = (await handle.db.select({ id: visits.id }).from(visits)).length
      const notSent = rowsOf<{ count: number }>(
        await handle.db.execute(
          sql`select count(*)::int as count from ${outbox} where ${outbox.status} <> 'sent'`
        )
      )
      const outboxNotSent = Number(notSent[0]?.count ?? -1)
      verified = {
        reportRows,
        expectedReportRows: scripts.length,
        repliesDelivered: replies.delivered,
        expectedReplies: scripts.length * VISIT_SCRIPT.length,
        wrongReplies: replies.wrong,
        outboxNotSent,
        ok: false,
      }
      verified.ok =
        reportRows === scripts.length &&
        replies.delivered === verified.expectedReplies &&
        replies.wrong === 0 &&
        outboxNotSent === 0 &&
        inbound.non200 === 0
      perUpdate = await countQueriesPerUpdate(handle, probe)
      log(`inbound: ${perUpdate.queries.mean} queries per update (drizzle statements)`)
      dbCeiling = await runDbCeiling(handle.db, warmup, measured, concurrency)
      log(`inbound: database ceiling ${dbCeiling.requestsPerSecond} inserts/s`)
    } finally {
      await handle.close()
    }

    return {
      database: database.kind,
      users: options.users,
      concurrency,
      updatesPerUser: VISIT_SCRIPT.length,
      setupMs,
      inbound,
      httpCeiling,
      dbCeiling,
      ratios: {
        toHttpCeiling: round(inbound.requestsPerSecond / httpCeiling.requestsPerSecond, 3),
        toDbCeiling: round(inbound.requestsPerSecond / dbCeiling.requestsPerSecond, 3),
      },
      peakRssMiB: {
        inbound: peakRss,
        process: round(process.resourceUsage().maxRSS / 1024, 1),
      },
      verified,
      perUpdate,
      logLines: counts,
      pacing: PACING_NOTE,
    }
  } finally {
    await database.dispose()
  }
}

/** What the bench did about the app's Telegram pacing (printed with the figures). */
export const PACING_NOTE =
  "fake Bot API flood limits off; the app's Telegram pacing off and " +
  `${SENDS_IN_FLIGHT} sends in flight (4 in production) to match ` +
  '(startKaderbot outboxPacing, outboxConcurrency)'

/**
 * Reply delivery latency: the j-th message the fake received for a chat answers that user's j-th
 * update (each step gets exactly one reply, checked by `checkReplies`); latency is the fake's
 * receive time minus the time the update was posted to the webhook.
 */
function deliveryTimes(
  calls: readonly { method: string; status: number; params: Record<string, unknown>; at: number }[],
  scripts: readonly Script[],
  posted: readonly Posted[][],
  fakeStartedAt: number
): { latencies: number[]; last: number } {
  const index = new Map(scripts.map((s, i) => [s.telegramId, i]))
  const seen = new Map<number, number>()
  const latencies: number[] = []
  let last = 0
  for (const call of calls) {
    if (call.method !== 'sendMessage' || call.status !== 200) continue
    const chatId = Number(call.params['chat_id'])
    const i = index.get(chatId)
    if (i === undefined) continue
    const j = seen.get(chatId) ?? 0
    seen.set(chatId, j + 1)
    const post = posted[i]![j]
    if (!post) continue
    latencies.push(fakeStartedAt + call.at - post.sentAt)
    last = Math.max(last, call.at)
  }
  return { latencies, last }
}

/** The visit report of `cadre` through the real runtime, one update at a time, counting its work. */
async function countQueriesPerUpdate(
  handle: DbHandle,
  cadre: SeededPerson
): Promise<InboundResult['perUpdate']> {
  const { perStep: steps } = await probeTurns(handle, String(cadre.telegramId), VISIT_SCRIPT)
  const perStep = steps.map((step) => step.queries)
  const transactions = steps.map((step) => step.transactions)
  const mean = (values: number[]) => round(values.reduce((sum, v) => sum + v, 0) / values.length, 1)
  return {
    queries: { mean: mean(perStep), max: Math.max(...perStep), perStep },
    transactions: { mean: mean(transactions), max: Math.max(...transactions) },
    repliesMatched: steps.every((step) => step.matched),
  }
}

/** Every user got exactly the script's replies, in order. */
export function checkReplies(
  messages: readonly { chatId: number; text?: string }[],
  scripts: readonly Script[],
  expected: readonly { reply: RegExp }[] = VISIT_SCRIPT
): { delivered: number; wrong: number } {
  const byChat = new Map<number, string[]>(scripts.map((s) => [s.telegramId, []]))
  for (const message of messages) byChat.get(message.chatId)?.push(message.text ?? '')
  let delivered = 0
  let wrong = 0
  for (const texts of byChat.values()) {
    delivered += texts.length
    const ok =
      texts.length === expected.length && texts.every((text, i) => expected[i]!.reply.test(text))
    if (!ok) wrong++
  }
  return { delivered, wrong }
}

/** The database ceiling: one single-row INSERT (the update JSON) per request, same concurrency. */
export async function runDbCeiling(
  db: Db,
  warmup: readonly Script[],
  scripts: readonly Script[],
  concurrency: number
): Promise<LoadFigures> {
  await db.execute(
    sql.raw(
      'create table bench_insert_ceiling (id bigint generated always as identity primary key, body jsonb not null, created_at timestamptz not null default now())'
    )
  )
  const insert = async (body: string): Promise<Posted> => {
    const sentAt = performance.now()
    await db.execute(sql`insert into bench_insert_ceiling (body) values (${body}::jsonb)`)
    return { status: 200, sentAt, ms: performance.now() - sentAt }
  }
  try {
    await drive(insert, warmup, concurrency)
    const run = await drive(insert, scripts, concurrency)
    return figures(run.posted, run.durationMs)
  } finally {
    await db.execute(sql.raw('drop table bench_insert_ceiling'))
  }
}
