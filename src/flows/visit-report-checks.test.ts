import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { cadreSiti, familyLookups } from '../../test/harness/chat-people.js'
import { outcome, SAVED } from '../../test/harness/visit-report-chat.js'

const AT = '2025-11-24 08:00 WIB'

const chatAsCadre = () =>
  transcript(flowRegistry, {
    at: AT,
    snapshot: cadreSiti,
    lookups: familyLookups([{ id: 42, headName: 'Budiono', dusunRwRt: null, lastVisitDate: null }]),
    outcome,
  })

/** The report started on the one family found. */
const START = `
  > lapor
  < …
  > budi
  < …
  > 1
  < …
`

/** A pregnant woman's visit up to the Hb question. */
const UNTIL_HB = `${START}
  > ibu hamil
  < …
  > tidak ada
  < …
  > 23
  < Kadar Hb (g/dL)? Misalnya 11,2.
    Ketik LEWATI jika tidak ada.
`

/** From the actions to the summary, where the note is changed with "ubah". */
const UNTIL_SUMMARY = `
  < Apa yang Bapak/Ibu lakukan?
    …
  > kie
  < Mohon periksa kembali. Foto atau lokasi rumah boleh dikirim sekarang sebagai bukti.
    …
`

describe('lapor: unlikely values and contradictions are asked once, never refused or kept silently', () => {
  test('Hb 4: a yes keeps it', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${UNTIL_HB}
      > 4
      < Yakin Hb 4? Balas Ya jika benar, atau ketik angka yang benar.
      > ya
      < Apa yang Bapak/Ibu lakukan?
        …
      > kie
      < Mohon periksa kembali. Foto atau lokasi rumah boleh dikirim sekarang sebagai bukti.
        …
        • Hb (g/dL): 4
        …
      > kirim
      ${SAVED}
    `)
    expect(chat.effects[0]).toMatchObject({ hb: 4, lila: 23 })
  })

  test('Hb 4: a new number replaces it, and is checked in turn; the same number again is a yes', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${UNTIL_HB}
      > 4
      < Yakin Hb 4? Balas Ya jika benar, atau ketik angka yang benar.
      > 24
      < Yakin Hb 24? Balas Ya jika benar, atau ketik angka yang benar.
      > 24
      ${UNTIL_SUMMARY}
      > kirim
      ${SAVED}
    `)
    expect(chat.effects[0]).toMatchObject({ hb: 24 })
  })

  test('Hb 4 then a plausible number: the new number is kept without asking', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${UNTIL_HB}
      > 4
      < Yakin Hb 4? Balas Ya jika benar, atau ketik angka yang benar.
      > tidak
      < Kadar Hb (g/dL)? Misalnya 11,2.
        Ketik LEWATI jika tidak ada.
      > 4
      < Yakin Hb 4? Balas Ya jika benar, atau ketik angka yang benar.
      > 11,4
      ${UNTIL_SUMMARY}
      > kirim
      ${SAVED}
    `)
    expect(chat.effects[0]).toMatchObject({ hb: 11.4 })
  })

  test('pregnant and on the pill: asked once, the method can be corrected', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${START}
      > pus, ibu hamil
      < Status KB pasangan ini?
        …
      > ber-kb
      < Cara KB yang dipakai?
        …
      > pil
      < Ada ibu hamil di keluarga ini, tapi memakai Pil? Balas Ya jika benar, atau pilih yang benar.
        1. Pil
        …
      > ya
      < Pil baru mulai dipakai bulan ini (peserta KB baru)?
        …
      > tidak
      < Dilayani di mana, dan pakai JKN (BPJS Kesehatan)?
        …
      > bidan praktik
      < Ada risiko di keluarga ini?
        …
    `)
    expect(chat.session.active?.answers).toMatchObject({ kbNew: false, kbService: 'swasta' })
  })

  test('status "sedang hamil" without a pregnant woman among the sasaran is asked once', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${START}
      > pus
      < Status KB pasangan ini?
        …
      > hamil
      < Sedang hamil, tapi ibu hamil tidak dipilih sebagai sasaran. Yakin? Balas Ya jika benar, atau pilih yang benar.
        1. Ber-KB (memakai alat/cara KB)
        2. Tidak ber-KB
        3. Sedang hamil
      > 2
      < Keinginan punya anak?
        …
    `)
  })

  test('a note over the limit is re-asked with the limit and its length', async () => {
    const chat = chatAsCadre()
    await chat.expect(`${UNTIL_HB}
      > lewati
      ${UNTIL_SUMMARY}
      > ubah
      < …
      > catatan
      < Catatan singkat? Jangan tulis NIK atau diagnosis penyakit.
        Ketik LEWATI jika tidak ada.
      > ${'a'.repeat(500)}
      < Maaf, tulisan ini 500 huruf, maksimal 300 huruf. Mohon dipersingkat.
        Catatan singkat? Jangan tulis NIK atau diagnosis penyakit.
        Ketik LEWATI jika tidak ada.
      > Disarankan periksa ke bidan
      < Mohon periksa kembali. Foto atau lokasi rumah boleh dikirim sekarang sebagai bukti.
        …
    `)
    expect(chat.session.active?.answers.note).toBe('Disarankan periksa ke bidan')
  })
})
