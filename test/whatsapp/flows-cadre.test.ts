/**
 * A cadre's flows and a supervisor's login over the WhatsApp adapter (stand-in socket → channel →
 * runtime → outbox → `sendMessage`), answered by number as a person reads them on WhatsApp:
 * `riwayat` withdraws a report, `rujukan` records an outcome (typed, and from the follow-up
 * reminder's numbered list), `MASUK` sends a dashboard link that still opens.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { renderOutbound } from '../../src/channels/whatsapp/render.js'
import { sendReferralFollowUp } from '../../src/conversation/referral-follow-up.js'
import { consumeLoginToken } from '../../src/db/queries/admin.js'
import { auditLog, outbox, referrals, visits } from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { seedPerson } from '../harness/visits-db.js'
import { type WaPerson, type WhatsAppBot, createWhatsAppBot } from '../harness/whatsapp.js'
import { seedCadre, seedReferral, seedReport } from '../harness/whatsapp-scenarios/cadre.js'

/** Monday 24 November 2025, 08.00 WIB. */
const NOW = new Date('2025-11-24T01:00:00Z')
const SITI: WaPerson = { phone: '+6281234567890', lid: '111222333444555' }
const SITI_CHAT = '111222333444555@lid'
const HINT = '\n\n_Balas dengan angka._'

let handle: TestDbHandle
let bot: WhatsAppBot | undefined
let now = NOW
beforeEach(async () => {
  handle = await createTestDb()
  now = NOW
})
afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await handle.close()
})

/** The bot on the stand-in, and Siti's first contact: the privacy notice, answered "1" (Ya). */
async function startAndConsent(options: { adminBaseUrl?: string } = {}) {
  bot = await createWhatsAppBot(handle.db, { now: () => now, ...options })
  await bot.say(SITI, 'halo')
  const [thanks] = await bot.say(SITI, '1')
  expect(thanks).toBe('Terima kasih, persetujuan Bapak/Ibu sudah kami catat.')
  return bot
}

describe('riwayat over WhatsApp', () => {
  test('the history is a numbered list; "1", then "1" withdraws the report', async () => {
    const { cadreId, familyId } = await seedCadre(handle.db)
    const visitId = await seedReport(handle.db, cadreId, familyId)
    const wa = await startAndConsent()
    now = new Date('2025-11-24T03:00:00Z')
    expect(await wa.say(SITI, 'riwayat')).toEqual([
      `Lima laporan terakhir Bapak/Ibu. Pilih untuk melihat isinya:\n\n1. KJ-2511-000001, 24 Nov 2025, Sutrisno${HINT}`,
    ])
    expect(await wa.say(SITI, '1')).toEqual([
      // What the report recorded, then the offer to withdraw it.
      'Laporan KJ-2511-000001, keluarga Sutrisno\nTanggal kunjungan: Senin, 24 November 2025\nDikirim: Senin, 24 November 2025 pukul 07.30 WIB\nSasaran: PUS (pasangan usia subur)\nStatus KB: Ber-KB (memakai alat/cara KB)\nCara KB: Suntik 3 bulan\nTindakan: Penyuluhan (KIE)\n' +
        'Tarik laporan ini? Bisa ditarik dalam 24 jam setelah dikirim. Untuk membetulkan, tarik lalu kirim ulang dengan /lapor.' +
        `\n\n1. Tarik laporan\n2. Biarkan${HINT}`,
    ])
    expect(await wa.say(SITI, '1')).toEqual([
      'Laporan sudah ditarik. Riwayatnya tetap tersimpan. Ketik /lapor untuk mengirim laporan yang benar.',
    ])
    const [visit] = await handle.db.select().from(visits).where(eq(visits.id, visitId))
    expect(visit).toMatchObject({ status: 'withdrawn' })
    expect(await handle.db.select().from(auditLog)).toMatchObject([
      { action: 'visit_withdrawn', subject: `visit:${visitId}`, actor: `person:${cadreId}` },
    ])
    // The list now says so.
    expect(await wa.say(SITI, 'riwayat')).toEqual([
      expect.stringContaining('\n1. KJ-2511-000001, 24 Nov 2025, Sutrisno (ditarik)\n'),
    ])
  })
})

