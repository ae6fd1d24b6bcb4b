/**
 * A fair outbox on a real database (PGlite, or Postgres with TEST_DATABASE_URL): claims take each
 * chat's first rows before any chat's later ones, a busy chat waiting for its pacing never holds
 * another chat's reply back, a reply of several messages goes out as the short burst Telegram
 * allows, and a WhatsApp Cloud API reply is not held by the per-person pace of reminders. Pacing
 * runs on an injected clock five times as fast as real time (Telegram's 3-second chat window lasts
 * 600 ms); the assertions are about order and counts, never about how long something took.
 */
import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { TELEGRAM_PACING } from '../../src/channels/telegram/sender.js'
import type { ChannelSender, PacingLimits } from '../../src/channels/types.js'
import type { ChannelName } from '../../src/domain/messages.js'
import { CLOUD_PACING } from '../../src/channels/whatsapp-cloud/sender.js'
import type { Db } from '../../src/db/client.js'
import { claimOutbox, enqueueMessages } from '../../src/db/queries/outbox.js'
import { outbox } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { useTestDb } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

const handle = useTestDb()

/** Paced time runs this many times as fast as real time. */
const SPEED = 5
const pacedNow = () => performance.now() * SPEED

type Sent = { chat: string; text: string; at: number }

/** A channel that answers at once and records each message with its (paced) time. */
function recordingChannel(channel: ChannelName, pacing: PacingLimits, now = pacedNow) {
  const sent: Sent[] = []
  const sender: ChannelSender = {
    channel,
    pacing,
    concurrency: 4,
    send: async (recipientId, message) => {
      sent.push({ chat: recipientId, text: message.text, at: now() })
      return { ok: true }
    },
  }
  return { sender, sent }
}

