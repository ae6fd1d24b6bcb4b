/**
 * The outbox sender on a real database (PGlite, or Postgres with TEST_DATABASE_URL): claim order,
 * retries and backoff, leases left by a crashed sender, wake coalescing, and two senders sharing
 * one queue. The channel is the only fake: it records what it was handed and answers as scripted.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { ChannelSender, DeliveryResult } from '../../src/channels/types.js'
import type { ChannelName, OutboundMessage } from '../../src/domain/messages.js'
import { createDb } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import {
  type OutboxRow,
  claimOutbox,
  clearRecipientUnreachable,
  enqueueMessages,
  markSent,
} from '../../src/db/queries/outbox.js'
import { recordConsent } from '../../src/db/queries/consent.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { setOptedOut, upsertPersonByPhone } from '../../src/db/queries/people.js'
import { NOTICE_VERSION } from '../../src/domain/consent.js'
import { channelIdentities, consents, outbox } from '../../src/db/schema/index.js'
import { type OutboxSenderDeps, createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDatabase, createTestDbUrl, hasPostgres, useTestDb } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

type Call = { recipientId: string; text: string }
type Script = (call: Call, index: number) => DeliveryResult | Promise<DeliveryResult>

/** A channel that records every message it is handed and answers as `script` says. */
function recordingChannel(
  script: Script = () => ({ ok: true }),
  channel: ChannelName = 'simulator'
) {
  const calls: Call[] = []
  const sender: ChannelSender = {
    channel,
    send: async (recipientId: string, message: OutboundMessage) => {
      const call = { recipientId, text: message.text }
      calls.push(call)
      return script(call, calls.length - 1)
    },
  }
  return { sender, calls, texts: () => calls.map((c) => c.text) }
}

const queue = (db: Db, text: string, options: { priority?: number; to?: string } = {}) =>
  enqueueMessages(db, [
    {
      channel: 'simulator',
      recipientId: options.to ?? 'sim-1',
      priority: options.priority ?? 0,
      message: { text },
    },
  ]).then(([id]) => id!)

const rowById = async (db: Db, id: number): Promise<OutboxRow> => {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id))
  return row!
}

const secondsFromNow = (date: Date | null) => (date!.getTime() - Date.now()) / 1000

const handle = useTestDb()

const senderFor = (channel: ChannelSender, deps: Partial<OutboxSenderDeps> = {}) =>
  createOutboxSender({ db: handle.db, channels: [channel], logger: silentLogger, ...deps })

