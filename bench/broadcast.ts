/**
 * @module Benchmark 3, broadcast fan-out: `recipients` cadres imported with their Telegram
 * identities, one broadcast to all of them created through the broadcast service and fanned out
 * by its scheduler fire, then the outbox sender delivers it to the fake Bot API, which enforces
 * Telegram's flood limits with every window shrunk by `floodFactor`; the sender's Telegram pacing
 * is shrunk by the same factor (`createOutboxSender` `pacing`). Reports the achieved rate against
 * the permitted one, the 429s received, and duplicates and losses per chat.
 */
import { sql } from 'drizzle-orm'
import { Api } from 'grammy'
import { createBroadcast } from '../src/broadcasts/service.js'
import { TELEGRAM_PACING, createTelegramSender } from '../src/channels/telegram/sender.js'
import { createI18n } from '../src/i18n/index.js'
import { createLogger } from '../src/lib/logger.js'
import { scalePacing } from '../src/outbox/pacing.js'
import { createOutboxSender } from '../src/outbox/sender.js'
import { runDueFires } from '../src/scheduler/fires.js'
import { broadcastHandlers } from '../src/scheduler/jobs/broadcasts.js'
import { startFakeTelegram } from '../test/harness/fake-telegram.js'
import { createBenchDatabase, rowsOf } from './database.js'
import { seedPeople } from './seed.js'
import { round } from './stats.js'

const TELEGRAM_ID_BASE = 740_000_000
/** Give up when the fan-out has not finished after this long (a stuck sender). */
const TIMEOUT_MS = 10 * 60_000

export type BroadcastOptions = {
  recipients: number
  /** Telegram's windows times this (0.1: ten times the permitted rate). */
  floodFactor: number
  serverUrl?: string
  log: (line: string) => void
}

export type BroadcastResult = {
  database: 'pglite' | 'postgres'
  recipients: number
  floodFactor: number
  setupMs: number
  /** The broadcast fire: segment read, one outbox row per recipient. */
  fanOutMs: number
  /** First to last message accepted by the fake. */
  sendMs: number
  achievedPerSecond: number
  /** Telegram's 30 messages a second per bot, divided by the factor. */
  permittedPerSecond: number
  /** Messages sent ÷ the most the limits allowed between the first and the last one. */
  rateRatio: number
  tooManyRequests: number
  duplicates: number
  losses: number
  outboxNotSent: number
  pacing: string
}

export async function benchBroadcast(options: BroadcastOptions): Promise<BroadcastResult> {
  const { log, floodFactor } = options
  const database = await createBenchDatabase('broadcast', options.serverUrl)
  const handle = await database.open()
  const fake = await startFakeTelegram({ flood: { factor: floodFactor } })
  try {
    const setupStarted = performance.now()
    const now = new Date()
    const cadres = await seedPeople(handle.db, {
      count: options.recipients,
      role: 'kader',
      telegramBase: TELEGRAM_ID_BASE,
      now,
    })
    const setupMs = round(performance.now() - setupStarted, 0)
    log(`broadcast: seeded ${cadres.length} cadres in ${setupMs} ms`)

    const i18n = await createI18n({ timeZone: 'Asia/Jakarta' })
    const logger = createLogger({ level: 'silent' })
    const broadcast = await createBroadcast(handle.db, {
      author: { source: 'api' },
      segment: { roles: ['kader'] },
      text: 'Selamat pagi {nama}, posyandu bulan ini dimajukan ke hari Senin.',
      now,
      timeZone: 'Asia/Jakarta',
    })
    const fanOutStarted = performance.now()
    await runDueFires(
      { db: handle.db, handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }), logger },
      now
    )
    const fanOutMs = round(performance.now() - fanOutStarted, 0)
    log(`broadcast: ${broadcast.recipients} recipients fanned out in ${fanOutMs} ms`)

    const pacing = scalePacing(TELEGRAM_PACING, floodFactor)
    const sender = createOutboxSender({
      db: handle.db,
      channels: [createTelegramSender(new Api(fake.token, { apiRoot: fake.apiRoot }))],
      logger,
      pacing: { telegram: pacing },
    })
    const accepted = () => fake.callsOf('sendMessage').length
    const started = performance.now()
    sender.start()
    while (accepted() < cadres.length && performance.now() - started < TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await sender.stop()

    const sends = fake.callsOf('sendMessage')
    const perChat = new Map<number, number>()
    for (const call of sends) {
      const chat = Number(call.params['chat_id'])
      perChat.set(chat, (perChat.get(chat) ?? 0) + 1)
    }
    const duplicates = [...perChat.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0)
    const losses = cadres.filter((c) => !perChat.has(c.telegramId)).length
    const sendMs = sends.length < 2 ? Number.NaN : sends.at(-1)!.at - sends[0]!.at
    const limit = TELEGRAM_PACING.total?.count ?? 30
    const windowMs = (TELEGRAM_PACING.total?.windowMs ?? 1000) * floodFactor
    const achievedPerSecond = round(sends.length / (sendMs / 1000), 1)
    const permittedPerSecond = round(limit / (windowMs / 1000), 1)
    // The most a perfect sender may send from its first message to its last under a sliding
    // window of `limit` per `windowMs`: a full window's worth at the start, then `limit` per window.
    const permittedInSpan = limit * (Math.floor(sendMs / windowMs) + 1)
    const notSent = rowsOf<{ count: number }>(
      await handle.db.execute(sql`select count(*)::int as count from outbox where status <> 'sent'`)
    )
    const result: BroadcastResult = {
      database: database.kind,
      recipients: options.recipients,
      floodFactor,
      setupMs,
      fanOutMs,
      sendMs,
      achievedPerSecond,
      permittedPerSecond,
      rateRatio: round(sends.length / permittedInSpan, 3),
      tooManyRequests: fake.calls.filter((c) => c.status === 429).length,
      duplicates,
      losses,
      outboxNotSent: Number(notSent[0]?.count ?? -1),
      pacing: `fake flood limits and the sender's Telegram pacing both scaled by ${floodFactor}`,
    }
    log(
      `broadcast: ${result.achievedPerSecond}/${result.permittedPerSecond} msg/s, ${result.tooManyRequests} × 429`
    )
    return result
  } finally {
    await fake.close()
    await handle.close()
    await database.dispose()
  }
}
