/**
 * Privacy of the logs (docs/design.md P11): a started bot with its logger at `debug`, every
 * line captured, runs a representative slice — onboarding on Telegram (consent, shared contact),
 * a whole visit report with a free-text note, API reads, an export, a broadcast, the simulator
 * with a phone, and errors (broken JSON, an invalid API body, a failed and a blocked Telegram
 * send, a query failing inside the database with the text as its parameter and detail, NUL bytes
 * in a query value and a body field). No name, phone number (in any of the forms people write it)
 * or message text of the test people may appear in any line. And a person who declined the
 * privacy notice receives nothing that is not the notice's own conversation: no broadcast, no
 * reminder (docs/domain.md, decision 21).
 */
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createBroadcast, getBroadcastStatus } from '../../src/broadcasts/service.js'
import { notifyPerson } from '../../src/messaging/notify.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { outbox, people, visits } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { createFamily } from '../../src/db/queries/visits.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import { createLogger } from '../../src/lib/logger.js'
import {
  type FakeTelegram,
  callbackUpdate,
  contactUpdate,
  groupUpdate,
  startFakeTelegram,
  textUpdate,
} from '../harness/fake-telegram.js'
import { tickBroadcasts } from '../harness/broadcasts.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import { useStartedBot } from '../harness/start.js'

const SECRET = 'privacy_webhook_secret-1'
const ADMIN_TOKEN = 'privacy-admin-token-0123456789'
const WONOREJO = '35.07.24.2001'

/** The test people and what they type: none of it may reach a log line. */
const CADRE = { name: 'Sulastri Prameswari', phone: '+6281233344455', telegram: 8_400_001 }
const STRANGER = { phone: '081299988877', telegram: 8_400_002 }
const FAMILY = 'Mulyono Sentosajaya'
const NOTE = 'suami merantau ke Balikpapan sejak Lebaran'
const BROADCAST = 'Rapat kader hari Kamis di balai desa Wonorejo'
const SIMULATOR_TEXT = 'nama saya Kusumawardani dari dusun Krajan'
const NOW = new Date('2026-11-23T01:00:00Z')
const FORBIDDEN = [
  'Sulastri',
  'Prameswari',
  // +62 812-3334-4455 in every form: E.164, without +, local 08…, the subscriber digits.
  '6281233344455',
  '081233344455',
  '81233344455',
  '0812-3334-4455',
  '1233344455',
  '81299988877',
  '6281299988877',
  '1299988877',
  'Mulyono',
  'Sentosajaya',
  'Balikpapan',
  'merantau',
  'Rapat kader',
  'Kusumawardani',
  'Krajan',
  SECRET,
  ADMIN_TOKEN,
]

let fake: FakeTelegram
beforeEach(async () => {
  fake = await startFakeTelegram()
})
afterEach(async () => {
  await fake.close()
})

