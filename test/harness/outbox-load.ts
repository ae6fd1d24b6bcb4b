/**
 * Helpers for outbox load tests against the fake Bot API: a Telegram sender with scaled limits,
 * bulk rows in one insert, and the measurements the tests assert on and report.
 * @module
 */
import { Api } from 'grammy'
import { TELEGRAM_PACING, createTelegramSender } from '../../src/channels/telegram/sender.js'
import type { PacingLimits } from '../../src/channels/types.js'
import type { Db } from '../../src/db/client.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { scalePacing } from '../../src/outbox/pacing.js'
import type { FakeMessage, FakeTelegram, FloodLimits } from './fake-telegram.js'

/**
 * The fake's limits and the sender's pacing, both Telegram's shape scaled by `factor`: with 0.1 a
 * "second" lasts 100 ms, so `botPerSecond` 40 means 400 messages a real second.
 */
export function scaledLimits(botPerSecond: number, factor: number) {
  const flood: FloodLimits = {
    factor,
    botPerSecond,
    chatPerSecond: 1,
    chatBurst: TELEGRAM_PACING.perChat!.count,
    groupPerMinute: 20,
  }
  const pacing: PacingLimits = scalePacing(
    { ...TELEGRAM_PACING, total: { count: botPerSecond, windowMs: 1000 } },
    factor
  )
  return { flood, pacing }
}

/**
 * The Telegram channel sender as production builds it, pointed at the fake; sends in flight fixed
 * at `concurrency` unless `maxConcurrency` lets them grow with the fake's answer time.
 */
export function fakeTelegramSender(
  fake: FakeTelegram,
  pacing: PacingLimits,
  concurrency = 8,
  maxConcurrency = concurrency
) {
  return createTelegramSender(new Api(fake.token, { apiRoot: fake.apiRoot }), {
    pacing,
    concurrency,
    maxConcurrency,
  })
}

/** Queues one bulk message to each of `count` chats (ids from `firstChatId`), in chunks. */
export async function queueBulk(
  db: Db,
  count: number,
  options: { firstChatId?: number; perChat?: number; text?: (i: number) => string } = {}
): Promise<number[]> {
  const first = options.firstChatId ?? 100_000
  const perChat = options.perChat ?? 1
  const rows = Array.from({ length: count }, (_, i) => ({
    channel: 'telegram' as const,
    recipientId: String(first + Math.floor(i / perChat)),
    priority: PRIORITY.bulk,
    message: { text: options.text?.(i) ?? `Pengumuman ${i}` },
  }))
  const ids: number[] = []
  for (let i = 0; i < rows.length; i += 500) {
    ids.push(...(await enqueueMessages(db, rows.slice(i, i + 500))))
  }
  return ids
}

/** How many messages each chat received. */
export function countsByChat(messages: FakeMessage[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const m of messages) counts.set(m.chatId, (counts.get(m.chatId) ?? 0) + 1)
  return counts
}

/** Messages per second between the first and the last accepted send of `method`. */
export function measuredRate(fake: FakeTelegram, method = 'sendMessage'): number {
  const times = fake.callsOf(method).map((call) => call.at)
  if (times.length < 2) return 0
  const seconds = (Math.max(...times) - Math.min(...times)) / 1000
  return Math.round(times.length / seconds)
}
