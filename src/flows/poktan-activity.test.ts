import { describe, expect, test } from 'vitest'
import type { Snapshot } from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-11-24 16:00 WIB'

const cadre: Partial<Snapshot> = {
  person: {
    id: 4,
    name: 'Siti Rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2001', // Wonorejo, Singosari
    status: 'active',
    salutation: 'ibu',
  },
}

const kegiatan = () => transcript(flowRegistry, { at: AT, snapshot: cadre })

describe('kegiatan (Poktan activity)', () => {
  test('a BKB meeting: kind, date, attendees, PUS, KB users, then the summary and the thanks', async () => {
    const chat = kegiatan()
    await chat.expect(`
      > kegiatan
      < Kegiatan apa yang Ibu laporkan?
        1. BKB (Bina Keluarga Balita)
        2. BKR (Bina Keluarga Remaja)
        3. BKL (Bina Keluarga Lansia)
        4. UPPKA
        5. PIK-R
        6. Penyuluhan KIE
        7. Rapat koordinasi desa
      > 1
      < Tanggal kegiatan? Misalnya: hari ini, kemarin, 24/11.
      > kemarin
      < Berapa orang yang hadir? Tulis angkanya, misalnya: 25.
      > 25
      < Dari yang hadir, berapa orang yang PUS (pasangan usia subur)? Tulis 0 jika tidak ada.
      > 18
      < Dari PUS yang hadir, berapa orang yang sedang ber-KB? Tulis 0 jika tidak ada.
      > 12
      < …
      > kirim
      < Terima kasih, Ibu. Kegiatan BKB (Bina Keluarga Balita) tanggal Senin, 23 November 2026 sudah tercatat dan akan diperiksa oleh PKB.
    `)
    expect(chat.effects).toEqual([
      {
        type: 'activity_reported',
        kind: 'bkb',
        activityDate: '2026-11-23',
        attendees: 25,
        pus: 18,
        kbUsers: 12,
        photoRef: null,
        note: null,
      },
    ])
  })

  test('more PUS than attendees, more KB users than PUS, a future date and no number are asked again', async () => {
    const chat = kegiatan()
    await chat.expect(`
      > kegiatan
      < …
      > rapat koordinasi desa
      < Tanggal kegiatan? …
      > besok
      < Tanggal itu belum lewat. Mohon tulis tanggal kegiatan yang sudah berlangsung.
        …
      > 20/11
      < Berapa orang yang hadir? …
      > banyak
      < Mohon tulis jumlah yang hadir dengan angka, dari 1 sampai 500.
        …
      > 10
      < …
      > 11
      < Jumlah PUS tidak boleh lebih dari jumlah yang hadir (10 orang).
        …
      > 6
      < …
      > 7
      < Jumlah peserta KB tidak boleh lebih dari jumlah PUS yang hadir (6 orang).
        …
      > 0
      < …
      > kirim
      < Terima kasih, Ibu. Kegiatan Rapat koordinasi desa tanggal Jumat, 20 November 2026 sudah tercatat dan akan diperiksa oleh PKB.
    `)
    expect(chat.effects).toMatchObject([
      { kind: 'rapat_desa', activityDate: '2026-11-20', attendees: 10, pus: 6, kbUsers: 0 },
    ])
  })

  test('a participant has no /kegiatan', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: {
        person: {
          id: 9,
          name: 'Ani',
          roles: ['peserta'],
          regionCode: '35.07.24.2001',
          status: 'active',
        },
      },
    })
    await chat.expect(`
      > kegiatan
      < …
    `)
    expect(chat.effects).toEqual([])
  })
})

describe('correcting a report the supervisor sent back', () => {
  test('"Perbaiki" under the notice asks the report again and replaces the returned one', async () => {
    const chat = kegiatan()
    await chat.expect(`
      > [choice:start:poktan-activity:31]
      < Kegiatan apa yang Ibu laporkan?
        …
      > 2
      < …
      > 8/11
      < …
      > 11
      < …
      > 5
      < …
      > 3
      < …
      > kirim
    `)
    // The applier answers a correction (it knows whether the report could still be replaced).
    expect(chat.effects).toEqual([
      {
        type: 'activity_reported',
        kind: 'bkr',
        activityDate: '2026-11-08',
        attendees: 11,
        pus: 5,
        kbUsers: 3,
        photoRef: null,
        note: null,
        correctsId: 31,
      },
    ])
  })
})
