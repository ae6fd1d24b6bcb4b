/**
 * Consent refused means silence (docs/domain.md, decision 21), end to end: a started bot on
 * Telegram (the strict fake Bot API, the real webhook, runtime, database, outbox sender) and
 * broadcasts posted to the real REST API. A cadre shares her own contact before /start (her chat is
 * linked at once), declines the notice, and then gets no menu and no broadcast to her desa, which
 * counts her as skipped; MULAI gives consent and the menu, and the next broadcast reaches her. Also
 * what sharing someone else's contact, or a number nobody registered, is answered with.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { people } from '../../src/db/schema/index.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import {
  type FakeTelegram,
  callbackUpdate,
  contactUpdate,
  startFakeTelegram,
  textUpdate,
} from '../harness/fake-telegram.js'
import { useStartedBot } from '../harness/start.js'
import { until } from '../harness/whatsapp.js'

const SECRET = 'consent_silence_secret-1'
const ADMIN_TOKEN = 'consent-silence-admin-token-0123456789'
const WONOREJO = '35.07.24.2001'
const CADRE = { id: 7_300_001, first_name: 'Siti', phone: '+6281200000731' }
const STRANGER = { id: 7_300_002, first_name: 'Tamu' }
const REFUSED =
  'Baik, kami hormati pilihan Bapak/Ibu. Tanpa persetujuan, kami tidak dapat melayani lewat chat ini dan tidak mengirim pengingat atau pengumuman. Jika berubah pikiran, balas MULAI atau Ya kapan saja.'
const NOT_YET =
  'Maaf, kami belum dapat melayani karena Bapak/Ibu belum menyetujui pemberitahuan privasi. Jika setuju, balas MULAI atau Ya. Ketik PRIVASI untuk membaca pemberitahuannya.'

let fake: FakeTelegram
beforeEach(async () => {
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
})
// Registered after the fake's hooks, so the bot stops before the fake closes.
const started = useStartedBot('tg-consent')

async function startBot() {
  const setup = await started.openDb()
  try {
    await seedRegions(setup.db)
    // Imported by her supervisor with her phone: not on Telegram yet.
    await setup.db
      .insert(people)
      .values({ name: 'Siti Rahayu', roles: ['kader'], regionCode: WONOREJO, phone: CADRE.phone })
  } finally {
    await setup.close()
  }
  const bot = await started.start(
    {
      adminToken: ADMIN_TOKEN,
      telegram: {
        botToken: fake.token,
        apiRoot: fake.apiRoot,
        mode: 'webhook',
        webhookSecret: SECRET,
      },
    },
    { outboxPacing: { telegram: null } }
  )
  const webhook = async (update: unknown) => {
    const response = await fetch(`${bot.url}/webhook/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    })
    expect(response.status).toBe(200)
  }
  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${bot.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return (await response.json()) as Record<string, unknown>
  }
  /** Sends a broadcast to Wonorejo now; resolves when every recipient is settled. */
  const broadcast = async (text: string) => {
    const { id } = (await api('/broadcasts', { segment: { region: WONOREJO }, text })) as {
      id: string
    }
    let status: Record<string, unknown> = {}
    const settled = (s: Record<string, unknown>) =>
      (s['sent'] as number) + (s['failed'] as number) + (s['skipped'] as number)
    await until(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = await api(`/broadcasts/${id}`)
      return (status['recipients'] as number) > 0 && settled(status) === status['recipients']
    }, 15_000)
    return status
  }
  return { webhook, broadcast }
}

/** The texts one chat received, in order. */
const texts = (chatId: number) => fake.sentTo(chatId).map((m) => m.text ?? '')

/** Waits until `count` messages reached the chat. */
const received = (chatId: number, count: number) =>
  until(() => fake.sentTo(chatId).length >= count, 10_000)

