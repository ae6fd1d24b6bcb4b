/**
 * `startKaderbot` with `WHATSAPP_ENABLED=true` and a stand-in socket: the composition root starts
 * the socket, serves its pairing QR at the admin URL, answers a WhatsApp message through the
 * runtime and the outbox, re-pairs after `loggedOut`, and stops cleanly.
 */
import { DisconnectReason } from '@whiskeysockets/baileys'
import { describe, expect, test } from 'vitest'
import { PINNED_WA_VERSION } from '../../src/channels/whatsapp/channel.js'
import { useStartedBot } from '../harness/start.js'
import { pacingWithoutGaps, standInFactory, until, waText } from '../harness/whatsapp.js'

const TOKEN = 'whatsapp-start-admin-token'
const SITI = { phone: '+6281234567890', lid: '111222333444555' }

const bot = useStartedBot('wa-start')

const qrStatus = async (url: string) =>
  (await fetch(`${url}/admin/whatsapp/qr.png`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    .status

describe('startKaderbot with WhatsApp (Baileys)', () => {
  test('pairs, answers a message, re-pairs after loggedOut, stops', async () => {
    const { factory, sockets } = standInFactory()
    const { url } = await bot.start(
      { adminToken: TOKEN, whatsapp: { transport: 'baileys' } },
      {
        whatsapp: {
          socketFactory: factory,
          resolveVersion: async () => PINNED_WA_VERSION,
          pacing: pacingWithoutGaps(10),
        },
      }
    )
    await until(() => sockets.length === 1)
    expect(sockets[0]!.config.markOnlineOnConnect).toBe(false)
    expect(await qrStatus(url)).toBe(404)
    sockets[0]!.showQr('2@first-qr')
    expect(await qrStatus(url)).toBe(200)
    sockets[0]!.open()
    expect(await qrStatus(url)).toBe(404)

    sockets[0]!.receive([waText(SITI, 'halo')])
    await until(() => sockets[0]!.sent.length > 0, 10_000)
    const [first] = sockets[0]!.sent
    expect(first!.jid).toBe('111222333444555@lid')
    expect('text' in first!.content && first!.content.text).toMatch(/^Selamat datang di kaderbot/)

    sockets[0]!.close(DisconnectReason.loggedOut)
    await until(() => sockets.length === 2)
    sockets[1]!.showQr('2@second-qr')
    expect(await qrStatus(url)).toBe(200)
    await bot.stop()
    expect(sockets[1]!.ended).toBe(true)
  })
})
