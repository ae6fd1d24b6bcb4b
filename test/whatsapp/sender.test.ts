/**
 * The WhatsApp sender's ban-aware rules on a real database: rendering (numbered list, hint,
 * escaped markup, photo, location), pacing over a burst of 200 messages with limits scaled down,
 * the daily cap on unsolicited messages, nothing to numbers that never wrote, LID preferred.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { OutboundMessage } from '../../src/domain/messages.js'
import {
  DEFAULT_HUMAN_PACING,
  type HumanPacer,
  type HumanPacing,
  createHumanPacer,
} from '../../src/channels/whatsapp/pacing.js'
import { escapeWhatsApp, renderOutbound } from '../../src/channels/whatsapp/render.js'
import { createWhatsAppSender } from '../../src/channels/whatsapp/sender.js'
import type { WhatsAppStore } from '../../src/channels/whatsapp/store.js'
import { createWhatsAppStore } from '../../src/db/queries/whatsapp.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { type StandInSocket, createStandInSocket } from '../harness/whatsapp.js'

const TEXTS = { choiceHint: 'Balas dengan angka.', contactHint: 'Ketik nomor HP Anda.' }
const T0 = new Date('2025-11-24T01:00:00Z')

describe('renderOutbound', () => {
  test('choices become a numbered list with the hint, never buttons', () => {
    const message: OutboundMessage = {
      text: 'Status KB?',
      choices: [
        { id: 'a', label: 'Aktif' },
        { id: 'b', label: 'Tidak aktif' },
      ],
    }
    expect(renderOutbound(message, TEXTS)).toEqual([
      { text: 'Status KB?\n\n1. Aktif\n2. Tidak aktif\n\n_Balas dengan angka._' },
    ])
  })

  test('markup characters in values are neutralised with a zero-width space', () => {
    expect(escapeWhatsApp('Terima kasih, *Siti*_~`')).toBe(
      'Terima kasih, *\u200bSiti*\u200b_\u200b~\u200b`\u200b'
    )
    expect(renderOutbound({ text: 'Nama: _Budi_' }, TEXTS)).toEqual([
      { text: 'Nama: _\u200bBudi_\u200b' },
    ])
  })

  test('a photo carries the text as caption; a location follows; the contact hint is text', () => {
    const message = {
      text: 'Lokasi pelatihan',
      media: { kind: 'photo' as const, ref: 'media:abc.png' },
      location: { lat: -7.98, lng: 112.63, name: 'Balai Desa' },
      requestContact: true,
    }
    expect(renderOutbound(message, TEXTS)).toEqual([
      { image: { ref: 'media:abc.png' }, caption: 'Lokasi pelatihan\n\n_Ketik nomor HP Anda._' },
      { location: { degreesLatitude: -7.98, degreesLongitude: 112.63, name: 'Balai Desa' } },
    ])
  })

  test('with choices the contact hint gives way (choices take precedence)', () => {
    const message = {
      text: 'Nomor?',
      choices: [{ id: 'x', label: 'Lewati' }],
      requestContact: true,
    }
    expect(renderOutbound(message, TEXTS)).toEqual([
      { text: 'Nomor?\n\n1. Lewati\n\n_Balas dengan angka._' },
    ])
  })
})

/** The defaults divided by about 50 (1.5 s → 30 ms per chat, 0.7 s → 12 ms globally). */
const SCALED: HumanPacing = {
  perChatGapMs: 30,
  perChatJitterMs: 30,
  globalGapMs: 12,
  globalJitterMs: 12,
  unsolicitedPerDay: 3,
  replyWindowMs: 3600_000,
}

function openSocket(): StandInSocket {
  const socket = createStandInSocket({} as never)
  socket.open()
  return socket
}

function buildSender(
  store: WhatsAppStore,
  socket: StandInSocket | undefined,
  clock: () => Date,
  limits = SCALED,
  pacer: HumanPacer = createHumanPacer({
    limits,
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  })
) {
  return createWhatsAppSender({
    socket: () => socket,
    store,
    pacer,
    limits,
    texts: TEXTS,
    readMedia: async () => new Uint8Array([1, 2, 3]),
    clock,
    dayOf: (now) => now.toISOString().slice(0, 10),
    sentTtlMs: 6 * 3600_000,
  })
}

