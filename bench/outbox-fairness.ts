/**
 * @module The outbox under load, against the strict fake Bot API (flood limits enforced):
 * - head of line: with production pacing, while 4 chats each have dozens of replies queued, how
 *   long a new chat's reply takes from its commit to the Bot API (p50/p99 over 20 tries);
 * - broadcast: a bulk message to each of `recipients` chats with Telegram's windows times
 *   `--factor`; the 429 answers the fake gave;
 * - slow API: the fake answers every call after 300 ms; the rate the sender keeps, with sends in
 *   flight sized to the answer time (and, for comparison, fixed at 4);
 * - sent rows: claim time and unpaced drain rate with no sent rows and with 1,000,000.
 *
 *   node --import tsx bench/outbox-fairness.ts [--server postgres://...] [--recipients 10000]
 *     [--factor 0.2] [--only hol,broadcast,slow,sent]
 *
 * Without `--server` (or BENCH_DATABASE_URL) it runs on PGlite. Prints one line per figure.
 */
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { TELEGRAM_CONCURRENCY, TELEGRAM_PACING } from '../src/channels/telegram/sender.js'
import type { ChannelSender } from '../src/channels/types.js'
import { type Db, createDb } from '../src/db/client.js'
import { claimOutbox, enqueueMessages } from '../src/db/queries/outbox.js'
import { PRIORITY } from '../src/domain/priorities.js'
import { createLogger } from '../src/lib/logger.js'
import { spacingMs } from '../src/outbox/pacing.js'
import { createOutboxSender } from '../src/outbox/sender.js'
import { startFakeTelegram } from '../test/harness/fake-telegram.js'
import { fakeTelegramSender, queueBulk, scaledLimits } from '../test/harness/outbox-load.js'
import { type BenchDatabase, createBenchDatabase } from './database.js'

const { values: args } = parseArgs({
  options: {
    server: { type: 'string' },
    recipients: { type: 'string', default: '10000' },
    factor: { type: 'string', default: '0.2' },
    only: { type: 'string', default: 'hol,broadcast,slow,sent' },
  },
})
const serverUrl = args.server ?? process.env['BENCH_DATABASE_URL']
const only = new Set(args.only.split(','))
const logger = createLogger({ level: 'silent' })
const log = (line: string) => console.log(line)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function withDatabase<T>(
  name: string,
  run: (db: Db, database: BenchDatabase) => Promise<T>
): Promise<T> {
  const database = await createBenchDatabase(`outbox_${name}`, serverUrl)
  const handle = await database.open()
  try {
    return await run(handle.db, database)
  } finally {
    await handle.close()
    await database.dispose()
  }
}

/** Production pacing; 4 busy chats with 60 replies each; 20 new chats' replies, one every 750 ms. */
async function headOfLine(): Promise<void> {
  await withDatabase('hol', async (db) => {
    const fake = await startFakeTelegram({ flood: { chatBurst: TELEGRAM_PACING.perChat!.count } })
    const sender = createOutboxSender({
      db,
      channels: [fakeTelegramSender(fake, TELEGRAM_PACING, 4, TELEGRAM_CONCURRENCY.max)],
      logger,
    })
    try {
      for (const chat of [201, 202, 203, 204]) {
        await enqueueMessages(
          db,
          Array.from({ length: 60 }, (_, i) => ({
            channel: 'telegram' as const,
            recipientId: String(chat),
            priority: PRIORITY.live,
            message: { text: `Balasan ${i + 1}` },
          }))
        )
      }
      sender.start()
      await sleep(1500)
      const latencies: number[] = []
      for (let i = 0; i < 20; i++) {
        const chat = 9000 + i
        await enqueueMessages(db, [
          {
            channel: 'telegram',
            recipientId: String(chat),
            priority: PRIORITY.live,
            message: { text: 'Selamat datang' },
          },
        ])
        const queuedAt = performance.now()
        sender.wake('telegram')
        while (fake.callsOf('sendMessage', chat).length === 0) await sleep(2)
        latencies.push(fake.startedAt + fake.callsOf('sendMessage', chat)[0]!.at - queuedAt)
        await sleep(750)
      }
      const busyLeft = await db.execute(
        sql`select count(*)::int as n from outbox where status <> 'sent' and recipient_id in ('201','202','203','204')`
      )
      log(
        `hol: new chat reply while 4 busy chats wait: p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms ` +
          `(target p99 <= 1500 ms); busy replies still queued at the end: ` +
          `${(busyLeft as unknown as { n: number }[])[0]?.n ?? JSON.stringify(busyLeft)}; ` +
          `429s ${fake.calls.filter((c) => c.status === 429).length}`
      )
    } finally {
      await sender.stop()
      await fake.close()
    }
  })
}

