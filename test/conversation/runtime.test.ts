/**
 * The runtime on a real database (PGlite, or Postgres with TEST_DATABASE_URL): one transaction
 * per inbound message, dedupe, restart safety, rollback, outbox rows and inactivity timers.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createSimulatorChannel } from '../../src/channels/simulator/adapter.js'
import { restartTimersOnDelivery, timerKeys } from '../../src/conversation/runtime.js'
import { deliverToSimulator } from '../../src/db/queries/simulator.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import {
  conversations,
  demoSubmissions,
  fires,
  inboundMessages,
  outbox,
  simulatorInbox,
} from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { conversationTimeoutHandlers } from '../../src/scheduler/jobs/conversation-timeouts.js'
import { type TestDbHandle, createTestDb, hasPostgres } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import {
  createRuntimeForTest,
  createTestRuntime,
  giveConsent,
  silentLogger,
  simulatorMessage,
} from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z') // Senin, 24 November 2025 08.00 WIB
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000)

let handle: TestDbHandle
beforeEach(async () => {
  handle = await createTestDb()
  // These tests are about the runtime, not the consent gate (see onboarding.test.ts).
  const senders = Array.from({ length: 10 }, (_, i) => `sim-${i + 1}`)
  await giveConsent(handle.db, senders)
  await giveConsent(handle.db, ['tg-4'], 'telegram')
})
afterEach(async () => {
  await handle.close()
})

const DEMO_ANSWERS = ['Siti', '2', '1', 'kemarin', '1,2', 'lewati', 'lewati', 'tidak', '1']

describe('handleInbound', () => {
  test('a whole demo conversation lands as rows, outbox messages and delivered inbox entries', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const first = await runtime.handleInbound(simulatorMessage('sim-1', 'kenalan'), NOW)
    expect(first.replies).toEqual([
      { text: 'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?' },
    ])
    for (const text of DEMO_ANSWERS)
      await runtime.handleInbound(simulatorMessage('sim-1', text), NOW)
    await sender.idle()

    const submissions = await handle.db.select().from(demoSubmissions)
    expect(submissions).toHaveLength(1)
    expect(submissions[0]!.answers).toMatchObject({ name: 'Siti', role: 'peserta', children: 1 })

    const sent = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(sent).toHaveLength(DEMO_ANSWERS.length + 1)
    expect(sent.every((row) => row.status === 'sent' && row.priority === 0)).toBe(true)
    const inbox = await handle.db.select().from(simulatorInbox).orderBy(asc(simulatorInbox.id))
    expect(inbox.map((row) => row.message)).toEqual(sent.map((row) => row.message))
    expect((inbox.at(-1)!.message as { text: string }).text).toMatch(/^Terima kasih, Siti!/)

    const [conversation] = await handle.db.select().from(conversations)
    expect(conversation).toMatchObject({ activeFlowId: null, turn: DEMO_ANSWERS.length + 1 })
    // Nothing pending: the finished flow leaves no inactivity timer behind.
    expect(await handle.db.select().from(fires).where(eq(fires.status, 'pending'))).toEqual([])
  })

  test('a new runtime instance on the same database continues a half-finished flow', async () => {
    const a = await createTestRuntime(handle.db)
    await a.runtime.handleInbound(simulatorMessage('sim-2', 'kenalan'), NOW)
    await a.runtime.handleInbound(simulatorMessage('sim-2', 'Budi'), NOW)
    const b = await createTestRuntime(handle.db)
    const next = await b.runtime.handleInbound(simulatorMessage('sim-2', '3'), NOW)
    expect(next.replies[0]!.text).toBe('Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.')
    await Promise.all([a.sender.idle(), b.sender.idle()])
  })

  test('the same inbound message twice is processed once and answered the same', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const message = simulatorMessage('sim-3', 'kenalan', 'dup-1')
    const first = await runtime.handleInbound(message, NOW)
    const second = await runtime.handleInbound({ ...message }, NOW)
    expect(first.duplicate).toBe(false)
    expect(second).toEqual({ duplicate: true, replies: first.replies })
    expect(await handle.db.select().from(inboundMessages)).toHaveLength(1)
    expect(await handle.db.select().from(outbox)).toHaveLength(1)
    const [conversation] = await handle.db.select().from(conversations)
    expect(conversation!.turn).toBe(1)
    await sender.idle()
  })

  test('the same message id on another channel is a different message', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    await runtime.handleInbound(simulatorMessage('sim-4', 'kenalan', 'x-1'), NOW)
    const other = { ...simulatorMessage('tg-4', 'kenalan', 'x-1'), channel: 'telegram' as const }
    expect((await runtime.handleInbound(other, NOW)).duplicate).toBe(false)
    await sender.idle()
  })

  test('a failed transaction leaves no half-written rows and no reply, and can be retried', async () => {
    const real = await testI18n()
    const failing = {
      render: (text: Parameters<typeof real.render>[0]) => {
        if (text.key === 'kenalan:thanks') throw new Error('renderer broke')
        return real.render(text)
      },
    }
    const ok = await createTestRuntime(handle.db)
    await ok.runtime.handleInbound(simulatorMessage('sim-5', 'kenalan'), NOW)
    for (const text of DEMO_ANSWERS.slice(0, -1)) {
      await ok.runtime.handleInbound(simulatorMessage('sim-5', text), NOW)
    }
    await ok.sender.idle()
    const before = await snapshot()

    const broken = await createTestRuntime(handle.db, { i18n: failing })
    const send = simulatorMessage('sim-5', '1', 'send-1')
    await expect(broken.runtime.handleInbound(send, NOW)).rejects.toThrow('renderer broke')
    expect(await snapshot()).toEqual(before)
    expect(await handle.db.select().from(demoSubmissions)).toEqual([])

    // The platform retries the same message; this time it goes through, once.
    const retried = await ok.runtime.handleInbound(send, NOW)
    expect(retried.duplicate).toBe(false)
    expect(await handle.db.select().from(demoSubmissions)).toHaveLength(1)
    await ok.sender.idle()

    async function snapshot() {
      return {
        inbound: await handle.db.select().from(inboundMessages).orderBy(asc(inboundMessages.id)),
        conversations: await handle.db.select().from(conversations),
        outbox: await handle.db.select().from(outbox).orderBy(asc(outbox.id)),
        fires: await handle.db.select().from(fires).orderBy(asc(fires.id)),
      }
    }
  })
})

describe('inactivity timers (docs/design.md P4, P7, P9)', () => {
  test('each answer replans the reminder and expiry; they run once and keep a draft', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    await runtime.handleInbound(simulatorMessage('sim-6', 'kenalan'), NOW)
    await runtime.handleInbound(simulatorMessage('sim-6', 'Siti'), NOW)
    await sender.idle()

    const [conversation] = await handle.db.select().from(conversations)
    const pending = await handle.db.select().from(fires).orderBy(asc(fires.id))
    // Turn 1's timers were replaced by turn 2's.
    expect(pending.map((f) => f.dedupeKey)).toEqual(timerKeys(conversation!.id, 2))

    const deps = {
      db: handle.db,
      logger: silentLogger,
      handlers: conversationTimeoutHandlers(runtime),
    }
    const later = minutes
    expect(await runDueFires(deps, later(60))).toEqual({ done: 0, skipped: 0, failed: 0 })
    expect(await runDueFires(deps, later(121))).toEqual({ done: 1, skipped: 0, failed: 0 })
    expect(await runDueFires(deps, later(122))).toEqual({ done: 0, skipped: 0, failed: 0 })
    expect(await runDueFires(deps, later(24 * 60 + 1))).toEqual({ done: 1, skipped: 0, failed: 0 })
    await sender.idle()

    const messages = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(
      messages
        .slice(-2)
        .map((m) => [m.priority, (m.message as { text: string }).text.split('\n')[0]])
    ).toEqual([
      [1, 'Halo, Bapak/Ibu, yang tadi belum selesai. Kita lanjutkan?'],
      [
        1,
        'Yang tadi sudah lama tidak dilanjutkan, jadi kami simpan dulu. Ketik /kenalan untuk melanjutkan.',
      ],
    ])
    const [after] = await handle.db.select().from(conversations)
    expect(after).toMatchObject({ activeFlowId: null, turn: 2 })
    expect((after!.session as { drafts: Record<string, unknown> }).drafts).toHaveProperty('kenalan')
  })

  test('the timers count from when the prompt was delivered', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    await runtime.handleInbound(simulatorMessage('sim-8', 'kenalan'), NOW)
    await sender.idle()
    const [conversation] = await handle.db.select().from(conversations)
    await runtime.promptsDelivered([{ conversationId: conversation!.id, turn: 1, at: minutes(30) }])
    const due = await handle.db.select({ dueAt: fires.dueAt }).from(fires).orderBy(asc(fires.id))
    expect(due.map((f) => f.dueAt)).toEqual([minutes(30 + 120), minutes(30 + 24 * 60)])
  })

  test('a reply the sender delivered restarts its turn’s timers from the delivery', async () => {
    const late = minutes(45)
    const runtime = await createRuntimeForTest(handle.db)
    const sender = createOutboxSender({
      db: handle.db,
      logger: silentLogger,
      channels: [
        createSimulatorChannel({
          deliver: (recipientId, message) =>
            deliverToSimulator(handle.db, { recipientId, message }),
        }),
      ],
      clock: () => late,
      onDelivered: restartTimersOnDelivery(runtime),
    })
    await runtime.handleInbound(simulatorMessage('sim-6', 'kenalan'), NOW)
    expect(await sender.drain('simulator')).toBe(1)
    const [reply] = await handle.db.select().from(outbox)
    expect(reply!.status).toBe('sent')
    const due = await handle.db.select({ dueAt: fires.dueAt }).from(fires).orderBy(asc(fires.id))
    expect(due.map((f) => f.dueAt)).toEqual([minutes(45 + 120), minutes(45 + 24 * 60)])
  })

  test('a timer of an older turn does nothing', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    await runtime.handleInbound(simulatorMessage('sim-7', 'kenalan'), NOW)
    const [conversation] = await handle.db.select().from(conversations)
    await handle.db.transaction((tx) =>
      runtime.handleTimeout(
        tx,
        'remind',
        { conversationId: conversation!.id, turn: 0 },
        minutes(200)
      )
    )
    expect(await handle.db.select().from(outbox)).toHaveLength(1)
    await sender.idle()
  })
})

// Concurrency needs several connections, which only a real server has (PGlite is one session).
describe.runIf(hasPostgres)('concurrent messages (Postgres)', () => {
  test('messages of one person arriving at once are processed one after the other', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    await runtime.handleInbound(simulatorMessage('sim-9', 'kenalan'), NOW)
    const burst = Array.from({ length: 8 }, (_, i) => simulatorMessage('sim-9', `Nama ${i}`))
    await Promise.all(burst.map((m) => runtime.handleInbound(m, NOW)))
    const [conversation] = await handle.db.select().from(conversations)
    expect(conversation!.turn).toBe(9)
    expect(await handle.db.select().from(inboundMessages)).toHaveLength(9)
    await sender.idle()
  })

  test('the same message delivered twice at the same moment is processed once', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const message = simulatorMessage('sim-10', 'kenalan', 'race-1')
    const results = await Promise.all([
      runtime.handleInbound(message, NOW),
      runtime.handleInbound({ ...message }, NOW),
    ])
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true])
    expect(results[0]!.replies).toEqual(results[1]!.replies)
    expect(await handle.db.select().from(outbox)).toHaveLength(1)
    await sender.idle()
  })
})
