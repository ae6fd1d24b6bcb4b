import { describe, expect, test } from 'vitest'
import type {
  BroadcastCohort,
  DataNeed,
  Lookups,
  CancellableBroadcast,
  Snapshot,
} from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

// 2026-11-23 is a Monday.
const AT = '2026-11-23 08:00 WIB'

const supervisor: Partial<Snapshot> = {
  person: {
    id: 2,
    name: 'Pak Joko',
    roles: ['supervisor'],
    regionCode: '35.07.24',
    status: 'active',
  },
}
const admin: Partial<Snapshot> = {
  person: { id: 1, name: 'Bu Rina', roles: ['admin'], regionCode: '35.07', status: 'active' },
}
const cadre: Partial<Snapshot> = {
  person: { id: 3, name: 'Siti', roles: ['kader'], regionCode: '35.07.24.1011', status: 'active' },
}

/** Answers the flow's needs as the runtime would; records which segments were counted. */
function lookups(
  count: number,
  waiting: CancellableBroadcast[] = [],
  cohorts: BroadcastCohort[] = []
) {
  const counted: unknown[] = []
  const answer = (need: DataNeed): Partial<Lookups> => {
    if (need.kind === 'broadcast_audience') {
      counted.push(need.segment)
      return { broadcastAudience: { key: need.key, count } }
    }
    if (need.kind === 'cancellable_broadcasts') {
      return { cancellableBroadcasts: { key: need.key, broadcasts: waiting } }
    }
    if (need.kind === 'broadcast_cohorts') {
      return { broadcastCohorts: { key: need.key, cohorts } }
    }
    return {}
  }
  return { answer, counted }
}