describe('logs at debug level', () => {
  const started = useStartedBot('privacy')

  test('carry no name, phone or message text of the people', { timeout: 300_000 }, async () => {
    // The cadre is imported (not yet on Telegram), with a family in her desa to visit.
    const setup = await started.openDb()
    try {
      await seedRegions(setup.db)
      const [cadre] = await setup.db
        .insert(people)
        .values({ name: CADRE.name, roles: ['kader'], regionCode: WONOREJO, phone: CADRE.phone })
        .returning({ id: people.id })
      await createFamily(setup.db, {
        headName: FAMILY,
        desaCode: WONOREJO,
        createdBy: cadre!.id,
        consentedAt: null,
        krs: false,
      })
      // A broadcast whose text says so fails inside the database, quoting the text in its detail:
      // the failed query's parameters and the detail must not reach the log.
      await setup.db.execute(sql`
        create function privacy_refuse_broadcast() returns trigger language plpgsql as $$
        begin
          if new.text like '%gagal-simpan%' then
            raise exception 'broadcast refused by the privacy test' using detail = new.text;
          end if;
          return new;
        end $$`)
      await setup.db.execute(sql`
        create trigger privacy_refuse before insert on broadcasts
        for each row execute function privacy_refuse_broadcast()`)
    } finally {
      await setup.close()
    }

    const lines: string[] = []
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => void lines.push(line) },
    })
    const bot = await started.start(
      {
        logLevel: 'debug',
        adminToken: ADMIN_TOKEN,
        simulatorEnabled: true,
        telegram: {
          botToken: fake.token,
          apiRoot: fake.apiRoot,
          mode: 'webhook',
          webhookSecret: SECRET,
        },
      },
      { logger, outboxPacing: { telegram: null } }
    )
    const webhook = (body: unknown) =>
      fetch(`${bot.url}/webhook/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const api = (path: string, body?: unknown) =>
      fetch(`${bot.url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
    /** Waits until the fake Bot API has sent `count` messages to `chatId`. */
    const sent = async (chatId: number, count: number) => {
      for (let i = 0; i < 300 && fake.sentTo(chatId).length < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return fake.sentTo(chatId)
    }
    const user = { id: CADRE.telegram, first_name: 'Sulastri' }

    // --- onboarding: the privacy notice, consent by button, the number shared as a contact ---
    expect((await webhook(textUpdate(user, '/start'))).status).toBe(200)
    const [notice] = await sent(user.id, 1)
    const yes = (
      (notice?.replyMarkup?.['inline_keyboard'] ?? []) as {
        text: string
        callback_data: string
      }[][]
    )
      .flat()
      .find((b) => b.text === 'Ya')
    expect(yes).toBeDefined()
    await webhook(callbackUpdate(user, yes!.callback_data, notice!))
    await webhook(contactUpdate(user, CADRE.phone.slice(1)))
    // A stranger shares a number nobody registered, in the local form.
    const stranger = { id: STRANGER.telegram, first_name: 'Tamu' }
    await webhook(textUpdate(stranger, '/start'))
    await webhook(contactUpdate(stranger, STRANGER.phone))

    // --- a visit report, with a free-text note ---
    const script = [
      '/lapor',
      'mulyono',
      '1',
      'pus',
      '1',
      'suntik 3',
      'tidak',
      'puskesmas',
      'tidak ada',
      'kie',
    ]
    // The note is added at the summary ("Ubah", then "Catatan").
    for (const text of [...script, 'ubah', 'catatan', NOTE, 'kirim']) {
      expect((await webhook(textUpdate(user, text))).status).toBe(200)
    }

    // --- the API: reads, an export, a broadcast, and an invalid body ---
    expect((await api('/visits')).status).toBe(200)
    expect((await api('/people')).status).toBe(200)
    const csv = await api('/exports/visits.csv')
    expect(csv.status).toBe(200)
    expect(await csv.text()).toMatch(/\nKJ-/) // the visit is in it
    const broadcast = await api('/broadcasts', { segment: { roles: ['kader'] }, text: BROADCAST })
    expect(broadcast.status).toBe(201)
    const { id } = (await broadcast.json()) as { id: string }
    expect((await api(`/broadcasts/${id}`)).status).toBe(200)
    expect((await api('/broadcasts', `{"text": "${BROADCAST}", `)).status).toBe(400)
    expect((await api('/broadcasts', { segment: { roles: ['x'] }, text: BROADCAST })).status).toBe(
      400
    )

    // A query that fails with the text as a bound parameter and in the error's detail.
    const refused = await api('/broadcasts', {
      segment: { roles: ['kader'] },
      text: `${BROADCAST} gagal-simpan`,
    })
    expect(refused.status).toBe(500)
    // A NUL byte in a query value or a body field is refused before any query (400, not 500).
    const nulCohort = encodeURIComponent(`\u0000${CADRE.name}`)
    expect((await api(`/attendance?cohort=${nulCohort}`)).status).toBe(400)
    expect(
      (await api('/broadcasts', { segment: { roles: ['kader'] }, text: `${NOTE}\u0000` })).status
    ).toBe(400)

    // --- the simulator, speaking with a phone ---
    const simulated = await fetch(`${bot.url}/api/v1/simulator/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'sim-privasi', phone: CADRE.phone, text: SIMULATOR_TEXT }),
    })
    expect(simulated.status).toBe(200)

    // --- errors: broken JSON, a failing and a blocked Telegram send ---
    expect((await webhook(`{"update_id": 1, "message": {"text": "${NOTE}"`)).status).toBe(400)
    fake.failNext({ status: 500 }, 2, 'sendMessage')
    await webhook(textUpdate(user, `bantuan ${NOTE}`))
    // A group message (ignored, logged at debug) and a redelivered update (a duplicate).
    await webhook(groupUpdate(user, `${NOTE} ${CADRE.phone}`))
    const again = textUpdate(user, `sekali lagi ${NOTE}`)
    await webhook(again)
    await webhook(again)
    fake.block(stranger.id)
    await webhook(textUpdate(stranger, `halo ${SIMULATOR_TEXT}`))
    await sent(user.id, 20)
    await new Promise((resolve) => setTimeout(resolve, 1500)) // retries and the blocked send
    await bot.stop()

    // The slice ran: the report landed with the note, the cadre was recognised by her number.
    const check = await started.openDb()
    try {
      const saved = await check.db.select({ note: visits.note }).from(visits)
      expect(saved).toEqual([{ note: NOTE }])
      const [row] = await check.db
        .select({ id: people.id })
        .from(people)
        .where(eq(people.phone, CADRE.phone))
      expect(row).toBeDefined()
    } finally {
      await check.close()
    }

    console.info(
      `privacy: ${lines.length} log lines: ${[...new Set(lines.map((l) => (JSON.parse(l) as { msg: string }).msg))].join(' | ')}`
    )
    const debugLines = lines.filter((line) => (JSON.parse(line) as { level: number }).level === 20)
    expect(debugLines.length).toBeGreaterThan(0)
    const leaks = lines.flatMap((line) =>
      FORBIDDEN.filter((secret) => line.includes(secret)).map(
        (secret) => `${secret} in ${line.slice(0, 300)}`
      )
    )
    expect(leaks).toEqual([])
    const failure = lines.find((line) => line.includes('broadcast refused by the privacy test'))
    expect(failure).toContain('"params":"[redacted]"')
  })
})

describe('a person who refused consent (docs/domain.md, decision 21)', () => {
  const handle = useTestDb()

  test('receives nothing from a broadcast and a reminder', async () => {
    await seedRegions(handle.db)
    const [cadre] = await handle.db
      .insert(people)
      .values({ name: CADRE.name, roles: ['kader'], regionCode: WONOREJO, phone: CADRE.phone })
      .returning({ id: people.id })
    const { runtime, sender } = await createTestRuntime(handle.db)
    const chat = 'sim-menolak'
    const inbox = async () =>
      (await listSimulatorInbox(handle.db, { recipientId: chat, afterId: 0, limit: 100 })).map(
        (row) => (row.message as { text: string }).text
      )
    // Her number is given with her first message (linked at once); she declines the notice.
    await runtime.handleInbound({ ...simulatorMessage(chat, 'halo'), phone: CADRE.phone }, NOW)
    await runtime.handleInbound(simulatorMessage(chat, 'tidak'), NOW)
    await sender.drain('simulator')
    const before = await inbox()
    expect(before).toEqual([
      expect.stringMatching(/^Selamat datang di kaderbot/),
      expect.stringMatching(/^Baik, kami hormati pilihan Bapak\/Ibu/),
    ])

    // A broadcast to her desa, and a reminder as the scheduled jobs queue them.
    const i18n = await testI18n()
    const { id } = await createBroadcast(handle.db, {
      author: { source: 'api' },
      segment: { region: WONOREJO },
      text: BROADCAST,
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    await tickBroadcasts(handle.db, NOW)
    await notifyPerson(
      handle.db,
      { i18n },
      cadre!.id,
      {
        texts: [
          { key: 'referral-outcome:reminder', params: { name: FAMILY, target: 'Puskesmas' } },
        ],
      },
      PRIORITY.reminder
    )
    await sender.drain('simulator')

    expect(await inbox()).toEqual(before)
    expect(await getBroadcastStatus(handle.db, id)).toMatchObject({
      recipients: 1,
      sent: 0,
      skipped: 1,
      skippedByReason: { no_consent: 1 },
    })
    const queued = await handle.db
      .select({ status: outbox.status, skipReason: outbox.skipReason })
      .from(outbox)
      .where(eq(outbox.personId, cadre!.id))
    expect(queued).toEqual([{ status: 'skipped', skipReason: 'no_consent' }])
  })
})
