import { describe, expect, test } from 'vitest'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2025-11-24 08:00 WIB'
const NOTICE = `Selamat datang di kaderbot, layanan chat DPPKB Kabupaten Malang untuk kader KB dan peserta pelatihan.
        Kami mencatat nama, nomor HP, wilayah, dan laporan yang Anda kirim, hanya untuk program keluarga berencana dan pelatihan DPPKB.
        Data hanya dilihat petugas yang berwenang dan tidak dibagikan ke pihak lain.
        Anda juga akan menerima pengingat dan pengumuman program; ketik BERHENTI kapan saja untuk menghentikannya.
        Ketik PRIVASI untuk membaca pemberitahuan lengkap.
        Apakah Anda setuju?
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
      < Terima kasih, persetujuan Anda sudah kami catat.
      < Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
    `)
    expect(chat.effects).toEqual([
      {
        type: 'consent_answered',
        given: true,
        noticeVersion: '2026-11-v1',
        at: '2025-11-24T01:00:00.000Z',
      },
    ])
  })

  test('a refusal is recorded and respected; the next message asks again', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: { consented: false } })
    await chat.expect(`
      > halo
      < …
      > tidak
      < Baik, kami hormati pilihan Anda. Tanpa persetujuan, kami tidak dapat melayani lewat chat ini. Jika berubah pikiran, kirim pesan apa saja dan jawab Ya.
      < Menu utama. Silakan pilih:
        …
      > halo lagi
      < ${NOTICE}
    `)
    expect(chat.effects).toMatchObject([{ type: 'consent_answered', given: false }])
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
