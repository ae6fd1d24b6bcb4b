/**
 * @module The outside benchmark: the bot in its own process, driven over HTTP by this process (the
 * load generator, which also runs the strict fake Bot API that receives the replies), as a
 * deployment sees it. Reply latency is from posting an update to the fake receiving its reply.
 *
 * - **closed loop**: each user posts the next update only after the reply to the last arrived (as
 *   a person does), `concurrency` users at once;
 * - **webhook-paced**: each user posts the next update as soon as the webhook answered (replies
 *   not awaited), so the outbox must keep up with the webhook;
 * - **head-of-line**: `node dist/main.js` with production pacing against a fake that enforces
 *   Telegram's limits: 4 chats each send 30 messages at once, then 20 new chats, one a second,
 *   each start a report; their reply latency;
 * - **grammY**: on PostgreSQL, the same closed loop against `bench/grammy-bot.ts` (grammY,
 *   @grammyjs/conversations, postgres.js; a 6-update report), for the ratio.
 *
 * CPU per update is the bot process's user+system time (`/proc/<pid>/stat`) over the measured run
 * divided by its updates; on PostgreSQL the server's CPU is that of the backends connected to the
 * benchmark's database, likewise.
 */
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import postgres from 'postgres'
import { NOTICE_VERSION } from '../src/domain/consent.js'
import { type FakeCall, startFakeTelegram, textUpdate } from '../test/harness/fake-telegram.js'
import { createBenchDatabase, rowsOf } from './database.js'
import { GRAMMY_REPLIES } from './grammy-texts.js'
import {
  type LoadFigures,
  type Script,
  VISIT_SCRIPT,
  buildScripts,
  checkReplies,
  figures,
  runDbCeiling,
  runHttpCeiling,
} from './inbound.js'
import { type Posted, createPoster, runClosedLoop } from './load.js'
import { type SeededPerson, seedFamilies, seedPeople, switchOffNudges } from './seed.js'
import { buildDist, startAndWait, stop } from './startup.js'
import { type LatencySummary, freePort, round, summarize } from './stats.js'

const SECRET = 'bench_webhook_secret'
const WEBHOOK_PATH = '/webhook/telegram'
const TELEGRAM_ID_BASE = 720_000_000
const REPLY_TIMEOUT_MS = 30_000
const CLOCK_TICKS_PER_SECOND = 100

/** The grammY bot's 6 updates and the start of each reply. */
export const GRAMMY_SCRIPT: readonly { text: string; reply: RegExp }[] = [
  { text: '/lapor', reply: /^Siapa nama kepala keluarga/ },
  { text: 'budi', reply: /^Sasaran di keluarga ini/ },
  { text: 'pus', reply: /^Status KB pasangan ini/ },
  { text: '1', reply: /^Cara KB yang dipakai/ },
  { text: 'suntik 3', reply: /^Mohon periksa kembali/ },
  { text: 'kirim', reply: new RegExp(`^${GRAMMY_REPLIES.saved.slice(0, 14)}`) },
]

export type OutsideOptions = {
  users: number
  concurrency: number
  warmupUsers: number
  /** Postgres server URL; absent means embedded PGlite (no grammY comparison then). */
  serverUrl?: string
  /** Run the head-of-line scenario (about 25 s). */
  headOfLine: boolean
  /** Write a CPU profile of each bot process of the throughput runs into this directory. */
  cpuProfileDir?: string
  log: (line: string) => void
}

/** One measured run against one bot. */
export type RunFigures = LoadFigures & {
  replyMs: LatencySummary
  /** Replies that did not reach the fake within 30 s. */
  lostReplies: number
  /** The bot process's CPU per update (ms), and the database server's (Postgres only). */
  cpuMsPerUpdate: { bot: number; database: number | null }
  verified: { rows: number; expectedRows: number; wrongChats: number; ok: boolean }
}

export type OutsideResult = {
  database: 'pglite' | 'postgres'
  users: number
  concurrency: number
  kaderbot: { closedLoop: RunFigures; webhookPaced: RunFigures; updatesPerUser: number }
  grammy?: { closedLoop: RunFigures; updatesPerUser: number }
  headOfLine?: { backlogChats: number; backlogPerChat: number; newChatReplyMs: LatencySummary }
  httpCeiling: LoadFigures
  dbCeiling: LoadFigures
  ratios: {
    toGrammy: number | null
    toHttpCeiling: number
    toDbCeiling: number
  }
}