describe('rujukan over WhatsApp', () => {
  test('typed: the open referrals and the outcomes are numbered lists answered by number', async () => {
    const { cadreId, familyId } = await seedCadre(handle.db)
    const referralId = await seedReferral(handle.db, cadreId, familyId)
    const wa = await startAndConsent()
    now = new Date('2025-12-01T03:00:00Z')
    expect(await wa.say(SITI, 'rujukan')).toEqual([
      `Rujukan mana yang ingin dilaporkan?\n\n1. Sutrisno, ke Puskesmas, tindak lanjut 1 Des 2025${HINT}`,
    ])
    expect(await wa.say(SITI, '1')).toEqual([
      'Bagaimana hasil rujukannya?\n\n1. Belum dilayani\n2. Sudah dilayani\n3. Ditolak/tidak mau\n4. Pindah\n5. Tidak ditemukan' +
        HINT,
    ])
    expect(await wa.say(SITI, '2')).toEqual(['Terima kasih, hasil rujukan sudah dicatat.'])
    const [closed] = await handle.db.select().from(referrals).where(eq(referrals.id, referralId))
    expect(closed).toMatchObject({ status: 'sudah_dilayani', closedAt: now })
  })

  test('the reminder’s "1. Laporkan hasil" answered "1" opens that referral, not the menu', async () => {
    const { cadreId, familyId } = await seedCadre(handle.db)
    const referralId = await seedReferral(handle.db, cadreId, familyId)
    const wa = await startAndConsent()
    // Her last menu (after consent) begins "1. Lapor kunjungan rumah": "1" must not start that.
    now = new Date('2025-12-01T01:01:00Z')
    expect(await sendReferralFollowUp(handle.db, { i18n: wa.i18n }, { referralId })).toBe(true)
    expect((await wa.flush()).get(SITI_CHAT)).toEqual([
      `Pengingat tindak lanjut rujukan: keluarga Sutrisno dirujuk ke Puskesmas. Bagaimana hasilnya?\n\n1. Laporkan hasil${HINT}`,
    ])
    now = new Date('2025-12-01T03:00:00Z')
    expect(await wa.say(SITI, '1')).toEqual([
      expect.stringMatching(/^Bagaimana hasil rujukannya\?\n\n1\. Belum dilayani\n/),
    ])
    expect(await wa.say(SITI, '3')).toEqual(['Terima kasih, hasil rujukan sudah dicatat.'])
    const [closed] = await handle.db.select().from(referrals).where(eq(referrals.id, referralId))
    expect(closed).toMatchObject({ status: 'ditolak' })
    // Once answered, "1" is read against what she saw last (the engine's own lists) again.
    expect((await wa.say(SITI, 'menu'))[0]).toMatch(/Menu utama:\n\n1\. Lapor kunjungan rumah\n/)
    expect(await wa.say(SITI, '1')).toEqual([
      expect.stringMatching(/^Siapa nama kepala keluarga yang dikunjungi\?/),
    ])
  })
})

describe('MASUK over WhatsApp', () => {
  test('a supervisor gets a one-time link that still opens (no markup escape inside it)', async () => {
    const supervisorId = await seedPerson(handle.db, {
      name: 'Lestari',
      roles: ['supervisor'],
      regionCode: '35.07.24',
      phone: SITI.phone,
    })
    const wa = await startAndConsent({ adminBaseUrl: 'https://kaderbot.example.id' })
    const tokens: string[] = []
    // base64url tokens hold "_" about half the time: ask until one does (each is single-use;
    // at most 5 links per person in 15 minutes, so each ask is 20 minutes after the last).
    for (let i = 0; i < 12 && !tokens.some((t) => t.includes('_')); i++) {
      now = new Date(now.getTime() + 20 * 60_000)
      const [reply] = await wa.say(SITI, 'masuk')
      const match =
        /^Tautan masuk dasbor \(berlaku 10 menit, sekali pakai\):\nhttps:\/\/kaderbot\.example\.id\/admin\/login\/(\S+)\nJangan teruskan tautan ini kepada siapa pun\.$/.exec(
          reply!
        )
      expect(match).not.toBeNull()
      tokens.push(match![1]!)
    }
    const token = tokens.at(-1)
    expect(token).toBeDefined()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await consumeLoginToken(handle.db, { token: token!, now })).toMatchObject({
      personId: supervisorId,
    })
    // The link went to this chat only.
    const rows = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(new Set(rows.map((r) => r.recipientId))).toEqual(new Set([SITI_CHAT]))
  })

  test('markup in a text is neutralised, a link in it is left whole', () => {
    const texts = { choiceHint: 'Balas dengan angka.', contactHint: '' }
    expect(
      renderOutbound(
        { text: 'Buka _ini_:\nhttps://x.example/admin/login/ab_c~d*e`f\nya *Bu*' },
        texts
      )
    ).toEqual([
      {
        text: 'Buka _\u200bini_\u200b:\nhttps://x.example/admin/login/ab_c~d*e`f\nya *\u200bBu*\u200b',
      },
    ])
  })

  test('a cadre asking for MASUK gets no link', async () => {
    await seedCadre(handle.db)
    const wa = await startAndConsent({ adminBaseUrl: 'https://kaderbot.example.id' })
    const [reply] = await wa.say(SITI, 'masuk')
    expect(reply).toMatch(/^Maaf, menu itu tidak tersedia untuk Bapak\/Ibu\.\nHalo, Siti Rahayu!/)
    expect(reply).not.toMatch(/admin\/login/)
  })
})
