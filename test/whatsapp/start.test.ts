/**
 * `startKaderbot` with `WHATSAPP_ENABLED=true` and a stand-in socket: the composition root starts
 * the socket, serves its pairing QR at the admin URL, answers a WhatsApp message through the
 * runtime and the outbox, re-pairs after `loggedOut`, and stops cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DisconnectReason } from '@whiskeysockets/baileys'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { PINNED_WA_VERSION } from '../../src/channels/whatsapp/channel.js'
import type { Config } from '../../src/config.js'
import { type Kaderbot, startKaderbot } from '../../src/kaderbot.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'
import { standInFactory, until, waText } from '../harness/whatsapp.js'

const TOKEN = 'whatsapp-start-admin-token'
const SITI = { phone: '+6281234567890', lid: '111222333444555' }

let dataDir: string
let database: TestDatabase | undefined
let bot: Kaderbot | undefined
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wa-start-'))
  database = hasPostgres ? await createTestDbUrl() : undefined
})
afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await database?.drop()
  await rm(dataDir, { recursive: true, force: true })
})

function config(): Config {
  return {
    ...(database ? { databaseUrl: database.url } : {}),
    dataDir,
    port: 0,
    logLevel: 'silent',
    timeZone: 'Asia/Jakarta',
    adminToken: TOKEN,
    simulatorEnabled: false,
    whatsapp: { transport: 'baileys' },
  }
}

const qrStatus = async (url: string) =>
  (await fetch(`${url}/admin/whatsapp/qr.png`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    .status

describe('startKaderbot with WhatsApp (Baileys)', () => {
  test('pairs, answers a message, re-pairs after loggedOut, stops', async () => {
    const { factory, sockets } = standInFactory()
    bot = await startKaderbot(config(), {
      logger: silentLogger,
      hostname: '127.0.0.1',
      whatsapp: {
        socketFactory: factory,
        resolveVersion: async () => PINNED_WA_VERSION,
        pacing: {
          perChatGapMs: 0,
          perChatJitterMs: 0,
          globalGapMs: 0,
          globalJitterMs: 0,
          unsolicitedPerDay: 10,
          replyWindowMs: 24 * 3600_000,
        },
      },
    })
    const url = bot.url
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
    bot = undefined
    expect(sockets[1]!.ended).toBe(true)
  })
})
