/**
 * Registration, approval and broadcasts as scenarios both WhatsApp transports run: an unknown
 * number registers (menu "Daftar sebagai kader") and a supervisor approves it from the request's
 * one option "Tinjau" (or rejects it from `persetujuan`); an admin composes `/siaran`, which
 * reaches the cadre who wrote before. The one who never wrote gets nothing on either transport
 * (docs/domain.md, decisions 8 and 10: the consent in the chat is the WhatsApp opt-in).
 * @module
 */
import { and, asc, eq } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Db } from '../../../src/db/client.js'
import { linkIdentity } from '../../../src/db/queries/identities.js'
import {
  auditLog,
  broadcastRecipients,
  broadcasts,
  channelIdentities,
  outbox,
  people,
} from '../../../src/db/schema/index.js'
import { PRIORITY } from '../../../src/domain/priorities.js'
import { runDueFires } from '../../../src/scheduler/fires.js'
import { broadcastHandlers } from '../../../src/scheduler/jobs/broadcasts.js'
import { silentLogger } from '../runtime.js'
import { seedPerson } from '../visits-db.js'
import { consent } from './cadre.js'
import type { FlowDriver, FlowPerson, Scenario, ScenarioTools, StartOptions } from './driver.js'

/** Monday 23 November 2026, 08.00 WIB. */
export const PEOPLE_NOW = new Date('2026-11-23T01:00:00Z')
export const JOKO: FlowPerson = { phone: '+6281200000002', lid: '200000000000002' }
export const APPLICANT: FlowPerson = { phone: '+6281299990000', lid: '200000000000099' }
export const RINA: FlowPerson = { phone: '+6281200000001', lid: '200000000000001' }
export const ANI: FlowPerson = { phone: '+6281277770000', lid: '200000000000077' }

const SUB_PPKBD = 'Sub-PPKBD (Sub-IMP, tingkat dusun/RW)'

/** Supervisor Pak Joko of Kecamatan Singosari, who has written to the bot. */
export async function startWithJoko<D extends FlowDriver, O extends StartOptions>(
  t: ScenarioTools<D, O>
): Promise<{ d: D; jokoId: number }> {
  t.clock.now = PEOPLE_NOW
  const jokoId = await seedPerson(t.db, {
    name: 'Pak Joko',
    roles: ['supervisor'],
    regionCode: '35.07.24',
    phone: JOKO.phone,
  })
  const d = await t.start()
  await consent(d, JOKO)
  return { d, jokoId }
}

/** The applicant is active, and the audit log says who approved her. */
export async function expectApproved(
  db: Db,
  ids: { applicantId: number; supervisorId: number }
): Promise<void> {
  const [approved] = await db.select().from(people).where(eq(people.id, ids.applicantId))
  expect(approved!.status).toBe('active')
  expect(await db.select().from(auditLog)).toMatchObject([
    {
      action: 'registration_approved',
      subject: `person:${ids.applicantId}`,
      actor: `person:${ids.supervisorId}`,
    },
  ])
}

/** Siti, an unknown number, registers by picking options; returns her pending person id. */
export async function register(t: ScenarioTools, d: FlowDriver): Promise<number> {
  const [, menu] = await consent(d, APPLICANT)
  expect(menu).toMatch(/^Menu utama\. Silakan pilih:/)
  expect(d.options(APPLICANT)).toEqual(['Daftar sebagai kader'])
  expect(await d.choose(APPLICANT, 'Daftar sebagai kader')).toEqual([
    'Nomor ini belum terdaftar sebagai kader. Mari mendaftar.\nSiapa nama lengkap Bapak/Ibu?',
  ])
  expect((await d.say(APPLICANT, 'Siti Rahayu'))[0]).toMatch(/^Kami sapa dengan Ibu atau Bapak\?/)
  expect(d.options(APPLICANT)).toEqual(['Ibu', 'Bapak'])
  expect((await d.choose(APPLICANT, 'Ibu'))[0]).toMatch(/^Di kecamatan mana Ibu bertugas\?/)
  expect(d.options(APPLICANT)).toHaveLength(33)
  expect((await d.choose(APPLICANT, 'Singosari'))[0]).toMatch(/^Di desa\/kelurahan mana\?/)
  expect((await d.choose(APPLICANT, 'Tunjungtirto'))[0]).toMatch(/^Jenis kadernya\?/)
  expect(d.options(APPLICANT)).toEqual(['PPKBD (IMP, tingkat desa)', SUB_PPKBD])
  expect((await d.choose(APPLICANT, SUB_PPKBD))[0]).toContain(
    `Mohon periksa kembali:\n• Nama: Siti Rahayu\n• Sapaan: Ibu\n• Kecamatan: Singosari\n• Desa/kelurahan: Tunjungtirto\n• Jenis kader: ${SUB_PPKBD}\nSudah benar?`
  )
  expect(d.options(APPLICANT)).toEqual(['Kirim', 'Ubah', 'Batal'])
  expect(await d.choose(APPLICANT, 'Kirim')).toEqual([
    'Terima kasih, Siti Rahayu. Pendaftaran Ibu sudah dikirim ke pengawas (PKB) setempat. Kami kabari di sini setelah disetujui.',
  ])
  const [applicant] = await t.db.select().from(people).where(eq(people.name, 'Siti Rahayu'))
  expect(applicant).toMatchObject({
    status: 'pending',
    roles: ['kader'],
    regionCode: '35.07.24.2006',
    phone: APPLICANT.phone,
    cadreTier: 'sub_ppkbd',
    salutation: 'ibu',
  })
  return applicant!.id
}

