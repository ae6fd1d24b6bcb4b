/**
 * One sender per channel across replicas (docs/design.md P6): two senders, as two replicas would
 * run them, each with its own connection pool to one Postgres database, and the strict fake Bot
 * API. Only the holder of the channel's advisory lock sends; a stopped holder hands over at once,
 * and a killed one (all its connections gone, its sends in flight never recorded) is replaced
 * within seconds, with the messages in flight at the kill as the only duplicates, measured and
 * reported.
 */
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { ChannelSender } from '../../src/channels/types.js'
import { createDb } from '../../src/db/client.js'
import type { PostgresDbHandle } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema/index.js'
import { type ChannelLease, advisoryLeases } from '../../src/outbox/lease.js'
import { type OutboxSender, createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram } from '../harness/fake-telegram.js'
import {
  countsByChat,
  fakeTelegramSender,
  queueBulk,
  scaledLimits,
} from '../harness/outbox-load.js'
import { silentLogger } from '../harness/runtime.js'

const FACTOR = 0.1
const BOT_PER_SECOND = 20
const CONCURRENCY = 8
const CHECK_MS = 200

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(20)
  }
}

/**
 * A replica's Telegram sender that can be killed: from then on nothing it sends comes back (a
 * send in flight reaches Telegram, but the process is gone before it records the outcome).
 */
function killableSender(inner: ChannelSender) {
  const hung: (() => void)[] = []
  const state = { killed: false, sends: 0, firstSendAt: undefined as number | undefined }
  const hang = () =>
    new Promise<never>((_, reject) => hung.push(() => reject(new Error('process gone'))))
  const sender: ChannelSender = {
    ...inner,
    async send(recipientId, message, progress) {
      if (state.killed) return hang()
      state.firstSendAt ??= performance.now()
      state.sends++
      const result = await inner.send(recipientId, message, progress)
      if (state.killed) return hang()
      return result
    },
  }
  return {
    sender,
    state,
    kill: () => (state.killed = true),
    /** Test clean-up: the hung sends fail, and their late writes are fenced off. */
    release: () => hung.splice(0).forEach((reject) => reject()),
  }
}

