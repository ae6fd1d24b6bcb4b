/**
 * The terminal chat's pure parts: options, what a typed line means, how messages print, and the
 * inbox tracker that keeps every bot message to one print.
 */
import { describe, expect, test } from 'vitest'
import { DEMO_LOCATION, parseChatLine, parseCoordinates } from '../../src/chat/commands.js'
import { formatBotMessage, formatNotice, formatUserInput } from '../../src/chat/format.js'
import { createInboxTracker, laterCursor } from '../../src/chat/inbox.js'
import { parseChatArgs } from '../../src/chat/options.js'

const CHOICES = [
  { id: 'kader', label: 'Kader KB' },
  { id: 'peserta', label: 'Peserta pelatihan' },
]

describe('parseChatArgs', () => {
  test('defaults: the local server on PORT (3000 without it), a random cli- sender, no token', () => {
    const parsed = parseChatArgs([], {})
    expect(parsed).toEqual({
      kind: 'options',
      options: {
        url: 'http://127.0.0.1:3000',
        from: expect.stringMatching(/^cli-[0-9a-f]{6}$/),
        transcript: false,
      },
    })
    expect(parseChatArgs([], { PORT: '8080' })).toMatchObject({
      options: { url: 'http://127.0.0.1:8080' },
    })
  })

  test('takes every option, and the token from ADMIN_TOKEN unless --token is given', () => {
    const args = ['--url', 'https://bot.example/', '--from', 'sim-7', '--phone', '+6281200000004']
    expect(parseChatArgs([...args, '--transcript'], { ADMIN_TOKEN: 'from-env' })).toEqual({
      kind: 'options',
      options: {
        url: 'https://bot.example',
        from: 'sim-7',
        phone: '+6281200000004',
        token: 'from-env',
        transcript: true,
      },
    })
    expect(parseChatArgs(['--token', 'given'], { ADMIN_TOKEN: 'from-env' })).toMatchObject({
      options: { token: 'given' },
    })
  })

  test.each([
    [['--nope'], /^pilihan tidak dikenal/],
    [['--url'], /^pilihan tidak dikenal/],
    [['--url', 'ftp://x'], /^alamat server tidak valid/],
    [['--from', 'ada spasi'], /^ID pengirim hanya boleh/],
  ])('%j is an error with one Indonesian line', (args, message) => {
    const parsed = parseChatArgs(args, {})
    expect(parsed.kind).toBe('error')
    expect(parsed.kind === 'error' && parsed.message).toMatch(message)
  })

  test('--help asks for the usage', () => {
    expect(parseChatArgs(['--help'], {})).toEqual({ kind: 'help' })
  })
})

