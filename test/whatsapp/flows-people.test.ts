/**
 * Registration, approval and broadcasts over the WhatsApp adapter (stand-in socket → channel →
 * runtime → outbox → `sendMessage`), answered by number as a person reads them on WhatsApp: an
 * unknown number registers (menu "1. Daftar sebagai kader") and a supervisor approves it from the request's
 * numbered list (or rejects it from `persetujuan`); an admin composes `/siaran`, which reaches
 * the WhatsApp recipient who wrote before and not the one who never did (docs/domain.md, decision
 * 10).
 */
import { and, asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { linkIdentity } from '../../src/db/queries/identities.js'
import {
  broadcastRecipients,
  broadcasts,
  channelIdentities,
  outbox,
  people,
} from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { seedPerson } from '../harness/visits-db.js'
import { type WaPerson, type WhatsAppBot, createWhatsAppBot } from '../harness/whatsapp.js'
import { expectApproved } from '../harness/whatsapp-scenarios/people.js'

/** Monday 23 November 2026, 08.00 WIB. */
const NOW = new Date('2026-11-23T01:00:00Z')
const HINT = '\n\n_Balas dengan angka._'
const JOKO: WaPerson = { phone: '+6281200000002', lid: '200000000000002' }
const JOKO_CHAT = '200000000000002@lid'
const SITI: WaPerson = { phone: '+6281299990000', lid: '200000000000099' }
const SITI_CHAT = '200000000000099@lid'
const RINA: WaPerson = { phone: '+6281200000001', lid: '200000000000001' }

let handle: TestDbHandle
let bot: WhatsAppBot | undefined
beforeEach(async () => {
  handle = await createTestDb()
})
afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await handle.close()
})

async function startWith(...persons: WaPerson[]): Promise<WhatsAppBot> {
  bot = await createWhatsAppBot(handle.db, { now: () => NOW })
  for (const person of persons) {
    await bot.say(person, 'halo')
    expect((await bot.say(person, '1'))[0]).toBe(
      'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.'
    )
  }
  return bot
}

/** The number an option carries in a numbered list as WhatsApp shows it. */
function numberOf(list: string, label: string): string {
  const match = new RegExp(`\\n(\\d+)\\. ${label}\\n`).exec(list)
  if (!match) throw new Error(`no option ${label}`)
  return match[1]!
}