const queue = (
  db: Db,
  channel: ChannelName,
  chat: string,
  texts: string[],
  priority: number = PRIORITY.live
) =>
  enqueueMessages(
    db,
    texts.map((text) => ({ channel, recipientId: chat, priority, message: { text } }))
  )

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`)

/** Resolves once `done` holds, looking every few milliseconds (a bound keeps a bug from hanging). */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('fair claims', () => {
  test('chats interleave within a priority: each chat first rows, then the second ones', async () => {
    for (const chat of ['a', 'b', 'c', 'd'])
      await queue(handle.db, 'telegram', chat, numbered(chat, 10))
    await queue(handle.db, 'telegram', 'new', ['new1'])
    await queue(handle.db, 'telegram', 'bulk', ['bulk1'], PRIORITY.bulk)
    await queue(handle.db, 'telegram', 'late', ['late1'])

    const rows = await claimOutbox(handle.db, {
      channel: 'telegram',
      limit: 50,
      leaseSeconds: 60,
      perChat: 3,
    })
    const order = rows.map((row) => (row.message as { text: string }).text)
    // Three rows of each busy chat at most; the new chats' first rows in the first round; the
    // bulk row after every reply.
    expect(order).toEqual([
      ...['a1', 'b1', 'c1', 'd1', 'new1', 'late1'],
      ...['a2', 'b2', 'c2', 'd2'],
      ...['a3', 'b3', 'c3', 'd3'],
      'bulk1',
    ])
    // A chat's later rows come once those ahead of them were sent (a person reads in order).
    const again = await claimOutbox(handle.db, {
      channel: 'telegram',
      limit: 50,
      leaseSeconds: 60,
      perChat: 3,
    })
    expect(again).toEqual([])
    const chatA = rows.filter((row) => row.recipientId === 'a').map((row) => row.id)
    await handle.db.update(outbox).set({ status: 'sent' }).where(inArray(outbox.id, chatA))
    const next = await claimOutbox(handle.db, {
      channel: 'telegram',
      limit: 50,
      leaseSeconds: 60,
      perChat: 3,
    })
    expect(next.map((row) => (row.message as { text: string }).text)).toEqual(['a4', 'a5', 'a6'])
  })

  test('a less urgent row waits while its chat has a more urgent one queued after it', async () => {
    // A notice kept for a person (older) and the replies to them (newer), as at their consent;
    // another chat's reminder has no reply before it.
    await queue(handle.db, 'telegram', 'sri', ['notice'], PRIORITY.reminder)
    await queue(handle.db, 'telegram', 'other', ['reminder'], PRIORITY.reminder)
    await queue(handle.db, 'telegram', 'sri', ['halo reply'])
    const claim = (limit = 50) =>
      claimOutbox(handle.db, { channel: 'telegram', limit, leaseSeconds: 60, perChat: 3 })
    const texts = (rows: { message: unknown }[]) =>
      rows.map((row) => (row.message as { text: string }).text)
    const markSent = (rows: { id: number }[]) =>
      handle.db
        .update(outbox)
        .set({ status: 'sent' })
        .where(
          inArray(
            outbox.id,
            rows.map((row) => row.id)
          )
        )

    // The reply to "halo" goes; the notice waits for it while it is being sent.
    const first = await claim()
    expect(texts(first)).toEqual(['halo reply', 'reminder'])
    await queue(handle.db, 'telegram', 'sri', ['thanks', 'menu'])
    expect(texts(await claim())).toEqual([])

    // Sent: the consent's replies go, still before the notice.
    await markSent(first.slice(0, 1))
    const replies = await claim()
    expect(texts(replies)).toEqual(['thanks', 'menu'])
    await markSent(replies)
    expect(texts(await claim())).toEqual(['notice'])
  })

  test('a limit cuts the claim; the rest come by priority and age in later claims', async () => {
    for (const chat of ['a', 'b']) await queue(handle.db, 'telegram', chat, numbered(chat, 3))
    const first = await claimOutbox(handle.db, {
      channel: 'telegram',
      limit: 4,
      leaseSeconds: 60,
      perChat: 3,
    })
    // By age the first four are a1-a3 and b1; returned round-robin.
    expect(first.map((row) => (row.message as { text: string }).text)).toEqual([
      'a1',
      'b1',
      'a2',
      'a3',
    ])
  })
})

describe('fair sending with production pacing (a clock five times as fast)', () => {
  test('while 4 chats each have 30 replies queued, a new chat reply overtakes their backlog', async () => {
    const { sender, sent } = recordingChannel('telegram', TELEGRAM_PACING)
    const outboxSender = createOutboxSender({
      db: handle.db,
      channels: [sender],
      logger: silentLogger,
      paceClock: pacedNow,
    })
    const busy = ['101', '102', '103', '104']
    for (const chat of busy) await queue(handle.db, 'telegram', chat, numbered(`m${chat}-`, 30))
    outboxSender.start()
    try {
      // Each busy chat had its first burst of three and now waits for its window.
      await until(() => sent.length >= 12, 'the first bursts')
      await queue(handle.db, 'telegram', '999', ['Selamat datang'])
      const queuedAfter = sent.length
      outboxSender.wake('telegram')
      await until(() => sent.some((s) => s.chat === '999'), 'the new chat reply')
      const before = sent.findIndex((s) => s.chat === '999')
      // Before it went out, the busy chats got at most two more bursts each (4 x 3 x 2: the
      // claim that takes it in may take a paced second or two on a busy machine); when one batch
      // held them all (50 oldest rows, one a second per chat), they got dozens (89 measured).
      expect(before - queuedAfter).toBeLessThanOrEqual(24)
      // No busy chat ever got more than three messages in any three (paced) seconds.
      for (const chat of busy) {
        const times = sent.filter((s) => s.chat === chat).map((s) => s.at)
        for (let i = 3; i < times.length; i++) {
          expect(times[i]! - times[i - 3]!).toBeGreaterThanOrEqual(3000)
        }
      }
    } finally {
      await outboxSender.stop()
    }
  }, 120_000)

  test('a reply of three messages goes out as one burst, in order, not one a second', async () => {
    // On the real clock here: one a second would take two seconds for three.
    const { sender, sent } = recordingChannel('telegram', TELEGRAM_PACING, () => performance.now())
    const outboxSender = createOutboxSender({
      db: handle.db,
      channels: [sender],
      logger: silentLogger,
    })
    await queue(handle.db, 'telegram', '55', ['Terima kasih', 'Ringkasan', 'Menu'])
    await outboxSender.drain('telegram')
    expect(sent.map((s) => s.text)).toEqual(['Terima kasih', 'Ringkasan', 'Menu'])
    // Three messages well within the chat's average of one a second, not two seconds apart.
    expect(sent[2]!.at - sent[0]!.at).toBeLessThan(1000)
  }, 60_000)

  test('WhatsApp Cloud API: twelve replies to one person are not held by the 10-a-minute pace', async () => {
    const { sender, sent } = recordingChannel('whatsapp', CLOUD_PACING)
    const outboxSender = createOutboxSender({
      db: handle.db,
      channels: [sender],
      logger: silentLogger,
      paceClock: pacedNow,
      // A reminder held by its pace goes back to the queue rather than hold the batch.
      maxHoldMs: 2000,
    })
    await queue(handle.db, 'whatsapp', '6281234', numbered('Balasan ', 12))
    await queue(handle.db, 'whatsapp', '6281234', ['Pengingat'], PRIORITY.reminder)
    await outboxSender.drain('whatsapp')
    // Every reply went out in this drain, in order; the reminder waits for the person's pace
    // (twelve messages already in the minute) and is back in the queue with a not-before.
    expect(sent.map((s) => s.text)).toEqual(numbered('Balasan ', 12))
    const [reminder] = await handle.db
      .select({ status: outbox.status, wait: sql<number>`extract(epoch from not_before - now())` })
      .from(outbox)
      .where(eq(outbox.priority, PRIORITY.reminder))
    expect(reminder!.status).toBe('queued')
    expect(Number(reminder!.wait)).toBeGreaterThan(0)
  }, 60_000)
})
