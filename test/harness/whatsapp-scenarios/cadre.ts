/**
 * A cadre's flows and a supervisor's login as scenarios both WhatsApp transports run
 * (test/whatsapp/flows-shared.test.ts, test/whatsapp-cloud/flows-cadre.test.ts): `riwayat`
 * withdraws a report, `rujukan` records an outcome (typed, and from the follow-up reminder's
 * "Laporkan hasil"), `MASUK` sends a dashboard link that still opens.
 * @module
 */
import { asc, eq } from 'drizzle-orm'
import { expect } from 'vitest'
import { sendReferralFollowUp } from '../../../src/conversation/referral-follow-up.js'
import type { Db } from '../../../src/db/client.js'
import { consumeLoginToken } from '../../../src/db/queries/admin.js'
import { createFamily } from '../../../src/db/queries/visits.js'
import { auditLog, outbox, referrals, visits } from '../../../src/db/schema/index.js'
import { seedPerson, seedVisit } from '../visits-db.js'
import type { FlowDriver, FlowPerson, Scenario } from './driver.js'

/** Monday 24 November 2025, 08.00 WIB. */
export const CADRE_NOW = new Date('2025-11-24T01:00:00Z')
export const SITI: FlowPerson = { phone: '+6281234567890', lid: '111222333444555' }
export const CONSENTED = /^Terima kasih, persetujuan (Ibu|Bapak\/Ibu) sudah kami catat\.$/

/** Her first contact: the privacy notice, answered Ya; resolves with the replies to Ya. */
export async function consent(d: FlowDriver, who: FlowPerson): Promise<string[]> {
  await d.say(who, 'halo')
  expect(d.options(who)).toEqual(['Ya', 'Tidak'])
  const replies = await d.choose(who, 'Ya')
  expect(replies[0]).toMatch(CONSENTED)
  return replies
}

/** Cadre Siti Rahayu (imported with her phone) and the family of Sutrisno in her desa. */
export async function seedCadre(db: Db, phone = SITI.phone) {
  const cadreId = await seedPerson(db, {
    name: 'Siti Rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2001',
    phone,
  })
  const family = await createFamily(db, {
    headName: 'Sutrisno',
    desaCode: '35.07.24.2001',
    dusunRwRt: 'Krajan RT 02 RW 03',
    createdBy: cadreId,
    consentedAt: CADRE_NOW,
  })
  return { cadreId, familyId: family.id }
}

/** Siti's report KJ-2511-000001 of a visit to Sutrisno this morning; resolves with its id. */
export function seedReport(
  db: Db,
  cadreId: number,
  familyId: number,
  extra: Partial<Parameters<typeof seedVisit>[1]> = {
    kbMethod: 'suntik_3',
    createdAt: new Date('2025-11-24T00:30:00Z'),
  }
): Promise<number> {
  return seedVisit(db, {
    cadreId,
    familyId,
    desaCode: '35.07.24.2001',
    visitDate: '2025-11-24',
    sasaran: ['pus'],
    kbStatus: 'ber_kb',
    ...extra,
  })
}

/** A visit of Siti's to Sutrisno with a referral to the puskesmas due 1 December 2025. */
export async function seedReferral(db: Db, cadreId: number, familyId: number): Promise<number> {
  await seedReport(db, cadreId, familyId, {
    referral: { target: 'puskesmas', followUpDate: '2025-12-01' },
  })
  const [referral] = await db.select().from(referrals)
  return referral!.id
}

const OUTCOMES = [
  'Belum dilayani',
  'Sudah dilayani',
  'Ditolak/tidak mau',
  'Pindah',
  'Tidak ditemukan',
]
const OUTCOME_RECORDED = ['Terima kasih, hasil rujukan sudah dicatat.']
const REPORT = 'KJ-2511-000001, 24 Nov 2025, Sutrisno'

