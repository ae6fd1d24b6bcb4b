/**
 * The WhatsApp adapter end to end on a real database: a stand-in socket (Baileys' own emitter and
 * `proto` messages) → channel → runtime → outbox → the channel's sender → `sendMessage` on the
 * stand-in. Onboarding links the CSV-imported person by phone (identity stores phone and LID),
 * a whole flow runs by numbered replies, an image is stored like Telegram photos, unsupported
 * kinds get a friendly answer, and `getMessage` serves what was sent (not what expired).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { proto } from '@whiskeysockets/baileys'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { InboundMessage } from '../../src/domain/messages.js'
import {
  PINNED_WA_VERSION,
  type WhatsAppAlert,
  createWhatsAppChannel,
} from '../../src/channels/whatsapp/channel.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { createWhatsAppAuthStore, createWhatsAppStore } from '../../src/db/queries/whatsapp.js'
import { createWhatsAppLeaderLock } from '../../src/db/queries/whatsapp-lock.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { createFamily } from '../../src/db/queries/visits.js'
import {
  attendance,
  channelIdentities,
  demoSubmissions,
  trainingSessions,
  visits,
  inboundMessages,
  outbox,
  people,
  waContacts,
} from '../../src/db/schema/index.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { morningSession, sewingCohort, trainingPerson } from '../harness/training-db.js'
import { createRuntimeForTest, giveConsent, silentLogger } from '../harness/runtime.js'
import {
  type StandInSocket,
  type WaPerson,
  pacingWithoutGaps,
  standInFactory,
  until,
  vcard,
  waMessage,
  waText,
} from '../harness/whatsapp.js'

const NOW = new Date('2025-11-24T01:00:00Z')
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)
const SITI: WaPerson = { phone: '+6281234567890', lid: '111222333444555' }
const SITI_CHAT = '111222333444555@lid'

let handle: TestDbHandle
let dataDir: string
beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wa-'))
})
afterEach(async () => {
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

type Sender = ReturnType<typeof createOutboxSender>

/**
 * The runtime, outbox and WhatsApp channel as `kaderbot.ts` wires them, on the stand-in;
 * `demoData`: on a database holding the demo data, where the demo flow (Kenalan) runs too.
 */
async function buildBot(options: { now?: () => Date; demoData?: boolean } = {}) {
  const clock = options.now ?? (() => NOW)
  const i18n = await testI18n()
  const wiring: { sender?: Sender } = {}
  const runtime = await createRuntimeForTest(handle.db, {
    i18n,
    demoData: options.demoData,
    onQueued: (channel) => wiring.sender?.wake(channel),
  })
  const handled: InboundMessage[] = []
  const alerts: WhatsAppAlert[] = []
  const media = createMediaStore(dataDir)
  const { factory, sockets } = standInFactory()
  const channel = createWhatsAppChannel({
    handleInbound: async (message, now) => {
      const result = await runtime.handleInbound(message, now)
      handled.push(message)
      return result
    },
    store: createWhatsAppStore(handle.db, 'test'),
    authStore: createWhatsAppAuthStore(handle.db, 'test'),
    lock: createWhatsAppLeaderLock({ kind: 'single' }, 'test'),
    media: { put: media.put, read: (ref) => readFile(media.pathOf(ref)) },
    texts: {
      choiceHint: i18n.render({ key: 'whatsapp:choiceHint' }),
      contactHint: i18n.render({ key: 'whatsapp:contactHint' }),
    },
    logger: silentLogger,
    alertAdmins: async (alert) => {
      alerts.push(alert)
    },
    dayOf: () => '2025-11-24',
    socketFactory: factory,
    downloadImage: async () => PNG,
    resolveVersion: async () => PINNED_WA_VERSION,
    pacing: pacingWithoutGaps(100),
    clock,
    lockCheckMs: 60_000,
  })
  const sender = createOutboxSender({
    db: handle.db,
    channels: [channel.sender],
    logger: silentLogger,
  })
  wiring.sender = sender
  await channel.start()
  const socket = (): StandInSocket => sockets.at(-1)!
  socket().open()

  /** Emits one upsert and waits until the runtime handled it and the replies went out. */
  async function receive(message: ReturnType<typeof waText>): Promise<string[]> {
    const before = handled.length
    const sentBefore = socket().sent.length
    socket().receive([message])
    await until(() => handled.length > before)
    await sender.idle()
    return socket()
      .sent.slice(sentBefore)
      .map((s) =>
        'text' in s.content
          ? s.content.text
          : 'caption' in s.content
            ? (s.content.caption ?? '')
            : '[location]'
      )
  }
  const say = (from: WaPerson, text: string) => receive(waText(from, text))
  return { channel, sender, socket, sockets, say, receive, alerts, handled, i18n }
}