describe('daftar and persetujuan over WhatsApp', () => {
  /** Siti, an unknown number, registers by numbers; returns her pending person id. */
  async function register(wa: WhatsAppBot): Promise<number> {
    await wa.say(SITI, 'halo')
    const [, menu] = await wa.say(SITI, '1')
    // No demo flow (Kenalan) for a real person on WhatsApp.
    expect(menu).toBe(`Menu utama. Silakan pilih:\n\n1. Daftar sebagai kader${HINT}`)
    expect(await wa.say(SITI, '1')).toEqual([
      'Nomor ini belum terdaftar sebagai kader. Mari mendaftar.\nSiapa nama lengkap Bapak/Ibu?',
    ])
    expect(await wa.say(SITI, 'Siti Rahayu')).toEqual([
      `Kami sapa dengan Ibu atau Bapak?\n\n1. Ibu\n2. Bapak${HINT}`,
    ])
    const [kecamatan] = await wa.say(SITI, '1')
    expect(kecamatan).toMatch(
      /^Di kecamatan mana Ibu bertugas\? Balas dengan angka atau ketik nama kecamatannya\.\n\n1\. Ampelgading\n/
    )
    expect(kecamatan).toMatch(/\n33\. Wonosari\n\n_Balas dengan angka\._$/)
    const [desa] = await wa.say(SITI, numberOf(kecamatan!, 'Singosari'))
    expect(desa).toMatch(/^Di desa\/kelurahan mana\?/)
    expect(await wa.say(SITI, numberOf(desa!, 'Tunjungtirto'))).toEqual([
      `Jenis kadernya?\n\n1. PPKBD (IMP, tingkat desa)\n2. Sub-PPKBD (Sub-IMP, tingkat dusun/RW)${HINT}`,
    ])
    expect(await wa.say(SITI, '2')).toEqual([
      'Mohon periksa kembali:\n• Nama: Siti Rahayu\n• Sapaan: Ibu\n• Kecamatan: Singosari\n• Desa/kelurahan: Tunjungtirto\n• Jenis kader: Sub-PPKBD (Sub-IMP, tingkat dusun/RW)\nSudah benar?' +
        `\n\n1. Kirim\n2. Ubah\n3. Batal${HINT}`,
    ])
    expect(await wa.say(SITI, '1')).toEqual([
      'Terima kasih, Siti Rahayu. Pendaftaran Ibu sudah dikirim ke pengawas (PKB) setempat. Kami kabari di sini setelah disetujui.',
    ])
    const [applicant] = await handle.db.select().from(people).where(eq(people.name, 'Siti Rahayu'))
    expect(applicant).toMatchObject({
      status: 'pending',
      roles: ['kader'],
      regionCode: '35.07.24.2006',
      phone: SITI.phone,
      cadreTier: 'sub_ppkbd',
      salutation: 'ibu',
    })
    return applicant!.id
  }

  test('an unknown number registers; the supervisor answers the request’s "1. Tinjau" with "1"', async () => {
    const jokoId = await seedPerson(handle.db, {
      name: 'Pak Joko',
      roles: ['supervisor'],
      regionCode: '35.07.24',
      phone: JOKO.phone,
    })
    const wa = await startWith(JOKO)
    const applicantId = await register(wa)
    // The request reached Joko unprompted, as a numbered list.
    expect(wa.inbox(JOKO_CHAT).at(-1)).toBe(
      'Pendaftaran kader baru menunggu persetujuan:\nSiti Rahayu, Sub-PPKBD (Sub-IMP, tingkat dusun/RW), Desa Tunjungtirto, Kec. Singosari\nPilih Tinjau di bawah, atau ketik PERSETUJUAN.' +
        `\n\n1. Tinjau${HINT}`
    )
    // "1" opens this request directly (as the Tinjau button does), not a list.
    expect(await wa.say(JOKO, '1')).toEqual([
      `Setujui pendaftaran Siti Rahayu sebagai kader?\n\n1. Setujui\n2. Tolak${HINT}`,
    ])
    expect(await wa.say(JOKO, '1')).toEqual(['Pendaftaran disetujui. Kader sudah kami kabari.'])
    await expectApproved(handle.db, { applicantId, supervisorId: jokoId })
    // Siti is told on WhatsApp, and is now known on her chat.
    expect(wa.inbox(SITI_CHAT).at(-1)).toBe(
      'Selamat, Ibu Siti Rahayu! Pendaftaran sebagai kader sudah disetujui. Ketik MENU untuk mulai.'
    )
    expect(
      await handle.db
        .select({ personId: channelIdentities.personId, phone: channelIdentities.phone })
        .from(channelIdentities)
        .where(eq(channelIdentities.externalId, SITI_CHAT))
    ).toEqual([{ personId: applicantId, phone: SITI.phone }])
    expect((await wa.say(SITI, 'menu'))[0]).toMatch(
      /^Halo, Ibu Siti Rahayu! Menu utama:\n\n1\. Lapor kunjungan rumah\n/
    )
  })

  test('typed PERSETUJUAN lists the requests by number; "2" rejects; the applicant is told', async () => {
    await seedPerson(handle.db, {
      name: 'Pak Joko',
      roles: ['supervisor'],
      regionCode: '35.07.24',
      phone: JOKO.phone,
    })
    const wa = await startWith(JOKO)
    const applicantId = await register(wa)
    expect(await wa.say(JOKO, 'persetujuan')).toEqual([
      `Pendaftaran mana yang ingin ditinjau?\n\n1. Siti Rahayu, Sub-PPKBD (Sub-IMP, tingkat dusun/RW), Desa Tunjungtirto, Kec. Singosari${HINT}`,
    ])
    await wa.say(JOKO, '1')
    const [askReason] = await wa.say(JOKO, '2')
    expect(askReason).toMatch(/^Alasan menolak\? Pendaftar akan diberi tahu alasannya\./)
    expect(await wa.say(JOKO, numberOf(askReason!, 'Nama atau data belum benar'))).toEqual([
      'Pendaftaran ditolak. Pendaftar sudah kami kabari.',
    ])
    const [rejected] = await handle.db.select().from(people).where(eq(people.id, applicantId))
    expect(rejected!.status).toBe('rejected')
    expect(wa.inbox(SITI_CHAT).at(-1)).toMatch(
      /^Maaf, Ibu Siti Rahayu, pendaftaran sebagai kader belum dapat disetujui\. Alasan: Nama atau data belum benar\./
    )
  })
})

