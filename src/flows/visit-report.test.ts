import { describe, expect, test } from 'vitest'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { AT, cadre, lookups, outcome, SAVED, sentBy } from '../../test/harness/visit-report-chat.js'

describe('lapor (visit report)', () => {
  test('a known family’s routine visit: picked from the recent ones, "Ya" keeps the rest, 5 messages', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    const script = `
      > /lapor
      < Siapa nama kepala keluarga yang dikunjungi? Ketik sebagian namanya saja, misalnya: Budi.
        Atau pilih keluarga yang baru dikunjungi:
        1. Budi Santoso (Krajan RT 02 RW 03)
        2. Sutrisna
      > 1
      < Kunjungan lalu (Senin, 10 November 2025): PUS (pasangan usia subur); Suntik 3 bulan; Jamban tidak layak.
        Sama seperti kunjungan lalu?
        1. Ya
        2. Tidak
      > ya
      < Apa yang Bapak/Ibu lakukan?
        …
      > kie
      < Mohon periksa kembali. Foto atau lokasi rumah boleh dikirim sekarang sebagai bukti.
        • Keluarga: Budi Santoso (Krajan RT 02 RW 03)
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: PUS (pasangan usia subur)
        • Status KB: Ber-KB (memakai alat/cara KB)
        • Cara KB: Suntik 3 bulan
        • Risiko: Jamban tidak layak
        • Tindakan: Penyuluhan (KIE)
        • Foto: (dilewati)
        • Lokasi: (dilewati)
        • Catatan: (dilewati)
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > kirim
      ${SAVED}
    `
    await chat.expect(script)
    const messages = sentBy(script)
    process.stdout.write(`routine visit of a known family: ${messages} messages to the report\n`)
    expect(messages).toBeLessThanOrEqual(7)
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
        envRisks: ['jamban'],
        lila: null,
        hb: null,
        actions: ['kie'],
        referral: null,
        photoRef: null,
        location: null,
        note: null,
      },
      // The KB register's row: the same method, continuing, served as last time.
      {
        type: 'kb_recorded',
        visitDate: '2025-11-24',
        status: 'ber_kb',
        method: 'suntik_3',
        newAcceptor: false,
        servicePlace: 'pemerintah',
        jkn: true,
        intent: null,
      },
    ])
  })

  test('"Tidak": the kept questions are asked again, each showing the last answer', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > budi
      < Pilih keluarganya. Jika belum ada, pilih keluarga baru. Ketik KEMBALI untuk mencari nama lain.
        1. Budi Santoso (Krajan RT 02 RW 03)
        2. Budiono
        3. Keluarga baru: budi
      > 1
      < Kunjungan lalu (Senin, 10 November 2025): …
        Sama seperti kunjungan lalu?
        …
      > tidak
      < Sasaran di keluarga ini?
        Kunjungan lalu: PUS (pasangan usia subur)
        Boleh pilih lebih dari satu, misalnya: 1,3
        …
      > pus
      < Masih pakai Suntik 3 bulan?
        1. Ya
        2. Tidak
      > tidak
      < Status KB pasangan ini?
        Kunjungan lalu: Ber-KB (memakai alat/cara KB)
        …
      > 1
      < Cara KB yang dipakai?
        Kunjungan lalu: Suntik 3 bulan
        …
      > susuk
      < Implan/susuk baru mulai dipakai bulan ini (peserta KB baru)?
        1. Ya
        2. Tidak
      > tidak
      < Dilayani di mana, dan pakai JKN (BPJS Kesehatan)?
        1. Pemerintah (puskesmas, pustu, bidan desa, RS pemerintah), pakai JKN
        2. Pemerintah, tanpa JKN
        3. Swasta (bidan praktik, klinik, dokter, RS swasta), pakai JKN
        4. Swasta, tanpa JKN
      > puskesmas bpjs
      < Ada risiko di keluarga ini?
        Kunjungan lalu: Jamban tidak layak
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. Terlalu muda (<20 tahun)
        2. Terlalu tua (>35 tahun)
        3. Terlalu dekat (jarak lahir <2 tahun)
        4. Terlalu banyak (>3 anak)
        5. Air minum tidak layak
        6. Jamban tidak layak
        7. Rumah tidak layak huni
        8. Tidak ada
      > 8
      < Apa yang Bapak/Ibu lakukan?
        …
    `)
    expect(chat.session.active?.answers).toMatchObject({
      family: '41',
      sameAsLast: false,
      sasaran: ['pus'],
      kbStill: false,
      kbStatus: 'ber_kb',
      kbMethod: 'implan',
      kbNew: false,
      kbService: 'pemerintah_jkn',
      risks: ['tidak_ada'],
    })
  })

  test('a new family with a referral in 12 messages: no match means a new family, consent asked', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    const script = `
      > lapor
      < …
      > Sutrisno
      < Nama Sutrisno belum ada di desa ini, jadi dicatat sebagai keluarga baru (ketik KEMBALI untuk mencari nama lain).
        Di mana rumahnya? Tulis dusun, RW, dan RT, misalnya: Krajan RT 02 RW 03.
      > Krajan RT 01 RW 02
      < Ini kunjungan pertama ke keluarga ini. Apakah keluarga setuju datanya dicatat untuk program KB dan pendampingan keluarga?
        1. Ya
        2. Tidak
      > tidak
      < Tanpa persetujuan keluarga, kunjungan tidak dapat dicatat. Jawab Ya jika setuju, atau ketik BATAL.
        …
      > ya
      < Sasaran di keluarga ini?
        Boleh pilih lebih dari satu, misalnya: 1,3
        …
      > pus
      < Status KB pasangan ini?
        …
      > tidak ber-KB
      < Keinginan punya anak?
        …
      > 2
      < Ada risiko di keluarga ini?
        …
      > 3, 6
      < Apa yang Bapak/Ibu lakukan?
        …
      > kie, rujukan
      < Dirujuk ke mana?
        …
      > bidan desa
      < Alasan rujukan?
        …
      > pelayanan KB
      < Mohon periksa kembali. …
        • Keluarga: Keluarga baru: Sutrisno
        • Alamat: Krajan RT 01 RW 02
        • Desa/kelurahan: Wonorejo
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: PUS (pasangan usia subur)
        • Status KB: Tidak ber-KB
        • Keinginan anak: Ingin menunda
        • Risiko: Terlalu dekat (jarak lahir <2 tahun), Jamban tidak layak
        • Tindakan: Penyuluhan (KIE), Rujukan
        • Dirujuk ke: Bidan desa
        • Alasan rujukan: Pelayanan KB
        • Tindak lanjut: Senin, 1 Desember 2025
        …
      > kirim
      ${SAVED}
    `
    await chat.expect(script)
    // The refused consent's re-ask is not part of the way through: it costs one more message.
    const messages = sentBy(script) - 1
    process.stdout.write(`new family with a referral: ${messages} messages to the report\n`)
    expect(messages).toBeLessThanOrEqual(12)
    expect(chat.effects[0]).toMatchObject({
      family: {
        kind: 'new',
        headName: 'Sutrisno',
        dusunRwRt: 'Krajan RT 01 RW 02',
        desaCode: '35.07.24.2001',
      },
      sasaran: ['pus'],
      kbStatus: 'tidak_kb',
      kbIntent: 'tunda',
      risk4t: ['terlalu_dekat'],
      envRisks: ['jamban'],
      referral: { target: 'bidan_desa', reason: 'kb', followUpDate: '2025-12-01' },
    })
  })

  test('bumil: 4 Terlalu and LiLA/Hb with a decimal comma; photo and location sent at the summary', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > budi
      < …
      > 2
      < …
      > ibu hamil, krs
      < Ada risiko di keluarga ini?
        …
      > 1, 4 dan 6
      < Lingkar lengan atas (LiLA) dalam cm? Misalnya 23,5.
        Ketik LEWATI jika tidak ada.
      > 60
      < Yakin LiLA 60 cm? Balas Ya jika benar, atau ketik angka yang benar.
      > 22,5
      < Kadar Hb (g/dL)? Misalnya 11,2.
        Ketik LEWATI jika tidak ada.
      > 10.4
      < Apa yang Bapak/Ibu lakukan?
        …
      > kie, rujukan
      < Dirujuk ke mana?
        …
      > puskesmas
      < Alasan rujukan?
        …
      > anemia
      < Mohon periksa kembali. …
        …
      > [photo:media:rumah.jpg]
      < Mohon periksa kembali. …
        …
        • Foto: foto terlampir
        • Lokasi: (dilewati)
        …
      > [location:-7.89,112.66]
      < …
      > ubah
      < Bagian mana yang ingin diubah?
        …
      > catatan
      < Catatan singkat? Jangan tulis NIK atau diagnosis penyakit.
        Ketik LEWATI jika tidak ada.
      > Bu hamil 6 bulan, disarankan periksa
      < Mohon periksa kembali. Foto atau lokasi rumah boleh dikirim sekarang sebagai bukti.
        • Keluarga: Budiono
        • Tanggal kunjungan: Senin, 24 November 2025
        • Sasaran: Ibu hamil, Keluarga berisiko stunting (KRS)
        • Risiko: Terlalu muda (<20 tahun), Terlalu banyak (>3 anak), Jamban tidak layak
        • LiLA (cm): 22,5
        • Hb (g/dL): 10,4
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
      ${SAVED}
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
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups, outcome })
    await chat.expect(`
      > lapor
      < …
      > budi
      < …
      > 2
      < …
      > pus
      < …
      > tidak ber-KB
      < Keinginan punya anak?
        1. Ingin anak segera
        2. Ingin menunda
        3. Tidak ingin anak lagi
      > 2
      < Ada risiko di keluarga ini?
        …
      > tidak ada
      < …
      > 1
      < Mohon periksa kembali. …
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
      < Mohon periksa kembali. …
        • Keluarga: Budiono
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
      < Mohon periksa kembali. …
        • Keluarga: Budiono
        • Tanggal kunjungan: Minggu, 23 November 2025
        • Sasaran: PUS (pasangan usia subur), Ibu hamil
        • Status KB: Tidak ber-KB
        • Keinginan anak: Ingin menunda
        • Risiko: Tidak ada
        • LiLA (cm): (dilewati)
        • Hb (g/dL): (dilewati)
        …
      > ubah
      < …
      > sasaran
      < …
      > balita
      < Mohon periksa kembali. …
        • Keluarga: Budiono
        • Tanggal kunjungan: Minggu, 23 November 2025
        • Sasaran: Balita
        • Risiko: Tidak ada
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
      < Bapak/Ibu sudah melaporkan kunjungan ke keluarga ini pada tanggal yang sama (KJ-2511-000007). Ini kunjungan lain di hari yang sama?
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