describe('siaran (broadcast)', () => {
  test('a supervisor announces to the cadres of one desa tomorrow at 07.00, with a preview', async () => {
    const { answer, counted } = lookups(12)
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor, lookups: answer })
    await chat.expect(`
      > /siaran
      < Siaran ini untuk siapa?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. Kader
        2. Peserta pelatihan
        3. Mentor
        4. Pengawas (PKB/PLKB)
      > 1
      < Di desa/kelurahan mana? Balas dengan angka atau ketik namanya.
        1. Semua desa/kelurahan
        …
      > pagentan
      < Kirim ke siapa saja di antara mereka?
        1. Semua
        2. Yang tidak hadir di sesi terakhir
        3. Yang belum lapor kunjungan 7 hari terakhir
        4. Yang belum mengirim laporan bulan lalu
      > 1
      < Tulis pesan siaran. Ketik {nama} untuk menyapa setiap penerima dengan namanya.
      > Halo {nama}, rapat kader hari Rabu pukul 09.00 di balai desa.
      < Ingin melampirkan foto? Kirim fotonya sekarang.
        …
      > lewati
      < Kapan siaran dikirim?
        1. Sekarang
        2. Nanti, pada waktu tertentu
      > 2
      < Kapan dikirim? Tulis hari dan jamnya, misalnya: besok 07.00
      > kemarin 07.00
      < Waktu itu sudah lewat. Pilih waktu yang akan datang.
        Kapan dikirim? Tulis hari dan jamnya, misalnya: besok 07.00
      > besok 07.00
      < Pratinjau, persis seperti yang akan diterima (contoh dengan nama Bapak/Ibu):
        ———
        Halo Pak Joko, rapat kader hari Rabu pukul 09.00 di balai desa.
        (Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)
        ———
        Foto: tidak ada
        Penerima: Kader di Desa/Kelurahan Pagentan (Semua): 12 orang
        Dikirim: Selasa, 24 November 2026 pukul 07.00 WIB
        Kirim siaran ini?
        1. Kirim
        2. Jangan kirim
      > kirim
    `)
    expect(counted.at(-1)).toEqual({ roles: ['kader'], region: '35.07.24.1011' })
    expect(chat.effects).toEqual([
      {
        type: 'broadcast_requested',
        segment: { roles: ['kader'], region: '35.07.24.1011' },
        text: 'Halo {nama}, rapat kader hari Rabu pukul 09.00 di balai desa.',
        photoRef: null,
        at: '2026-11-24T00:00:00.000Z',
      },
    ])
  })

  test('an admin sends now to participants of a kecamatan who missed the last session, with a photo', async () => {
    const { answer } = lookups(7)
    const chat = transcript(flowRegistry, { at: AT, snapshot: admin, lookups: answer })
    await chat.expect(`
      > siaran
      < …
      > 2
      < Di kecamatan mana? Balas dengan angka atau ketik nama kecamatannya.
        1. Semua kecamatan
        …
      > singosari
      < …
      > 1
      < …
      > 2
      < …
      > Jangan lupa sesi berikutnya, {nama}!
      < …
      > [photo]
      < …
      > sekarang
      < Pratinjau, persis seperti yang akan diterima (contoh dengan nama Bapak/Ibu):
        ———
        Jangan lupa sesi berikutnya, Bu Rina!
        (Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)
        ———
        Foto: terlampir
        Penerima: Peserta pelatihan di Kecamatan Singosari (Yang tidak hadir di sesi terakhir): 7 orang
        Dikirim: sekarang
        Kirim siaran ini?
        1. Kirim
        2. Jangan kirim
      > 1
    `)
    expect(chat.effects).toEqual([
      {
        type: 'broadcast_requested',
        segment: { roles: ['peserta'], region: '35.07.24', condition: 'absent_last_session' },
        text: 'Jangan lupa sesi berikutnya, {nama}!',
        photoRef: 'media:test.jpg',
        at: null,
      },
    ])
  })

  test('an admin may address the whole kabupaten; Batal at the preview sends nothing', async () => {
    const { answer, counted } = lookups(2000)
    const chat = transcript(flowRegistry, { at: AT, snapshot: admin, lookups: answer })
    await chat.expect(`
      > siaran
      < …
      > 1, 2
      < …
      > 1
      < …
      > 1
      < …
      > Selamat Hari Ibu!
      < …
      > lewati
      < …
      > 1
      < …
        Penerima: Kader, Peserta pelatihan di seluruh Kabupaten Malang (Semua): 2000 orang
        …
      > jangan kirim
      < Baik, siaran tidak dikirim.
    `)
    expect(counted.at(-1)).toEqual({ roles: ['kader', 'peserta'] })
    expect(chat.effects).toEqual([])
  })

  test('participants of one cohort who missed its last session', async () => {
    const cohorts = [
      { code: 'LWG-1', kecamatanCode: '35.07.25', track: 'makanan' },
      { code: 'SGS-1', kecamatanCode: '35.07.24', track: 'menjahit' },
    ]
    const { answer, counted } = lookups(2, [], cohorts)
    const chat = transcript(flowRegistry, { at: AT, snapshot: admin, lookups: answer })
    await chat.expect(`
      > siaran
      < …
      > peserta
      < Kelompok pelatihan yang mana?
        1. Semua peserta (tanpa memilih kelompok)
        2. LWG-1: makanan bergizi, Kec. Lawang
        3. SGS-1: menjahit, Kec. Singosari
      > 3
      < Kirim ke siapa saja di antara mereka?
        …
      > 2
      < …
      > Sesi Sabtu lalu kami rindu Anda, {nama}.
      < …
      > lewati
      < …
      > 1
      < …
        Penerima: Peserta pelatihan kelompok SGS-1 (Yang tidak hadir di sesi terakhir): 2 orang
        …
      > kirim
    `)
    const segment = { roles: ['peserta'], cohort: 'SGS-1', condition: 'absent_last_session' }
    expect(counted.at(-1)).toEqual(segment)
    expect(chat.effects).toMatchObject([{ type: 'broadcast_requested', segment }])
  })

  test('with a broadcast waiting or being sent, /siaran offers to cancel it', async () => {
    const waiting = [
      {
        id: 41,
        at: '2026-11-24T00:00:00.000Z',
        text: 'Halo {nama}, rapat kader hari Rabu.',
        sending: false,
      },
      {
        id: 42,
        at: '2026-11-23T01:30:00.000Z',
        text: 'Posyandu balita ditunda sampai pekan depan karena hujan deras.',
        sending: true,
      },
    ]
    const { answer } = lookups(12, waiting)
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor, lookups: answer })
    await chat.expect(`
      > siaran
      < Apa yang ingin Bapak/Ibu lakukan?
        1. Kirim siaran baru
        2. Batalkan siaran
      > batalkan siaran
      < Siaran mana yang ingin dibatalkan?
        1. Selasa, 24 November 2026 pukul 07.00 WIB: Halo {nama}, rapat kader hari Rabu.
        2. Sedang dikirim sejak Senin, 23 November 2026 pukul 08.30 WIB: Posyandu balita ditunda sampai pekan dep…
      > 2
      < Batalkan siaran ini? Pesan yang belum terkirim tidak akan dikirim.
        1. Ya
        2. Tidak
      > ya
    `)
    expect(chat.effects).toEqual([{ type: 'broadcast_cancelled', broadcastId: 42 }])
  })

  test('"tidak" keeps the broadcast', async () => {
    const waiting = [{ id: 41, at: '2026-11-24T00:00:00.000Z', text: 'Rapat', sending: false }]
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: supervisor,
      lookups: lookups(12, waiting).answer,
    })
    await chat.expect(`
      > siaran
      < …
      > 2
      < …
      > 1
      < …
      > tidak
      < Baik, siaran tidak dibatalkan.
    `)
    expect(chat.effects).toEqual([])
  })

  test('a cadre does not see /siaran', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups(0).answer })
    await chat.expect(`
      > siaran
      < …
    `)
    expect(chat.effects).toEqual([])
    expect(chat.session.active?.flowId).not.toBe('broadcast')
  })
})
