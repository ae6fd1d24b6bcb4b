/**
 * The web simulator's DOM-free state (`src/http/simulator-page/chat-state.js`, the module the page
 * imports as is): inbox pages deduplicated by id with the cursor kept, messages turned into
 * bubbles, request bodies, saved conversations; and a conversation through the real API the way
 * the page's script drives it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { deliverToSimulator, listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createApp } from '../../src/http/app.js'
import {
  type ChatState,
  type InboxPage,
  MAX_ITEMS,
  addOutgoing,
  applyInbox,
  botItemsAfter,
  buildMessageBody,
  createChatState,
  describeOutgoing,
  isValidSender,
  laterCursor,
  markFailed,
  missingReplies,
  multipleAnswer,
  parseCoordinates,
  randomId,
  restoreState,
  serializeState,
  textParts,
  toBubble,
} from '../../src/http/simulator-page/chat-state.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, giveConsent, silentLogger } from '../harness/runtime.js'
import { LOOPBACK } from '../harness/http.js'

const AT = '2025-11-24T01:00:00.000Z'
const message = (id: string, text = `pesan ${id}`, choices?: { id: string; label: string }[]) => ({
  id,
  at: AT,
  text,
  ...(choices ? { choices } : {}),
})

describe('applyInbox', () => {
  test('adds new bot messages in delivery order and advances the cursor', () => {
    const first = applyInbox(createChatState('sim-1'), {
      messages: [message('3'), message('4', 'Pilih', [{ id: 'a', label: 'A' }])],
      cursor: '4',
    })
    expect(first.added.map((item) => item.id)).toEqual(['3', '4'])
    expect(first.state.cursor).toBe('4')
    expect(first.state.items[1]).toEqual({
      kind: 'bot',
      id: '4',
      at: AT,
      text: 'Pilih',
      choices: [{ id: 'a', label: 'A' }],
    })
    expect(first.state.items[0]).toMatchObject({ choices: [] })
  })

  test('a document the message carries is kept for its download button', () => {
    const document = {
      fileName: 'sertifikat-ABCDE-23456.pdf',
      url: '/api/v1/simulator/documents/x',
    }
    const { state } = applyInbox(createChatState('sim-1'), {
      messages: [{ ...message('6', 'Ini sertifikat'), document }],
      cursor: '6',
    })
    expect(state.items[0]).toEqual({
      kind: 'bot',
      id: '6',
      at: AT,
      text: 'Ini sertifikat',
      choices: [],
      document,
    })
  })

  test('never shows a message twice, nor moves the cursor back, when polls overlap', () => {
    let state = applyInbox(createChatState('sim-1'), {
      messages: [message('4')],
      cursor: '4',
    }).state
    const again = applyInbox(state, { messages: [message('4'), message('5')], cursor: '5' })
    expect(again.added.map((item) => item.id)).toEqual(['5'])
    state = again.state
    const late = applyInbox(state, { messages: [message('4')], cursor: '4' })
    expect(late.added).toEqual([])
    expect(late.state.cursor).toBe('5')
    expect(laterCursor('99', '100')).toBe('100')
  })

  test('keeps the person own messages between the bot messages', () => {
    let state = createChatState('sim-1')
    state = addOutgoing(state, { id: 'web-1', at: AT, text: 'kenalan' })
    state = applyInbox(state, { messages: [message('1', 'Siapa nama Anda?')], cursor: '1' }).state
    expect(state.items.map((item) => `${item.kind}:${item.text}`)).toEqual([
      'user:kenalan',
      'bot:Siapa nama Anda?',
    ])
    expect(markFailed(state, 'web-1').items[0]).toMatchObject({ failed: true })
  })

  test('keeps at most MAX_ITEMS messages', () => {
    const messages = Array.from({ length: MAX_ITEMS + 5 }, (_, i) => message(String(i + 1)))
    const { state } = applyInbox(createChatState('sim-1'), {
      messages,
      cursor: String(MAX_ITEMS + 5),
    })
    expect(state.items).toHaveLength(MAX_ITEMS)
    expect(state.items[0]!.id).toBe('6')
  })
})

describe('toBubble', () => {
  test('the bot on the left with numbered choices, the person on the right', () => {
    const time = (iso: string) => `@${iso.slice(11, 16)}`
    expect(
      toBubble(
        {
          kind: 'bot',
          id: '7',
          at: AT,
          text: 'Bapak/Ibu sebagai apa?\nPilih satu.',
          choices: [
            { id: 'kader', label: 'Kader KB' },
            { id: 'peserta', label: 'Peserta' },
          ],
        },
        time
      )
    ).toEqual({
      key: 'bot:7',
      side: 'left',
      text: 'Bapak/Ibu sebagai apa?\nPilih satu.',
      time: '@01:00',
      failed: false,
      multiple: false,
      parts: [{ text: 'Bapak/Ibu sebagai apa?\nPilih satu.', nowrap: false }],
      choices: [
        { id: 'kader', label: 'Kader KB', number: 1 },
        { id: 'peserta', label: 'Peserta', number: 2 },
      ],
    })
    expect(
      toBubble({ kind: 'user', id: 'web-1', at: AT, text: '<b>hi</b>', failed: true }, time)
    ).toEqual({
      key: 'user:web-1',
      side: 'right',
      text: '<b>hi</b>',
      time: '@01:00',
      failed: true,
      multiple: false,
      parts: [{ text: '<b>hi</b>', nowrap: false }],
      choices: [],
    })
  })

  test('a report number is a run of its own that must not wrap; several taps answer "1, 3"', () => {
    expect(textParts('Tersimpan dengan nomor KJ-2511-000001. Terima kasih!')).toEqual([
      { text: 'Tersimpan dengan nomor ', nowrap: false },
      { text: 'KJ-2511-000001', nowrap: true },
      { text: '. Terima kasih!', nowrap: false },
    ])
    expect(textParts('')).toEqual([{ text: '', nowrap: false }])
    expect(multipleAnswer([3, 1])).toBe('1, 3')
    const multiple = applyInbox(createChatState('web-1'), {
      cursor: '1',
      messages: [{ id: '1', at: AT, text: 'Sasaran?', choices: [], multiple: true }],
    }).added[0]!
    expect(toBubble(multiple).multiple).toBe(true)
  })

  test('shows the time of day in Indonesian style (hours.minutes)', () => {
    const bubble = toBubble({ kind: 'bot', id: '1', at: AT, text: 'x', choices: [] })
    expect(bubble.time).toMatch(/^\d{2}\.\d{2}$/)
    expect(toBubble({ kind: 'bot', id: '1', at: 'nonsense', text: 'x', choices: [] }).time).toBe('')
  })
})

describe('what the page sends', () => {
  test('one content per request, the phone only when filled in', () => {
    expect(
      buildMessageBody({ from: 'sim-1', phone: ' ', id: 'web-1', content: { text: 'halo' } })
    ).toEqual({ from: 'sim-1', id: 'web-1', text: 'halo' })
    expect(
      buildMessageBody({
        from: 'sim-1',
        phone: '+6281200000004 ',
        id: 'web-2',
        content: { choice: 'kader' },
      })
    ).toEqual({ from: 'sim-1', phone: '+6281200000004', id: 'web-2', choice: 'kader' })
  })

  test('the person bubble describes each kind of input', () => {
    expect(describeOutgoing({ text: 'halo' })).toBe('halo')
    expect(describeOutgoing({ choice: 'kader' }, 'Kader KB')).toBe('Kader KB')
    expect(describeOutgoing({ location: { lat: -7.98, lng: 112.63 } })).toBe(
      '📍 Lokasi: -7.98, 112.63'
    )
    expect(describeOutgoing({ photo: { base64: 'AAAA' } }, 'rumah.jpg')).toBe('📷 Foto: rumah.jpg')
  })

  test('coordinates and sender ids are checked before sending', () => {
    expect(parseCoordinates('-7.8925, 112.6658')).toEqual({ lat: -7.8925, lng: 112.6658 })
    expect(parseCoordinates('-7.98 112.63')).toEqual({ lat: -7.98, lng: 112.63 })
    expect(parseCoordinates('-97, 1')).toBeUndefined()
    expect(parseCoordinates('di rumah')).toBeUndefined()
    expect(isValidSender('web-1a2b3c')).toBe(true)
    expect(isValidSender('ada spasi')).toBe(false)
    expect(isValidSender('x'.repeat(65))).toBe(false)
    expect(isValidSender(null)).toBe(false)
    expect(randomId()).toMatch(/^[0-9a-f]{16}$/)
  })

  test('a send is answered once its replies are in the inbox, whatever came in between', () => {
    const replies = [{ text: 'A' }, { text: 'B' }]
    const bot = (id: string, text: string) => ({
      kind: 'bot' as const,
      id,
      at: AT,
      text,
      choices: [],
    })
    expect(missingReplies(replies, [])).toBe(2)
    expect(missingReplies(replies, [bot('1', 'Pengingat'), bot('2', 'A')])).toBe(1)
    expect(missingReplies(replies, [bot('1', 'B'), bot('2', 'Pengingat'), bot('3', 'A')])).toBe(0)
    expect(missingReplies([{ text: 'A' }, { text: 'A' }], [bot('1', 'A')])).toBe(1)
  })
})

describe('saved conversations', () => {
  test('round-trip through JSON, per sender', () => {
    let state: ChatState = createChatState('sim-1')
    state = addOutgoing(state, { id: 'web-1', at: AT, text: 'kenalan' })
    state = applyInbox(state, { messages: [message('9')], cursor: '9' }).state
    const json = serializeState(state)
    expect(restoreState('sim-1', json)).toEqual(state)
    expect(restoreState('sim-2', json)).toEqual(createChatState('sim-2'))
  })

  test.each([
    ['nothing', null],
    ['not JSON', '{'],
    ['another version', JSON.stringify({ v: 2, from: 'sim-1', cursor: '1', items: [] })],
    [
      'a broken item',
      JSON.stringify({ v: 1, from: 'sim-1', cursor: '1', items: [{ kind: 'bot', id: 1 }] }),
    ],
  ])('start over from the inbox with %s saved', (_name, json) => {
    expect(restoreState('sim-1', json)).toEqual({ from: 'sim-1', cursor: '0', items: [] })
  })
})

describe('with the real API', () => {
  let handle: TestDbHandle
  let dataDir: string
  beforeEach(async () => {
    handle = await createTestDb()
    dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-page-'))
    await giveConsent(handle.db, ['web-1'])
  })
  afterEach(async () => {
    await handle.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  test('replies and an unprompted message show once each, in delivery order', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const app = createApp({
      logger: silentLogger,
      databaseKind: handle.kind,
      pingDatabase: async () => undefined,
      simulator: {
        handleInbound: runtime.handleInbound,
        listInbox: (params) => listSimulatorInbox(handle.db, params),
        media: createMediaStore(dataDir),
      },
    })
    let state = createChatState('web-1')
    const shown: string[] = []
    // What the page's script does: post, then read the inbox until the replies are in.
    const poll = async () => {
      const query = new URLSearchParams({ from: state.from, after: state.cursor })
      const page = (await (
        await app.request(`/api/v1/simulator/inbox?${query}`, undefined, LOOPBACK)
      ).json()) as InboxPage
      const result = applyInbox(state, page)
      state = result.state
      shown.push(...result.added.map((item) => toBubble(item).text.split('\n')[0]!))
    }
    const send = async (content: { text: string } | { choice: string }, id: string) => {
      state = addOutgoing(state, { id, at: AT, text: describeOutgoing(content) })
      const mark = state.items.length
      const response = await app.request(
        '/api/v1/simulator/messages',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildMessageBody({ from: state.from, id, content })),
        },
        LOOPBACK
      )
      const { replies } = (await response.json()) as { replies: { text: string }[] }
      await sender.idle()
      await poll()
      await poll() // a second poll finds nothing new
      expect(missingReplies(replies, botItemsAfter(state, mark))).toBe(0)
    }

    await send({ text: 'kenalan' }, 'web-a')
    await deliverToSimulator(handle.db, {
      recipientId: 'web-1',
      message: { text: 'Pengingat: pelatihan besok.' },
    })
    await send({ text: 'Siti' }, 'web-b')
    const roles = state.items.at(-1)!
    expect(toBubble(roles).choices.map((choice) => choice.number)).toEqual([1, 2, 3, 4])
    await send({ choice: toBubble(roles).choices[1]!.id }, 'web-c')

    expect(shown).toEqual([
      'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
      'Pengingat: pelatihan besok.',
      'Bapak/Ibu sebagai apa?',
      'Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.',
    ])
    expect(state.items.filter((item) => item.kind === 'user').map((item) => item.text)).toEqual([
      'kenalan',
      'Siti',
      'peserta',
    ])
    await sender.idle()
  })
})