export const CADRE_SCENARIOS: Scenario[] = [
  {
    name: 'riwayat: she picks her report, then "Tarik laporan" withdraws it',
    async run(t) {
      const { cadreId, familyId } = await seedCadre(t.db)
      const visitId = await seedReport(t.db, cadreId, familyId)
      const d = await t.start()
      await consent(d, SITI)
      t.clock.now = new Date('2025-11-24T03:00:00Z')
      expect((await d.say(SITI, 'riwayat'))[0]).toMatch(/^Lima laporan terakhir Bapak\/Ibu\./)
      expect(d.options(SITI)).toEqual([REPORT])
      expect((await d.choose(SITI, REPORT))[0]).toMatch(
        /^Laporan KJ-2511-000001, keluarga [\s\S]*\nTarik laporan ini\?/
      )
      expect(d.options(SITI)).toEqual(['Tarik laporan', 'Biarkan'])
      expect(await d.choose(SITI, 'Tarik laporan')).toEqual([
        'Laporan sudah ditarik. Riwayatnya tetap tersimpan. Ketik /lapor untuk mengirim laporan yang benar.',
      ])
      const [visit] = await t.db.select().from(visits).where(eq(visits.id, visitId))
      expect(visit).toMatchObject({ status: 'withdrawn' })
      expect(await t.db.select().from(auditLog)).toMatchObject([
        { action: 'visit_withdrawn', subject: `visit:${visitId}`, actor: `person:${cadreId}` },
      ])
      await d.say(SITI, 'riwayat')
      expect(d.options(SITI)).toEqual([`${REPORT} (ditarik)`])
    },
  },
  {
    name: 'rujukan typed: she picks the open referral, then its outcome',
    async run(t) {
      const { cadreId, familyId } = await seedCadre(t.db)
      const referralId = await seedReferral(t.db, cadreId, familyId)
      const d = await t.start()
      await consent(d, SITI)
      t.clock.now = new Date('2025-12-01T03:00:00Z')
      expect((await d.say(SITI, 'rujukan'))[0]).toMatch(/^Rujukan mana yang ingin dilaporkan\?/)
      const [referral] = d.options(SITI)
      expect(referral).toBe('Sutrisno, ke Puskesmas, tindak lanjut 1 Des 2025')
      expect((await d.choose(SITI, referral!))[0]).toMatch(/^Bagaimana hasil rujukannya\?/)
      expect(d.options(SITI)).toEqual(OUTCOMES)
      expect(await d.choose(SITI, 'Sudah dilayani')).toEqual(OUTCOME_RECORDED)
      const [closed] = await t.db.select().from(referrals).where(eq(referrals.id, referralId))
      expect(closed).toMatchObject({ status: 'sudah_dilayani', closedAt: t.clock.now })
    },
  },
  {
    name: 'rujukan from the reminder: its one option "Laporkan hasil" opens that referral',
    async run(t) {
      const { cadreId, familyId } = await seedCadre(t.db)
      const referralId = await seedReferral(t.db, cadreId, familyId)
      // She last wrote this morning (the Cloud API's 24-hour window is open).
      t.clock.now = new Date('2025-12-01T00:00:00Z')
      const d = await t.start()
      await consent(d, SITI)
      t.clock.now = new Date('2025-12-01T01:01:00Z')
      expect(await sendReferralFollowUp(t.db, { i18n: d.i18n }, { referralId })).toBe(true)
      await d.flush()
      expect(d.inbox(SITI).at(-1)).toMatch(
        /^Pengingat tindak lanjut rujukan: keluarga Sutrisno dirujuk ke Puskesmas\. Bagaimana hasilnya\?/
      )
      expect(d.options(SITI)).toEqual(['Laporkan hasil'])
      t.clock.now = new Date('2025-12-01T03:00:00Z')
      expect((await d.choose(SITI, 'Laporkan hasil'))[0]).toMatch(/^Bagaimana hasil rujukannya\?/)
      expect(await d.choose(SITI, 'Ditolak/tidak mau')).toEqual(OUTCOME_RECORDED)
      const [closed] = await t.db.select().from(referrals).where(eq(referrals.id, referralId))
      expect(closed).toMatchObject({ status: 'ditolak' })
      // Once answered, the main menu's options are hers to pick again.
      expect((await d.say(SITI, 'menu'))[0]).toMatch(/Menu utama/)
      expect((await d.choose(SITI, 'Lapor kunjungan rumah'))[0]).toMatch(
        /^Siapa nama kepala keluarga yang dikunjungi\?/
      )
    },
  },
  {
    name: 'MASUK: a supervisor gets a one-time link that still opens',
    async run(t) {
      const supervisorId = await seedPerson(t.db, {
        name: 'Lestari',
        roles: ['supervisor'],
        regionCode: '35.07.24',
        phone: SITI.phone,
      })
      const d = await t.start({ adminBaseUrl: 'https://kaderbot.example.id' })
      await consent(d, SITI)
      const tokens: string[] = []
      // base64url tokens hold "_" about half the time (the markup escape must leave it alone): ask
      // until one does, each ask 20 minutes after the last (at most 5 links in 15 minutes).
      for (let i = 0; i < 12 && !tokens.some((token) => token.includes('_')); i++) {
        t.clock.now = new Date(t.clock.now.getTime() + 20 * 60_000)
        const [reply] = await d.say(SITI, 'masuk')
        const match =
          /^Tautan masuk dasbor \(berlaku 10 menit, sekali pakai\):\nhttps:\/\/kaderbot\.example\.id\/admin\/login\/(\S+)\nJangan teruskan tautan ini kepada siapa pun\.$/.exec(
            reply!
          )
        expect(match).not.toBeNull()
        tokens.push(match![1]!)
      }
      const token = tokens.at(-1)!
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await consumeLoginToken(t.db, { token, now: t.clock.now })).toMatchObject({
        personId: supervisorId,
      })
      const rows = await t.db.select().from(outbox).orderBy(asc(outbox.id))
      expect(new Set(rows.map((r) => r.recipientId))).toEqual(new Set([d.chatOf(SITI)]))
    },
  },
  {
    name: 'MASUK: a cadre gets no link',
    async run(t) {
      await seedCadre(t.db)
      const d = await t.start({ adminBaseUrl: 'https://kaderbot.example.id' })
      await consent(d, SITI)
      const [reply] = await d.say(SITI, 'masuk')
      expect(reply).toMatch(/^Maaf, menu itu tidak tersedia untuk Bapak\/Ibu\.\nHalo, Siti Rahayu!/)
      expect(reply).not.toMatch(/admin\/login/)
    },
  },
]