describe('consent refused means silence (Telegram, end to end)', () => {
  test(
    'contact before /start, "Tidak": no menu, no broadcast (skipped); MULAI: menu, the next broadcast arrives',
    { timeout: 120_000 },
    async () => {
      const { webhook, broadcast } = await startBot()
      // Her own number through the share button, before /start: linked at once, the notice comes.
      await webhook(contactUpdate(CADRE, CADRE.phone.slice(1)))
      await received(CADRE.id, 1)
      expect(texts(CADRE.id)).toEqual([expect.stringMatching(/^Selamat datang di kaderbot/)])

      const notice = fake.sentTo(CADRE.id)[0]!
      const rows = (notice.replyMarkup?.['inline_keyboard'] ?? []) as {
        text: string
        callback_data: string
      }[][]
      const no = rows.flat().find((b) => b.text === 'Tidak')!
      await webhook(callbackUpdate(CADRE, no.callback_data, notice))
      await received(CADRE.id, 2)
      // Only the refusal: no menu in the same turn, nor later.
      expect(texts(CADRE.id).slice(1)).toEqual([REFUSED])

      const first = await broadcast('Rapat kader Kamis di balai desa, {nama}')
      expect(first).toMatchObject({ recipients: 1, sent: 0, skipped: 1 })
      expect(texts(CADRE.id).join('\n')).not.toMatch(/Rapat kader/)

      // Choosing something after refusing: a short answer on how to agree, not the notice again.
      await webhook(textUpdate(CADRE, '/lapor'))
      await received(CADRE.id, 3)
      expect(texts(CADRE.id).at(-1)).toBe(NOT_YET)

      await webhook(textUpdate(CADRE, 'MULAI'))
      await received(CADRE.id, 5)
      expect(texts(CADRE.id).slice(3)).toEqual([
        'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
        'Halo, Siti Rahayu! Menu utama:',
      ])

      const second = await broadcast('Posyandu Sabtu pagi, {nama}')
      expect(second).toMatchObject({ recipients: 1, sent: 1, skipped: 0 })
      await received(CADRE.id, 6)
      expect(texts(CADRE.id).at(-1)).toMatch(/^Posyandu Sabtu pagi, Siti Rahayu/)
    }
  )

  test(
    "someone else's contact card, and a number nobody registered, are explained",
    { timeout: 120_000 },
    async () => {
      const { webhook } = await startBot()
      await webhook(textUpdate(STRANGER, '/start'))
      await received(STRANGER.id, 1)
      const notice = fake.sentTo(STRANGER.id)[0]!
      const rows = (notice.replyMarkup?.['inline_keyboard'] ?? []) as {
        text: string
        callback_data: string
      }[][]
      const yes = rows.flat().find((b) => b.text === 'Ya')!
      await webhook(callbackUpdate(STRANGER, yes.callback_data, notice))
      await until(() => texts(STRANGER.id).some((t) => t.startsWith('Sudah didaftarkan')), 10_000)
      let seen = fake.sentTo(STRANGER.id).length

      // A forwarded card of the registered cadre: not the sender's own number.
      await webhook(contactUpdate(STRANGER, CADRE.phone.slice(1), { userId: CADRE.id }))
      await until(
        () =>
          texts(STRANGER.id)
            .slice(seen)
            .some((t) => t.startsWith('Sudah')),
        10_000
      )
      const notOwn = texts(STRANGER.id).slice(seen)
      expect(notOwn[0]).toMatch(
        /^Terima kasih\. Kontak yang dikirim bukan nomor Bapak\/Ibu sendiri, jadi tidak kami pakai\./
      )
      expect(notOwn[0]).toMatch(/daftar lewat menu Daftar sebagai kader \(ketik \/daftar\)/)
      seen = fake.sentTo(STRANGER.id).length

      // Their own number, which nobody registered.
      await webhook(contactUpdate(STRANGER, '6281299900077'))
      await until(() => fake.sentTo(STRANGER.id).length > seen, 10_000)
      expect(texts(STRANGER.id)[seen]).toMatch(
        /^Terima kasih\. Nomor ini belum terdaftar di kaderbot\. Jika Bapak\/Ibu kader KB, daftar lewat menu Daftar sebagai kader \(ketik \/daftar\)\./
      )
      expect(texts(STRANGER.id)[seen]).toMatch(/Menu utama/)
    }
  )
})
