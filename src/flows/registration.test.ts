import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

describe('daftar (self-registration of a cadre)', () => {
  test('an unknown number registers with kecamatan and desa from the real lists', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > daftar
      < Nomor ini belum terdaftar sebagai kader. Mari mendaftar.
        Siapa nama lengkap Bapak/Ibu?
      > Siti Rahayu
      < Kami sapa dengan Ibu atau Bapak?
        1. Ibu
        2. Bapak
      > ibu
      < Di kecamatan mana Ibu bertugas? Balas dengan angka atau ketik nama kecamatannya.
        1. Ampelgading
        …
        33. Wonosari
      > singosar
      < Di desa/kelurahan mana? Balas dengan angka atau ketik namanya.
        1. Ardimulyo
        …
        17. Wonorejo
      > tunjung tirto
      < Jenis kadernya?
        1. PPKBD (IMP, tingkat desa)
        2. Sub-PPKBD (Sub-IMP, tingkat dusun/RW)
      > 2
      < Mohon periksa kembali:
        • Nama: Siti Rahayu
        • Sapaan: Ibu
        • Kecamatan: Singosari
        • Desa/kelurahan: Tunjungtirto
        • Jenis kader: Sub-PPKBD (Sub-IMP, tingkat dusun/RW)
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > kirim
    `)
    // The thanks comes from the applier, which knows whether a supervisor has the request yet.
    expect(chat.effects).toEqual([
      {
        type: 'registration_requested',
        name: 'Siti Rahayu',
        salutation: 'ibu',
        desaCode: '35.07.24.2006', // Tunjungtirto in the Kemendagri list,
        cadreTier: 'sub_ppkbd',
      },
    ])
  })

  test('changing the kecamatan asks for the desa again', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > daftar
      < …
      > Siti Rahayu
      < …
      > 1
      < …
      > Singosari
      < …
      > 1
      < …
      > 1
      < Mohon periksa kembali:
        …
      > ubah
      < …
      > kecamatan
      < Di kecamatan mana Ibu bertugas? Balas dengan angka atau ketik nama kecamatannya.
        …
      > Lawang
      < Di desa/kelurahan mana? Balas dengan angka atau ketik namanya.
        …
      > 1
      < Mohon periksa kembali:
        • Nama: Siti Rahayu
        • Sapaan: Ibu
        • Kecamatan: Lawang
        • Desa/kelurahan: Bedali
        • Jenis kader: PPKBD (IMP, tingkat desa)
        …
    `)
  })

  test('a registered person does not see it and cannot start it', async () => {
    const kader = {
      person: {
        id: 3,
        name: 'Bu Sri',
        roles: ['kader' as const],
        regionCode: '35.07.24.2001',
        status: 'active' as const,
      },
    }
    const chat = transcript(flowRegistry, { at: AT, snapshot: kader })
    await chat.expect(`
      > daftar
      < Maaf, menu itu tidak tersedia untuk Bapak/Ibu.
        Halo, Sri! Menu utama:
        1. Lapor kunjungan rumah
        2. Lapor kegiatan Poktan
        3. Riwayat laporan saya
        4. Tindak lanjut rujukan
        5. Kenalan (coba bot)
    `)
  })
})
