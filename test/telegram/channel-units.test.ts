/**
 * The Telegram adapter's pure parts: update → InboundMessage (every kind the bot meets), outbound
 * → sendMessage parameters (escaping, keyboards, the 64-byte callback limit, splitting), and the
 * mapping of Bot API failures to delivery results.
 */
import { GrammyError, HttpError } from 'grammy'
import type { Update } from 'grammy/types'
import { describe, expect, test } from 'vitest'
import {
  decodeChoice,
  encodeChoice,
  renderOutbound,
  splitText,
} from '../../src/channels/telegram/render.js'
import { isTransientDbError } from '../../src/lib/transient.js'
import { toDeliveryFailure } from '../../src/channels/telegram/sender.js'
import { toInbound } from '../../src/channels/telegram/to-inbound.js'
import {
  callbackUpdate,
  contactUpdate,
  editedUpdate,
  groupUpdate,
  locationUpdate,
  photoUpdate,
  stickerUpdate,
  textUpdate,
  voiceUpdate,
} from '../harness/fake-telegram.js'

const AT = new Date('2025-11-24T01:00:00Z')
const SITI = { id: 5001, first_name: 'Siti' }
const map = (update: unknown) => toInbound(update as Update, AT)

describe('toInbound', () => {
  test('a text becomes a text message keyed by update_id and chat id', () => {
    expect(map(textUpdate(SITI, 'halo', { updateId: 42 }))).toEqual({
      kind: 'message',
      message: {
        channel: 'telegram',
        externalId: '42',
        senderId: '5001',
        receivedAt: AT,
        content: { type: 'text', text: 'halo' },
      },
    })
  })

  test('a command with the bot name passes through untouched', () => {
    const result = map(textUpdate(SITI, '/lapor@kaderbot_test_bot'))
    expect(result).toMatchObject({
      message: { content: { type: 'text', text: '/lapor@kaderbot_test_bot' } },
    })
  })

  test('a pressed button becomes the choice id with its message; data of another format is unsupported', () => {
    const sent = { messageId: 3, text: 'Pilih' }
    expect(map(callbackUpdate(SITI, 'v1|peserta', sent))).toMatchObject({
      kind: 'message',
      message: { senderId: '5001', content: { type: 'choice', id: 'peserta', messageId: '3' } },
    })
    expect(map(callbackUpdate(SITI, 'something-else', sent))).toMatchObject({
      kind: 'message',
      message: { senderId: '5001', content: { type: 'unsupported', kind: 'button' } },
    })
  })

  test('an own contact gives the phone in E.164 and marks the sender', () => {
    const result = map(contactUpdate(SITI, '6281200000004'))
    expect(result).toMatchObject({
      message: {
        phone: '+6281200000004',
        content: { type: 'contact', phone: '+6281200000004', isSender: true },
      },
    })
  })

  test("someone else's contact is not the sender's phone", () => {
    const result = map(contactUpdate(SITI, '+62 812-0000-0005', { userId: 777 }))
    expect(result).toMatchObject({
      message: { content: { type: 'contact', phone: '+6281200000005', isSender: false } },
    })
    expect(result.kind === 'message' && 'phone' in result.message).toBe(false)
    const noUser = map(contactUpdate(SITI, '081200000005', { userId: null }))
    expect(noUser).toMatchObject({ message: { content: { isSender: false } } })
  })

  test('a contact without a valid number is unsupported', () => {
    expect(map(contactUpdate(SITI, '12'))).toMatchObject({
      message: { content: { type: 'unsupported', kind: 'contact' } },
    })
  })

  test('a location keeps its coordinates', () => {
    expect(map(locationUpdate(SITI, -7.98, 112.63))).toMatchObject({
      message: { content: { type: 'location', lat: -7.98, lng: 112.63 } },
    })
  })

  test('a photo asks for its largest size to be fetched', () => {
    const sizes = [
      { file_id: 'small', file_unique_id: 's', file_size: 10, width: 90, height: 60 },
      { file_id: 'large', file_unique_id: 'l', file_size: 99, width: 1280, height: 960 },
      { file_id: 'medium', file_unique_id: 'm', file_size: 50, width: 320, height: 240 },
    ]
    expect(map(photoUpdate(SITI, sizes, { updateId: 9 }))).toEqual({
      kind: 'photo',
      fileId: 'large',
      fileSize: 99,
      message: { channel: 'telegram', externalId: '9', senderId: '5001', receivedAt: AT },
    })
  })

  test.each([
    ['sticker', stickerUpdate(SITI)],
    ['voice', voiceUpdate(SITI)],
    ['edited', editedUpdate(SITI, 'ubah')],
  ])('%s is unsupported with its kind', (kind, update) => {
    expect(map(update)).toMatchObject({ message: { content: { type: 'unsupported', kind } } })
  })

  test('groups and channel posts are ignored with a reason', () => {
    expect(map(groupUpdate(SITI, 'halo'))).toEqual({ kind: 'ignored', reason: 'group' })
    const post = {
      update_id: 1,
      channel_post: { message_id: 1, date: 1, chat: { id: -5, type: 'channel' } },
    }
    expect(map(post)).toEqual({ kind: 'ignored', reason: 'channel' })
    expect(map({ update_id: 2 })).toEqual({ kind: 'ignored', reason: 'unsupported_update' })
  })
})

