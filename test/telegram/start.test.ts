/**
 * `startKaderbot` with `config.telegram` set, against the fake Bot API: webhook mode registers the
 * webhook (secret, allowed updates) and the command menu, then answers updates posted to the real
 * HTTP server; polling mode answers updates fetched by long polling and stops with the bot.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Config } from '../../src/config.js'
import { createDb } from '../../src/db/client.js'
import { linkIdentity, upsertPersonByPhone } from '../../src/db/queries/people.js'
import { channelIdentities } from '../../src/db/schema/index.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import { type Kaderbot, startKaderbot } from '../../src/kaderbot.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram, textUpdate } from '../harness/fake-telegram.js'
import { silentLogger } from '../harness/runtime.js'

const SECRET = 'start_test_secret'
const SITI = { id: 6001, first_name: 'Siti' }

let fake: FakeTelegram
let dataDir: string
let database: TestDatabase | undefined
let bot: Kaderbot | undefined
beforeEach(async () => {
  fake = await startFakeTelegram()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-tg-start-'))
  database = hasPostgres ? await createTestDbUrl() : undefined
})
afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await fake.close()
  await database?.drop()
  await rm(dataDir, { recursive: true, force: true })
})

function config(telegram: Config['telegram'], publicUrl?: string): Config {
  return {
    ...(database ? { databaseUrl: database.url } : {}),
    dataDir,
    port: 0,
    logLevel: 'silent',
    timeZone: 'Asia/Jakarta',
    simulatorEnabled: false,
    ...(publicUrl ? { publicUrl } : {}),
    telegram,
  }
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('startKaderbot with Telegram', () => {
  test('webhook mode registers the webhook and commands, then answers the webhook', async () => {
    bot = await startKaderbot(
      config(
        { botToken: fake.token, apiRoot: fake.apiRoot, mode: 'webhook', webhookSecret: SECRET },
        'https://bot.example'
      ),
      { logger: silentLogger, hostname: '127.0.0.1' }
    )
    expect(fake.webhook()).toEqual({
      url: 'https://bot.example/webhook/telegram',
      secret_token: SECRET,
      allowed_updates: ['message', 'edited_message', 'callback_query'],
    })
    const [commands] = fake.callsOf('setMyCommands')
    expect(commands!.params['commands']).toEqual([
      { command: 'lapor', description: 'Laporan kunjungan' },
      { command: 'riwayat', description: 'Riwayat laporan saya' },
      { command: 'menu', description: 'Menu utama' },
      { command: 'bantuan', description: 'Bantuan' },
      { command: 'batal', description: 'Batalkan isian yang sedang berjalan' },
      { command: 'daftar', description: 'Daftar sebagai kader' },
    ])

    const post = (secret: string) =>
      fetch(`${bot!.url}/webhook/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(textUpdate(SITI, '/start')),
      })
    expect((await post('not-the-secret')).status).toBe(401)
    expect((await post(SECRET)).status).toBe(200)
    await until(() => fake.sentTo(SITI.id).length > 0)
    expect(fake.sentTo(SITI.id)[0]!.text).toMatch(/^Selamat datang di kaderbot/)
  })

  test('a person marked unreachable (they had blocked the bot) is reachable again once they write', async () => {
    // The database as an earlier run left it: Siti's chat answered 403 to a broadcast.
    const open = () => createDb(database ? { databaseUrl: database.url } : { dataDir })
    const before = await open()
    try {
      await seedRegions(before.db)
      const { person } = await upsertPersonByPhone(before.db, {
        phone: '+6281200000601',
        name: 'Siti',
        roles: ['kader'],
        regionCode: '35.07',
      })
      await linkIdentity(before.db, {
        personId: person.id,
        channel: 'telegram',
        externalId: String(SITI.id),
      })
      await before.db
        .update(channelIdentities)
        .set({ unreachableAt: new Date('2025-11-20T01:00:00Z') })
        .where(eq(channelIdentities.externalId, String(SITI.id)))
    } finally {
      await before.close()
    }
    bot = await startKaderbot(
      config({
        botToken: fake.token,
        apiRoot: fake.apiRoot,
        mode: 'webhook',
        webhookSecret: SECRET,
      }),
      { logger: silentLogger, hostname: '127.0.0.1' }
    )
    const response = await fetch(`${bot.url}/webhook/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(textUpdate(SITI, 'halo')),
    })
    expect(response.status).toBe(200)
    await until(() => fake.sentTo(SITI.id).length > 0)
    await bot.stop()
    bot = undefined

    const after = await open()
    try {
      const [identity] = await after.db
        .select({ unreachableAt: channelIdentities.unreachableAt })
        .from(channelIdentities)
        .where(eq(channelIdentities.externalId, String(SITI.id)))
      expect(identity).toEqual({ unreachableAt: null })
    } finally {
      await after.close()
    }
  })

  test('polling mode answers updates from getUpdates and stops with the bot', async () => {
    bot = await startKaderbot(
      config({ botToken: fake.token, apiRoot: fake.apiRoot, mode: 'polling' }),
      { logger: silentLogger, hostname: '127.0.0.1' }
    )
    fake.enqueueUpdate(textUpdate(SITI, 'halo'))
    await until(() => fake.sentTo(SITI.id).length > 0)
    expect(fake.sentTo(SITI.id)[0]!.text).toMatch(/^Selamat datang di kaderbot/)
    // Without PUBLIC_URL no webhook is set; the webhook route is not mounted.
    expect(fake.webhook()).toBeUndefined()
    const response = await fetch(`${bot.url}/webhook/telegram`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    await bot.stop()
    bot = undefined
  })
})