export const PEOPLE_SCENARIOS: Scenario[] = [
  {
    name: 'daftar: an unknown number registers; the supervisor approves from the request’s "Tinjau"',
    async run(t) {
      const { d, jokoId } = await startWithJoko(t)
      const applicantId = await register(t, d)
      // The request reached Joko unprompted, with one option.
      expect(d.inbox(JOKO).at(-1)).toMatch(
        /^Pendaftaran kader baru menunggu persetujuan:\nSiti Rahayu, Sub-PPKBD \(Sub-IMP, tingkat dusun\/RW\), Desa Tunjungtirto, Kec\. Singosari\n/
      )
      expect(d.options(JOKO)).toEqual(['Tinjau'])
      // It opens this request directly, not a list.
      expect((await d.choose(JOKO, 'Tinjau'))[0]).toMatch(
        /^Setujui pendaftaran Siti Rahayu sebagai kader\?/
      )
      expect(d.options(JOKO)).toEqual(['Setujui', 'Tolak'])
      expect(await d.choose(JOKO, 'Setujui')).toEqual([
        'Pendaftaran disetujui. Kader sudah kami kabari.',
      ])
      await expectApproved(t.db, { applicantId, supervisorId: jokoId })
      expect(d.inbox(APPLICANT).at(-1)).toBe(
        'Selamat, Ibu Siti Rahayu! Pendaftaran sebagai kader sudah disetujui. Ketik MENU untuk mulai.'
      )
      expect(
        await t.db
          .select({ personId: channelIdentities.personId, phone: channelIdentities.phone })
          .from(channelIdentities)
          .where(eq(channelIdentities.externalId, d.chatOf(APPLICANT)))
      ).toEqual([{ personId: applicantId, phone: APPLICANT.phone }])
      expect((await d.say(APPLICANT, 'menu'))[0]).toMatch(/^Halo, Ibu Siti Rahayu! Menu utama:/)
      expect(d.options(APPLICANT)[0]).toBe('Lapor kunjungan rumah')
    },
  },
  {
    name: 'persetujuan typed lists the requests; "Tolak" rejects; the applicant is told',
    async run(t) {
      const { d } = await startWithJoko(t)
      const applicantId = await register(t, d)
      expect((await d.say(JOKO, 'persetujuan'))[0]).toMatch(
        /^Pendaftaran mana yang ingin ditinjau\?/
      )
      const [request] = d.options(JOKO)
      expect(request).toBe(`Siti Rahayu, ${SUB_PPKBD}, Desa Tunjungtirto, Kec. Singosari`)
      await d.choose(JOKO, request!)
      expect((await d.choose(JOKO, 'Tolak'))[0]).toMatch(/^Alasan menolak\?/)
      expect(await d.choose(JOKO, 'Nama atau data belum benar')).toEqual([
        'Pendaftaran ditolak. Pendaftar sudah kami kabari.',
      ])
      const [rejected] = await t.db.select().from(people).where(eq(people.id, applicantId))
      expect(rejected!.status).toBe('rejected')
      expect(d.inbox(APPLICANT).at(-1)).toMatch(
        /^Maaf, Ibu Siti Rahayu, pendaftaran sebagai kader belum dapat disetujui\. Alasan: Nama atau data belum benar\./
      )
    },
  },
  {
    name: '/siaran: an admin composes it; it reaches the cadre who wrote',
    async run(t) {
      t.clock.now = PEOPLE_NOW
      const { sitiId, aniId } = await seedBroadcastPeople(t.db)
      const d = await t.start()
      // Ani's WhatsApp chat is known (linked by hand) but she never wrote to the bot.
      await linkIdentity(t.db, { personId: aniId, channel: 'whatsapp', externalId: d.chatOf(ANI) })
      await consent(d, RINA)
      await consent(d, APPLICANT)
      await composeBroadcast(t, d)
      await sendBroadcasts(t, d)
      expect(d.inbox(APPLICANT).at(-1)).toBe(
        'Halo Siti, *\u200brapat*\u200b kader besok.\n(Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)'
      )
      const recipients = await t.db
        .select({
          personId: broadcastRecipients.personId,
          skipReason: broadcastRecipients.skipReason,
        })
        .from(broadcastRecipients)
        .orderBy(asc(broadcastRecipients.personId))
      // Ani never wrote, so she never consented: she is counted, skipped for no consent.
      expect(recipients).toEqual([
        { personId: sitiId, skipReason: null },
        { personId: aniId, skipReason: 'no_consent' },
      ])
      const rows = await t.db
        .select({ to: outbox.recipientId, status: outbox.status, error: outbox.lastError })
        .from(outbox)
        .where(and(eq(outbox.channel, 'whatsapp'), eq(outbox.priority, PRIORITY.bulk)))
      const byChat = new Map(rows.map((row) => [row.to, row]))
      expect(byChat.get(d.chatOf(APPLICANT))).toMatchObject({ status: 'sent', error: null })
      // Both transports write only to numbers that wrote first: the consent given in the chat is
      // the WhatsApp opt-in (docs/domain.md, decisions 8 and 10), also for the Cloud API's
      // templates. Ani never wrote, so nothing is queued for her chat at all.
      expect(d.inbox(ANI)).toEqual([])
      expect(byChat.has(d.chatOf(ANI))).toBe(false)
      expect(rows).toHaveLength(1)
    },
  },
]