/** Each chat's replies as they reach the fake, with a wait for the n-th. */
function replyTap(calls: FakeCall[]) {
  const arrivals = new Map<number, number[]>()
  const waiters = new Map<number, { n: number; resolve: (at: number) => void }[]>()
  const push = calls.push.bind(calls)
  // The fake appends every call it answered; the tap times sends to a chat as they are recorded.
  calls.push = (...items: FakeCall[]) => {
    const at = performance.now()
    for (const call of items) {
      if (call.method !== 'sendMessage' || call.status !== 200) continue
      const chatId = Number(call.params['chat_id'])
      const list = arrivals.get(chatId) ?? []
      list.push(at)
      arrivals.set(chatId, list)
      const pending = waiters.get(chatId) ?? []
      for (const waiter of pending.filter((w) => w.n <= list.length))
        waiter.resolve(list[waiter.n - 1]!)
      waiters.set(
        chatId,
        pending.filter((w) => w.n > list.length)
      )
    }
    return push(...items)
  }
  return {
    arrivals,
    /** When the chat's n-th reply arrived (waits for it; rejects after `REPLY_TIMEOUT_MS`). */
    nth(chatId: number, n: number): Promise<number> {
      const list = arrivals.get(chatId) ?? []
      if (list.length >= n) return Promise.resolve(list[n - 1]!)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no reply ${n} to chat ${chatId}`)),
          REPLY_TIMEOUT_MS
        )
        const entry = {
          n,
          resolve: (at: number) => {
            clearTimeout(timer)
            resolve(at)
          },
        }
        waiters.set(chatId, [...(waiters.get(chatId) ?? []), entry])
      })
    },
  }
}

type Tap = ReturnType<typeof replyTap>

/** User and system CPU time of a process so far (ms), from `/proc/<pid>/stat`. */
async function cpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
  } catch {
    return 0 // the backend ended meanwhile
  }
}

/** The summed CPU of the server backends connected to `database` (Postgres only). */
async function backendsCpuMs(admin: postgres.Sql | null, database: string): Promise<number> {
  if (!admin) return 0
  const rows = await admin<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
  const times = await Promise.all(rows.map((row) => cpuMs(row.pid)))
  return times.reduce((sum, t) => sum + t, 0)
}

/** Each user's answered posts, the reply latencies, and replies that never came (30 s). */
type Driven = { posted: Posted[][]; replyMs: number[]; lost: number; durationMs: number }

/** Closed loop: the next update only after the reply to the previous one reached the fake. */
async function driveClosed(
  post: (body: string) => Promise<Posted>,
  tap: Tap,
  scripts: readonly Script[],
  concurrency: number
): Promise<Driven> {
  const posted: Posted[][] = scripts.map(() => [])
  const replyMs: number[] = []
  let lost = 0
  const started = performance.now()
  await runClosedLoop(scripts, concurrency, async (script, index) => {
    const already = tap.arrivals.get(script.telegramId)?.length ?? 0
    for (const [j, body] of script.bodies.entries()) {
      const reply = tap.nth(script.telegramId, already + j + 1)
      const answer = await post(body)
      posted[index]!.push(answer)
      try {
        replyMs.push((await reply) - answer.sentAt)
      } catch {
        lost++ // counted; this user's flow is out of step now, so it stops here
        return
      }
    }
  })
  return { posted, replyMs, lost, durationMs: performance.now() - started }
}

/** Webhook-paced: the next update as soon as the webhook answered; replies are awaited after. */
async function driveWebhookPaced(
  post: (body: string) => Promise<Posted>,
  tap: Tap,
  scripts: readonly Script[],
  concurrency: number
): Promise<Driven> {
  const posted: Posted[][] = scripts.map(() => [])
  const started = performance.now()
  await runClosedLoop(scripts, concurrency, async (script, index) => {
    for (const body of script.bodies) posted[index]!.push(await post(body))
  })
  const durationMs = performance.now() - started
  const settled = await Promise.allSettled(
    scripts.flatMap((script, i) =>
      posted[i]!.map(async (answer, j) => (await tap.nth(script.telegramId, j + 1)) - answer.sentAt)
    )
  )
  const replyMs = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  return { posted, replyMs, lost: settled.length - replyMs.length, durationMs }
}

/** Node's flags for a CPU profile written at exit (`--cpu-prof`), when a directory is given. */
const profiling = (dir?: string): string[] => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])

type BotUnderTest = {
  child: ChildProcess
  post: (body: string) => Promise<Posted>
  /** The last lines the bot wrote to stderr (its warnings and errors). */
  stderrTail: () => string
  close: () => Promise<void>
}

async function startBot(
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  concurrency: number
): Promise<BotUnderTest> {
  const started = await startAndWait(nodeArgs, env, port)
  const tail: string[] = []
  started.child.stderr?.on('data', (chunk: Buffer) => {
    tail.push(chunk.toString())
    if (tail.length > 20) tail.shift()
  })
  const poster = createPoster(
    `http://127.0.0.1:${port}`,
    { 'x-telegram-bot-api-secret-token': SECRET },
    concurrency
  )
  return {
    child: started.child,
    // As Telegram does, an update the webhook did not take (5xx) is delivered again, a few times.
    async post(body) {
      let answer = await poster.post(WEBHOOK_PATH, body)
      for (let retry = 0; retry < 3 && answer.status >= 500; retry++) {
        const again = await poster.post(WEBHOOK_PATH, body)
        answer = { ...again, sentAt: answer.sentAt, ms: again.sentAt + again.ms - answer.sentAt }
      }
      return answer
    },
    stderrTail: () => tail.join(''),
    async close() {
      poster.close()
      await stop(started.child)
    },
  }
}

/** Runs `drive` on the measured scripts with CPU accounting around it. */
async function measured(
  bot: BotUnderTest,
  admin: postgres.Sql | null,
  databaseName: string,
  run: () => Promise<Driven>
): Promise<Omit<RunFigures, 'verified'>> {
  const bot0 = await cpuMs(bot.child.pid!)
  const db0 = await backendsCpuMs(admin, databaseName)
  const driven = await run()
  if (driven.lost > 0)
    console.error(`bench: ${driven.lost} replies lost; the bot said:\n${bot.stderrTail()}`)
  const updates = driven.posted.flat().length
  const botCpu = (await cpuMs(bot.child.pid!)) - bot0
  const dbCpu = (await backendsCpuMs(admin, databaseName)) - db0
  return {
    ...figures(driven.posted, driven.durationMs),
    replyMs: summarize(driven.replyMs),
    lostReplies: driven.lost,
    cpuMsPerUpdate: {
      bot: round(botCpu / updates, 2),
      database: admin ? round(dbCpu / updates, 2) : null,
    },
  }
}

/** The environment `npm start` reads, for a bot on `port` against the fake. */
function botEnv(
  database: { dataDir: string; databaseUrl?: string },
  fake: { token: string; apiRoot: string },
  port: number
): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  }
}

