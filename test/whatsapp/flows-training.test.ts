/**
 * The training flows over the WhatsApp adapter (stand-in socket → channel → runtime → outbox →
 * `sendMessage`), answered by number as a person reads them on WhatsApp: a participant's `izin`
 * (her mentor told on WhatsApp), a mentor's `ABSEN`, and a graduate's follow-up survey from the
 * invitation's numbered list to the stored answers.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { attendance, followUpSurveys } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { trainingFireDeps, wib } from '../harness/training-db.js'
import { type WaPerson, type WhatsAppBot, createWhatsAppBot } from '../harness/whatsapp.js'
import {
  expectRecordedByMentor,
  expectSurveyAnswered,
  inviteToSurvey,
  seedCohort,
} from '../harness/whatsapp-scenarios/training.js'

const NUR: WaPerson = { phone: '+6281234567890', lid: '111222333444555' }
const NUR_CHAT = '111222333444555@lid'
const SRI: WaPerson = { phone: '+6281333444555', lid: '222333444555666' }
const SRI_CHAT = '222333444555666@lid'
const HINT = '\n\n_Balas dengan angka._'

let handle: TestDbHandle
let bot: WhatsAppBot | undefined
let now: Date
beforeEach(async () => {
  handle = await createTestDb()
})
afterEach(async () => {
  await bot?.stop()
  bot = undefined
  await handle.close()
})

/** The bot on the stand-in; each person writes first and accepts the privacy notice with "1". */
async function startWith(...persons: WaPerson[]): Promise<WhatsAppBot> {
  bot = await createWhatsAppBot(handle.db, { now: () => now })
  for (const person of persons) {
    await bot.say(person, 'halo')
    expect(await bot.say(person, '1')).toEqual([
      expect.stringMatching(/^Terima kasih, persetujuan (Ibu|Bapak\/Ibu) sudah kami catat\.$/),
      expect.stringMatching(/^Halo, .+! Menu utama:/),
    ])
  }
  return bot
}

describe('izin over WhatsApp', () => {
  test('a participant excuses herself by number; her mentor is told on WhatsApp', async () => {
    const { sessionId, nur } = await seedCohort(handle.db)
    now = wib('2026-11-30T19:00')
    const wa = await startWith(SRI, NUR)
    expect(await wa.say(NUR, 'izin')).toEqual([
      `Izin untuk sesi yang mana?\n\n1. Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit${HINT}`,
    ])
    expect(await wa.say(NUR, '1')).toEqual([
      `Apa alasannya? Pilih, atau tulis alasannya dengan singkat.\n\n1. Sakit\n2. Anak sakit\n3. Urusan keluarga\n4. Lainnya${HINT}`,
    ])
    expect(await wa.say(NUR, '2')).toEqual([
      'Izin Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.',
    ])
    expect(await handle.db.select().from(attendance)).toMatchObject([
      { sessionId, personId: nur, status: 'izin', method: 'izin', reason: 'anak_sakit' },
    ])
    await wa.flush()
    expect(wa.inbox(SRI_CHAT).at(-1)).toBe(
      'Nur Aini izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Mengenal mesin jahit). Alasan: Anak sakit.'
    )
  })
})

describe('ABSEN over WhatsApp', () => {
  test('the mentor picks several participants by number and confirms with "1"', async () => {
    const { mentorId, sessionId, nur, sumiati } = await seedCohort(handle.db)
    now = wib('2026-12-01T08:20')
    const wa = await startWith(SRI)
    expect(await wa.say(SRI, 'ABSEN')).toEqual([
      'Siapa saja yang dicatat? (nama dari daftar kelompok)\nBoleh pilih lebih dari satu, misalnya: 1,3' +
        `\n\n1. Nur Aini\n2. Sumiati${HINT}`,
    ])
    expect(await wa.say(SRI, '1, 2')).toEqual([
      `Dicatat sebagai apa?\n\n1. Hadir\n2. Hadir terlambat\n3. Izin${HINT}`,
    ])
    const [summary] = await wa.say(SRI, '1')
    expect(summary).toMatch(/^Mohon periksa kembali:\n/)
    expect(summary).toContain('• Peserta: Nur Aini, Sumiati\n')
    expect(summary).toMatch(
      /Sudah benar\?\n\n1\. Kirim\n2\. Ubah\n3\. Batal\n\n_Balas dengan angka\._$/
    )
    expect(await wa.say(SRI, '1')).toEqual([
      'Tercatat 2 peserta sebagai hadir: Nur Aini, Sumiati. Terima kasih!',
    ])
    await expectRecordedByMentor(handle.db, { sessionId, mentorId, personIds: [nur, sumiati] })
  })
})

describe('SURVEI over WhatsApp', () => {
  test('the invitation’s "1. Isi survei" answered "1" starts the survey; answers are stored', async () => {
    const { nur, enrolmentId } = await seedCohort(handle.db)
    now = wib('2027-01-05T19:00')
    const wa = await startWith(NUR)
    const { surveyId, due } = await inviteToSurvey(handle.db, { personId: nur, enrolmentId })
    now = due
    expect(await runDueFires(await trainingFireDeps(handle.db), due)).toMatchObject({ done: 1 })
    expect((await wa.flush()).get(NUR_CHAT)).toEqual([
      'Halo Nur Aini, sudah 1 bulan sejak lulus pelatihan. Boleh minta waktu 2 menit untuk survei singkat? Ketik SURVEI, atau pilih "Isi survei" di bawah.' +
        `\n\n1. Isi survei${HINT}`,
    ])
    now = wib('2027-01-06T10:00')
    // "1" is the invitation's only option here (her last menu's "1" is something else).
    expect(await wa.say(NUR, '1')).toEqual([expect.stringMatching(/^Survei singkat 1 bulan/)])
    expect(await wa.say(NUR, '1')).toEqual([
      `Saat ini bekerja dengan upah atau gaji (ikut orang lain)?\n\n1. Ya\n2. Tidak${HINT}`,
    ])
    await wa.say(NUR, '2') // Tidak
    await wa.say(NUR, '1') // Usaha sendiri: Ya
    await wa.say(NUR, '1') // Jahit
    await wa.say(NUR, '1, 5')
    expect(await wa.say(NUR, '2')).toEqual([
      'Berapa pesanan bulan lalu? (tulis angka, 0 jika belum ada)',
    ]) // Kurang dari Rp500 ribu
    await wa.say(NUR, '6')
    await wa.say(NUR, '2') // UPPKA: Tidak
    expect(await wa.say(NUR, '2')).toEqual([
      'Terima kasih, jawaban Ibu sudah tersimpan. Semoga usahanya lancar!',
    ])
    await expectSurveyAnswered(handle.db, surveyId, now)
  })

  test('typed SURVEI works as well', async () => {
    const { nur, enrolmentId } = await seedCohort(handle.db)
    now = wib('2027-01-06T10:00')
    const wa = await startWith(NUR)
    await handle.db
      .insert(followUpSurveys)
      .values({ enrollmentId: enrolmentId, personId: nur, wave: 1, status: 'sent', sentAt: now })
    expect(await wa.say(NUR, 'SURVEI')).toEqual([
      expect.stringMatching(/^Survei singkat 1 bulan .+ Bersedia mengisi\?\n\n1\. Ya\n2\. Tidak\n/),
    ])
    expect(await wa.say(NUR, '2')).toEqual([
      'Baik, tidak apa-apa. Terima kasih, semoga sehat selalu.',
    ])
    const [row] = await handle.db.select().from(followUpSurveys)
    expect(row).toMatchObject({ status: 'declined', consentGiven: false })
  })
})