/** A bulk message to `recipients` chats, Telegram's windows times `factor`. */
async function broadcast(recipients: number, factor: number): Promise<void> {
  await withDatabase('broadcast', async (db) => {
    const { flood, pacing } = scaledLimits(30, factor)
    const fake = await startFakeTelegram({ flood })
    const sender = createOutboxSender({
      db,
      channels: [fakeTelegramSender(fake, pacing, 4, TELEGRAM_CONCURRENCY.max)],
      logger,
      batchSize: 200,
    })
    try {
      await queueBulk(db, recipients)
      const started = performance.now()
      await sender.drain('telegram')
      await sender.idle()
      const seconds = (performance.now() - started) / 1000
      const accepted = fake.callsOf('sendMessage').map((c) => c.at)
      const span = (Math.max(...accepted) - Math.min(...accepted)) / 1000
      const permitted = 30 / factor
      log(
        `broadcast: ${recipients} recipients, windows x${factor} (limit ${permitted.toFixed(0)}/s, ` +
          `paced ${(1000 / spacingMs(pacing)).toFixed(1)}/s): ${accepted.length} accepted in ` +
          `${seconds.toFixed(1)} s, ${(accepted.length / span).toFixed(1)}/s; 429 answers ` +
          `${fake.calls.filter((c) => c.status === 429).length} (target 0); flood peak ` +
          `${fake.flood.peak.bot} per window`
      )
    } finally {
      await fake.close()
    }
  })
}

/** The fake answers after 300 ms; production limits (30/s, margin 5%). */
async function slowApi(): Promise<void> {
  for (const [label, max, count] of [
    ['adaptive (4..32 in flight)', TELEGRAM_CONCURRENCY.max, 600],
    ['fixed at 4 in flight', 4, 200],
  ] as const) {
    await withDatabase('slow', async (db) => {
      const fake = await startFakeTelegram({
        flood: { chatBurst: TELEGRAM_PACING.perChat!.count },
        answerDelayMs: 300,
      })
      const sender = createOutboxSender({
        db,
        channels: [fakeTelegramSender(fake, TELEGRAM_PACING, 4, max)],
        logger,
        batchSize: 200,
      })
      try {
        await queueBulk(db, count)
        await sender.drain('telegram')
        await sender.idle()
        const accepted = fake.callsOf('sendMessage').map((c) => c.at)
        // Skip the first second: the answer time is learnt from the first answers.
        const from = Math.min(...accepted) + 1000
        const steady = accepted.filter((at) => at >= from)
        const rate = steady.length / ((Math.max(...steady) - from) / 1000)
        const paced = 1000 / spacingMs(TELEGRAM_PACING)
        log(
          `slow api (300 ms answers), ${label}: ${rate.toFixed(1)}/s = ` +
            `${((100 * rate) / paced).toFixed(1)}% of the paced ${paced.toFixed(1)}/s, ` +
            `${((100 * rate) / 30).toFixed(1)}% of the limit 30/s (target >= 95%); 429 answers ` +
            `${fake.calls.filter((c) => c.status === 429).length}`
        )
      } finally {
        await fake.close()
      }
    })
  }
}

/** Claim time and unpaced drain rate with no sent rows, then with 1,000,000. */
async function sentRows(): Promise<void> {
  await withDatabase('sent', async (db, database) => {
    const channel: ChannelSender = { channel: 'telegram', send: async () => ({ ok: true }) }
    const measure = async (label: string) => {
      await queueBulk(db, 5000, { firstChatId: 500_000 })
      await db.execute(sql`analyze outbox`)
      const claims: number[] = []
      for (let i = 0; i < 20; i++) {
        const started = performance.now()
        const rows = await claimOutbox(db, {
          channel: 'telegram',
          limit: 50,
          leaseSeconds: 60,
          perChat: 3,
        })
        claims.push(performance.now() - started)
        await db.execute(
          sql`update outbox set status = 'queued', attempts = 0 where id in ${sql.raw(
            `(${rows.map((row) => row.id).join(',')})`
          )}`
        )
      }
      const sender = createOutboxSender({
        db,
        channels: [channel],
        logger,
        pacing: { telegram: null },
        concurrency: { telegram: 16 },
      })
      const started = performance.now()
      const sent = await sender.drain('telegram')
      const seconds = (performance.now() - started) / 1000
      log(
        `sent rows, ${label}: claim of 50 p50 ${percentile(claims, 50).toFixed(1)} ms, ` +
          `max ${Math.max(...claims).toFixed(1)} ms; unpaced drain ${sent} rows at ` +
          `${(sent / seconds).toFixed(0)}/s`
      )
    }
    await measure('none sent')
    const started = performance.now()
    // Seeding takes longer than the production statement deadline.
    const seeder = database.databaseUrl
      ? await createDb({
          databaseUrl: database.databaseUrl,
          migrate: false,
          statementTimeoutMs: 600_000,
        })
      : undefined
    await (seeder?.db ?? db).execute(sql`
      insert into outbox (channel, recipient_id, priority, message, status, attempts, sent_at)
      select 'telegram', (100000 + n % 20000)::text, 0, '{"text":"x"}'::jsonb, 'sent', 1, now()
      from generate_series(1, 1000000) as n`)
    await seeder?.close()
    log(`sent rows: 1,000,000 seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    await measure('1,000,000 sent')
  })
}

if (only.has('hol')) await headOfLine()
if (only.has('broadcast')) await broadcast(Number(args.recipients), Number(args.factor))
if (only.has('slow')) await slowApi()
if (only.has('sent')) await sentRows()