describe('outbox sender', () => {
  test('delivers queued rows by priority, then in the order they were queued', async () => {
    await queue(handle.db, 'bulk', { priority: 2 })
    await queue(handle.db, 'live', { priority: 0 })
    await queue(handle.db, 'reminder', { priority: 1 })
    const channel = recordingChannel()

    expect(await senderFor(channel.sender).drain('simulator')).toBe(3)

    expect(channel.texts()).toEqual(['live', 'reminder', 'bulk'])
    const rows = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent'])
  })

  test('keeps the queueing order of each recipient across batches', async () => {
    for (let i = 1; i <= 6; i++) {
      await queue(handle.db, `a${i}`, { to: 'sim-a' })
      await queue(handle.db, `b${i}`, { to: 'sim-b' })
    }
    const channel = recordingChannel()

    // A batch of 4 splits the twelve rows over three claims.
    await senderFor(channel.sender, { batchSize: 4 }).drain('simulator')

    const to = (recipientId: string) =>
      channel.calls.filter((c) => c.recipientId === recipientId).map((c) => c.text)
    expect(to('sim-a')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])
    expect(to('sim-b')).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6'])
  })

  test('records the platform message id and the time a row was sent', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel(() => ({ ok: true, platformMessageId: 'pm-42' }))

    await senderFor(channel.sender).drain('simulator')

    expect(channel.calls).toEqual([{ recipientId: 'sim-1', text: 'hello' }])
    const row = await rowById(handle.db, id)
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      platformMessageId: 'pm-42',
      leaseUntil: null,
      lastError: null,
    })
    expect(Math.abs(secondsFromNow(row.sentAt))).toBeLessThan(5)
  })

  test('a retryable failure is queued again after its backoff and delivered later', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel((_, index) =>
      index === 0
        ? { ok: false, retryable: true, error: 'HTTP 502' }
        : { ok: true, platformMessageId: 'pm-2' }
    )
    const backoffs: number[] = []
    const sender = senderFor(channel.sender, {
      backoffMs: (attempt) => {
        backoffs.push(attempt)
        return 60_000
      },
    })

    expect(await sender.drain('simulator')).toBe(1)
    const failed = await rowById(handle.db, id)
    expect(failed).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'HTTP 502',
      leaseUntil: null,
      sentAt: null,
    })
    expect(backoffs).toEqual([1])
    expect(secondsFromNow(failed.notBefore)).toBeGreaterThan(55)
    expect(secondsFromNow(failed.notBefore)).toBeLessThan(65)

    // Not due yet: a drain now leaves it alone.
    expect(await sender.drain('simulator')).toBe(0)
    expect(channel.calls).toHaveLength(1)

    // The backoff has passed.
    await handle.db
      .update(outbox)
      .set({ notBefore: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, id))
    expect(await sender.drain('simulator')).toBe(1)

    expect(channel.texts()).toEqual(['hello', 'hello'])
    const sent = await rowById(handle.db, id)
    expect(sent).toMatchObject({
      status: 'sent',
      attempts: 2,
      platformMessageId: 'pm-2',
      lastError: null,
    })
    expect(sent.sentAt).not.toBeNull()
  })

  test('after a failure to be retried, later messages to that person wait for it', async () => {
    const first = await queue(handle.db, 'satu')
    const second = await queue(handle.db, 'dua')
    const other = await queue(handle.db, 'lain', { to: 'sim-2' })
    const lowPriority = await queue(handle.db, 'siaran', { priority: 2 })
    const channel = recordingChannel((call, index) =>
      index === 0 ? { ok: false, retryable: true, error: 'HTTP 502' } : { ok: true }
    )
    const sender = senderFor(channel.sender, { backoffMs: () => 60_000 })

    await sender.drain('simulator')
    // "dua" was handed back untried; the other person's message went out.
    expect(channel.texts()).toEqual(['satu', 'lain'])
    expect(await rowById(handle.db, second)).toMatchObject({ status: 'queued', attempts: 0 })
    expect((await rowById(handle.db, other)).status).toBe('sent')
    // A broadcast to the same person, queued after the failed reply, waits for it as well.
    expect((await rowById(handle.db, lowPriority)).status).toBe('queued')

    expect(await sender.drain('simulator')).toBe(0)
    await handle.db
      .update(outbox)
      .set({ notBefore: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, first))
    await sender.drain('simulator')
    expect(channel.texts()).toEqual(['satu', 'lain', 'satu', 'dua', 'siaran'])
  })

  test('with no backoff, a retryable failure is retried within the same drain', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel((_, index) =>
      index < 2 ? { ok: false, retryable: true, error: 'timeout' } : { ok: true }
    )

    await senderFor(channel.sender, { backoffMs: () => 0 }).drain('simulator')

    expect(channel.texts()).toEqual(['hello', 'hello', 'hello'])
    expect(await rowById(handle.db, id)).toMatchObject({ status: 'sent', attempts: 3 })
  })

  test('a retry-after from the channel decides when the row is tried again, and is no failed try', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel(() => ({
      ok: false,
      retryable: true,
      error: 'Too Many Requests: retry after 30',
      retryAfterMs: 30_000,
    }))

    await senderFor(channel.sender, { backoffMs: () => 600_000 }).drain('simulator')

    const row = await rowById(handle.db, id)
    // A rate limit says nothing about the message: it does not count towards maxAttempts.
    expect(row).toMatchObject({ status: 'queued', attempts: 0 })
    expect(secondsFromNow(row.notBefore)).toBeGreaterThan(25)
    expect(secondsFromNow(row.notBefore)).toBeLessThan(35)
  })

  test('a non-retryable failure fails the row at once with its error', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel(() => ({
      ok: false,
      retryable: false,
      error: 'Forbidden: bot was blocked by the user',
    }))
    const sender = senderFor(channel.sender, { backoffMs: () => 0 })

    await sender.drain('simulator')
    await sender.drain('simulator')

    expect(channel.calls).toHaveLength(1)
    expect(await rowById(handle.db, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Forbidden: bot was blocked by the user',
      leaseUntil: null,
      sentAt: null,
    })
  })

  test('a retryable failure fails the row for good after maxAttempts', async () => {
    const id = await queue(handle.db, 'hello')
    const channel = recordingChannel((_, index) => ({
      ok: false,
      retryable: true,
      error: `HTTP 503 (try ${index + 1})`,
    }))
    const sender = senderFor(channel.sender, { backoffMs: () => 0, maxAttempts: 3 })

    await sender.drain('simulator')
    await sender.drain('simulator')

    expect(channel.calls).toHaveLength(3)
    expect(await rowById(handle.db, id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'HTTP 503 (try 3)',
    })
  })

  test('a channel that throws counts as a retryable failure and the drain goes on', async () => {
    const first = await queue(handle.db, 'first')
    const second = await queue(handle.db, 'second', { to: 'sim-2' })
    const channel = recordingChannel((call) => {
      if (call.text === 'first') throw new TypeError('fetch failed')
      return { ok: true }
    })

    expect(await senderFor(channel.sender, { backoffMs: () => 60_000 }).drain('simulator')).toBe(2)

    expect(channel.texts()).toEqual(['first', 'second'])
    expect(await rowById(handle.db, first)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'TypeError: fetch failed',
    })
    expect(await rowById(handle.db, second)).toMatchObject({ status: 'sent' })
  })

  test('a row left in sending by a crashed sender is delivered again once its lease expired', async () => {
    const expired = await queue(handle.db, 'expired')
    const leased = await queue(handle.db, 'leased')
    // What a sender that died mid-send leaves behind, and what a live one holds.
    await handle.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, expired))
    await handle.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, leaseUntil: sql`now() + interval '1 minute'` })
      .where(eq(outbox.id, leased))
    const channel = recordingChannel()

    expect(await senderFor(channel.sender).drain('simulator')).toBe(1)

    expect(channel.texts()).toEqual(['expired'])
    expect(await rowById(handle.db, expired)).toMatchObject({
      status: 'sent',
      attempts: 2,
      leaseUntil: null,
    })
    const untouched = await rowById(handle.db, leased)
    expect(untouched).toMatchObject({ status: 'sending', attempts: 1, sentAt: null })
    expect(secondsFromNow(untouched.leaseUntil)).toBeGreaterThan(50)
  })

  test('many wakes while draining send each row exactly once, including rows queued meanwhile', async () => {
    for (let i = 0; i < 20; i++) await queue(handle.db, `m${i}`, { to: `sim-${i % 3}` })
    const channel = recordingChannel(async (call) => {
      // A reply queued by a commit while the drain runs wakes the sender again.
      if (call.text === 'm5') await queue(handle.db, 'late')
      for (let i = 0; i < 5; i++) sender.wake('simulator')
      await new Promise((resolve) => setTimeout(resolve, 1))
      return { ok: true }
    })
    const sender = senderFor(channel.sender, { batchSize: 8 })

    for (let i = 0; i < 50; i++) sender.wake()
    await sender.idle()

    const texts = channel.texts()
    expect(texts).toHaveLength(21)
    expect(new Set(texts).size).toBe(21)
    expect(texts).toContain('late')
    const rows = await handle.db.select().from(outbox)
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
  })

  test('concurrent drain calls share one run', async () => {
    await queue(handle.db, 'one')
    await queue(handle.db, 'two')
    const channel = recordingChannel()
    const sender = senderFor(channel.sender)

    const [a, b] = await Promise.all([sender.drain('simulator'), sender.drain('simulator')])

    expect(channel.texts()).toEqual(['one', 'two'])
    expect(a).toBe(b)
  })

  test('calls onDelivered with each delivered row, and only with delivered rows', async () => {
    const ok1 = await queue(handle.db, 'ok-1')
    await queue(handle.db, 'refused')
    const ok2 = await queue(handle.db, 'ok-2', { to: 'sim-2' })
    const channel = recordingChannel((call) =>
      call.text === 'refused'
        ? { ok: false, retryable: false, error: 'chat not found' }
        : { ok: true }
    )
    const delivered: { row: OutboxRow; at: Date }[] = []

    await senderFor(channel.sender, {
      onDelivered: async (rows) => {
        delivered.push(...rows)
      },
    }).drain('simulator')

    expect(delivered.map((d) => [d.row.id, d.row.recipientId, d.row.message])).toEqual([
      [ok1, 'sim-1', { text: 'ok-1' }],
      [ok2, 'sim-2', { text: 'ok-2' }],
    ])
    for (const { at } of delivered) expect(Math.abs(secondsFromNow(at))).toBeLessThan(5)
  })

  test('records sends that come back together in one write (group commit)', async () => {
    const rows = 40
    await enqueueMessages(
      handle.db,
      Array.from({ length: rows }, (_, i) => ({
        channel: 'simulator' as const,
        recipientId: `sim-${i}`,
        priority: 0,
        message: { text: `m${i}` },
      }))
    )
    const channel = recordingChannel()
    const batches: number[] = []
    await senderFor(
      { ...channel.sender, concurrency: 20 },
      { onDelivered: async (delivered) => void batches.push(delivered.length) }
    ).drain('simulator')

    expect(channel.texts()).toHaveLength(rows)
    expect(batches.reduce((a, b) => a + b, 0)).toBe(rows)
    // 20 sends in flight finish while one record is written: far fewer writes than rows.
    expect(batches.length).toBeLessThan(rows / 4)
    const states = await handle.db.select({ status: outbox.status }).from(outbox)
    expect(states.every((row) => row.status === 'sent')).toBe(true)
  })

  test('a send slot is free once the platform answered, while the record is still written', async () => {
    for (let i = 0; i < 5; i++) await queue(handle.db, `m${i}`, { to: `sim-${i}` })
    let releaseRecords!: () => void
    const allSent = new Promise<void>((resolve) => (releaseRecords = resolve))
    const channel = recordingChannel((_call, index) => {
      if (index === 4) releaseRecords()
      return { ok: true }
    })
    let sentBeforeFirstRecord = 0
    await senderFor(
      { ...channel.sender, concurrency: 1 },
      {
        onDelivered: async () => {
          // The first record waits until every chat got its message (or gives up after 3 s):
          // with one slot, that only happens if a record does not hold the slot.
          await Promise.race([allSent, new Promise((resolve) => setTimeout(resolve, 3000))])
          sentBeforeFirstRecord ||= channel.texts().length
        },
      }
    ).drain('simulator')
    expect(sentBeforeFirstRecord).toBe(5)
    expect(channel.texts()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
  })

  test('drains only its own channel and ignores channels it has no sender for', async () => {
    const simulator = await queue(handle.db, 'sim')
    const [telegram] = await enqueueMessages(handle.db, [
      { channel: 'telegram', recipientId: '12345', priority: 0, message: { text: 'tg' } },
    ])
    const channel = recordingChannel()
    const sender = senderFor(channel.sender)

    expect(await sender.drain('telegram')).toBe(0)
    expect(await sender.drain('simulator')).toBe(1)

    expect(channel.texts()).toEqual(['sim'])
    expect(await rowById(handle.db, simulator)).toMatchObject({ status: 'sent' })
    expect(await rowById(handle.db, telegram!)).toMatchObject({ status: 'queued', attempts: 0 })
  })

  test('once started, the poll delivers rows queued without a wake; stop ends it', async () => {
    const channel = recordingChannel()
    const sender = senderFor(channel.sender, { pollIntervalMs: 20 })
    sender.start()
    try {
      await queue(handle.db, 'polled')
      const deadline = Date.now() + 3000
      while (channel.calls.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    } finally {
      await sender.stop()
    }
    expect(channel.texts()).toEqual(['polled'])

    await queue(handle.db, 'after stop')
    sender.wake()
    await new Promise((resolve) => setTimeout(resolve, 60))
    await sender.idle()
    expect(channel.texts()).toEqual(['polled'])
  })
})

