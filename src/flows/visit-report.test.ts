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
  need.kind === 'family_search'
    ? {
        familySearch: {
          key: need.key,
          results: /bud/i.test(need.query)
            ? [
                { id: 41, headName: 'Budi Santoso', dusunRwRt: 'Krajan RT 02 RW 03', lastVisitDate: null },
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
        1. Sedang ber-KB
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
        • Status KB: Sedang ber-KB
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
})