describe('/siaran over WhatsApp', () => {
  test('an admin composes by numbers; it reaches the cadre who wrote, not the one who never did', async () => {
    const PAGENTAN = '35.07.24.1011'
    await seedPerson(handle.db, {
      name: 'Bu Rina',
      roles: ['admin'],
      regionCode: '35.07',
      phone: RINA.phone,
    })
    const sitiId = await seedPerson(handle.db, {
      name: 'Siti',
      roles: ['kader'],
      regionCode: PAGENTAN,
      phone: SITI.phone,
    })
    // Ani's WhatsApp chat is known (linked by hand) but she never wrote to the bot.
    const aniId = await seedPerson(handle.db, {
      name: 'Ani',
      roles: ['kader'],
      regionCode: PAGENTAN,
      phone: '+6281277770000',
    })
    const ANI_CHAT = '200000000000077@lid'
    await linkIdentity(handle.db, { personId: aniId, channel: 'whatsapp', externalId: ANI_CHAT })
    const wa = await startWith(RINA, SITI)

    const [roles] = await wa.say(RINA, '/siaran')
    expect(roles).toBe(
      'Siaran ini untuk siapa?\nBoleh pilih lebih dari satu, misalnya: 1,3' +
        `\n\n1. Kader\n2. Peserta pelatihan\n3. Mentor\n4. Pengawas (PKB/PLKB)${HINT}`
    )
    const [kecamatan] = await wa.say(RINA, '1')
    const [desa] = await wa.say(RINA, numberOf(kecamatan!, 'Singosari'))
    expect(await wa.say(RINA, numberOf(desa!, 'Pagentan'))).toEqual([
      'Kirim ke siapa saja di antara mereka?\n\n1. Semua\n2. Yang tidak hadir di sesi terakhir\n3. Yang belum lapor kunjungan 7 hari terakhir\n4. Yang belum mengirim laporan bulan lalu' +
        HINT,
    ])
    await wa.say(RINA, '1')
    // Markup in the message is shown as typed, never as formatting.
    await wa.say(RINA, 'Halo {nama}, *rapat* kader besok.')
    await wa.say(RINA, 'lewati')
    const [preview] = await wa.say(RINA, '1') // Sekarang
    expect(preview).toContain('Halo Bu Rina, *\u200brapat*\u200b kader besok.')
    expect(preview).toContain('Penerima: Kader di Desa/Kelurahan Pagentan (Semua): 2 orang')
    expect(preview).toMatch(
      /Kirim siaran ini\?\n\n1\. Kirim\n2\. Jangan kirim\n\n_Balas dengan angka\._$/
    )
    expect((await wa.say(RINA, '1'))[0]).toMatch(/^Siaran/)
    const [stored] = await handle.db.select().from(broadcasts)
    expect(stored).toMatchObject({ segment: { roles: ['kader'], region: PAGENTAN } })

    // A broadcast for now fans out as it is created; the sender delivers it.
    await wa.flush()
    expect(wa.inbox(SITI_CHAT).at(-1)).toBe(
      'Halo Siti, *\u200brapat*\u200b kader besok.\n(Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)'
    )
    expect(wa.inbox(ANI_CHAT)).toEqual([])
    const rows = await handle.db
      .select({ to: outbox.recipientId, status: outbox.status, error: outbox.lastError })
      .from(outbox)
      .where(and(eq(outbox.channel, 'whatsapp'), eq(outbox.priority, 2)))
      .orderBy(asc(outbox.recipientId))
    // Ani never wrote, so she never consented: nothing is queued for her chat at all.
    expect(rows).toEqual([{ to: SITI_CHAT, status: 'sent', error: null }])
    const recipients = await handle.db
      .select({
        personId: broadcastRecipients.personId,
        skipReason: broadcastRecipients.skipReason,
      })
      .from(broadcastRecipients)
      .orderBy(asc(broadcastRecipients.personId))
    // She is still counted among the recipients, skipped for no consent.
    expect(recipients).toEqual([
      { personId: sitiId, skipReason: null },
      { personId: aniId, skipReason: 'no_consent' },
    ])
  })
})
