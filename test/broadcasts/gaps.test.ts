/**
 * Gaps found once broadcasts were first built: a broadcast for now starts in the request instead of at the
 * next tick; the API can cancel a broadcast (scheduled, or being sent: its queued messages are
 * dropped); and a reminder queued by `notifyPerson` carries its person, so the sender skips it
 * once they said BERHENTI. Counts follow the roster of `test/harness/broadcasts.ts`.
 */
import { and, asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { ChannelSender } from '../../src/channels/types.js'
import type { OutboundMessage } from '../../src/domain/messages.js'
import { BROADCAST_SEND_KIND, createBroadcast } from '../../src/broadcasts/service.js'
import { notifyPerson } from '../../src/messaging/notify.js'
import type { Db } from '../../src/db/client.js'
import { claimOutbox, markSent, releaseClaim } from '../../src/db/queries/outbox.js'
import { setOptedOut } from '../../src/db/queries/people.js'
import { auditLog, channelIdentities, fires, outbox, people } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { ADMIN_TOKEN, buildApiApp } from '../harness/api.js'
import {
  NOW,
  SINGOSARI,
  broadcastMessages,
  consentChats,
  seedRoster,
  tickBroadcasts,
} from '../harness/broadcasts.js'
import { hasPostgres, useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { silentLogger } from '../harness/runtime.js'

const handle = useTestDb()

const MINUTE = 60_000
const later = (ms: number) => new Date(NOW.getTime() + ms)

/** Singosari's active cadres: Siti, Ani (Pagentan), Dewi, Fitri (Losari); Eka is pending. */
const SINGOSARI_CADRES = { roles: ['kader'], region: SINGOSARI }
const SINGOSARI_CHATS = ['sim-ani', 'sim-dewi', 'sim-fitri', 'sim-siti']

/** A simulator channel that records what it is handed. */
function recordingSimulator() {
  const sent: { to: string; text: string }[] = []
  const sender: ChannelSender = {
    channel: 'simulator',
    send: async (recipientId: string, message: OutboundMessage) => {
      sent.push({ to: recipientId, text: message.text })
      return { ok: true }
    },
  }
  return { sender, sent }
}

async function apiFor(db: Db, onQueued?: () => void) {
  return buildApiApp(db, {
    adminToken: ADMIN_TOKEN,
    clock: () => NOW,
    ...(onQueued ? { onQueued } : {}),
  })
}

async function postNow(api: Awaited<ReturnType<typeof apiFor>>, text = 'Rapat, {nama}.') {
  const response = await api.post('/api/v1/broadcasts', { segment: SINGOSARI_CADRES, text })
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string; recipients: number; status: string }
}

describe('a broadcast for now starts at once', () => {
  test('POST /api/v1/broadcasts without `at`: fanned out in the request, the sender woken and delivering before any tick; ticks add nothing', async () => {
    await seedRoster(handle.db)
    let woken = 0
    const api = await apiFor(handle.db, () => woken++)

    const created = await postNow(api)
    expect(created).toMatchObject({ recipients: 4, status: 'sending' })
    expect(woken).toBe(1)
    const id = Number(created.id)
    const rows = await broadcastMessages(handle.db, id)
    expect(rows.map((r) => r.recipientId)).toEqual(SINGOSARI_CHATS)
    // No send fire is left for a tick to run: the fan-out ran once, in the request.
    expect(
      await handle.db
        .select()
        .from(fires)
        .where(and(eq(fires.kind, BROADCAST_SEND_KIND), eq(fires.dedupeKey, `broadcast:${id}`)))
    ).toEqual([])

    // The sender delivers them without the scheduler having ticked.
    const channel = recordingSimulator()
    await createOutboxSender({
      db: handle.db,
      channels: [channel.sender],
      logger: silentLogger,
    }).drain('simulator')
    expect(channel.sent.map((m) => m.to).sort()).toEqual(SINGOSARI_CHATS)
    expect(channel.sent.find((m) => m.to === 'sim-siti')?.text).toMatch(/^Rapat, Siti\./)

    // Ticks (two replicas at once, then the progress check) queue nothing more.
    await Promise.all([tickBroadcasts(handle.db, NOW), tickBroadcasts(handle.db, NOW)])
    await tickBroadcasts(handle.db, later(2 * MINUTE))
    expect(await broadcastMessages(handle.db, id)).toHaveLength(4)
    const status = await api.get(`/api/v1/broadcasts/${id}`)
    expect(await status.json()).toMatchObject({ status: 'done', sent: 4, recipients: 4 })
  })

  test('a broadcast for now to 2,000 people: the request queues all 2,000 (time printed)', async () => {
    const inserted = await handle.db
      .insert(people)
      .values(
        Array.from({ length: 2000 }, (_, i) => ({
          name: `Kader ${i}`,
          roles: ['kader' as const],
          regionCode: SINGOSARI,
        }))
      )
      .returning({ id: people.id })
    const chats = inserted.map((row) => ({
      personId: row.id,
      channel: 'telegram' as const,
      externalId: `${900000 + row.id}`,
    }))
    await handle.db.insert(channelIdentities).values(chats)
    await consentChats(handle.db, chats)
    const api = await apiFor(handle.db)
    const started = performance.now()
    const created = await postNow(api, 'Halo {nama}!')
    const ms = Math.round(performance.now() - started)
    expect(created).toMatchObject({ recipients: 2000, status: 'sending' })
    const rows = await handle.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.channel, 'telegram'))
    expect(rows).toHaveLength(2000)
    console.log(
      `[broadcast now] ${hasPostgres ? 'postgres' : 'pglite'}: POST for 2000 people ${ms} ms`
    )
  })

  test('a broadcast for later still waits for its fire, and wakes nobody', async () => {
    await seedRoster(handle.db)
    let woken = 0
    const api = await apiFor(handle.db, () => woken++)
    const response = await api.post('/api/v1/broadcasts', {
      segment: SINGOSARI_CADRES,
      text: 'Rapat besok',
      at: later(60 * MINUTE).toISOString(),
    })
    const created = (await response.json()) as { id: string; status: string }
    expect(created.status).toBe('scheduled')
    expect(woken).toBe(0)
    expect(await broadcastMessages(handle.db, Number(created.id))).toEqual([])
    await tickBroadcasts(handle.db, later(60 * MINUTE))
    expect(await broadcastMessages(handle.db, Number(created.id))).toHaveLength(4)
  })

  test('the service fans a broadcast for now out inside the caller transaction (chat and dashboard path)', async () => {
    const id = await seedRoster(handle.db)
    const i18n = await testI18n()
    const created = await handle.db.transaction((tx) =>
      createBroadcast(tx, {
        author: { personId: id.joko },
        segment: { roles: ['kader'] },
        text: 'Rapat',
        timeZone: 'Asia/Jakarta',
        now: NOW,
        fanOut: { i18n, timeZone: 'Asia/Jakarta' },
      })
    )
    // Joko's scope is Singosari: the same four cadres.
    expect(created).toMatchObject({ recipients: 4, status: 'sending' })
    expect(await broadcastMessages(handle.db, created.id)).toHaveLength(4)

    // A failing fan-out rolls the whole broadcast back: nothing half-stored.
    const before = await handle.db.select({ id: outbox.id }).from(outbox)
    await expect(
      handle.db.transaction((tx) =>
        createBroadcast(tx, {
          author: { personId: id.joko },
          segment: { roles: ['kader'] },
          text: 'Rapat',
          timeZone: 'Asia/Jakarta',
          now: NOW,
          fanOut: {
            i18n: {
              render: () => {
                throw new Error('render failed')
              },
            },
            timeZone: 'Asia/Jakarta',
          },
        })
      )
    ).rejects.toThrow('render failed')
    expect(await handle.db.select({ id: outbox.id }).from(outbox)).toHaveLength(before.length)
  })
})

