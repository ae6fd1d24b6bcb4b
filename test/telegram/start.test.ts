/**
 * `startKaderbot` with `config.telegram` set, against the fake Bot API: webhook mode registers the
 * webhook (secret, allowed updates) and the command menu, then answers updates posted to the real
 * HTTP server; polling mode answers updates fetched by long polling and stops with the bot.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { upsertPersonByPhone } from '../../src/db/queries/people.js'
import { channelIdentities } from '../../src/db/schema/index.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import { type FakeTelegram, startFakeTelegram, textUpdate } from '../harness/fake-telegram.js'
import { useStartedBot } from '../harness/start.js'
import { until } from '../harness/whatsapp.js'

const SECRET = 'start_test_secret'
const SITI = { id: 6001, first_name: 'Siti' }

let fake: FakeTelegram
beforeEach(async () => {
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
})
// Registered after the fake's hooks, so the bot stops before the fake closes.
const bot = useStartedBot('tg-start')

describe('startKaderbot with Telegram', () => {
  test('webhook mode registers the webhook and commands, then answers the webhook', async () => {
    const { url } = await bot.start({
      publicUrl: 'https://bot.example',
      telegram: {
        botToken: fake.token,
        apiRoot: fake.apiRoot,
        mode: 'webhook',
        webhookSecret: SECRET,
      },
    })
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
      fetch(`${url}/webhook/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(textUpdate(SITI, '/start')),
      })
    expect((await post('not-the-secret')).status).toBe(401)
    expect((await post(SECRET)).status).toBe(200)
    await until(() => fake.sentTo(SITI.id).length > 0, 10_000)
    expect(fake.sentTo(SITI.id)[0]!.text).toMatch(/^Selamat datang di kaderbot/)
  })

  test('a person marked unreachable (they had blocked the bot) is reachable again once they write', async () => {
    // The database as an earlier run left it: Siti's chat answered 403 to a broadcast.
    const before = await bot.openDb()
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
    const { url } = await bot.start({
      telegram: {
        botToken: fake.token,
        apiRoot: fake.apiRoot,
        mode: 'webhook',
        webhookSecret: SECRET,
      },
    })
    const response = await fetch(`${url}/webhook/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(textUpdate(SITI, 'halo')),
    })
    expect(response.status).toBe(200)
    await until(() => fake.sentTo(SITI.id).length > 0, 10_000)
    await bot.stop()

    const after = await bot.openDb()
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
    const { url } = await bot.start({
      telegram: { botToken: fake.token, apiRoot: fake.apiRoot, mode: 'polling' },
    })
    fake.enqueueUpdate(textUpdate(SITI, 'halo'))
    await until(() => fake.sentTo(SITI.id).length > 0, 10_000)
    expect(fake.sentTo(SITI.id)[0]!.text).toMatch(/^Selamat datang di kaderbot/)
    // Without PUBLIC_URL no webhook is set; the webhook route is not mounted.
    expect(fake.webhook()).toBeUndefined()
    const response = await fetch(`${url}/webhook/telegram`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    await bot.stop()
  })
})