describe('outbox sender: who is skipped, and what survives a lost claim', () => {
  /** A person with a simulator chat that accepted the notice, as onboarding leaves them. */
  async function person(phone: string, chat: string): Promise<number> {
    const { person } = await upsertPersonByPhone(handle.db, {
      phone,
      name: 'Warga',
      roles: ['kader'],
      regionCode: '35.07',
    })
    await linkIdentity(handle.db, { personId: person.id, channel: 'simulator', externalId: chat })
    await answerNotice(person.id, chat, { given: true })
    return person.id
  }

  const answerNotice = (
    personId: number,
    chat: string,
    answer: { given: boolean; noticeVersion?: string }
  ) =>
    recordConsent(handle.db, {
      channel: 'simulator',
      senderId: chat,
      personId,
      noticeVersion: answer.noticeVersion ?? NOTICE_VERSION,
      given: answer.given,
      at: new Date('2025-11-24T00:00:00Z'),
    })

  const queueFor = (personId: number, chat: string, text: string, priority: number) =>
    enqueueMessages(handle.db, [
      { channel: 'simulator', recipientId: chat, priority, message: { text }, personId },
    ]).then(([id]) => id!)

  test('an opted-out person gets no reminder or broadcast, but still the replies to them', async () => {
    const rina = await person('+6281200000101', 'sim-rina')
    await setOptedOut(handle.db, { personId: rina, at: new Date('2025-11-24T01:00:00Z') })
    const reply = await queueFor(rina, 'sim-rina', 'balasan', 0)
    const reminder = await queueFor(rina, 'sim-rina', 'pengingat', 1)
    const broadcast = await queueFor(rina, 'sim-rina', 'siaran', 2)
    const channel = recordingChannel()

    expect(await senderFor(channel.sender).drain('simulator')).toBe(3)

    expect(channel.texts()).toEqual(['balasan'])
    expect(await rowById(handle.db, reply)).toMatchObject({ status: 'sent', skipReason: null })
    for (const id of [reminder, broadcast]) {
      expect(await rowById(handle.db, id)).toMatchObject({
        status: 'skipped',
        skipReason: 'opted_out',
        sentAt: null,
        leaseUntil: null,
      })
    }
  })

  test('a chat without consent to the current notice gets only the replies to it', async () => {
    // Refused; refused after consenting; consented to an older notice; never answered.
    const refused = await person('+6281200000111', 'sim-tolak')
    await answerNotice(refused, 'sim-tolak', { given: false })
    const old = await person('+6281200000112', 'sim-lama')
    await handle.db.delete(consents).where(eq(consents.senderId, 'sim-lama'))
    await answerNotice(old, 'sim-lama', { given: true, noticeVersion: '2020-01-v0' })
    const never = await person('+6281200000113', 'sim-baru')
    await handle.db.delete(consents).where(eq(consents.senderId, 'sim-baru'))
    const agreed = await person('+6281200000114', 'sim-setuju')
    const rows = []
    for (const [id, chat] of [
      [refused, 'sim-tolak'],
      [old, 'sim-lama'],
      [never, 'sim-baru'],
      [agreed, 'sim-setuju'],
    ] as const) {
      rows.push({
        chat,
        reply: await queueFor(id, chat, `balasan ${chat}`, 0),
        reminder: await queueFor(id, chat, `pengingat ${chat}`, 1),
        broadcast: await queueFor(id, chat, `siaran ${chat}`, 2),
      })
    }
    // A chat's own conversation (an inactivity reminder of the notice) carries no person.
    const own = (
      await enqueueMessages(handle.db, [
        { channel: 'simulator', recipientId: 'sim-baru', priority: 1, message: { text: 'ingat' } },
      ])
    )[0]!
    const channel = recordingChannel()

    await senderFor(channel.sender).drain('simulator')

    expect(channel.texts().sort()).toEqual(
      [
        ...rows.map((row) => `balasan ${row.chat}`),
        'ingat',
        'pengingat sim-setuju',
        'siaran sim-setuju',
      ].sort()
    )
    for (const row of rows.filter((r) => r.chat !== 'sim-setuju')) {
      for (const id of [row.reminder, row.broadcast]) {
        expect(await rowById(handle.db, id)).toMatchObject({
          status: 'skipped',
          skipReason: 'no_consent',
          sentAt: null,
        })
      }
    }
    expect((await rowById(handle.db, own)).status).toBe('sent')
  })

  test('a chat reported unreachable is marked; later non-replies are skipped until they write', async () => {
    const budi = await person('+6281200000102', 'sim-budi')
    const channel = recordingChannel((call) =>
      call.text === 'satu'
        ? { ok: false, retryable: false, unreachable: true, error: 'unreachable: blocked' }
        : { ok: true }
    )
    const now = new Date('2025-11-24T02:00:00Z')
    const sender = senderFor(channel.sender, { clock: () => now })
    const first = await queueFor(budi, 'sim-budi', 'satu', 2)
    const second = await queueFor(budi, 'sim-budi', 'dua', 2)

    await sender.drain('simulator')

    expect(channel.texts()).toEqual(['satu'])
    expect(await rowById(handle.db, first)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'unreachable: blocked',
    })
    expect(await rowById(handle.db, second)).toMatchObject({
      status: 'skipped',
      skipReason: 'unreachable',
    })
    const [identity] = await handle.db
      .select({ unreachableAt: channelIdentities.unreachableAt })
      .from(channelIdentities)
      .where(eq(channelIdentities.externalId, 'sim-budi'))
    expect(identity!.unreachableAt).toEqual(now)

    // A reply to what they write goes out; once they wrote, broadcasts reach them again.
    const reply = await queueFor(budi, 'sim-budi', 'balasan', 0)
    await sender.drain('simulator')
    expect((await rowById(handle.db, reply)).status).toBe('sent')
    await clearRecipientUnreachable(handle.db, { channel: 'simulator', recipientId: 'sim-budi' })
    const later = await queueFor(budi, 'sim-budi', 'tiga', 2)
    await sender.drain('simulator')
    expect((await rowById(handle.db, later)).status).toBe('sent')
    expect(channel.texts()).toEqual(['satu', 'balasan', 'tiga'])
  })

  test('a late write from a sender whose claim was taken over changes nothing', async () => {
    const id = await queue(handle.db, 'hello')
    const [first] = await claimOutbox(handle.db, {
      channel: 'simulator',
      limit: 1,
      leaseSeconds: 60,
    })
    // Its lease runs out; another sender claims the row (attempt 2) and is sending it.
    await handle.db
      .update(outbox)
      .set({ leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(outbox.id, id))
    const [second] = await claimOutbox(handle.db, {
      channel: 'simulator',
      limit: 1,
      leaseSeconds: 60,
    })
    expect([first!.attempts, second!.attempts]).toEqual([1, 2])

    expect(
      await markSent(handle.db, { id, attempts: first!.attempts, platformMessageId: 'old' })
    ).toBe(false)
    expect(await rowById(handle.db, id)).toMatchObject({
      status: 'sending',
      platformMessageId: null,
    })
    expect(
      await markSent(handle.db, { id, attempts: second!.attempts, platformMessageId: 'new' })
    ).toBe(true)
    expect(await rowById(handle.db, id)).toMatchObject({ status: 'sent', platformMessageId: 'new' })
  })

  test('a message in parts resumes after the last part that went out', async () => {
    const id = await queue(handle.db, 'panjang')
    const seen: number[] = []
    let tries = 0
    const channel: ChannelSender = {
      channel: 'simulator',
      async send(_recipientId, _message, progress) {
        tries++
        seen.push(progress!.partsSent)
        // Three parts; on the first try the third fails after two went out.
        for (let part = progress!.partsSent; part < 3; part++) {
          if (tries === 1 && part === 2) return { ok: false, retryable: true, error: 'HTTP 502' }
          if (part < 2) await progress!.partSent(part + 1)
        }
        return { ok: true, platformMessageId: 'pm-3' }
      },
    }
    const sender = senderFor(channel, { backoffMs: () => 0 })

    await sender.drain('simulator')

    expect(seen).toEqual([0, 2])
    expect(await rowById(handle.db, id)).toMatchObject({
      status: 'sent',
      partsSent: 2,
      attempts: 2,
      platformMessageId: 'pm-3',
    })
  })

  test('on taking the lease, rows a dead sender left in sending are retried before their lease ends', async () => {
    const stale = await queue(handle.db, 'tertinggal')
    // What the previous process left: claimed a moment ago with a long lease, then it died.
    await handle.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, leaseUntil: sql`now() + interval '1 hour'` })
      .where(eq(outbox.id, stale))
    const channel = recordingChannel()
    const sender = senderFor(channel.sender, { takeoverGraceMs: 50, pollIntervalMs: 20 })
    sender.start()
    try {
      const deadline = Date.now() + 5000
      while (channel.calls.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    } finally {
      await sender.stop()
    }
    expect(channel.texts()).toEqual(['tertinggal'])
    expect(await rowById(handle.db, stale)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  test('a wake during a broadcast batch lets a reply overtake the rest of the batch', async () => {
    for (let i = 0; i < 20; i++)
      await queue(handle.db, `siaran ${i}`, { priority: 2, to: `sim-${i}` })
    let replyQueued = false
    const channel = recordingChannel(async (call) => {
      if (call.text === 'siaran 2' && !replyQueued) {
        replyQueued = true
        await queue(handle.db, 'balasan', { priority: 0, to: 'sim-live' })
        sender.wake('simulator')
      }
      return { ok: true }
    })
    const sender = senderFor(channel.sender, { batchSize: 20 })

    await sender.drain('simulator')
    await sender.idle()

    const texts = channel.texts()
    expect(texts).toHaveLength(21)
    // Queued while the third broadcast message was being sent; went out right after it.
    expect(texts.indexOf('balasan')).toBe(3)
  })
})

// PGlite is a single connection, so two senders on it never race; sharing the queue safely
// (SKIP LOCKED claims) can only be shown with two connections to a real server.
describe.runIf(hasPostgres)('two senders on one Postgres database', () => {
  let database: TestDatabase
  let a: DbHandle
  let b: DbHandle
  beforeEach(async () => {
    database = await createTestDbUrl()
    a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
    b = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
  })
  afterEach(async () => {
    await Promise.all([a.close(), b.close()])
    await database.drop()
  })

  test('deliver each of 200 rows exactly once when draining concurrently', async () => {
    // More chats than a batch holds: a chat's rows go in order, so a second sender finds work
    // only in chats the first one's batch left alone.
    await enqueueMessages(
      a.db,
      Array.from({ length: 200 }, (_, i) => ({
        channel: 'simulator' as const,
        recipientId: `sim-${i % 40}`,
        priority: i % 3,
        message: { text: `m${i}` },
      }))
    )
    const deliveries = new Map<string, number>()
    const bySender = { a: 0, b: 0 }
    const channelOf = (name: 'a' | 'b') =>
      recordingChannel(async (call) => {
        deliveries.set(call.text, (deliveries.get(call.text) ?? 0) + 1)
        bySender[name] += 1
        await new Promise((resolve) => setImmediate(resolve))
        return { ok: true }
      })
    const senderA = createOutboxSender({
      db: a.db,
      channels: [channelOf('a').sender],
      logger: silentLogger,
      batchSize: 10,
    })
    const senderB = createOutboxSender({
      db: b.db,
      channels: [channelOf('b').sender],
      logger: silentLogger,
      batchSize: 10,
    })
    // Open both connections first, so neither sender gets a head start.
    await Promise.all([a.db.execute(sql`select 1`), b.db.execute(sql`select 1`)])

    const [handledA, handledB] = await Promise.all([
      senderA.drain('simulator'),
      senderB.drain('simulator'),
    ])

    expect(handledA + handledB).toBe(200)
    expect(bySender.a).toBeGreaterThan(0)
    expect(bySender.b).toBeGreaterThan(0)
    expect(deliveries.size).toBe(200)
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true)
    const rows = await a.db.select().from(outbox)
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
  })
})
