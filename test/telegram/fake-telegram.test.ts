/**
 * The fake Bot API is strict (docs/design.md#testing): it rejects what Telegram rejects. These
 * tests call it over HTTP directly, so a fake that drifted into accepting anything would fail here.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  type FakeTelegram,
  assertValidUpdate,
  checkObject,
  contactUpdate,
  groupUpdate,
  startFakeTelegram,
  textUpdate,
} from '../harness/fake-telegram.js'

let fake: FakeTelegram
beforeEach(async () => {
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
})

type Answer = {
  ok: boolean
  result?: Record<string, unknown> & { message_id?: number }
  error_code?: number
  description?: string
  parameters?: { retry_after?: number }
}

async function call(method: string, params: unknown, token = fake.token) {
  const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  })
  return { status: response.status, body: (await response.json()) as Answer }
}

describe('fake Telegram Bot API', () => {
  test('a wrong token is 401 Unauthorized; an unknown method 404', async () => {
    expect(await call('getMe', {}, '1:wrong')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    })
    expect((await call('sendMessageNow', {})).status).toBe(404)
  })

  test('getMe answers the bot user', async () => {
    const { body } = await call('getMe', {})
    expect(body.result).toMatchObject({ is_bot: true, username: 'kaderbot_test_bot' })
    expect(checkObject('User', body.result, 'user')).toEqual([])
  })

  test('sendMessage answers a schema-valid Message with ids increasing per chat', async () => {
    const a1 = await call('sendMessage', { chat_id: 1, text: 'a' })
    const a2 = await call('sendMessage', { chat_id: 1, text: 'b' })
    const b1 = await call('sendMessage', { chat_id: 2, text: 'c' })
    expect([a1, a2, b1].map((r) => r.body.result!.message_id)).toEqual([1, 2, 1])
    expect(checkObject('Message', a1.body.result, 'message')).toEqual([])
    expect(fake.sentTo(1).map((m) => m.text)).toEqual(['a', 'b'])
  })

  test.each([
    ['a missing required parameter', { chat_id: 1 }, 'Bad Request: parameter "text" is required'],
    [
      'a wrong primitive type',
      { chat_id: 1, text: 5 },
      'Bad Request: invalid parameter text must be a String',
    ],
    ['an empty text', { chat_id: 1, text: '  ' }, 'Bad Request: message text is empty'],
    [
      'a text over 4096 characters',
      { chat_id: 1, text: 'x'.repeat(4097) },
      'Bad Request: message is too long',
    ],
    [
      'unescaped HTML',
      { chat_id: 1, text: 'a < b', parse_mode: 'HTML' },
      "Bad Request: can't parse entities: Unsupported start tag at byte offset 2",
    ],
    [
      'a bare ampersand in HTML',
      { chat_id: 1, text: 'a & b', parse_mode: 'HTML' },
      "Bad Request: can't parse entities: Character '&' is reserved at byte offset 2",
    ],
    [
      'callback data over 64 bytes',
      {
        chat_id: 1,
        text: 'x',
        reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] },
      },
      'Bad Request: BUTTON_DATA_INVALID',
    ],
    [
      'a malformed reply_markup',
      { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: 'no' } },
      "Bad Request: can't parse reply keyboard markup JSON object",
    ],
    [
      'a button without action',
      { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'a' }]] } },
      "Bad Request: can't parse inline keyboard button",
    ],
  ])('rejects %s with 400', async (_name, params, description) => {
    expect(await call('sendMessage', params)).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description },
    })
    expect(fake.messages).toEqual([])
  })

  test('HTML text counts its length after parsing entities', async () => {
    const text = '&lt;'.repeat(4096)
    expect((await call('sendMessage', { chat_id: 1, text, parse_mode: 'HTML' })).status).toBe(200)
    expect(fake.sentTo(1)[0]!.text).toBe('<'.repeat(4096))
  })

  test('reads form bodies with Telegram-like coercion', async () => {
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '9',
        text: 'halo',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'v1|a' }]] }),
      }).toString(),
    })
    expect(response.status).toBe(200)
    expect(fake.sentTo(9)[0]).toMatchObject({
      text: 'halo',
      replyMarkup: { inline_keyboard: [[{ text: 'A' }]] },
    })
  })

  test('edits only existing messages, and refuses an edit that changes nothing', async () => {
    await call('sendMessage', {
      chat_id: 1,
      text: 'Q',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'v1|a' }]] },
    })
    expect(
      (await call('editMessageText', { chat_id: 1, message_id: 7, text: 'x' })).body.description
    ).toBe('Bad Request: message to edit not found')
    const edited = await call('editMessageText', { chat_id: 1, message_id: 1, text: 'Q\n✓ A' })
    expect(edited.status).toBe(200)
    expect(fake.sentTo(1)[0]).toEqual({
      chatId: 1,
      messageId: 1,
      method: 'sendMessage',
      text: 'Q\n✓ A',
    })
    const again = await call('editMessageReplyMarkup', { chat_id: 1, message_id: 1 })
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/)
  })

  test('a callback query is answered once', async () => {
    expect((await call('answerCallbackQuery', { callback_query_id: 'q1' })).body.result).toBe(true)
    expect((await call('answerCallbackQuery', { callback_query_id: 'q1' })).status).toBe(400)
  })

  test('serves registered files through getFile and the file URL', async () => {
    const file = fake.addFile(new Uint8Array([1, 2, 3]))
    const { body } = await call('getFile', { file_id: file.file_id })
    const path = body.result!['file_path'] as string
    const download = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${path}`)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
    expect((await fetch(`${fake.apiRoot}/file/botWRONG/${path}`)).status).toBe(404)
    expect((await call('getFile', { file_id: 'nope' })).body.description).toBe(
      'Bad Request: invalid file_id'
    )
  })

  test('setWebhook and setMyCommands validate their arguments', async () => {
    expect(
      (
        await call('setWebhook', {
          url: 'https://bot.example/webhook/telegram',
          secret_token: 'abc_1',
        })
      ).status
    ).toBe(200)
    expect(fake.webhook()).toMatchObject({ url: 'https://bot.example/webhook/telegram' })
    expect(
      (await call('setWebhook', { url: 'https://x', secret_token: 'bad secret!' })).status
    ).toBe(400)
    expect(
      (await call('setMyCommands', { commands: [{ command: 'lapor', description: 'Lapor' }] }))
        .status
    ).toBe(200)
    expect(
      (await call('setMyCommands', { commands: [{ command: 'Lapor!', description: 'x' }] })).status
    ).toBe(400)
    expect((await call('setMyCommands', { commands: [{ command: 'lapor' }] })).status).toBe(400)
  })

  test('sendPhoto and sendLocation answer realistic messages', async () => {
    const file = fake.addFile(new Uint8Array([1]))
    const photo = await call('sendPhoto', { chat_id: 3, photo: file.file_id })
    expect(checkObject('Message', photo.body.result, 'message')).toEqual([])
    const location = await call('sendLocation', { chat_id: 3, latitude: -7.98, longitude: 112.63 })
    expect(location.body.result).toMatchObject({ message_id: 2, location: { latitude: -7.98 } })
    expect((await call('sendLocation', { chat_id: 3, latitude: '-7', longitude: 1 })).status).toBe(
      400
    )
  })

  test('injects 429 with retry_after and 500 for the next calls', async () => {
    fake.failNext({ status: 429, retryAfter: 3 })
    fake.failNext({ status: 500 }, 1, 'sendMessage')
    expect((await call('sendMessage', { chat_id: 1, text: 'a' })).body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    })
    expect((await call('getMe', {})).status).toBe(200)
    expect((await call('sendMessage', { chat_id: 1, text: 'a' })).status).toBe(500)
    expect((await call('sendMessage', { chat_id: 1, text: 'a' })).status).toBe(200)
  })

  test('a blocked chat answers 403', async () => {
    fake.block(4)
    expect(await call('sendMessage', { chat_id: 4, text: 'a' })).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    })
  })

  test('optional flood limits: one message per chat per (scaled) second', async () => {
    const flooded = await startFakeTelegram({ flood: { factor: 0.05 } })
    try {
      const send = (chatId: number) =>
        fetch(`${flooded.apiRoot}/bot${flooded.token}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: chatId, text: 'x' }),
        })
      expect((await send(1)).status).toBe(200)
      expect((await send(2)).status).toBe(200)
      const second = await send(1)
      expect(second.status).toBe(429)
      expect(((await second.json()) as Answer).parameters).toEqual({ retry_after: 1 })
      await new Promise((resolve) => setTimeout(resolve, 60))
      expect((await send(1)).status).toBe(200)
    } finally {
      await flooded.close()
    }
  })

  test('flood limits per bot, per chat and per group are configurable, scaled and counted', async () => {
    // A "second" lasts 50 ms; a group "minute" 3 s.
    const flooded = await startFakeTelegram({
      flood: { factor: 0.05, botPerSecond: 3, chatPerSecond: 2, groupPerMinute: 2 },
    })
    try {
      const send = async (chatId: number) => {
        const response = await fetch(`${flooded.apiRoot}/bot${flooded.token}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: chatId, text: 'x' }),
        })
        return response.status
      }
      // Two to one chat are allowed, the third is over the chat's limit.
      expect([await send(1), await send(1), await send(1)]).toEqual([200, 200, 429])
      // One more chat fills the bot's three; a fourth chat is over the bot's limit.
      expect([await send(2), await send(3)]).toEqual([200, 429])
      await new Promise((resolve) => setTimeout(resolve, 70))
      // A group: two a (scaled) minute, even when the seconds allow more.
      expect(await send(-10)).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 70))
      expect([await send(-10), await send(-10)]).toEqual([200, 429])
      await new Promise((resolve) => setTimeout(resolve, 70))
      expect(await send(-10)).toBe(429)
      expect(flooded.flood).toEqual({
        accepted: 5,
        violations: { bot: 1, chat: 1, group: 2 },
        peak: { bot: 3, chat: 2, group: 2 },
      })
    } finally {
      await flooded.close()
    }
  })

  test('an uploaded document (multipart) is stored with its name; what Telegram refuses is refused', async () => {
    const upload = (fields: Record<string, string>, file?: Uint8Array) => {
      const form = new FormData()
      for (const [name, value] of Object.entries(fields)) form.set(name, value)
      if (file) form.set('doc', new Blob([new Uint8Array(file)]), 'sertifikat-ABCDE-23456.pdf')
      return fetch(`${fake.apiRoot}/bot${fake.token}/sendDocument`, { method: 'POST', body: form })
    }
    const pdf = new TextEncoder().encode('%PDF-1.7\n')
    const ok = await upload(
      {
        chat_id: '8',
        document: 'attach://doc',
        caption: 'Sertifikat &amp; kode',
        parse_mode: 'HTML',
      },
      pdf
    )
    expect(ok.status).toBe(200)
    const [sent] = fake.sentTo(8)
    expect(sent).toMatchObject({
      method: 'sendDocument',
      caption: 'Sertifikat & kode',
      document: { fileName: 'sertifikat-ABCDE-23456.pdf', mimeType: 'application/pdf' },
    })
    expect(fake.fileBytes(sent!.document!.fileId)).toEqual(pdf)

    const refused = [
      await upload({ chat_id: '8', document: 'attach://nothing' }),
      await upload({ chat_id: '8', document: 'attach://doc', caption: 'x'.repeat(1025) }, pdf),
      await upload({ chat_id: '8', document: 'attach://doc' }, new Uint8Array()),
      await upload({ chat_id: '8', file: 'attach://doc' }, pdf),
      await upload({ chat_id: '8', document: 'no-such-file-id' }),
    ]
    expect(refused.map((response) => response.status)).toEqual([400, 400, 400, 400, 400])
    expect(fake.sentTo(8)).toHaveLength(1)
  })

  test('an uploaded photo (multipart, attach://) is stored; a venue needs a title and address', async () => {
    const form = new FormData()
    form.set('chat_id', '7')
    form.set('photo', 'attach://pic')
    form.set('caption', 'Foto &amp; catatan')
    form.set('parse_mode', 'HTML')
    form.set('pic', new Blob([new Uint8Array([1, 2, 3])]), 'pic.jpg')
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, {
      method: 'POST',
      body: form,
    })
    expect(response.status).toBe(200)
    const [sent] = fake.sentTo(7)
    expect(sent).toMatchObject({ method: 'sendPhoto', caption: 'Foto & catatan' })
    expect([...fake.fileBytes(sent!.photo!)!]).toEqual([1, 2, 3])

    const missing = new FormData()
    missing.set('chat_id', '7')
    missing.set('photo', 'attach://nothing')
    const bad = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, {
      method: 'POST',
      body: missing,
    })
    expect(bad.status).toBe(400)

    expect(
      (
        await call('sendVenue', {
          chat_id: 7,
          latitude: -8,
          longitude: 112,
          title: '',
          address: 'a',
        })
      ).status
    ).toBe(400)
    expect(
      (
        await call('sendVenue', {
          chat_id: 7,
          latitude: -8,
          longitude: 112,
          title: 'B',
          address: 'a',
        })
      ).status
    ).toBe(200)
  })

  test('failNext can let some calls through first', async () => {
    fake.failNext({ status: 500 }, 1, 'sendMessage', 2)
    const statuses = []
    for (let i = 0; i < 4; i++)
      statuses.push((await call('sendMessage', { chat_id: 1, text: 'a' })).status)
    expect(statuses).toEqual([200, 200, 500, 200])
  })

  test('records every call with its status', async () => {
    await call('getMe', {})
    await call('sendMessage', { chat_id: 1 })
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['getMe', 200],
      ['sendMessage', 400],
    ])
  })
})

describe('update builders', () => {
  test('build schema-valid updates with increasing ids', () => {
    const a = textUpdate({ id: 1 }, '/lapor')
    const b = contactUpdate({ id: 1 }, '6281200000004')
    expect(b['update_id']).toBe((a['update_id'] as number) + 1)
    expect(a).toMatchObject({
      message: { entities: [{ type: 'bot_command', offset: 0, length: 6 }] },
    })
    expect(groupUpdate({ id: 1 }, 'x')).toMatchObject({ message: { chat: { type: 'supergroup' } } })
  })

  test('an update missing required fields is refused', () => {
    expect(() => assertValidUpdate({ update_id: 1, message: { message_id: 1, date: 1 } })).toThrow(
      'update.message.chat is required'
    )
    expect(() => assertValidUpdate({ message: {} })).toThrow('update.update_id is required')
  })
})
