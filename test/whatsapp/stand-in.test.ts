/**
 * The stand-in socket is a fake at the network edge, so it is tested itself: it refuses what the
 * real socket refuses, answers with real `proto` messages, and its events reach listeners the way
 * Baileys' emitter delivers them.
 */
import { DisconnectReason, proto } from '@whiskeysockets/baileys'
import { describe, expect, test } from 'vitest'
import { statusCodeOf } from '../../src/channels/whatsapp/sender.js'
import { createStandInSocket, waMessage, waText } from '../harness/whatsapp.js'

const SITI = { phone: '+6281234567890', lid: '111222333444555' }

describe('stand-in socket', () => {
  test('refuses to send while not open, to a non-person JID, and empty or invalid content', async () => {
    const socket = createStandInSocket({} as never)
    const refused = async (promise: Promise<unknown>) => statusCodeOf(await promise.catch((e) => e))
    expect(await refused(socket.sendMessage('1@lid', { text: 'a' }))).toBe(428)
    socket.open()
    expect(await refused(socket.sendMessage('120363@g.us', { text: 'a' }))).toBe(400)
    expect(await refused(socket.sendMessage('1@lid', { text: '' }))).toBe(400)
    expect(await refused(socket.sendMessage('1@lid', { image: Buffer.alloc(0) }))).toBe(400)
    expect(
      await refused(
        socket.sendMessage('1@lid', { location: { degreesLatitude: 91, degreesLongitude: 0 } })
      )
    ).toBe(400)
    expect(socket.sent).toEqual([])
    socket.end(undefined)
    expect(await refused(socket.sendMessage('1@lid', { text: 'a' }))).toBe(428)
  })

  test('records accepted sends and answers with a proto.Message and a key id', async () => {
    const socket = createStandInSocket({} as never)
    socket.open()
    const sent = await socket.sendMessage('6281234567890@s.whatsapp.net', { text: 'Halo' })
    expect(sent?.key).toMatchObject({ remoteJid: '6281234567890@s.whatsapp.net', fromMe: true })
    expect(sent?.message).toBeInstanceOf(proto.Message)
    expect(sent?.message?.extendedTextMessage?.text).toBe('Halo')
    expect(socket.sent).toEqual([
      { jid: '6281234567890@s.whatsapp.net', content: { text: 'Halo' }, id: sent!.key.id },
    ])
  })

  test('events reach listeners with the real shapes', () => {
    const socket = createStandInSocket({} as never)
    const updates: unknown[] = []
    const upserts: unknown[] = []
    socket.ev.on('connection.update', (u) => updates.push(u))
    socket.ev.on('messages.upsert', (u) => upserts.push(u))
    socket.showQr('2@qr')
    socket.close(DisconnectReason.connectionReplaced)
    const message = waText(SITI, 'halo', { id: 'X1' })
    socket.receive([message])
    expect(updates[0]).toEqual({ qr: '2@qr' })
    expect(
      statusCodeOf((updates[1] as { lastDisconnect: { error: unknown } }).lastDisconnect.error)
    ).toBe(440)
    expect(upserts).toEqual([{ messages: [message], type: 'notify' }])
  })

  test('inbound messages carry the v7 key (LID chat, phone JID as remoteJidAlt)', () => {
    const message = waMessage(SITI, { conversation: 'x' }, { id: 'K' })
    expect(message).toBeInstanceOf(proto.WebMessageInfo)
    expect(message.key).toEqual({
      remoteJid: '111222333444555@lid',
      remoteJidAlt: '6281234567890@s.whatsapp.net',
      fromMe: false,
      id: 'K',
      addressingMode: 'lid',
    })
    expect(waText(SITI, 'x', { pnOnly: true }).key.remoteJid).toBe('6281234567890@s.whatsapp.net')
  })
})
