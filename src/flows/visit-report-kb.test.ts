/**
 * The visit's KB part (docs/domain.md "KB register"): a known family starts from what is known
 * ("Masih pakai suntik 3 bulan?" answered once), a new acceptor and a method change are asked
 * whether new this month and where served, a non-user is pregnant or says her intent, and the
 * cadre's own words (susuk, spiral, steril, KB kalender) are understood.
 */
import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { AT, cadre, lookups, outcome, SAVED, sentBy } from '../../test/harness/visit-report-chat.js'

/** Budi (on the 3-month injection from the puskesmas with JKN) picked, "Tidak", PUS again. */
const BUDI_CHANGED = `
  > lapor
  < …
  > 1
  < Kunjungan lalu (Senin, 10 November 2025): PUS (pasangan usia subur); Suntik 3 bulan; Jamban tidak layak.
    Sama seperti kunjungan lalu?
    …
  > tidak
  < Sasaran di keluarga ini?
    …
  > pus
  < Masih pakai Suntik 3 bulan?
    1. Ya
    2. Tidak`

const kbEffect = (chat: { effects: unknown[] }) =>
  chat.effects.find((e) => (e as { type: string }).type === 'kb_recorded')

describe('lapor: the KB part', () => {
  test('a known family, something else changed: "Masih pakai suntik 3 bulan?" in one answer', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    const script = `${BUDI_CHANGED}
      > ya
      < Ada risiko di keluarga ini?
        …
      > air minum
      < Apa yang Bapak/Ibu lakukan?
        …
      > kie
      < Mohon periksa kembali. …
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: PUS (pasangan usia subur)
        • Status KB: Ber-KB (memakai alat/cara KB)
        • Cara KB: Suntik 3 bulan
        • Risiko: Air minum tidak layak
        …
      > kirim
      ${SAVED}
    `
    await chat.expect(script)
    expect(sentBy(script)).toBe(8)
    // Continuing: not new, served as last time.
    expect(kbEffect(chat)).toEqual({
      type: 'kb_recorded',
      visitDate: '2025-11-24',
      status: 'ber_kb',
      method: 'suntik_3',
      newAcceptor: false,
      servicePlace: 'pemerintah',
      jkn: true,
      intent: null,
    })
  })

  test('a method change (spiral): not new this month, served privately without JKN', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`${BUDI_CHANGED}
      > tidak
      < Status KB pasangan ini?
        Kunjungan lalu: Ber-KB (memakai alat/cara KB)
        …
      > pakai kb
      < Cara KB yang dipakai?
        Kunjungan lalu: Suntik 3 bulan
        …
      > spiral
      < IUD/spiral baru mulai dipakai bulan ini (peserta KB baru)?
        1. Ya
        2. Tidak
      > ya
      < Dilayani di mana, dan pakai JKN (BPJS Kesehatan)?
        …
      > 4
      < Ada risiko di keluarga ini?
        …
      > tidak ada
      < …
      > kie
      < …
      > kirim
      ${SAVED}
    `)
    expect(kbEffect(chat)).toEqual({
      type: 'kb_recorded',
      visitDate: '2025-11-24',
      status: 'ber_kb',
      method: 'iud',
      newAcceptor: true,
      servicePlace: 'swasta',
      jkn: false,
      intent: null,
    })
  })

  test('a user who stopped and wants no more children (TIAL)', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`${BUDI_CHANGED}
      > gak
      < Status KB pasangan ini?
        …
      > tidak kb
      < Keinginan punya anak?
        …
      > wis cukup
      < Ada risiko di keluarga ini?
        …
      > tidak ada
      < …
      > kie
      < …
      > kirim
      ${SAVED}
    `)
    expect(kbEffect(chat)).toMatchObject({
      status: 'tidak_kb',
      method: null,
      newAcceptor: false,
      servicePlace: null,
      jkn: null,
      intent: 'tidak_lagi',
    })
  })

  test('a user now pregnant: no method, no intent', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > 1
      < …
      > tidak
      < Sasaran di keluarga ini?
        …
      > pus, ibu hamil
      < Masih pakai Suntik 3 bulan?
        …
      > tidak
      < Status KB pasangan ini?
        …
      > hamil
      < Ada risiko di keluarga ini?
        …
    `)
    expect(chat.session.active?.answers).toMatchObject({ kbStill: false, kbStatus: 'hamil' })
    expect(chat.session.active?.answers.kbNew).toBeUndefined()
  })

  test('a new family, a new acceptor of the implant (susuk) at the puskesmas with BPJS', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > Wahyudi
      < …
      > Krajan RT 01 RW 02
      < …
      > ya
      < Sasaran di keluarga ini?
        …
      > pus
      < Status KB pasangan ini?
        …
      > ber kb
      < Cara KB yang dipakai?
        …
      > susuk
      < Implan/susuk baru mulai dipakai bulan ini (peserta KB baru)?
        …
      > iya
      < Dilayani di mana, dan pakai JKN (BPJS Kesehatan)?
        1. Pemerintah (puskesmas, pustu, bidan desa, RS pemerintah), pakai JKN
        2. Pemerintah, tanpa JKN
        3. Swasta (bidan praktik, klinik, dokter, RS swasta), pakai JKN
        4. Swasta, tanpa JKN
      > puskesmas bpjs
      < Ada risiko di keluarga ini?
        …
      > tidak ada
      < …
      > kie
      < Mohon periksa kembali. …
        …
        • Cara KB: Implan/susuk
        • Peserta KB baru bulan ini: Ya
        • Tempat pelayanan KB: Pemerintah (puskesmas, pustu, bidan desa, RS pemerintah), pakai JKN
        …
      > kirim
      ${SAVED}
    `)
    expect(kbEffect(chat)).toEqual({
      type: 'kb_recorded',
      visitDate: '2025-11-24',
      status: 'ber_kb',
      method: 'implan',
      newAcceptor: true,
      servicePlace: 'pemerintah',
      jkn: true,
      intent: null,
    })
  })

  test.each([
    ['steril', 'mow'],
    ['vasektomi', 'mop'],
    ['KB kalender', 'tradisional'],
    ['senggama terputus', 'tradisional'],
    ['spiral', 'iud'],
    ['susuk', 'implan'],
  ])('the cadre’s word "%s" is the method %s', async (word, method) => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > Wahyudi
      < …
      > Krajan
      < …
      > ya
      < …
      > pus
      < …
      > 1
      < Cara KB yang dipakai?
        …
      > ${word}
      < …
        …
    `)
    expect(chat.session.active?.answers.kbMethod).toBe(method)
  })

  test('not a PUS: no KB questions and no register row', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > Wahyudi
      < …
      > Krajan
      < …
      > ya
      < …
      > lansia
      < Ada risiko di keluarga ini?
        …
      > tidak ada
      < …
      > kie
      < …
      > kirim
      ${SAVED}
    `)
    expect(kbEffect(chat)).toBeUndefined()
  })
})
