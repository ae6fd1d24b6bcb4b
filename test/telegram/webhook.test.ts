/**
 * The Telegram channel end to end: updates posted to the real `POST /webhook/telegram` route, the
 * real runtime on a test database, and an outbox sender whose Telegram sender talks to the strict
 * fake Bot API, wired like `kaderbot.ts` does.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type TelegramChannelDeps, createTelegramChannel } from '../../src/channels/telegram/bot.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import {
  channelIdentities,
  demoSubmissions,
  inboundMessages,
  outbox,
  people,
} from '../../src/db/schema/index.js'
import { rowsOf } from '../../src/db/raw.js'
import { createApp } from '../../src/http/app.js'
import { telegramWebhookRoutes } from '../../src/http/routes/telegram-webhook.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import {
  type FakeTelegram,
  callbackUpdate,
  contactUpdate,
  editedUpdate,
  groupUpdate,
  photoUpdate,
  startFakeTelegram,
  stickerUpdate,
  textUpdate,
  voiceUpdate,
} from '../harness/fake-telegram.js'
import { testI18n } from '../harness/i18n.js'
import { createRuntimeForTest, giveConsent, silentLogger } from '../harness/runtime.js'

const SECRET = 'test_webhook_secret-1'
const NOW = new Date('2025-11-24T01:00:00Z')
// The smallest valid PNG: 1x1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64'
)

let handle: TestDbHandle
let fake: FakeTelegram
let dataDir: string
beforeEach(async () => {
  handle = await createTestDb()
  fake = await startFakeTelegram()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-tg-media-'))
})
afterEach(async () => {
  await fake.close()
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

type Sender = ReturnType<typeof createOutboxSender>

/**
 * The app, runtime and outbox as `kaderbot.ts` wires them for Telegram in webhook mode; `demoData`:
 * on a database holding the demo data, where the demo flow (Kenalan) runs on Telegram too.
 */
async function buildBot(options: { demoData?: boolean; settle?: boolean } = {}) {
  const i18n = await testI18n()
  const wiring: { sender?: Sender } = {}
  const runtime = await createRuntimeForTest(handle.db, {
    i18n,
    demoData: options.demoData,
    onQueued: (channel) => wiring.sender?.wake(channel),
  })
  const telegram = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    handleInbound: runtime.handleInbound,
    media: createMediaStore(dataDir),
    texts: {
      chosen: (label) => i18n.render({ key: 'common:telegram.chosen', params: { label } }),
      shareContact: i18n.render({ key: 'common:telegram.shareContact' }),
      answered: i18n.render({ key: 'common:telegram.answered' }),
    },
    logger: silentLogger,
    clock: () => NOW,
  })
  const pace = advancingClock()
  const sender = createOutboxSender({
    db: handle.db,
    channels: [telegram.sender],
    logger: silentLogger,
    paceClock: pace.now,
  })
  wiring.sender = sender
  const app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => undefined,
    telegram: { routes: () => telegramWebhookRoutes({ bot: telegram.bot, secretToken: SECRET }) },
  })
  const post = async (update: unknown, secret: string | null = SECRET) => {
    const response = await app.request('/webhook/telegram', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: JSON.stringify(update),
    })
    await sender.idle()
    if (options.settle) await sendPacedRows(sender, pace)
    return response
  }
  return { app, post, sender }
}

/** The sender's pacing clock: real time plus the waits `sendPacedRows` moved it on by. */
function advancingClock() {
  let advancedMs = 0
  return {
    now: () => performance.now() + advancedMs,
    advance: (ms: number) => {
      advancedMs += ms
    },
  }
}

/**
 * Sends what the chat's pacing held back: Telegram's pace lets 3 messages go back to back, so a
 * 4th of the same turn is queued a few seconds later (the running bot's poll sends it then; this
 * sender is not polling). Instead of waiting for it, moves time on for both clocks that hold it,
 * the pacing's and the queue's (`not_before`), and drains again.
 */
async function sendPacedRows(
  sender: Sender,
  pace: ReturnType<typeof advancingClock>
): Promise<void> {
  for (;;) {
    const [next] = rowsOf<{ ms: string | null }>(
      await handle.db.execute(
        sql`select extract(epoch from min(not_before) - now()) * 1000 as ms from outbox where status = 'queued'`
      )
    )
    if (next?.ms === null || next?.ms === undefined || Number(next.ms) > 10_000) return
    const ms = Math.max(0, Math.ceil(Number(next.ms))) + 1
    pace.advance(ms)
    await handle.db.execute(
      sql`update outbox set not_before = not_before - make_interval(secs => ${ms / 1000})
        where status = 'queued'`
    )
    await sender.drain('telegram')
    await sender.idle()
  }
}

