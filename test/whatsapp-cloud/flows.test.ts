/**
 * The WhatsApp Cloud API channel end to end on a real database: signed webhook deliveries →
 * channel → runtime → outbox → the channel's sender → the strict fake Graph API. The same flows
 * as the Baileys transport (test/whatsapp/channel.test.ts), answered by tapping reply buttons and
 * list rows: onboarding with consent, a visit report with `lapor`, a participant's `hadir`; plus
 * photos, unsupported kinds, the dedupe, and the refusal of an unsigned delivery.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { createFamily } from '../../src/db/queries/visits.js'
import {
  attendance,
  channelIdentities,
  inboundMessages,
  people,
  trainingSessions,
  visits,
} from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { giveConsent } from '../harness/runtime.js'
import { morningSession, sewingCohort, trainingPerson } from '../harness/training-db.js'
import {
  CLOUD_SECRETS,
  cloudContacts,
  cloudImage,
  cloudMessage,
  cloudPayload,
  cloudText,
  postWebhook,
  signBody,
} from '../harness/whatsapp-cloud.js'
import {
  type CloudTestBot,
  NOW,
  PNG,
  SITI,
  SITI_PHONE,
  buildCloudBot,
  texts,
} from '../harness/whatsapp-cloud-bot.js'

let handle: TestDbHandle
let dataDir: string
let bot: CloudTestBot | undefined
beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wac-'))
})
afterEach(async () => {
  await bot?.sender.stop()
  await bot?.graph.close()
  bot = undefined
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('WhatsApp Cloud API channel with the runtime', () => {
  test('onboarding by buttons links the imported person; identity keeps the wa_id', async () => {
    const [person] = await handle.db
      .insert(people)
      .values({ name: 'Bu Siti', roles: ['kader'], regionCode: '35.07.24.2001', phone: SITI_PHONE })
      .returning({ id: people.id })
    bot = await buildCloudBot(handle, dataDir)
    const [notice] = await bot.receive(cloudText(SITI, 'halo'))
    expect(notice!.type).toBe('interactive:button')
    expect(notice!.text).toMatch(/^Selamat datang di kaderbot/)
    const afterConsent = await bot.tap(SITI, /^Ya/)
    expect(afterConsent[0]!.text).toBe('Terima kasih, persetujuan Bapak/Ibu sudah kami catat.')
    expect(afterConsent[1]!.text).toMatch(/^Halo, Siti! Menu utama:/)
    expect(afterConsent[1]!.type).toMatch(/^interactive:(list|button)$|^text$/)
    expect(new Set(bot.graph.sent.map((s) => s.to))).toEqual(new Set([SITI]))
    const identities = await handle.db.select().from(channelIdentities)
    expect(identities).toMatchObject([
      { personId: person!.id, channel: 'whatsapp', externalId: SITI, phone: SITI_PHONE },
    ])
  })

  test('a cadre files a visit report with lapor, tapping list rows where the labels fit', async () => {
    const [cadre] = await handle.db
      .insert(people)
      .values({
        name: 'Siti Rahayu',
        roles: ['kader'],
        regionCode: '35.07.24.2001',
        phone: SITI_PHONE,
      })
      .returning({ id: people.id })
    await createFamily(handle.db, {
      headName: 'Sutrisno',
      desaCode: '35.07.24.2001',
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: cadre!.id,
      consentedAt: NOW,
    })
    bot = await buildCloudBot(handle, dataDir)
    await bot.say(SITI, 'halo')
    await bot.tap(SITI, /^Ya/)
    await bot.say(SITI, 'lapor')
    // "Sutrisno (Krajan RT 02 RW 03)" is longer than a row title: the place is its description.
    const [found] = await bot.receive(cloudText(SITI, 'sutrisna'))
    expect(found!.type).toBe('interactive:list')
    expect([...found!.options.keys()]).toEqual([
      'Sutrisno (Krajan RT 02 RW 03)',
      'Keluarga baru: sutrisna',
    ])
    await bot.tap(SITI, /^Sutrisno/)
    let taps = 0
    for (const text of ['pus', 'ber-KB', 'suntik 3', 'tidak', 'pemerintah', 'tidak ada', 'kie']) {
      if (await bot.answer(SITI, text)) taps++
    }
    // Sasaran, KB status, new acceptor, place of service and the risks too: every answer a tap,
    // none a typed number.
    expect(taps).toBe(7)
    const done = texts(await bot.receive(cloudText(SITI, 'kirim'))).at(-1)
    expect(done).toBe(
      'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001. Ini kunjungan ke-1 Bapak/Ibu bulan November 2025.'
    )
    expect(await handle.db.select().from(visits)).toMatchObject([
      { reference: 'KJ-2511-000001', cadreId: cadre!.id, kbMethod: 'suntik_3' },
    ])
  })

  test('a participant reads her schedule and checks in with the class code', async () => {
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
      phone: SITI_PHONE,
    })
    await enroll(handle.db, { cohortId, personId, now: NOW, timeZone: 'Asia/Jakarta' })
    const [today] = await handle.db
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.date, '2025-11-24'))
    bot = await buildCloudBot(handle, dataDir)
    await bot.say(SITI, 'halo')
    await bot.tap(SITI, /^Ya/)
    const schedule = (await bot.say(SITI, 'jadwal')).join('\n')
    expect(schedule).toContain('Pola dasar rok')
    expect(await bot.say(SITI, 'hadir')).toEqual([
      'Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).',
    ])
    await bot.say(SITI, today!.checkinCode)
    expect(await handle.db.select().from(attendance)).toMatchObject([
      { sessionId: today!.id, personId, status: 'present', method: 'kode' },
    ])
  })

  test('a photo is downloaded by media id and stored; a contact card is read', async () => {
    await giveConsent(handle.db, [SITI], 'whatsapp')
    bot = await buildCloudBot(handle, dataDir)
    await bot.say(SITI, 'kenalan')
    await bot.say(SITI, 'Siti')
    await bot.say(SITI, '2')
    await bot.say(SITI, '2')
    await bot.say(SITI, 'lewati')
    await bot.say(SITI, '2, 3')
    const mediaId = bot.graph.addInboundMedia(PNG, 'image/png')
    await bot.receive(cloudImage(SITI, mediaId))
    expect(await readdir(join(dataDir, 'media'))).toHaveLength(1)
    expect(bot.handled.at(-1)!.content).toMatchObject({ type: 'photo' })
    await bot.receive(cloudContacts(SITI, '6285712345678'))
    expect(bot.handled.at(-1)!.content).toEqual({
      type: 'contact',
      phone: '+6285712345678',
      isSender: false,
    })
  })

  test('unsupported kinds get the friendly answer; a redelivered id is processed once', async () => {
    await giveConsent(handle.db, [SITI], 'whatsapp')
    bot = await buildCloudBot(handle, dataDir)
    const [voice] = await bot.receive(
      cloudMessage(SITI, 'audio', { audio: { id: '1', voice: true } })
    )
    expect(voice!.text).toMatch(/^Maaf, saya belum bisa mendengarkan pesan suara\./)
    const [sticker] = await bot.receive(cloudMessage(SITI, 'sticker', { sticker: { id: '2' } }))
    expect(sticker!.text).toMatch(/^Terima kasih stikernya/)
    await bot.receive(cloudText(SITI, 'menu', { id: 'wamid.DUP-1' }))
    const sent = bot.graph.sent.length
    expect(await bot.receive(cloudText(SITI, 'menu', { id: 'wamid.DUP-1' }))).toEqual([])
    expect(bot.graph.sent.length).toBe(sent)
  })

  test('a delivery without a valid signature is refused 401 and nothing is processed', async () => {
    bot = await buildCloudBot(handle, dataDir)
    const payload = cloudPayload({ messages: [cloudText(SITI, 'halo')] })
    for (const options of [
      { secret: 'wrong-secret' },
      { signature: 'sha256=00' },
      { signature: 'not-a-signature' },
    ]) {
      expect((await postWebhook(bot.app, payload, options)).status).toBe(401)
    }
    const unsigned = await bot.app.request('/webhook/whatsapp', {
      method: 'POST',
      body: JSON.stringify(payload),
    })
    expect(unsigned.status).toBe(401)
    expect(await handle.db.select().from(inboundMessages)).toEqual([])
    // The signature is over the raw bytes: the same JSON re-spaced does not pass.
    const body = JSON.stringify(payload)
    const respaced = await bot.app.request('/webhook/whatsapp', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signBody(body) },
      body: JSON.stringify(payload, null, 2),
    })
    expect(respaced.status).toBe(401)
  })

  test('the verification handshake echoes the challenge only for the verify token', async () => {
    bot = await buildCloudBot(handle, dataDir)
    const verify = (token: string, mode = 'subscribe') =>
      bot!.app.request(
        `/webhook/whatsapp?hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=1158201444`
      )
    const ok = await verify(CLOUD_SECRETS.verifyToken)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('1158201444')
    expect((await verify('wrong')).status).toBe(403)
    expect((await verify(CLOUD_SECRETS.verifyToken, 'unsubscribe')).status).toBe(403)
  })
})