// Two replicas need two connection pools, and the lease is a lock of one Postgres session held
// against the other's: PGlite is a single session, so this runs on a real server only.
describe.runIf(hasPostgres)('one sender per channel across replicas', () => {
  let database: TestDatabase
  let fake: FakeTelegram
  const handles: PostgresDbHandle[] = []
  const senders: OutboxSender[] = []

  beforeEach(async () => {
    database = await createTestDbUrl()
  })
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.stop()))
    await Promise.all(handles.splice(0).map((h) => h.close()))
    await fake?.close()
    await database.drop()
  })

  /** A replica's pool; its sessions carry `name` as application_name, so a test can cut them. */
  async function replica(channel: ChannelSender, name = 'kaderbot-replica') {
    const databaseUrl = `${database.url}?application_name=${name}`
    const leaseOf = advisoryLeases({ databaseUrl, logger: silentLogger, checkMs: CHECK_MS })
    const leases: ChannelLease[] = []
    const handle = (await createDb({
      databaseUrl,
      migrate: false,
      poolMax: 4,
    })) as PostgresDbHandle
    handles.push(handle)
    const sender = createOutboxSender({
      db: handle.db,
      channels: [channel],
      logger: silentLogger,
      leases: (name) => {
        const lease = leaseOf(name)
        leases.push(lease)
        return lease
      },
      pollIntervalMs: 100,
      // Production's row lease: the standby frees the dead holder's rows after its grace.
      leaseSeconds: 60,
      takeoverGraceMs: 3 * CHECK_MS,
      batchSize: 50,
    })
    return { handle, sender, leases }
  }

  const unsent = async (handle: PostgresDbHandle) => {
    const rows = await handle.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(sql`${outbox.status} <> 'sent'`)
    return rows.length
  }

  test('only the lease holder sends; a stopped holder hands over to the standby', async () => {
    const { flood, pacing } = scaledLimits(BOT_PER_SECOND, FACTOR)
    fake = await startFakeTelegram({ flood })
    const a = killableSender(fakeTelegramSender(fake, pacing, CONCURRENCY))
    const b = killableSender(fakeTelegramSender(fake, pacing, CONCURRENCY))
    const ra = await replica(a.sender)
    const rb = await replica(b.sender)
    ra.sender.start()
    await waitUntil(() => ra.sender.holdsLease('telegram'))
    rb.sender.start()
    await sleep(3 * CHECK_MS)
    expect(rb.sender.holdsLease('telegram')).toBe(false)

    await queueBulk(ra.handle.db, 100)
    ra.sender.wake('telegram')
    rb.sender.wake('telegram')
    await waitUntil(async () => (await unsent(ra.handle)) === 0)
    expect([a.state.sends, b.state.sends]).toEqual([100, 0])

    const stoppedAt = performance.now()
    await ra.sender.stop()
    await waitUntil(() => rb.sender.holdsLease('telegram'))
    const takeoverMs = performance.now() - stoppedAt
    await queueBulk(rb.handle.db, 100, { firstChatId: 200_000 })
    rb.sender.wake('telegram')
    await waitUntil(async () => (await unsent(rb.handle)) === 0)
    expect([a.state.sends, b.state.sends]).toEqual([100, 100])
    expect(takeoverMs).toBeLessThan(5000)
    expect([...countsByChat(fake.messages).values()].every((n) => n === 1)).toBe(true)
    expect(fake.flood.violations).toEqual({ bot: 0, chat: 0, group: 0 })
    console.info(`[outbox lease] graceful hand-over in ${Math.round(takeoverMs)} ms`)
  }, 60_000)

  test("after the holder's connections are cut, exactly one replica holds the lease and sends", async () => {
    fake = await startFakeTelegram()
    const { pacing } = scaledLimits(BOT_PER_SECOND, FACTOR)
    const ra = await replica(fakeTelegramSender(fake, pacing, CONCURRENCY), 'replica-a')
    const rb = await replica(fakeTelegramSender(fake, pacing, CONCURRENCY), 'replica-b')
    ra.sender.start()
    await waitUntil(() => ra.sender.holdsLease('telegram'))
    rb.sender.start()
    // A network cut or a database restart ends the holder's sessions while its process lives on:
    // the lock is gone with them; the lease client reconnects on its next check (no crash), and
    // whichever replica's try-lock comes first holds the lease, the other stands by.
    const cut = await rb.handle.sql<{ pid: number }[]>`
      select pg_terminate_backend(pid) as pid
      from pg_stat_activity where application_name = 'replica-a'`
    expect(cut.length).toBeGreaterThan(0)
    await sleep(3 * CHECK_MS)
    const holders = [ra, rb].filter((r) => r.sender.holdsLease('telegram'))
    expect(holders).toHaveLength(1)
    await queueBulk(ra.handle.db, 20)
    ra.sender.wake('telegram')
    rb.sender.wake('telegram')
    await waitUntil(async () => (await unsent(ra.handle)) === 0)
  })

  test('a killed holder is replaced within seconds; only its sends in flight may go twice', async () => {
    const { flood, pacing } = scaledLimits(BOT_PER_SECOND, FACTOR)
    fake = await startFakeTelegram({ flood })
    const a = killableSender(fakeTelegramSender(fake, pacing, CONCURRENCY))
    const b = killableSender(fakeTelegramSender(fake, pacing, CONCURRENCY))
    const ra = await replica(a.sender, 'replica-a')
    const rb = await replica(b.sender, 'replica-b')
    ra.sender.start()
    await waitUntil(() => ra.sender.holdsLease('telegram'))
    rb.sender.start()
    await queueBulk(ra.handle.db, 600)
    ra.sender.wake('telegram')

    // Mid-broadcast the holder's process dies: its sends stop coming back, and the server drops
    // its sessions, the lock's among them, so Postgres releases the lock. Its lease checks stop
    // with it (a dead process does not reconnect) and its pool is closed.
    await waitUntil(() => a.state.sends >= 150)
    const killedAt = performance.now()
    a.kill()
    handles.splice(handles.indexOf(ra.handle), 1)
    await Promise.all(ra.leases.map((lease) => lease.stop()))
    await rb.handle.sql`
      select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'replica-a'`
    await ra.handle.sql.end({ timeout: 1 })

    await waitUntil(() => b.state.firstSendAt !== undefined)
    const takeoverMs = b.state.firstSendAt! - killedAt
    await waitUntil(async () => (await unsent(rb.handle)) === 0, 30_000)
    const allSentMs = performance.now() - killedAt
    a.release()

    const counts = countsByChat(fake.messages)
    expect(counts.size).toBe(600)
    const duplicates = [...counts.values()].filter((n) => n > 1).length
    expect([...counts.values()].every((n) => n <= 2)).toBe(true)
    // At most what was in flight at the kill (the channel's concurrency, within one batch).
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY)
    expect(takeoverMs).toBeLessThan(5000)
    const rows = await rb.handle.db.select().from(outbox).where(eq(outbox.status, 'sent'))
    expect(rows).toHaveLength(600)
    console.info(
      `[outbox lease] killed holder after ${a.state.sends} sends: standby sent within ` +
        `${Math.round(takeoverMs)} ms, all 600 sent ${Math.round(allSentMs)} ms after the kill; ` +
        `${duplicates} duplicate(s) (in flight at the kill); ` +
        `flood violations ${JSON.stringify(fake.flood.violations)}`
    )
  }, 60_000)
})
