/**
 * The outbox sender against the strict fake Bot API with Telegram's limits scaled up (a "second"
 * lasts 100 ms): 2,000 bulk messages arrive exactly once each without the fake ever counting a
 * flood violation, live replies to one person overtake the bulk, and a 429 storm still gives
 * exactly-once delivery in order per chat. Runs on PGlite and, with TEST_DATABASE_URL, Postgres.
 * The measured rates are printed for the closing note. Each test may take two minutes: on
 * a loaded machine 2,000 sends with 8 in flight take 30 s or more, and the bound is not the point.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { outbox } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { TELEGRAM_PACING } from '../../src/channels/telegram/sender.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram } from '../harness/fake-telegram.js'
import {
  countsByChat,
  fakeTelegramSender,
  measuredRate,
  queueBulk,
  scaledLimits,
} from '../harness/outbox-load.js'
import { silentLogger } from '../harness/runtime.js'

/** A Telegram "second" lasts 100 ms; 40 per such second is 400 messages a real second. */
const FACTOR = 0.1
const BOT_PER_SECOND = 40
const CONCURRENCY = 8
const BATCH_SIZE = 200
const LIVE_CHAT = 777

let handle: TestDbHandle
let fake: FakeTelegram
beforeEach(async () => {
  handle = await createTestDb()
})
afterEach(async () => {
  await fake.close()
  await handle.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('outbox sender through the fake Bot API, limits scaled up', () => {
  test('2,000 bulk messages: each chat exactly one, limits never exceeded, live replies overtake', async () => {
    const { flood, pacing } = scaledLimits(BOT_PER_SECOND, FACTOR)
    fake = await startFakeTelegram({ flood })
    const sender = createOutboxSender({
      db: handle.db,
      channels: [fakeTelegramSender(fake, pacing, CONCURRENCY)],
      logger: silentLogger,
      batchSize: BATCH_SIZE,
    })
    await queueBulk(handle.db, 2000)
    const bulkSent = () => fake.messages.filter((m) => m.chatId !== LIVE_CHAT).length

    const started = performance.now()
    const draining = sender.drain('telegram')
    // A person chats while the broadcast goes out: a reply every 150 ms (the chat's limit is one
    // per 100 ms), each queued as the runtime does and followed by its wake.
    const live: { text: string; queuedAt: number; bulkBefore: number }[] = []
    for (let i = 0; i < 12; i++) {
      await sleep(150)
      const text = `Balasan ${i}`
      await enqueueMessages(handle.db, [
        {
          channel: 'telegram',
          recipientId: String(LIVE_CHAT),
          priority: PRIORITY.live,
          message: { text },
        },
      ])
      live.push({ text, queuedAt: performance.now() - started, bulkBefore: bulkSent() })
      sender.wake('telegram')
    }
    await draining
    await sender.idle()
    const bulkMs = performance.now() - started

    // Exactly once each, and every row recorded as sent.
    const counts = countsByChat(fake.messages)
    expect(counts.size).toBe(2001)
    expect([...counts.entries()].filter(([chat, n]) => chat !== LIVE_CHAT && n !== 1)).toEqual([])
    const rows = await handle.db.select({ status: outbox.status }).from(outbox)
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([])
    // The fake counted no send over any limit.
    expect(fake.flood.violations).toEqual({ bot: 0, chat: 0, group: 0 })
    expect(fake.flood.peak.bot).toBeLessThanOrEqual(BOT_PER_SECOND)
    expect(fake.flood.peak.chat).toBeLessThanOrEqual(TELEGRAM_PACING.perChat!.count)

    // Live replies in order, each overtaking the bulk: none waited for the rest of the 200-row
    // batch it was queued behind, and all went out while the bulk was still going.
    const liveSent = fake.sentTo(LIVE_CHAT).map((m) => m.text)
    expect(liveSent).toEqual(live.map((l) => l.text))
    const order = fake.messages.map((m) => m.chatId)
    const liveAt = order.flatMap((chat, index) => (chat === LIVE_CHAT ? [index] : []))
    const overtakenBy = live.map((l, i) => liveAt[i]! - i - l.bulkBefore)
    expect(Math.max(...overtakenBy)).toBeLessThan(BATCH_SIZE)
    expect(liveAt.at(-1)!).toBeLessThan(order.length - 1000)

    const liveCalls = fake.callsOf('sendMessage', LIVE_CHAT)
    const latencies = live.map((l, i) =>
      Math.round(fake.startedAt + liveCalls[i]!.at - (started + l.queuedAt))
    )
    console.info(
      `[outbox bulk] ${handle.kind}: 2000 bulk in ${Math.round(bulkMs)} ms, measured ` +
        `${measuredRate(fake)} msg/s vs configured ${BOT_PER_SECOND / FACTOR} msg/s; peak ` +
        `${fake.flood.peak.bot} sends per scaled second (limit ${BOT_PER_SECOND}); live replies: ` +
        `latency ${Math.min(...latencies)}-${Math.max(...latencies)} ms, overtaken by at most ` +
        `${Math.max(...overtakenBy)} bulk sends`
    )
  }, 120_000)

  test('a 429 storm: every message still arrives exactly once, in order per chat', async () => {
    const { flood, pacing } = scaledLimits(BOT_PER_SECOND, FACTOR)
    fake = await startFakeTelegram({ flood })
    const sender = createOutboxSender({
      db: handle.db,
      channels: [fakeTelegramSender(fake, pacing, CONCURRENCY)],
      logger: silentLogger,
      // Were a 429 a failed try, the storm would fail rows for good after two.
      maxAttempts: 2,
    })
    // 100 chats, three messages each.
    await queueBulk(handle.db, 300, { perChat: 3, text: (i) => `m${i % 3}` })
    fake.failNext({ status: 429, retryAfter: 1 }, 60, 'sendMessage')

    const deadline = Date.now() + 90_000
    while (Date.now() < deadline) {
      await sender.drain('telegram')
      const [open] = await handle.db
        .select({ id: outbox.id })
        .from(outbox)
        .where(eq(outbox.status, 'queued'))
        .limit(1)
      if (!open) break
      await sleep(100)
    }

    const refused = fake.calls.filter((c) => c.status === 429).length
    expect(refused).toBe(60)
    const counts = countsByChat(fake.messages)
    expect(counts.size).toBe(100)
    expect([...counts.values()].every((n) => n === 3)).toBe(true)
    for (const chat of counts.keys()) {
      expect(fake.sentTo(chat).map((m) => m.text)).toEqual(['m0', 'm1', 'm2'])
    }
    const rows = await handle.db.select().from(outbox)
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
    expect(fake.flood.violations).toEqual({ bot: 0, chat: 0, group: 0 })
  }, 120_000)
})
