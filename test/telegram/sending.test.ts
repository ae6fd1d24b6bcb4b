/**
 * What the Telegram sender puts on the wire, through the real outbox sender and the strict fake
 * Bot API: photos (uploaded from the media store, the text as caption when it fits), map pins and
 * venues, and a long message in parts whose later part fails: the retry sends only the rest.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { Api } from 'grammy'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { MAX_TEXT_LENGTH, renderSends } from '../../src/channels/telegram/render.js'
import { createTelegramSender } from '../../src/channels/telegram/sender.js'
import type { OutboundMessage } from '../../src/domain/messages.js'
import { type MediaStore, createMediaStore } from '../../src/conversation/media-store.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { outbox } from '../../src/db/schema/index.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram } from '../harness/fake-telegram.js'
import { silentLogger } from '../harness/runtime.js'

// The smallest valid PNG: 1x1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64'
)
const CHAT = 5001

let handle: TestDbHandle
let fake: FakeTelegram
let dataDir: string
let media: MediaStore
beforeEach(async () => {
  handle = await createTestDb()
  fake = await startFakeTelegram()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-tg-send-'))
  media = createMediaStore(dataDir)
})
afterEach(async () => {
  await fake.close()
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

/** Queues one live message to CHAT and drains the outbox (retries without backoff). */
async function deliver(message: OutboundMessage) {
  const [id] = await enqueueMessages(handle.db, [
    { channel: 'telegram', recipientId: String(CHAT), priority: 0, message },
  ])
  const sender = createOutboxSender({
    db: handle.db,
    channels: [
      createTelegramSender(new Api(fake.token, { apiRoot: fake.apiRoot }), {
        mediaPath: media.pathOf,
        texts: { shareContact: '📱 Bagikan nomor HP saya' },
      }),
    ],
    logger: silentLogger,
    backoffMs: () => 0,
    pacing: { telegram: null },
  })
  await sender.drain('telegram')
  const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, id!))
  return row!
}

describe('Telegram sends', () => {
  test('a photo from the media store is uploaded, with the text and buttons as its caption', async () => {
    const ref = await media.put(PNG, 'png')
    const row = await deliver({
      text: 'Foto kegiatan <posyandu> & balita',
      media: { kind: 'photo', ref },
      choices: [{ id: 'ok', label: 'Oke' }],
    })

    expect(row).toMatchObject({ status: 'sent', partsSent: 0 })
    const [sent] = fake.sentTo(CHAT)
    expect(fake.sentTo(CHAT)).toHaveLength(1)
    expect(sent).toMatchObject({
      method: 'sendPhoto',
      caption: 'Foto kegiatan <posyandu> & balita',
      replyMarkup: { inline_keyboard: [[{ text: 'Oke', callback_data: 'v1|ok' }]] },
    })
    expect(Buffer.from(fake.fileBytes(sent!.photo!)!)).toEqual(PNG)
    expect(row.platformMessageId).toBe(String(sent!.messageId))
  })

  test('a photo with a text too long for a caption: the photo, then the text with the buttons', async () => {
    const ref = await media.put(PNG, 'png')
    const text = Array.from({ length: 100 }, () => 'Pengumuman.').join(' ')
    await deliver({ text, media: { kind: 'photo', ref }, choices: [{ id: 'ok', label: 'Oke' }] })

    const sent = fake.sentTo(CHAT)
    expect(sent.map((m) => m.method)).toEqual(['sendPhoto', 'sendMessage'])
    expect(sent[0]!.caption).toBeUndefined()
    expect(sent[1]).toMatchObject({ text, replyMarkup: { inline_keyboard: [[{ text: 'Oke' }]] } })
  })

  test('a place goes out as a pin after the text; with a name and address, as a venue', async () => {
    await deliver({ text: 'Lokasi pelatihan', location: { lat: -7.98, lng: 112.63 } })
    await deliver({
      text: 'Tempat:',
      location: { lat: -8.1, lng: 112.5, name: 'Balai Desa Losari', address: 'Jl. Raya Losari 1' },
    })

    expect(
      fake
        .sentTo(CHAT)
        .map(({ method, text, location, venue }) => ({ method, text, location, venue }))
    ).toEqual([
      { method: 'sendMessage', text: 'Lokasi pelatihan', location: undefined, venue: undefined },
      {
        method: 'sendLocation',
        text: undefined,
        location: { latitude: -7.98, longitude: 112.63 },
        venue: undefined,
      },
      { method: 'sendMessage', text: 'Tempat:', location: undefined, venue: undefined },
      {
        method: 'sendVenue',
        text: undefined,
        location: { latitude: -8.1, longitude: 112.5 },
        venue: { title: 'Balai Desa Losari', address: 'Jl. Raya Losari 1' },
      },
    ])
  })

  test('a message asking for the phone offers a one-tap "share my number" button', async () => {
    await deliver({
      text: 'Bagikan nomor HP Anda agar kami mengenali Bapak/Ibu.',
      requestContact: true,
    })
    // With choices, the buttons to choose win: a message has one keyboard.
    await deliver({ text: 'Pilih', requestContact: true, choices: [{ id: 'a', label: 'A' }] })

    const [ask, choose] = fake.sentTo(CHAT)
    expect(ask!.replyMarkup).toEqual({
      keyboard: [[{ text: '📱 Bagikan nomor HP saya', request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    })
    expect(choose!.replyMarkup).toEqual({
      inline_keyboard: [[{ text: 'A', callback_data: 'v1|a' }]],
    })
  })

  test('a long message whose third part fails: the retry sends only the third part', async () => {
    const line = 'x'.repeat(99)
    const text = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(2, '0')}${line}`).join(
      '\n'
    )
    const parts = renderSends({ text })
    expect(parts).toHaveLength(3)
    // The first two parts go through, the third meets a server error once.
    fake.failNext({ status: 500 }, 1, 'sendMessage', 2)

    const row = await deliver({ text })

    const sent = fake.sentTo(CHAT).map((m) => m.text!)
    expect(sent).toHaveLength(3)
    expect(sent.join('\n')).toBe(text)
    expect(sent.every((part) => part.length <= MAX_TEXT_LENGTH)).toBe(true)
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([
      200, 200, 500, 200,
    ])
    expect(row).toMatchObject({ status: 'sent', attempts: 2, partsSent: 2 })
  })
})