describe('renderOutbound', () => {
  test('escapes HTML and renders choices as one button per row', () => {
    expect(
      renderOutbound({
        text: 'a < b & c > d',
        choices: [
          { id: 'ya', label: 'Ya' },
          { id: 'tidak', label: 'Tidak' },
        ],
      })
    ).toEqual([
      {
        text: 'a &lt; b &amp; c &gt; d',
        parse_mode: 'HTML',
        reply_markup: {
          inline_keyboard: [
            [{ text: 'Ya', callback_data: 'v1|ya' }],
            [{ text: 'Tidak', callback_data: 'v1|tidak' }],
          ],
        },
      },
    ])
  })

  test('callback data round-trips and never exceeds 64 bytes', () => {
    expect(decodeChoice(encodeChoice('peserta')!)).toBe('peserta')
    expect(encodeChoice('x'.repeat(61))).toBe(`v1|${'x'.repeat(61)}`)
    expect(encodeChoice('x'.repeat(62))).toBeUndefined()
    expect(encodeChoice('é'.repeat(31))).toBeUndefined() // 3 + 62 bytes
  })

  test('a choice id too long for a button turns the message into a numbered list', () => {
    const [part, ...rest] = renderOutbound({
      text: 'Pilih:',
      choices: [
        { id: 'a', label: 'Satu' },
        { id: 'b'.repeat(80), label: 'Dua' },
      ],
    })
    expect(rest).toEqual([])
    expect(part).toEqual({ text: 'Pilih:\n1. Satu\n2. Dua', parse_mode: 'HTML' })
  })

  test('long texts are split at line boundaries, the keyboard on the last part', () => {
    const line = 'x'.repeat(1000)
    const text = Array.from({ length: 9 }, () => line).join('\n')
    const parts = renderOutbound({ text, choices: [{ id: 'ok', label: 'OK' }] })
    expect(parts.map((p) => p.text.length)).toEqual([4003, 4003, 1000])
    expect(parts.slice(0, 2).every((p) => p.reply_markup === undefined)).toBe(true)
    expect(parts[2]!.reply_markup).toBeDefined()
    expect(parts.map((p) => p.text).join('\n')).toBe(text)
  })

  test('splitting counts the escaped length and cuts an overlong line', () => {
    const parts = splitText('<'.repeat(2000), 4096)
    expect(parts.map((p) => p.length)).toEqual([1024, 976])
    expect(splitText('abc')).toEqual(['abc'])
  })
})

describe('toDeliveryFailure', () => {
  const apiError = (code: number, description: string, parameters = {}) =>
    new GrammyError(
      'failed',
      { ok: false, error_code: code, description, parameters },
      'sendMessage',
      { text: 'secret personal text' }
    )

  test('429 is retryable after retry_after', () => {
    expect(
      toDeliveryFailure(apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))
    ).toEqual({
      ok: false,
      retryable: true,
      error: '429: Too Many Requests: retry after 7',
      retryAfterMs: 7000,
    })
  })

  test('5xx and network errors are retryable', () => {
    expect(toDeliveryFailure(apiError(502, 'Bad Gateway'))).toMatchObject({ retryable: true })
    expect(toDeliveryFailure(new HttpError('Network request failed', new TypeError('x')))).toEqual({
      ok: false,
      retryable: true,
      error: 'network: TypeError',
    })
  })

  test('a blocked user is unreachable, a bad request is final; no payload in the error', () => {
    const blocked = toDeliveryFailure(apiError(403, 'Forbidden: bot was blocked by the user'))
    expect(blocked).toEqual({
      ok: false,
      retryable: false,
      unreachable: true,
      error: 'unreachable: Forbidden: bot was blocked by the user',
    })
    const bad = toDeliveryFailure(apiError(400, 'Bad Request: message text is empty'))
    expect(bad).toMatchObject({ retryable: false })
    expect(JSON.stringify([blocked, bad])).not.toContain('secret personal text')
  })
})

describe('isTransientDbError', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code })

  test('connection losses, shutdowns, overload and serialization failures are transient', () => {
    for (const code of ['CONNECTION_CLOSED', 'ECONNREFUSED', '08006', '57P01', '53300', '40001']) {
      expect(isTransientDbError(withCode(code))).toBe(true)
    }
    // drizzle wraps the driver's error as its cause.
    expect(isTransientDbError(new Error('Failed query', { cause: withCode('57P01') }))).toBe(true)
    expect(isTransientDbError(new Error('PGlite is closed'))).toBe(true)
  })

  test('bugs and bad data are not: redelivering them would fail again', () => {
    expect(isTransientDbError(new TypeError('x is undefined'))).toBe(false)
    expect(isTransientDbError(withCode('23505'))).toBe(false)
    expect(isTransientDbError(withCode('22P02'))).toBe(false)
    expect(isTransientDbError('CONNECTION_CLOSED')).toBe(false)
  })
})

describe('renderOutbound: asking for the phone', () => {
  const texts = { shareContact: 'Bagikan nomor' }

  test('a one-button reply keyboard that shares the contact; choices take precedence', () => {
    expect(renderOutbound({ text: 'Nomor HP?', requestContact: true }, texts)).toEqual([
      {
        text: 'Nomor HP?',
        parse_mode: 'HTML',
        reply_markup: {
          keyboard: [[{ text: 'Bagikan nomor', request_contact: true }]],
          one_time_keyboard: true,
          resize_keyboard: true,
        },
      },
    ])
    const [withChoices] = renderOutbound(
      { text: 'Pilih', requestContact: true, choices: [{ id: 'a', label: 'A' }] },
      texts
    )
    expect(withChoices!.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'A', callback_data: 'v1|a' }]],
    })
  })
})