describe('parseChatLine', () => {
  test('plain text, also the bot own slash commands, goes to the bot as typed', () => {
    expect(parseChatLine('Siti', [])).toEqual({ kind: 'send', content: { text: 'Siti' } })
    expect(parseChatLine('/lapor', [])).toEqual({ kind: 'send', content: { text: '/lapor' } })
    expect(parseChatLine('/pilihan', [])).toEqual({ kind: 'send', content: { text: '/pilihan' } })
    expect(parseChatLine('   ', [])).toEqual({ kind: 'nothing' })
  })

  test('/pilih N presses the Nth choice', () => {
    expect(parseChatLine('/pilih 2', CHOICES)).toEqual({
      kind: 'send',
      content: { choice: 'peserta' },
    })
    expect(parseChatLine('/PILIH 1', CHOICES)).toMatchObject({ content: { choice: 'kader' } })
    expect(parseChatLine('/pilih 3', CHOICES)).toEqual({
      kind: 'error',
      message: 'Pilih nomor 1 sampai 2.',
    })
    expect(parseChatLine('/pilih 0', CHOICES)).toMatchObject({ kind: 'error' })
    expect(parseChatLine('/pilih dua', CHOICES)).toMatchObject({ kind: 'error' })
    expect(parseChatLine('/pilih 1', [])).toEqual({
      kind: 'error',
      message: 'Belum ada pesan bot dengan pilihan untuk ditekan.',
    })
  })

  test('/lokasi sends coordinates, or the demo place without them', () => {
    expect(parseChatLine('/lokasi -7.98,112.63', [])).toEqual({
      kind: 'send',
      content: { location: { lat: -7.98, lng: 112.63 } },
    })
    expect(parseChatLine('/lokasi', [])).toEqual({
      kind: 'send',
      content: { location: { ...DEMO_LOCATION } },
    })
    expect(parseChatLine('/lokasi di sini', [])).toMatchObject({ kind: 'error' })
  })

  test('/foto names a file; /keluar quits', () => {
    expect(parseChatLine('/foto rumah kader.jpg', [])).toEqual({
      kind: 'photo',
      path: 'rumah kader.jpg',
    })
    expect(parseChatLine('/foto', [])).toMatchObject({ kind: 'error' })
    expect(parseChatLine('/keluar', [])).toEqual({ kind: 'quit' })
  })

  test.each([
    ['-7.98,112.63', { lat: -7.98, lng: 112.63 }],
    ['-7.98, 112.63', { lat: -7.98, lng: 112.63 }],
    ['-7.98 112.63', { lat: -7.98, lng: 112.63 }],
    ['0,0', { lat: 0, lng: 0 }],
    ['91,0', undefined],
    ['0,181', undefined],
    ['-7.98', undefined],
    ['a,b', undefined],
  ])('parseCoordinates(%j)', (text, expected) => {
    expect(parseCoordinates(text)).toEqual(expected)
  })
})

describe('format', () => {
  test('a bot message prints like WhatsApp shows it, in the transcript grammar', () => {
    expect(
      formatBotMessage({ text: 'Bapak/Ibu sebagai apa?\n\nPilih satu.', choices: CHOICES })
    ).toEqual([
      '< Bapak/Ibu sebagai apa?',
      '',
      '  Pilih satu.',
      '  1. Kader KB',
      '  2. Peserta pelatihan',
    ])
    expect(formatBotMessage({ text: 'Halo' })).toEqual(['< Halo'])
  })

  test('the person inputs as transcript lines', () => {
    expect(formatUserInput({ text: 'Siti' })).toBe('> Siti')
    expect(formatUserInput({ choice: 'peserta' })).toBe('> [choice:peserta]')
    expect(formatUserInput({ location: { lat: -7.98, lng: 112.63 } })).toBe(
      '> [location:-7.98,112.63]'
    )
    expect(formatUserInput({ photo: { base64: 'AAAA' } })).toBe('> [photo]')
    expect(formatNotice('a\nb')).toEqual(['* a', '* b'])
  })
})

describe('inbox tracker', () => {
  const message = (id: string) => ({ id, at: '2025-11-24T01:00:00.000Z', text: `m${id}` })

  test('returns each message once, in order, and follows the cursor', () => {
    const tracker = createInboxTracker()
    expect(tracker.cursor).toBe('0')
    expect(tracker.accept({ messages: [message('3'), message('4')], cursor: '4' })).toEqual([
      message('3'),
      message('4'),
    ])
    expect(tracker.cursor).toBe('4')
    // Two polls that overlapped: the second answer repeats a message and has an older cursor.
    expect(tracker.accept({ messages: [message('4'), message('5')], cursor: '5' })).toEqual([
      message('5'),
    ])
    expect(tracker.accept({ messages: [message('4')], cursor: '4' })).toEqual([])
    expect(tracker.cursor).toBe('5')
  })

  test('numeric cursors compare as numbers, others follow the server', () => {
    expect(laterCursor('9', '10')).toBe('10')
    expect(laterCursor('10', '9')).toBe('10')
    expect(laterCursor('9007199254740993', '9007199254740992')).toBe('9007199254740993')
    expect(laterCursor('abc', 'abd')).toBe('abd')
  })
})