const PAGENTAN = '35.07.24.1011'

/** Admin Bu Rina of the kabupaten; cadres Siti (the applicant's number) and Ani in Pagentan. */
export async function seedBroadcastPeople(db: Db) {
  await seedPerson(db, {
    name: 'Bu Rina',
    roles: ['admin'],
    regionCode: '35.07',
    phone: RINA.phone,
  })
  const sitiId = await seedPerson(db, {
    name: 'Siti',
    roles: ['kader'],
    regionCode: PAGENTAN,
    phone: APPLICANT.phone,
  })
  const aniId = await seedPerson(db, {
    name: 'Ani',
    roles: ['kader'],
    regionCode: PAGENTAN,
    phone: ANI.phone,
  })
  return { sitiId, aniId }
}

/** Bu Rina composes "Halo {nama}, *rapat* kader besok." to every cadre in Pagentan, now. */
export async function composeBroadcast(t: ScenarioTools, d: FlowDriver): Promise<void> {
  expect((await d.say(RINA, '/siaran'))[0]).toMatch(
    /^Siaran ini untuk siapa\?\nBoleh pilih lebih dari satu/
  )
  expect(d.options(RINA)).toEqual(['Kader', 'Peserta pelatihan', 'Mentor', 'Pengawas (PKB/PLKB)'])
  await d.chooseMany(RINA, ['Kader'])
  await d.choose(RINA, 'Singosari')
  expect((await d.choose(RINA, 'Pagentan'))[0]).toMatch(/^Kirim ke siapa saja di antara mereka\?/)
  expect(d.options(RINA)[0]).toBe('Semua')
  await d.choose(RINA, 'Semua')
  // Markup in the message is shown as typed, never as formatting.
  await d.say(RINA, 'Halo {nama}, *rapat* kader besok.')
  await d.say(RINA, 'lewati')
  const [preview] = await d.choose(RINA, 'Sekarang')
  expect(preview).toContain('Halo Bu Rina, *\u200brapat*\u200b kader besok.')
  expect(preview).toContain('Penerima: Kader di Desa/Kelurahan Pagentan (Semua): 2 orang')
  expect(d.options(RINA)).toEqual(['Kirim', 'Jangan kirim'])
  expect((await d.choose(RINA, 'Kirim'))[0]).toMatch(/^Siaran/)
  const [stored] = await t.db.select().from(broadcasts)
  expect(stored).toMatchObject({ segment: { roles: ['kader'], region: PAGENTAN } })
}

/** Runs the due broadcast fires and sends what they queued. */
export async function sendBroadcasts(t: ScenarioTools, d: FlowDriver): Promise<void> {
  await runDueFires(
    {
      db: t.db,
      handlers: broadcastHandlers({ i18n: d.i18n, timeZone: 'Asia/Jakarta' }),
      logger: silentLogger,
    },
    t.clock.now
  )
  await d.flush()
}
