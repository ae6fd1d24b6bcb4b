/**
 * A chat that answers 429 forever is not retried forever: a 429 costs no attempt, but the sender
 * counts them apart (`rate_limits`, `rate_limited_since`) and fails the row at its
 * `maxRateLimits`-th 429 or once it has been rate limited for `maxRateLimitedMs`, with a clear
 * `last_error`. Through the fake Bot API (which answers 429 with `retry_after` 0 here, so retries
 * are due at once) and an injected clock. PGlite and, with TEST_DATABASE_URL, Postgres.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { ChannelSender } from '../../src/channels/types.js'
import type { Db } from '../../src/db/client.js'
import { type OutboxRow, enqueueMessages } from '../../src/db/queries/outbox.js'
import { outbox } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { type OutboxSenderDeps, createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram } from '../harness/fake-telegram.js'
import { fakeTelegramSender, scaledLimits } from '../harness/outbox-load.js'
import { silentLogger } from '../harness/runtime.js'

const CHAT = 4242
const T0 = new Date('2026-11-23T01:00:00Z')
const HOUR = 3600_000

let handle: TestDbHandle
let fake: FakeTelegram
beforeEach(async () => {
  handle = await createTestDb()
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
  await handle.close()
})

async function queueOne(db: Db, text: string, priority: number = PRIORITY.bulk) {
  const [id] = await enqueueMessages(db, [
    { channel: 'telegram', recipientId: String(CHAT), priority, message: { text } },
  ])
  return id!
}

async function rowById(db: Db, id: number): Promise<OutboxRow> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id))
  return row!
}

/** The Telegram sender against the fake, unpaced (the fake's 429s are the only limit). */
function senderFor(deps: Partial<OutboxSenderDeps>) {
  const { pacing } = scaledLimits(40, 0.1)
  return createOutboxSender({
    db: handle.db,
    channels: [fakeTelegramSender(fake, pacing)],
    logger: silentLogger,
    pacing: { telegram: null },
    ...deps,
  })
}

const always429 = () => fake.failNext({ status: 429, retryAfter: 0 }, 1_000, 'sendMessage')

describe('the rate-limit cap', () => {
  test('a chat that always answers 429 fails the row at its maxRateLimits-th 429, attempts untouched', async () => {
    const id = await queueOne(handle.db, 'Pengumuman')
    always429()

    await senderFor({ maxRateLimits: 5, clock: () => T0 }).drain('telegram')

    const row = await rowById(handle.db, id)
    expect(row).toMatchObject({
      status: 'failed',
      rateLimits: 5,
      rateLimitedSince: T0,
      sentAt: null,
    })
    // The 429s were no failed tries: the first four were refunded, only the last claim counts.
    expect(row.attempts).toBe(1)
    expect(row.lastError).toBe(
      `gave up after 5 rate limits (429) since ${T0.toISOString()}: 429: Too Many Requests: retry after 0`
    )
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(5)
    expect(fake.sentTo(CHAT)).toEqual([])
  })

  test('a row still rate limited maxRateLimitedMs after its first 429 fails, by the injected clock', async () => {
    const id = await queueOne(handle.db, 'Pengingat', PRIORITY.reminder)
    always429()
    // Each 429 reads the clock once: 0 h, 10 h, 20 h, 30 h after T0.
    let reads = 0
    const clock = () => new Date(T0.getTime() + reads++ * 10 * HOUR)

    await senderFor({ maxRateLimitedMs: 24 * HOUR, clock }).drain('telegram')

    const row = await rowById(handle.db, id)
    expect(row).toMatchObject({ status: 'failed', rateLimits: 4, rateLimitedSince: T0 })
    expect(row.lastError).toMatch(
      new RegExp(`^gave up after 4 rate limits \\(429\\) since ${T0.toISOString()}: 429: `)
    )
  })

  test('429s under the cap are retried and the row goes out once; later rows to the chat follow', async () => {
    const first = await queueOne(handle.db, 'Satu')
    const second = await queueOne(handle.db, 'Dua')
    fake.failNext({ status: 429, retryAfter: 0 }, 3, 'sendMessage')

    await senderFor({ maxRateLimits: 5, clock: () => T0 }).drain('telegram')

    expect(await rowById(handle.db, first)).toMatchObject({
      status: 'sent',
      attempts: 1,
      rateLimits: 3,
      rateLimitedSince: T0,
    })
    expect(await rowById(handle.db, second)).toMatchObject({ status: 'sent', rateLimits: 0 })
    expect(fake.sentTo(CHAT).map((m) => m.text)).toEqual(['Satu', 'Dua'])
  })

  test('a wait of our own (WhatsApp not connected, a daily cap) is not counted as a rate limit', async () => {
    const [id] = await enqueueMessages(handle.db, [
      {
        channel: 'whatsapp',
        recipientId: '6281200000001',
        priority: PRIORITY.bulk,
        message: { text: 'x' },
      },
    ])
    const waiting: ChannelSender = {
      channel: 'whatsapp',
      send: async () => ({
        ok: false,
        retryable: true,
        error: 'whatsapp not connected',
        retryAfterMs: 30_000,
        localWait: true,
      }),
    }
    await createOutboxSender({
      db: handle.db,
      channels: [waiting],
      logger: silentLogger,
      maxRateLimits: 1,
      clock: () => T0,
    }).drain('whatsapp')
    expect(await rowById(handle.db, id!)).toMatchObject({
      status: 'queued',
      attempts: 0,
      rateLimits: 0,
      rateLimitedSince: null,
    })
  })

  test('the defaults: a hundred 429s, or a day', async () => {
    const id = await queueOne(handle.db, 'Pengumuman')
    always429()
    await senderFor({ clock: () => T0 }).drain('telegram')
    expect(await rowById(handle.db, id)).toMatchObject({ status: 'failed', rateLimits: 100 })
  })
})