describe('WhatsApp sender', () => {
  let handle: TestDbHandle
  let store: WhatsAppStore
  beforeEach(async () => {
    handle = await createTestDb()
    store = createWhatsAppStore(handle.db, 'test')
  })
  afterEach(async () => {
    await handle.close()
  })

  test('a burst of 200 messages to 10 chats keeps the default gaps, with jitter (virtual clock)', async () => {
    const chats = Array.from({ length: 10 }, (_, i) => `10000000000${i}@lid`)
    for (const chat of chats) await store.noteInbound({ lid: chat }, T0)
    const socket = openSocket()
    // Virtual time: the pacer's sleeps move the clock, so the real limits run in milliseconds and
    // every gap is exact (no timer slack under a loaded machine).
    let virtual = 0
    const stamps: { jid: string; at: number }[] = []
    const send = socket.sendMessage
    socket.sendMessage = async (jid, content) => {
      stamps.push({ jid, at: virtual })
      return send(jid, content)
    }
    const pacer = createHumanPacer({
      limits: DEFAULT_HUMAN_PACING,
      clock: () => new Date(T0.getTime() + virtual),
      sleep: async (ms) => {
        virtual += ms
      },
    })
    const sender = buildSender(store, socket, () => T0, SCALED, pacer)
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sender.send(chats[i % 10]!, { text: `Pesan ${i}` }))
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(socket.sent).toHaveLength(200)
    const { globalGapMs, globalJitterMs, perChatGapMs, perChatJitterMs } = DEFAULT_HUMAN_PACING
    const gaps = stamps.slice(1).map((s, i) => s.at - stamps[i]!.at)
    // Global: every gap at least 0.7 s; at most 0.7 + 0.8 s, or what the chat's own gap needed.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(globalGapMs)
    for (const chat of chats) {
      const times = stamps.filter((s) => s.jid === chat).map((s) => s.at)
      expect(times).toHaveLength(20)
      const chatGaps = times.slice(1).map((t, i) => t - times[i]!)
      // Per chat: at least 1.5 s; here always more, since 9 other chats go in between.
      for (const gap of chatGaps) expect(gap).toBeGreaterThanOrEqual(perChatGapMs)
    }
    for (const gap of gaps) {
      expect(gap).toBeLessThanOrEqual(globalGapMs + globalJitterMs + perChatGapMs + perChatJitterMs)
    }
    // Jitter: the gaps are not machine-regular.
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBeGreaterThan(50)
    // 199 gaps of at least 0.7 s: the burst takes at least 139.3 s of (virtual) time.
    expect(stamps.at(-1)!.at).toBeGreaterThanOrEqual(199 * globalGapMs)
  })

  test('real timers, limits scaled down: a burst of 200 goes out in a few seconds, not faster', async () => {
    const chats = Array.from({ length: 10 }, (_, i) => `10000000000${i}@lid`)
    for (const chat of chats) await store.noteInbound({ lid: chat }, T0)
    const socket = openSocket()
    const sender = buildSender(store, socket, () => T0)
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sender.send(chats[i % 10]!, { text: `Pesan ${i}` }))
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(socket.sent).toHaveLength(200)
    // 199 gaps of at least 12 ms take at least 2.388 s (5 ms slack: a timer may fire up to a
    // millisecond early against this clock).
    expect(performance.now() - started).toBeGreaterThanOrEqual(199 * SCALED.globalGapMs - 5)
  })

  test('unsolicited messages stop at the daily cap; replies are not counted', async () => {
    await store.noteInbound({ lid: '200000000000001@lid' }, T0)
    const socket = openSocket()
    // Two hours later the chat's last message is outside the one-hour reply window.
    const later = new Date(T0.getTime() + 2 * 3600_000)
    const sender = buildSender(store, socket, () => later)
    const results = []
    for (let i = 0; i < 5; i++) {
      results.push(await sender.send('200000000000001@lid', { text: `Siaran ${i}` }))
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false])
    expect(results[3]).toMatchObject({ retryable: true, error: expect.stringMatching(/daily cap/) })
    // The next day the cap starts again; a reply within the window never counts.
    const nextDay = buildSender(store, socket, () => new Date(later.getTime() + 24 * 3600_000))
    expect((await nextDay.send('200000000000001@lid', { text: 'Siaran' })).ok).toBe(true)
    const replies = buildSender(store, socket, () => T0)
    for (let i = 0; i < 5; i++) {
      expect((await replies.send('200000000000001@lid', { text: 'Balasan' })).ok).toBe(true)
    }
  })

  test('never to a number that did not write; LID preferred once known; not connected retries', async () => {
    const socket = openSocket()
    const sender = buildSender(store, socket, () => T0)
    expect(await sender.send('6281111111111@s.whatsapp.net', { text: 'Halo' })).toMatchObject({
      ok: false,
      retryable: false,
    })
    // First seen by phone only, later with its LID: the chat id stays, sends go to the LID.
    const first = await store.noteInbound(
      { pnJid: '6281222222222@s.whatsapp.net', phone: '+6281222222222' },
      T0
    )
    const again = await store.noteInbound(
      {
        lid: '300000000000001@lid',
        pnJid: '6281222222222@s.whatsapp.net',
        phone: '+6281222222222',
      },
      T0
    )
    expect(again.chatId).toBe(first.chatId)
    expect((await sender.send(first.chatId, { text: 'Halo' })).ok).toBe(true)
    expect(socket.sent.at(-1)!.jid).toBe('300000000000001@lid')

    const offline = buildSender(store, undefined, () => T0)
    expect(await offline.send(first.chatId, { text: 'Halo' })).toMatchObject({
      ok: false,
      retryable: true,
    })
  })
})