describe('WhatsApp channel with the runtime', () => {
  test('onboarding links the imported person by phone; identity keeps phone and LID', async () => {
    const [person] = await handle.db
      .insert(people)
      .values({ name: 'Bu Siti', roles: ['kader'], regionCode: '35.07.24.2001', phone: SITI.phone })
      .returning({ id: people.id })
    const bot = await buildBot()
    const [notice] = await bot.say(SITI, 'halo')
    expect(notice).toMatch(/^Selamat datang di kaderbot/)
    expect(notice).toMatch(/\n\n1\. .+\n2\. .+\n\n_Balas dengan angka\._$/)
    const afterConsent = await bot.say(SITI, '1')
    expect(afterConsent[0]).toBe('Terima kasih, persetujuan Bapak/Ibu sudah kami catat.')
    // The typed title is not repeated: the name alone until Ibu or Bapak is known.
    expect(afterConsent[1]).toMatch(/^Halo, Siti! Menu utama:/)
    // Replies go to the LID chat.
    expect(new Set(bot.socket().sent.map((s) => s.jid))).toEqual(new Set([SITI_CHAT]))

    const identities = await handle.db.select().from(channelIdentities)
    expect(identities).toMatchObject([
      {
        personId: person!.id,
        channel: 'whatsapp',
        externalId: SITI_CHAT,
        phone: SITI.phone,
        lid: SITI_CHAT,
      },
    ])
    // The same person later addressed by phone only is still the same chat.
    const menu = await bot.say({ phone: SITI.phone }, 'menu')
    expect(menu[0]).toMatch(/^Halo, Bu Siti!|Menu utama/)
    const inbound = await handle.db.select().from(inboundMessages)
    expect(new Set(inbound.map((r) => r.senderId))).toEqual(new Set([SITI_CHAT]))
    await bot.channel.stop()
  })

  test('the kenalan flow runs by numbered replies, with an image, to a stored submission', async () => {
    await giveConsent(handle.db, [SITI_CHAT], 'whatsapp')
    const bot = await buildBot({ demoData: true })
    expect(await bot.say(SITI, 'kenalan')).toEqual([
      'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
    ])
    // A name with WhatsApp markup is echoed without turning into formatting.
    await bot.say(SITI, 'Siti')
    const [berapa] = await bot.say(SITI, '2')
    expect(berapa).toBe('Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.')
    await bot.say(SITI, '2')
    await bot.say(SITI, 'lewati')
    await bot.say(SITI, '2, 3')
    await bot.receive(waMessage(SITI, { imageMessage: { mimetype: 'image/png', fileLength: 67 } }))
    expect(await readdir(join(dataDir, 'media'))).toHaveLength(1)
    await bot.say(SITI, 'lewati')
    const [confirm] = await bot.say(SITI, '2')
    expect(confirm).toMatch(/Sudah benar\?/)
    const [thanks] = await bot.say(SITI, '1')
    expect(thanks).toMatch(/^Terima kasih, Siti!/)

    const rows = await handle.db.select().from(demoSubmissions)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.answers).toMatchObject({
      name: 'Siti',
      role: 'peserta',
      children: 2,
      topics: ['gizi', 'menjahit'],
      wantsReminder: false,
    })
    expect((rows[0]!.answers as { photo: string }).photo).toMatch(/^media:[a-f0-9]{64}\.png$/)
    const statuses = await handle.db.select({ status: outbox.status }).from(outbox)
    expect(statuses.every((r) => r.status === 'sent')).toBe(true)
    await bot.channel.stop()
  })

  test('a cadre imported by CSV consents and files a visit report with lapor (no slash)', async () => {
    const [cadre] = await handle.db
      .insert(people)
      .values({
        name: 'Siti Rahayu',
        roles: ['kader'],
        regionCode: '35.07.24.2001',
        phone: SITI.phone,
      })
      .returning({ id: people.id })
    await createFamily(handle.db, {
      headName: 'Sutrisno',
      desaCode: '35.07.24.2001',
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: cadre!.id,
      consentedAt: NOW,
    })
    const bot = await buildBot()
    await bot.say(SITI, 'halo')
    await bot.say(SITI, '1') // the privacy notice: 1. Ya
    await bot.say(SITI, 'lapor')
    const [found] = await bot.say(SITI, 'sutrisna') // a typo of Sutrisno
    expect(found).toMatch(/\n1\. Sutrisno \(Krajan RT 02 RW 03\)\n2\. Keluarga baru: sutrisna\n/)
    await bot.say(SITI, '1')
    for (const text of ['pus', 'ber-KB', 'suntik 3', 'tidak', 'puskesmas', 'tidak ada', 'kie'])
      await bot.say(SITI, text)
    const [done] = await bot.say(SITI, 'kirim')
    expect(done).toBe(
      'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001. Ini kunjungan ke-1 Bapak/Ibu bulan November 2025.'
    )
    const [visit] = await handle.db.select().from(visits)
    expect(visit).toMatchObject({
      reference: 'KJ-2511-000001',
      cadreId: cadre!.id,
      kbMethod: 'suntik_3',
    })
    await bot.channel.stop()
  })

  test('a participant reads her schedule and checks in with the class code by chat', async () => {
    // NOW is Monday 24 November 2025, 08.00 WIB: today's session has just started.
    const { cohortId } = await sewingCohort(handle.db)
    for (const [date, topic] of [
      ['2025-11-24', 'Mengenal mesin jahit'],
      ['2025-11-25', 'Pola dasar rok'],
    ] as const) {
      await morningSession(handle.db, { cohortId, topic, now: NOW, date })
    }
    const personId = await trainingPerson(handle.db, {
      name: 'Nur Aini',
      roles: ['peserta'],
      regionCode: '35.07.24.2003',
      phone: SITI.phone,
    })
    await enroll(handle.db, { cohortId, personId, now: NOW, timeZone: 'Asia/Jakarta' })
    const [today] = await handle.db
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.date, '2025-11-24'))
    const bot = await buildBot()
    await bot.say(SITI, 'halo')
    await bot.say(SITI, '1') // the privacy notice: 1. Ya
    const schedule = (await bot.say(SITI, 'jadwal')).join('\n')
    expect(schedule).toContain('Pola dasar rok')
    expect(schedule).toContain('Balai Desa Ardimulyo')
    expect(await bot.say(SITI, 'hadir')).toEqual([
      'Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).',
    ])
    const wrong = today!.checkinCode === '0000' ? '1111' : '0000'
    expect(await bot.say(SITI, wrong)).toEqual([expect.stringMatching(/^Kode belum cocok\./)])
    await bot.say(SITI, today!.checkinCode)
    expect(await handle.db.select().from(attendance)).toMatchObject([
      { sessionId: today!.id, personId, status: 'present', method: 'kode' },
    ])
    await bot.channel.stop()
  })

  test('unsupported kinds get a friendly answer; ignored messages store nothing', async () => {
    await giveConsent(handle.db, [SITI_CHAT], 'whatsapp')
    const bot = await buildBot()
    // Outside a flow the friendly note comes with the menu.
    expect((await bot.receive(waMessage(SITI, { audioMessage: { ptt: true } })))[0]).toMatch(
      /^Maaf, saya belum bisa mendengarkan pesan suara\. Mohon ketik jawabannya\.\nMenu utama/
    )
    expect((await bot.receive(waMessage(SITI, { stickerMessage: {} })))[0]).toMatch(
      /^Terima kasih stikernya/
    )
    expect((await bot.receive(waMessage(SITI, { videoMessage: {} })))[0]).toMatch(
      /^Maaf, saya belum bisa menonton video/
    )
    expect((await bot.receive(waMessage(SITI, { documentMessage: {} })))[0]).toMatch(
      /^Maaf, jenis pesan ini belum bisa saya baca/
    )
    const edit = waMessage(SITI, {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
        key: { id: 'x' },
        editedMessage: { conversation: '2' },
      },
    })
    expect((await bot.receive(edit))[0]).toMatch(/^Maaf, pesan yang diubah/)
    expect(
      (await bot.receive(waMessage(SITI, { reactionMessage: { key: { id: 'x' }, text: '👍' } })))[0]
    ).toMatch(/^Terima kasih atas tanggapannya/)
    const deleted = waMessage(SITI, {
      protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'x' } },
    })
    expect((await bot.receive(deleted))[0]).toMatch(/dihapus/)
    const card = waMessage(SITI, { contactMessage: { vcard: vcard('Ani', '+6285712345678') } })
    expect(await bot.receive(card)).not.toEqual([])

    const before = (await handle.db.select().from(inboundMessages)).length
    bot.socket().receive([waText(SITI, 'x', { fromMe: true })])
    bot.socket().receive([waText(SITI, 'x', { remoteJid: 'status@broadcast' })])
    bot.socket().receive([waText(SITI, 'x', { remoteJid: '120363@g.us', participant: SITI_CHAT })])
    bot.socket().receive([waText(SITI, 'lapor')], 'append')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await handle.db.select().from(inboundMessages)).toHaveLength(before)
    await bot.channel.stop()
  })

  test('a redelivered message id is processed once', async () => {
    await giveConsent(handle.db, [SITI_CHAT], 'whatsapp')
    const bot = await buildBot()
    await bot.receive(waText(SITI, 'menu', { id: 'DUP-1' }))
    const sent = bot.socket().sent.length
    await bot.receive(waText(SITI, 'menu', { id: 'DUP-1' }))
    expect(bot.socket().sent.length).toBe(sent)
    await bot.channel.stop()
  })

  test('getMessage serves a sent message for hours, not after', async () => {
    let now = NOW
    await giveConsent(handle.db, [SITI_CHAT], 'whatsapp')
    const bot = await buildBot({ now: () => now, demoData: true })
    await bot.say(SITI, 'kenalan')
    const last = bot.socket().sent.at(-1)!
    const served = await bot.channel.getMessage({ id: last.id, remoteJid: SITI_CHAT })
    expect(served?.extendedTextMessage?.text).toBe(
      'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?'
    )
    expect(served).toBeInstanceOf(proto.Message)
    expect(await bot.channel.getMessage({ id: 'unknown' })).toBeUndefined()
    now = new Date(NOW.getTime() + 7 * 3600_000)
    expect(await bot.channel.getMessage({ id: last.id })).toBeUndefined()
    await bot.channel.stop()
  })

  test('a number that never wrote gets nothing; contacts are recorded on first message', async () => {
    const bot = await buildBot()
    const result = await bot.channel.sender.send('999@lid', { text: 'Pengumuman' })
    expect(result).toEqual({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/never wrote/),
    })
    await bot.say(SITI, 'halo')
    expect(
      await handle.db.select().from(waContacts).where(eq(waContacts.chatId, SITI_CHAT))
    ).toMatchObject([{ lid: SITI_CHAT, phone: SITI.phone }])
    await bot.channel.stop()
  })
})