describe('POST /api/v1/broadcasts/{id}/cancel', () => {
  test('a scheduled broadcast is cancelled and never sent; cancelling again answers the same, audited once', async () => {
    await seedRoster(handle.db)
    const api = await apiFor(handle.db)
    const response = await api.post('/api/v1/broadcasts', {
      segment: SINGOSARI_CADRES,
      text: 'Rapat besok',
      at: later(60 * MINUTE).toISOString(),
    })
    const { id } = (await response.json()) as { id: string }

    for (let i = 0; i < 2; i++) {
      const cancelled = await api.post(`/api/v1/broadcasts/${id}/cancel`, {})
      expect(cancelled.status).toBe(200)
      expect(await cancelled.json()).toMatchObject({
        id,
        status: 'cancelled',
        recipients: 4,
        sent: 0,
      })
    }
    await tickBroadcasts(handle.db, later(60 * MINUTE))
    expect(await broadcastMessages(handle.db, Number(id))).toEqual([])
    const audit = await handle.db
      .select({ actor: auditLog.actor })
      .from(auditLog)
      .where(eq(auditLog.action, 'broadcast_cancelled'))
    expect(audit).toHaveLength(1)
  })

  test('a broadcast being sent: its queued messages are dropped, the one a sender holds goes out, and one given back later is skipped', async () => {
    await seedRoster(handle.db)
    const api = await apiFor(handle.db)
    const { id } = await postNow(api)
    // A sender has claimed two rows: one went out, the other is still being sent.
    const claimed = await claimOutbox(handle.db, {
      channel: 'simulator',
      limit: 2,
      leaseSeconds: 60,
    })
    expect(claimed).toHaveLength(2)
    const [done, held] = claimed as [(typeof claimed)[0], (typeof claimed)[0]]
    await markSent(handle.db, done)

    const cancelled = await api.post(`/api/v1/broadcasts/${id}/cancel`, {})
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toMatchObject({
      status: 'cancelled',
      recipients: 4,
      sent: 1,
      failed: 0,
      skipped: 2,
    })
    const rows = await broadcastMessages(handle.db, Number(id))
    expect(rows.filter((r) => r.status === 'skipped')).toEqual([
      expect.objectContaining({ skipReason: 'cancelled' }),
      expect.objectContaining({ skipReason: 'cancelled' }),
    ])
    expect(rows.find((r) => r.id === held.id)?.status).toBe('sending')

    // The holder gives its row back untried (pacing, a stop): the sender then skips it.
    await releaseClaim(handle.db, held)
    const channel = recordingSimulator()
    await createOutboxSender({
      db: handle.db,
      channels: [channel.sender],
      logger: silentLogger,
    }).drain('simulator')
    expect(channel.sent).toEqual([])
    const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, held.id))
    expect(row).toMatchObject({ status: 'skipped', skipReason: 'cancelled' })
    const status = await api.get(`/api/v1/broadcasts/${id}`)
    expect(await status.json()).toMatchObject({ status: 'cancelled', sent: 1, skipped: 3 })
    const [audit] = await handle.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'broadcast_cancelled'))
    expect(audit?.detail).toEqual({ dropped: 2 })
  })

  test('a finished broadcast answers 409; an unknown id 404, a malformed one 400, no token 401', async () => {
    await seedRoster(handle.db)
    const api = await apiFor(handle.db)
    const { id } = await postNow(api)
    await handle.db.update(outbox).set({ status: 'sent' })
    await tickBroadcasts(handle.db, later(2 * MINUTE))
    expect(await (await api.get(`/api/v1/broadcasts/${id}`)).json()).toMatchObject({
      status: 'done',
    })

    const finished = await api.post(`/api/v1/broadcasts/${id}/cancel`, {})
    expect(finished.status).toBe(409)
    expect(await finished.json()).toMatchObject({ error: 'already_finished' })
    expect(await (await api.get(`/api/v1/broadcasts/${id}`)).json()).toMatchObject({
      status: 'done',
    })
    const missing = await api.post('/api/v1/broadcasts/999999/cancel', {})
    expect(missing.status).toBe(404)
    expect((await api.post('/api/v1/broadcasts/abc/cancel', {})).status).toBe(400)
    expect((await api.post(`/api/v1/broadcasts/${id}/cancel`, {}, null)).status).toBe(401)
  })

  test('the OpenAPI document describes it', async () => {
    const api = await apiFor(handle.db)
    const document = (await (await api.get('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    const cancel = document.paths['/broadcasts/{id}/cancel']?.post
    expect(cancel).toBeDefined()
    expect(Object.keys(cancel!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409'])
    )
  })
})

describe('notifyPerson marks whom a message is for', () => {
  test('a reminder queued before BERHENTI is skipped; a live message to them still goes', async () => {
    const id = await seedRoster(handle.db)
    const i18n = await testI18n()
    const reminder = {
      texts: [{ key: 'broadcast:progress', params: { sent: 1, total: 2, failed: 0 } }],
    }
    await notifyPerson(handle.db, { i18n }, id.siti, reminder, PRIORITY.reminder)
    await notifyPerson(handle.db, { i18n }, id.siti, reminder, PRIORITY.live)
    const queued = await handle.db
      .select({ personId: outbox.personId, priority: outbox.priority })
      .from(outbox)
      .where(eq(outbox.recipientId, 'sim-siti'))
      .orderBy(asc(outbox.id))
    expect(queued).toEqual([
      { personId: id.siti, priority: PRIORITY.reminder },
      { personId: id.siti, priority: PRIORITY.live },
    ])

    await setOptedOut(handle.db, { personId: id.siti, at: NOW })
    const channel = recordingSimulator()
    await createOutboxSender({
      db: handle.db,
      channels: [channel.sender],
      logger: silentLogger,
    }).drain('simulator')
    expect(channel.sent).toHaveLength(1)
    const rows = await handle.db
      .select({ priority: outbox.priority, status: outbox.status, skipReason: outbox.skipReason })
      .from(outbox)
      .where(eq(outbox.recipientId, 'sim-siti'))
    expect(rows).toEqual(
      expect.arrayContaining([
        { priority: PRIORITY.reminder, status: 'skipped', skipReason: 'opted_out' },
        { priority: PRIORITY.live, status: 'sent', skipReason: null },
      ])
    )
  })
})