/**
 * The webhook app on a Telegram channel that hands updates to `handleInbound` (no runtime, no
 * outbox); the function returned posts one update with the right secret.
 */
async function webhookWith(
  handleInbound: TelegramChannelDeps['handleInbound'],
  options: { photoTimeoutMs?: number; timeoutMilliseconds?: number } = {}
) {
  const i18n = await testI18n()
  const telegram = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    handleInbound,
    media: createMediaStore(dataDir),
    texts: {
      chosen: (label) => i18n.render({ key: 'common:telegram.chosen', params: { label } }),
    },
    logger: silentLogger,
    ...(options.photoTimeoutMs === undefined ? {} : { photoTimeoutMs: options.photoTimeoutMs }),
  })
  const app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => undefined,
    telegram: {
      routes: () =>
        telegramWebhookRoutes({
          bot: telegram.bot,
          secretToken: SECRET,
          ...(options.timeoutMilliseconds === undefined
            ? {}
            : { timeoutMilliseconds: options.timeoutMilliseconds }),
        }),
    },
  })
  return (update: unknown) =>
    app.request('/webhook/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    })
}

const SITI = { id: 5001, first_name: 'Siti' }

/** The texts the bot sent to a chat, as the person sees them (after edits). */
const texts = (chatId: number) => fake.sentTo(chatId).map((m) => m.text)

/** The last keyboard message to a chat and the callback data of the button with `label`. */
function button(chatId: number, label: string) {
  const message = fake.sentTo(chatId).findLast((m) => m.replyMarkup !== undefined)
  const rows = (message?.replyMarkup?.['inline_keyboard'] ?? []) as {
    text: string
    callback_data: string
  }[][]
  const found = rows.flat().find((b) => b.text === label)
  if (!message || !found) throw new Error(`no button ${label} in ${JSON.stringify(message)}`)
  return { data: found.callback_data, message }
}

async function press(post: (u: unknown) => Promise<Response>, chatId: number, label: string) {
  const { data, message } = button(chatId, label)
  return post(callbackUpdate({ id: chatId }, data, message))
}

