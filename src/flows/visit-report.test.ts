import { describe, expect, test } from 'vitest'
import type { DataNeed, Snapshot } from '../domain/snapshot.js'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2025-11-24 08:00 WIB'

const cadre: Partial<Snapshot> = {
  person: {
    id: 4,
    name: 'Siti Rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2001', // Wonorejo, Singosari
    status: 'active',
  },
}

/** The family search as the database would answer it for Wonorejo. */
const lookups = (need: DataNeed) =>
  need.kind === 'same_day_visit'
    ? { sameDayVisit: { key: need.key, reference: null } }
    : need.kind === 'family_search'
      ? {
          familySearch: {
            key: need.key,
            results: /bud/i.test(need.query)
              ? [
                  {
                    id: 41,
                    headName: 'Budi Santoso',
                    dusunRwRt: 'Krajan RT 02 RW 03',
                    lastVisitDate: null,
                  },
                  { id: 42, headName: 'Budiono', dusunRwRt: null, lastVisitDate: null },
                ]
              : [],
          },
        }
      : {}

describe('lapor (visit report)', () => {
  test('the common case: an existing PUS family, today, KB active, nothing else, in 13 turns', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > /lapor
      < Siapa nama kepala keluarga yang dikunjungi? Ketik sebagian namanya saja, misalnya: Budi.
      > budi
      < Pilih keluarganya. Jika belum ada, pilih keluarga baru. Ketik KEMBALI untuk mencari nama lain.
        1. Budi Santoso (Krajan RT 02 RW 03)
        2. Budiono
        3. Keluarga baru: budi
      > 1
      < Sasaran di keluarga ini?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. PUS (pasangan usia subur)
        2. Ibu hamil
        3. Ibu nifas/pascasalin
        4. Baduta (0-23 bulan)
        5. Balita
        6. Calon pengantin
        7. Remaja
        8. Lansia
        9. Keluarga berisiko stunting (KRS)
      > pus
      < Status KB pasangan ini?
        1. Ber-KB (memakai alat/cara KB)
        2. Tidak ber-KB
        3. Sedang hamil
      > 1
      < Cara KB yang dipakai?
        …
      > suntik 3 bulan
      < Ada risiko 4 Terlalu?
        …
      > tidak ada
      < Risiko lingkungan rumah?
        …
      > 4
      < Apa yang Anda lakukan?
        …
      > kie
      < Kirim foto kunjungan sebagai bukti.
        Ketik LEWATI jika tidak ada.
      > lewati
      < Bagikan lokasi rumah (tombol lampiran 📎, lalu Lokasi).
        Ketik LEWATI jika tidak ada.
      > lewati
      < Catatan singkat? Jangan tulis NIK atau diagnosis penyakit.
        Ketik LEWATI jika tidak ada.
      > lewati
      < Mohon periksa kembali:
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: PUS (pasangan usia subur)
        • Status KB: Ber-KB (memakai alat/cara KB)
        • Cara KB: Suntik 3 bulan
        • 4 Terlalu: Tidak ada
        • Risiko lingkungan: Tidak ada
        • Tindakan: Penyuluhan (KIE)
        • Foto: (dilewati)
        • Lokasi: (dilewati)
        • Catatan: (dilewati)
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > kirim
    `)
    expect(chat.effects).toEqual([
      {
        type: 'visit_reported',
        family: { kind: 'existing', id: 41 },
        visitDate: '2025-11-24',
        confirmedDuplicate: false,
        sasaran: ['pus'],
        kbStatus: 'ber_kb',
        kbMethod: 'suntik_3',
        kbIntent: null,
        risk4t: [],
        envRisks: [],
        lila: null,
        hb: null,
        actions: ['kie'],
        referral: null,
        photoRef: null,
        location: null,
        note: null,
      },
    ])
  })

  test('a new family: address, desa (defaults to the cadre’s), consent at its first visit', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > lapor
      < …
      > Sutrisno
      < Pilih keluarganya. Jika belum ada, pilih keluarga baru. Ketik KEMBALI untuk mencari nama lain.
        1. Keluarga baru: Sutrisno
      > 1
      < Di mana rumahnya? Tulis dusun, RW, dan RT, misalnya: Krajan RT 02 RW 03.
      > Krajan RT 01 RW 02
      < Ini kunjungan pertama ke keluarga ini. Apakah keluarga setuju datanya dicatat untuk program KB dan pendampingan keluarga?
        1. Ya
        2. Tidak
      > tidak
      < Tanpa persetujuan keluarga, kunjungan tidak dapat dicatat. Jawab Ya jika setuju, atau ketik BATAL.
        Ini kunjungan pertama ke keluarga ini. Apakah keluarga setuju datanya dicatat untuk program KB dan pendampingan keluarga?
        1. Ya
        2. Tidak
      > ya
      < Sasaran di keluarga ini?
        …
    `)
    expect(chat.session.active?.answers).toMatchObject({
      family: 'new',
      desa: '35.07.24.2001',
      dusunRwRt: 'Krajan RT 01 RW 02',
      familyConsent: true,
      visitDate: '2025-11-24',
    })
  })

  test('bumil: 4 Terlalu and LiLA/Hb with a decimal comma; a referral gets a follow-up in 7 days', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > lapor
      < …
      > budi
      < …
      > 2
      < …
      > ibu hamil, krs
      < Ada risiko 4 Terlalu?
        …
      > 1 dan 4
      < Lingkar lengan atas (LiLA) dalam cm? Misalnya 23,5.
        Ketik LEWATI jika tidak ada.
      > 60
      < Yakin LiLA 60 cm? Balas Ya jika benar, atau ketik angka yang benar.
      > 22,5
      < Kadar Hb (g/dL)? Misalnya 11,2.
        Ketik LEWATI jika tidak ada.
      > 10.4
      < Risiko lingkungan rumah?
        …
      > jamban
      < Apa yang Anda lakukan?
        …
      > kie, rujukan
      < Dirujuk ke mana?
        …
      > puskesmas
      < Alasan rujukan?
        …
      > anemia
      < Kirim foto kunjungan sebagai bukti.
        Ketik LEWATI jika tidak ada.
      > [photo:media:rumah.jpg]
      < …
      > [location:-7.89,112.66]
      < …
      > Bu hamil 6 bulan, disarankan periksa
      < Mohon periksa kembali:
        • Keluarga: Budiono
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: Ibu hamil, Keluarga berisiko stunting (KRS)
        • 4 Terlalu: Terlalu muda (<20 tahun), Terlalu banyak (>3 anak)
        • LiLA (cm): 22,5
        • Hb (g/dL): 10,4
        • Risiko lingkungan: Jamban tidak layak
        • Tindakan: Penyuluhan (KIE), Rujukan
        • Dirujuk ke: Puskesmas
        • Alasan rujukan: Anemia
        • Tindak lanjut: Senin, 1 Desember 2025
        • Foto: foto terlampir
        • Lokasi: lokasi terkirim
        • Catatan: Bu hamil 6 bulan, disarankan periksa
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > 1
    `)
    expect(chat.effects[0]).toMatchObject({
      family: { kind: 'existing', id: 42 },
      sasaran: ['bumil', 'krs'],
      risk4t: ['terlalu_muda', 'terlalu_banyak'],
      lila: 22.5,
      hb: 10.4,
      envRisks: ['jamban'],
      referral: { target: 'puskesmas', reason: 'anemia', followUpDate: '2025-12-01' },
      photoRef: 'media:rumah.jpg',
      location: { lat: -7.89, lng: 112.66 },
    })
  })

  test('"ubah": the date (future and too old refused), then sasaran, asking only what the change needs', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > lapor
      < …
      > budi
      < …
      > 1
      < …
      > pus
      < …
      > tidak ber-KB
      < Keinginan punya anak?
        1. Ingin anak segera
        2. Ingin menunda
        3. Tidak ingin anak lagi
      > 2
      < Ada risiko 4 Terlalu?
        …
      > tidak ada
      < …
      > tidak ada
      < …
      > 1
      < …
      > lewati
      < …
      > lewati
      < …
      > lewati
      < Mohon periksa kembali:
        …
      > ubah
      < Bagian mana yang ingin diubah?
        …
      > tanggal kunjungan
      < Tanggal kunjungan? Misalnya: hari ini, kemarin, 24/11.
      > besok
      < Tanggal kunjungan belum lewat. Mohon tulis hari ini atau tanggal yang sudah lewat.
        Tanggal kunjungan? Misalnya: hari ini, kemarin, 24/11.
      > 1/10
      < Kunjungan lebih dari 31 hari lalu tidak bisa dilaporkan lagi. Mohon periksa tanggalnya.
        Tanggal kunjungan? Misalnya: hari ini, kemarin, 24/11.
      > kemarin
      < Mohon periksa kembali:
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Minggu, 23 November 2025
        …
      > ubah
      < …
      > sasaran
      < Sasaran di keluarga ini?
        …
      > pus, ibu hamil
      < Lingkar lengan atas (LiLA) dalam cm? Misalnya 23,5.
        Ketik LEWATI jika tidak ada.
      > lewati
      < Kadar Hb (g/dL)? Misalnya 11,2.
        Ketik LEWATI jika tidak ada.
      > lewati
      < Mohon periksa kembali:
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Minggu, 23 November 2025
        • Sasaran: PUS (pasangan usia subur), Ibu hamil
        • Status KB: Tidak ber-KB
        • Keinginan anak: Ingin menunda
        • 4 Terlalu: Tidak ada
        • LiLA (cm): (dilewati)
        • Hb (g/dL): (dilewati)
        …
      > ubah
      < …
      > sasaran
      < …
      > balita
      < Mohon periksa kembali:
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Minggu, 23 November 2025
        • Sasaran: Balita
        • Risiko lingkungan: Tidak ada
        …
    `)
  })

  test('only active cadres with a desa may report', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > lapor
      < Maaf, menu itu tidak tersedia untuk Bapak/Ibu.
        …
    `)
  })

  test('a second report on the same family and day is flagged and must be confirmed', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: cadre,
      lookups: (need) =>
        need.kind === 'same_day_visit'
          ? {
              sameDayVisit: {
                key: need.key,
                reference: need.familyId === 41 ? 'KJ-2511-000007' : null,
              },
            }
          : lookups(need),
    })
    await chat.expect(`
      > lapor
      < …
      > budi
      < …
      > 1
      < Anda sudah melaporkan kunjungan ke keluarga ini pada tanggal yang sama (KJ-2511-000007). Ini kunjungan lain di hari yang sama?
        1. Ya
        2. Tidak
      > tidak
      < Baik, laporan yang sama tidak dikirim dua kali. Ketik BATAL untuk berhenti, atau KEMBALI untuk memilih keluarga lain.
        …
      > kembali
      < Pilih keluarganya. Jika belum ada, pilih keluarga baru. Ketik KEMBALI untuk mencari nama lain.
        …
      > 2
      < Sasaran di keluarga ini?
        …
    `)
  })
})
