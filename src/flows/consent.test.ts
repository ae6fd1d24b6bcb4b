import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'
const NOTICE = `Selamat datang di kaderbot, layanan chat DPPKB Kabupaten Malang untuk kader KB dan peserta pelatihan.
        Kami mencatat nama, nomor HP, wilayah, dan laporan yang Anda kirim, hanya untuk program keluarga berencana dan pelatihan DPPKB.
        Data hanya dilihat petugas yang berwenang dan tidak dibagikan ke pihak lain.
        Anda juga akan menerima pengingat dan pengumuman program; ketik BERHENTI kapan saja untuk menghentikannya.
        Ketik PRIVASI untuk membaca pemberitahuan lengkap.
        Apakah Anda setuju?
        1. Ya
        2. Tidak`

/** The consent recorded at AT, and what follows it: the thanks and the newcomer's menu. */
const CONSENTED = {
  type: 'consent_answered',
  given: true,
  noticeVersion: '2026-11-v1',
  at: '2025-11-24T01:00:00.000Z',
}
const AGREED = `Terima kasih, persetujuan Bapak/Ibu sudah kami catat.
      < Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)`
const REFUSED =
  'Baik, kami hormati pilihan Bapak/Ibu. Tanpa persetujuan, kami tidak dapat melayani lewat chat ini dan tidak mengirim pengingat atau pengumuman. Jika berubah pikiran, balas MULAI atau Ya kapan saja.'
const NOT_YET = `Maaf, kami belum dapat melayani karena Bapak/Ibu belum menyetujui pemberitahuan privasi. Jika setuju, balas MULAI atau Ya. Ketik PRIVASI untuk membaca pemberitahuannya.
        1. Ya
        2. Tidak`

describe('consent (the first contact)', () => {
  test('nothing happens before consent; "ya" records it and shows the menu', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: { consented: false } })
    await chat.expect(`
      > /kenalan
      < ${NOTICE}
      > menu
      < Mohon jawab Ya atau Tidak.
        ${NOTICE}
      > nggih
      < ${AGREED}
    `)
    expect(chat.effects).toEqual([CONSENTED])
  })

  test('a refusal is recorded and respected: no menu after "tidak"', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: { consented: false } })
    await chat.expect(`
      > halo
      < …
      > tidak
      < ${REFUSED}
    `)
    expect(chat.effects).toMatchObject([{ type: 'consent_answered', given: false }])
  })

  test('after a refusal, whatever comes gets a short answer on how to agree; MULAI agrees', async () => {
    // The chat declined the current notice earlier (docs/domain.md, decision 21).
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: { consented: false, refusedConsent: true },
    })
    await chat.expect(`
      > halo lagi
      < ${NOT_YET}
      > apa ini?
      < ${NOT_YET}
      > [choice:menu:kenalan]
      < ${NOT_YET}
      > /lapor
      < ${NOT_YET}
      > [contact:+6281200000004]
      < ${NOT_YET}
      > MULAI
      < ${AGREED}
    `)
    expect(chat.effects).toEqual([CONSENTED])
  })

  test('after a refusal the button or a typed "ya" agrees, "tidak" declines again', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: { consented: false, refusedConsent: true },
    })
    await chat.expect(`
      > tidak
      < ${REFUSED}
      > menu
      < ${NOT_YET}
      > [choice:yes]
      < Terima kasih, persetujuan Bapak/Ibu sudah kami catat.
      < Menu utama. Silakan pilih:
        …
    `)
    expect(chat.effects).toMatchObject([
      { type: 'consent_answered', given: false },
      { type: 'consent_answered', given: true },
    ])
  })

  test('after a refusal PRIVASI shows the notice and how to agree, not the menu', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: { consented: false, refusedConsent: true },
    })
    await chat.expect(`
      > PRIVASI
      < Pemberitahuan privasi kaderbot (DPPKB Kabupaten Malang)
        …
        Dasar hukum: UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi.
        Bapak/Ibu belum menyetujui pemberitahuan privasi, jadi kami belum dapat melayani lewat chat ini. Jika setuju, balas MULAI atau Ya.
        1. Ya
        2. Tidak
      > nggih
      < Terima kasih, persetujuan Bapak/Ibu sudah kami catat.
      < Menu utama. Silakan pilih:
        …
    `)
  })

  test('before any answer PRIVASI and a too long message lead to the notice, not the menu', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: { consented: false } })
    await chat.expect(`
      > PRIVASI
      < Pemberitahuan privasi kaderbot (DPPKB Kabupaten Malang)
        …
        ${NOTICE}
      > ${'a'.repeat(5000)}
      < Maaf, pesan Bapak/Ibu terlalu panjang. Mohon kirim yang lebih singkat.
        ${NOTICE}
    `)
  })

  test('PRIVASI shows the whole notice, then asks again', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: { consented: false } })
    await chat.expect(`
      > halo
      < …
      > PRIVASI
      < Pemberitahuan privasi kaderbot (DPPKB Kabupaten Malang)
        1. Yang kami catat: nama, nomor HP, wilayah tugas atau tempat tinggal, dan isi laporan atau kehadiran yang Anda kirim.
        …
        Dasar hukum: UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi.
        ${NOTICE}
    `)
  })
})