export async function benchOutside(options: OutsideOptions): Promise<OutsideResult> {
  const { log, concurrency, users } = options
  const database = await createBenchDatabase('outside', options.serverUrl)
  const databaseName = database.databaseUrl ? new URL(database.databaseUrl).pathname.slice(1) : ''
  const admin = database.databaseUrl
    ? postgres(database.databaseUrl, { max: 1, onnotice: () => {} })
    : null
  try {
    // --- setup: cadres for each run (warm-up users first), one family per desa ---
    const runs = 2 + (admin ? 1 : 0)
    const perRun = options.warmupUsers + users
    const hol = options.headOfLine ? 4 + 20 : 0
    let cadres: SeededPerson[]
    {
      const handle = await database.open()
      try {
        const now = new Date()
        cadres = await seedPeople(handle.db, {
          count: perRun * runs + hol,
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
    log(`outside: seeded ${cadres.length} cadres on ${database.kind} (${NOTICE_VERSION})`)
    const take = (n: number) => cadres.splice(0, n)
    const kaderScripts = (n: number) => buildScripts(take(n))
    await buildDist()

    // --- kaderbot, pacing off, closed loop then webhook-paced ---
    const fake = await startFakeTelegram()
    const tap = replyTap(fake.calls)
    const port = await freePort()
    const env = botEnv(database, fake, port)
    const closedWarm = kaderScripts(options.warmupUsers)
    const closedScripts = kaderScripts(users)
    const pacedWarm = kaderScripts(options.warmupUsers)
    const pacedScripts = kaderScripts(users)
    let closedLoop: Omit<RunFigures, 'verified'>
    let webhookPaced: Omit<RunFigures, 'verified'>
    const bot = await startBot(
      [...profiling(options.cpuProfileDir), '--import', 'tsx', 'bench/kaderbot-process.ts'],
      env,
      port,
      concurrency
    )
    try {
      await driveClosed(bot.post, tap, closedWarm, concurrency)
      closedLoop = await measured(bot, admin, databaseName, () =>
        driveClosed(bot.post, tap, closedScripts, concurrency)
      )
      log(`outside: kaderbot closed loop ${closedLoop.requestsPerSecond} updates/s`)
      await driveWebhookPaced(bot.post, tap, pacedWarm, concurrency)
      webhookPaced = await measured(bot, admin, databaseName, () =>
        driveWebhookPaced(bot.post, tap, pacedScripts, concurrency)
      )
      log(`outside: kaderbot webhook-paced ${webhookPaced.requestsPerSecond} updates/s`)
    } finally {
      await bot.close()
    }

    // --- head-of-line: the real npm start, production pacing, Telegram's limits enforced ---
    let headOfLine: OutsideResult['headOfLine']
    if (options.headOfLine) {
      headOfLine = await runHeadOfLine(database, take(4), take(20), log)
    }

    // --- verification and the database ceiling ---
    const kaderRows = await countRows(
      database,
      `select count(*)::int as count from visits where cadre_id = any($1)`,
      [...closedScripts, ...pacedScripts]
    )
    const verify = (scripts: Script[], rows: number, messages = fake.messages) => {
      const replies = checkReplies(messages, scripts)
      return {
        rows,
        expectedRows: scripts.length,
        wrongChats: replies.wrong,
        ok: replies.wrong === 0,
      }
    }
    const kaderVerified = verify([...closedScripts, ...pacedScripts], kaderRows)
    kaderVerified.ok &&= kaderRows === closedScripts.length + pacedScripts.length
    await fake.close()

    // --- the grammY bot (Postgres only) ---
    let grammy: OutsideResult['grammy']
    if (admin) {
      grammy = await runGrammy(
        database,
        take(options.warmupUsers),
        take(users),
        concurrency,
        admin,
        databaseName,
        options.cpuProfileDir
      )
      log(`outside: grammY closed loop ${grammy.closedLoop.requestsPerSecond} updates/s`)
    }

    const handle = await database.open()
    let httpCeiling: LoadFigures
    let dbCeiling: LoadFigures
    try {
      httpCeiling = await runHttpCeiling(closedWarm, closedScripts, concurrency)
      dbCeiling = await runDbCeiling(handle.db, closedWarm, closedScripts, concurrency)
    } finally {
      await handle.close()
    }
    const closedRate = closedLoop.requestsPerSecond
    return {
      database: database.kind,
      users,
      concurrency,
      kaderbot: {
        closedLoop: { ...closedLoop, verified: kaderVerified },
        webhookPaced: { ...webhookPaced, verified: kaderVerified },
        updatesPerUser: VISIT_SCRIPT.length,
      },
      ...(grammy ? { grammy } : {}),
      ...(headOfLine ? { headOfLine } : {}),
      httpCeiling,
      dbCeiling,
      ratios: {
        toGrammy: grammy ? round(closedRate / grammy.closedLoop.requestsPerSecond, 2) : null,
        toHttpCeiling: round(closedRate / httpCeiling.requestsPerSecond, 3),
        toDbCeiling: round(closedRate / dbCeiling.requestsPerSecond, 3),
      },
    }
  } finally {
    await admin?.end({ timeout: 5 })
    await database.dispose()
  }
}

/** Counts rows for the scripts' users (`$1`: their person ids, looked up by Telegram id). */
async function countRows(
  database: Awaited<ReturnType<typeof createBenchDatabase>>,
  query: string,
  scripts: readonly Script[]
): Promise<number> {
  const handle = await database.open()
  try {
    const ids = scripts.map((s) => String(s.telegramId))
    const lookup = `select person_id from channel_identities where channel = 'telegram' and external_id = any($1::text[])`
    const text = query.replace('any($1)', `any(array(${lookup}))`)
    const result =
      handle.kind === 'pglite'
        ? await handle.pglite.query(text, [ids])
        : await handle.sql.unsafe(text, [ids])
    return Number(rowsOf<{ count: number }>(result)[0]?.count ?? 0)
  } finally {
    await handle.close()
  }
}

/** 4 chats × 30 messages at once, then 20 new chats one a second: their reply latency. */
async function runHeadOfLine(
  database: { dataDir: string; databaseUrl?: string },
  busy: SeededPerson[],
  fresh: SeededPerson[],
  log: (line: string) => void
): Promise<NonNullable<OutsideResult['headOfLine']>> {
  const fake = await startFakeTelegram({ flood: {} })
  const tap = replyTap(fake.calls)
  const port = await freePort()
  const bot = await startBot(['dist/main.js'], botEnv(database, fake, port), port, 64)
  const PER_CHAT = 30
  try {
    // Each busy chat sends 30 menu requests at once; each is answered with one message.
    const body = (cadre: SeededPerson, text: string) =>
      JSON.stringify(textUpdate({ id: cadre.telegramId, first_name: 'Kader' }, text))
    const backlog = busy.flatMap((cadre) =>
      Array.from({ length: PER_CHAT }, () => bot.post(body(cadre, 'menu')))
    )
    await Promise.all(backlog)
    const latencies: number[] = []
    for (const cadre of fresh) {
      const reply = tap.nth(cadre.telegramId, 1)
      const answer = await bot.post(body(cadre, '/lapor'))
      latencies.push((await reply) - answer.sentAt)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - latencies.at(-1)!)))
    }
    const summary = summarize(latencies)
    log(`outside: head-of-line new chat reply p50 ${summary.p50} ms, p99 ${summary.p99} ms`)
    return { backlogChats: busy.length, backlogPerChat: PER_CHAT, newChatReplyMs: summary }
  } finally {
    await bot.close()
    await fake.close()
  }
}

async function runGrammy(
  database: { dataDir: string; databaseUrl?: string },
  warm: SeededPerson[],
  users: SeededPerson[],
  concurrency: number,
  admin: postgres.Sql,
  databaseName: string,
  cpuProfileDir?: string
): Promise<NonNullable<OutsideResult['grammy']>> {
  const fake = await startFakeTelegram()
  const tap = replyTap(fake.calls)
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    DATABASE_URL: database.databaseUrl,
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    BOT_INFO: JSON.stringify(fake.botInfo),
  }
  const warmScripts = buildScripts(warm, GRAMMY_SCRIPT)
  const scripts = buildScripts(users, GRAMMY_SCRIPT)
  const bot = await startBot(
    [...profiling(cpuProfileDir), '--import', 'tsx', 'bench/grammy-bot.ts'],
    env,
    port,
    concurrency
  )
  let closedLoop: Omit<RunFigures, 'verified'>
  try {
    await driveClosed(bot.post, tap, warmScripts, concurrency)
    closedLoop = await measured(bot, admin, databaseName, () =>
      driveClosed(bot.post, tap, scripts, concurrency)
    )
  } finally {
    await bot.close()
    await fake.close()
  }
  const ids = scripts.map((s) => s.telegramId)
  const [row] = await admin<{ count: number }[]>`
    select count(*)::int as count from grammy_reports where telegram_id = any(${ids})`
  const replies = checkReplies(fake.messages, scripts, GRAMMY_SCRIPT)
  return {
    closedLoop: {
      ...closedLoop,
      verified: {
        rows: row?.count ?? 0,
        expectedRows: scripts.length,
        wrongChats: replies.wrong,
        ok: replies.wrong === 0 && row?.count === scripts.length,
      },
    },
    updatesPerUser: GRAMMY_SCRIPT.length,
  }
}