describe('POST /webhook/telegram', () => {
  test('a newcomer consents with a button and is recognised by sharing their contact', async () => {
    await handle.db.insert(people).values({
      name: 'Bu Sri Wahyuni',
      roles: ['kader'],
      regionCode: '35.07.24.2001',
      phone: '+6281200000004',
    })
    const { post } = await buildBot({ settle: true })
    expect((await post(textUpdate(SITI, '/start'))).status).toBe(200)
    expect(texts(SITI.id)[0]).toMatch(/^Selamat datang di kaderbot/)
    expect(button(SITI.id, 'Ya').data).toMatch(/^v1\|/)

    expect((await press(post, SITI.id, 'Ya')).status).toBe(200)
    // The pressed keyboard is gone and shows the choice.
    const question = fake.sentTo(SITI.id)[0]!
    expect(question.replyMarkup).toBeUndefined()
    expect(question.text).toMatch(/Apakah Anda setuju\?\n\n✓ Ya$/)
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(1)
    expect(texts(SITI.id)).toContain('Terima kasih, persetujuan Bapak/Ibu sudah kami catat.')
    // Telegram hides the number: the menu of an unknown person asks for it with a one-tap button.
    const ask = fake.sentTo(SITI.id).at(-1)!
    expect(ask.text).toMatch(/^Sudah didaftarkan oleh petugas KB\?/)
    expect(ask.replyMarkup).toMatchObject({
      keyboard: [[{ text: '📱 Bagikan nomor HP saya', request_contact: true }]],
    })

    await post(contactUpdate(SITI, '6281200000004'))
    const linked = await handle.db
      .select()
      .from(channelIdentities)
      .where(eq(channelIdentities.externalId, String(SITI.id)))
    expect(linked).toMatchObject([{ channel: 'telegram' }])
    // Recognised at once: the answer to the shared number is her own menu, and no more asking.
    expect(texts(SITI.id).at(-1)).toBe('Halo, Sri Wahyuni! Menu utama:')
    const sentBefore = fake.sentTo(SITI.id).length
    await post(textUpdate(SITI, '/menu@kaderbot_test_bot'))
    expect(texts(SITI.id).at(-1)).toBe('Halo, Sri Wahyuni! Menu utama:')
    expect(fake.sentTo(SITI.id)).toHaveLength(sentBefore + 1)
  })

  test('a button of a question answered since is acknowledged and ignored; a double tap edits once', async () => {
    const { post } = await buildBot({ demoData: true, settle: true })
    await post(textUpdate(SITI, '/start'))
    const yes = button(SITI.id, 'Ya')
    // The second tap carries the message as it was when tapped: the keyboard still on it.
    const tapped = { ...yes.message, replyMarkup: structuredClone(yes.message.replyMarkup) }
    await post(callbackUpdate(SITI, yes.data, tapped))
    const sent = fake.sentTo(SITI.id).length
    await post(callbackUpdate(SITI, yes.data, tapped))
    expect(fake.sentTo(SITI.id)).toHaveLength(sent)
    expect(fake.callsOf('answerCallbackQuery').map((c) => c.params['text'])).toEqual([
      undefined,
      'Pertanyaan ini sudah dijawab.',
    ])

    // A question answered by typing: its button pressed afterwards is not the next answer.
    await post(textUpdate(SITI, '/kenalan'))
    await post(textUpdate(SITI, 'Siti'))
    const role = button(SITI.id, 'Peserta pelatihan ibu muda')
    await post(textUpdate(SITI, '2'))
    expect(texts(SITI.id).at(-1)).toBe('Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.')
    const before = fake.sentTo(SITI.id).length
    await post(callbackUpdate(SITI, role.data, role.message))
    expect(fake.sentTo(SITI.id)).toHaveLength(before)
    expect(fake.callsOf('answerCallbackQuery').at(-1)!.params['text']).toBe(
      'Pertanyaan ini sudah dijawab.'
    )
    await post(textUpdate(SITI, '2'))
    expect(texts(SITI.id).at(-1)).toMatch(/^Kapan terakhir Bapak\/Ibu ke Posyandu\?/)
    // Nothing was refused: no edit to the same content ("message is not modified").
    expect(fake.calls.filter((c) => c.status !== 200)).toEqual([])
  })

  test("someone else's contact does not make the sender that person", async () => {
    await handle.db.insert(people).values({
      name: 'Bu Sri Wahyuni',
      roles: ['kader'],
      regionCode: '35.07.24.2001',
      phone: '+6281200000004',
    })
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post } = await buildBot()
    await post(contactUpdate(SITI, '6281200000004', { userId: 999 }))
    expect(await handle.db.select().from(channelIdentities)).toEqual([])
  })

  test('the kenalan demo runs with texts and button presses to a stored submission', async () => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post } = await buildBot({ demoData: true, settle: true })
    await post(textUpdate(SITI, '/kenalan'))
    expect(texts(SITI.id).at(-1)).toBe('Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?')
    await post(textUpdate(SITI, 'Siti'))
    await press(post, SITI.id, 'Peserta pelatihan ibu muda')
    expect(texts(SITI.id).at(-1)).toBe('Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.')
    await post(textUpdate(SITI, '2'))
    await post(textUpdate(SITI, 'lewati'))
    await post(textUpdate(SITI, '2, 3'))
    // A real photo, downloaded from the Bot API into the media store.
    const file = fake.addFile(PNG, 'png')
    await post(photoUpdate(SITI, [{ ...file, width: 1, height: 1 }]))
    expect(await readdir(join(dataDir, 'media'))).toHaveLength(1)
    await post(textUpdate(SITI, 'lewati'))
    await press(post, SITI.id, 'Tidak')
    expect(texts(SITI.id).at(-1)).toMatch(/Sudah benar\?$/)
    await press(post, SITI.id, 'Kirim')
    expect(texts(SITI.id).at(-1)).toMatch(/^Terima kasih, Siti!/)

    const rows = await handle.db.select().from(demoSubmissions)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.answers).toMatchObject({
      name: 'Siti',
      role: 'peserta',
      children: 2,
      topics: ['gizi', 'menjahit'],
      wantsReminder: false,
    })
    expect((rows[0]!.answers as { photo: string }).photo).toMatch(/^media:[a-f0-9]{64}\.png$/)
    // Every answered press was acknowledged; the fake refuses a second answer of the same query.
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(3)
    expect(fake.calls.filter((c) => c.status !== 200)).toEqual([])
  })

  test('a wrong or missing secret is 401 and nothing is processed', async () => {
    const { post } = await buildBot()
    expect((await post(textUpdate(SITI, 'halo'), 'wrong')).status).toBe(401)
    expect((await post(textUpdate(SITI, 'halo'), null)).status).toBe(401)
    expect(await handle.db.select().from(inboundMessages)).toEqual([])
    expect(await handle.db.select().from(outbox)).toEqual([])
    expect(fake.calls).toEqual([])
  })

  test('a redelivered update_id is answered once', async () => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post } = await buildBot({ demoData: true })
    const update = textUpdate(SITI, '/kenalan')
    expect((await post(update)).status).toBe(200)
    expect((await post(update)).status).toBe(200)
    expect(texts(SITI.id)).toEqual(['Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?'])
  })

  test('after a 429 the reply is still delivered exactly once', async () => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post, sender } = await buildBot({ demoData: true })
    fake.failNext({ status: 429, retryAfter: 1 }, 1, 'sendMessage')
    await post(textUpdate(SITI, '/kenalan'))
    expect(texts(SITI.id)).toEqual([])
    const [row] = await handle.db.select().from(outbox)
    // Queued again for when Telegram's retry_after has passed. The second passes by moving the
    // row's time back (the outbox reads the database's clock), not by waiting for it.
    expect(row).toMatchObject({
      status: 'queued',
      lastError: '429: Too Many Requests: retry after 1',
    })
    await handle.db
      .update(outbox)
      .set({ notBefore: sql`${outbox.notBefore} - interval '1 second'` })
      .where(eq(outbox.id, row!.id))
    await sender.drain('telegram')
    await sender.drain('telegram')
    expect(texts(SITI.id)).toEqual(['Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?'])
    // The 429 was a rate limit, not a failed try: it does not count towards maxAttempts.
    expect(await handle.db.select().from(outbox)).toMatchObject([{ status: 'sent', attempts: 1 }])
  })

  test('a user who blocked the bot leaves the reply failed as unreachable', async () => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post } = await buildBot({ demoData: true })
    fake.block(SITI.id)
    expect((await post(textUpdate(SITI, '/kenalan'))).status).toBe(200)
    expect(await handle.db.select().from(outbox)).toMatchObject([
      { status: 'failed', lastError: 'unreachable: Forbidden: bot was blocked by the user' },
    ])
  })

  test.each([
    [
      'a sticker',
      stickerUpdate(SITI),
      'Terima kasih stikernya! Mohon balas dengan mengetik jawaban.',
    ],
    [
      'a voice note',
      voiceUpdate(SITI),
      'Maaf, saya belum bisa mendengarkan pesan suara. Mohon ketik jawabannya.',
    ],
    [
      'an edited message',
      editedUpdate(SITI, 'ubah'),
      'Maaf, pesan yang diubah tidak bisa saya proses. Mohon kirim ulang jawabannya sebagai pesan baru.',
    ],
  ])('%s gets a friendly answer', async (_name, update, answer) => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const { post } = await buildBot()
    expect((await post(update)).status).toBe(200)
    expect(texts(SITI.id)[0]).toBe(`${answer}\nMenu utama. Silakan pilih:`)
  })

  test('a group message is ignored: 200, no reply, nothing stored', async () => {
    const { post } = await buildBot()
    expect((await post(groupUpdate(SITI, '/lapor'))).status).toBe(200)
    expect(fake.calls).toEqual([])
    expect(await handle.db.select().from(inboundMessages)).toEqual([])
  })

  test('a database failure is not acknowledged: 503, so Telegram delivers the update again', async () => {
    const { post } = await buildBot()
    // The database is gone (a restart, a failover): nothing was committed, Telegram must retry.
    await handle.close()
    const response = await post(textUpdate(SITI, 'halo'))
    expect(response.status).toBe(503)
    handle = await createTestDb()
  })

  test('a poisoned update is acknowledged, not redelivered forever', async () => {
    const handled: string[] = []
    // A bug met by one update's content: it would fail on every redelivery.
    const post = await webhookWith(async (message) => {
      handled.push(message.externalId)
      if (message.content.type === 'text' && message.content.text === 'racun') {
        throw new TypeError("Cannot read properties of undefined (reading 'x')")
      }
      return { duplicate: false }
    })
    expect((await post(textUpdate(SITI, 'racun', { updateId: 91 }))).status).toBe(200)
    expect((await post(textUpdate(SITI, 'halo', { updateId: 92 }))).status).toBe(200)
    expect(handled).toEqual(['91', '92'])
  })

  test('a stuck handler (a database that does not answer) is answered 503, not acknowledged', async () => {
    let release: () => void = () => undefined
    const post = await webhookWith(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ duplicate: false })
        }),
      { timeoutMilliseconds: 100 }
    )
    const response = await post(textUpdate(SITI, 'halo'))
    release()
    expect(response.status).toBe(503)
  })

  test('a slow photo download does not hold the webhook: the photo counts as unreadable', async () => {
    await giveConsent(handle.db, [String(SITI.id)], 'telegram')
    const handledKinds: string[] = []
    const post = await webhookWith(
      async (message) => {
        handledKinds.push(
          message.content.type === 'unsupported' ? message.content.kind : message.content.type
        )
        return { duplicate: false }
      },
      { photoTimeoutMs: 300 }
    )
    const file = fake.addFile(PNG, 'png')
    fake.slowFiles(5000)
    const started = performance.now()
    const response = await post(photoUpdate(SITI, [{ ...file, width: 1, height: 1 }]))
    expect(response.status).toBe(200)
    // Answered at the photo's time bound, long before the file server would have.
    expect(performance.now() - started).toBeLessThan(4000)
    expect(handledKinds).toEqual(['document'])
    expect(await readdir(dataDir)).toEqual([])
  })
})
