import { describe, expect, test } from 'vitest'
import type { DataNeed, RecentVisitSummary } from '../domain/snapshot.js'
import type { RecentActivity } from '../domain/poktan.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { cadreSiti } from '../../test/harness/chat-people.js'

const AT = '2025-11-24 08:00 WIB'
const cadre = cadreSiti
const recorded = {
  sasaran: ['pus', 'bumil'],
  kbStatus: null,
  kbMethod: null,
  kbIntent: null,
  risk4t: ['terlalu_muda'],
  envRisks: ['jamban'],
  lila: 22.5,
  hb: 10.4,
  actions: ['kie', 'rujukan'],
  note: 'Disarankan periksa ke bidan',
}
const visits: RecentVisitSummary[] = [
  {
    id: 12,
    reference: 'KJ-2511-000012',
    visitDate: '2025-11-24',
    headName: 'Budi Santoso',
    status: 'submitted',
    createdAt: '2025-11-24T00:30:00.000Z',
    ...recorded,
  },
  {
    id: 9,
    reference: 'KJ-2511-000009',
    visitDate: '2025-11-20',
    headName: 'Sutrisno',
    status: 'withdrawn',
    createdAt: '2025-11-20T02:00:00.000Z',
    ...recorded,
    sasaran: ['pus'],
    kbStatus: 'ber_kb',
    kbMethod: 'suntik_3',
    risk4t: [],
    envRisks: [],
    lila: null,
    hb: null,
    actions: ['kie'],
    note: null,
  },
  {
    id: 8,
    reference: 'KJ-2511-000008',
    visitDate: '2025-11-19',
    headName: 'Ahmad Fauzi',
    status: 'submitted',
    createdAt: '2025-11-19T02:00:00.000Z',
    ...recorded,
    sasaran: ['balita'],
    risk4t: [],
    envRisks: [],
    lila: null,
    hb: null,
    actions: ['posyandu'],
    note: null,
  },
]
const lookups = (list: RecentVisitSummary[]) => (need: DataNeed) =>
  need.kind === 'recent_visits' ? { recentVisits: { key: need.key, visits: list } } : {}

describe('riwayat (my reports)', () => {
  test('opening a report shows what it recorded; one sent today can be withdrawn', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups(visits) })
    await chat.expect(`
      > riwayat
      < Lima laporan terakhir Bapak/Ibu. Pilih untuk melihat isinya:
        1. KJ-2511-000012, 24 Nov 2025, Budi Santoso
        2. KJ-2511-000009, 20 Nov 2025, Sutrisno (ditarik)
        3. KJ-2511-000008, 19 Nov 2025, Ahmad Fauzi
      > 1
      < Laporan KJ-2511-000012, keluarga Budi Santoso
        Tanggal kunjungan: Senin, 24 November 2025
        Dikirim: Senin, 24 November 2025 pukul 07.30 WIB
        Sasaran: PUS (pasangan usia subur), Ibu hamil
        Risiko: Terlalu muda (<20 tahun), Jamban tidak layak
        LiLA: 22,5 cm
        Hb: 10,4 g/dL
        Tindakan: Penyuluhan (KIE), Rujukan
        Catatan: Disarankan periksa ke bidan
        Tarik laporan ini? Bisa ditarik dalam 24 jam setelah dikirim. Untuk membetulkan, tarik lalu kirim ulang dengan /lapor.
        1. Tarik laporan
        2. Biarkan
      > tarik
    `)
    expect(chat.effects).toEqual([{ type: 'visit_withdrawn', visitId: 12 }])
  })

  test('a withdrawn report is shown without offering to withdraw it again', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups(visits) })
    await chat.expect(`
      > riwayat
      < …
      > 2
      < Laporan KJ-2511-000009, keluarga Sutrisno
        Tanggal kunjungan: Kamis, 20 November 2025
        Dikirim: Kamis, 20 November 2025 pukul 09.00 WIB
        Sasaran: PUS (pasangan usia subur)
        Status KB: Ber-KB (memakai alat/cara KB)
        Cara KB: Suntik 3 bulan
        Tindakan: Penyuluhan (KIE)
        Laporan ini sudah ditarik dan tidak dihitung.
        Laporan yang sudah ditarik tidak bisa diubah lagi. Ketik /lapor untuk melapor ulang.
    `)
    expect(chat.effects).toEqual([])
    expect(chat.session.active).toBeNull()
  })

  test('a report older than a day is shown and says why it cannot be withdrawn', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups(visits) })
    await chat.expect(`
      > riwayat
      < …
      > 3
      < Laporan KJ-2511-000008, keluarga Ahmad Fauzi
        …
        Tindakan: Ajak ke Posyandu
        Laporan ini dikirim lebih dari 24 jam lalu, jadi tidak bisa ditarik lagi. Hubungi pengawas jika ada yang salah.
    `)
    expect(chat.effects).toEqual([])
  })

  test('says so when there is nothing yet', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups([]) })
    await chat.expect(`
      > /riwayat
      < Bapak/Ibu belum punya laporan kunjungan. Ketik /lapor untuk melapor.
    `)
  })
})

describe('riwayat lists the cadre’s Poktan activities too', () => {
  const activities: RecentActivity[] = [
    {
      id: 31,
      kind: 'bkr',
      activityDate: '2025-11-21',
      attendees: 11,
      pus: 5,
      kbUsers: 3,
      state: 'returned',
      note: null,
      createdAt: '2025-11-21T09:00:00.000Z',
    },
  ]
  const withActivities = (need: DataNeed) =>
    need.kind === 'recent_visits'
      ? { recentVisits: { key: need.key, visits: visits.slice(0, 1), activities } }
      : {}

  test('after the visits, an activity with its state; opened, it shows what was recorded', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: withActivities })
    await chat.expect(`
      > riwayat
      < Lima laporan terakhir Bapak/Ibu. Pilih untuk melihat isinya:
        1. KJ-2511-000012, 24 Nov 2025, Budi Santoso
        2. Kegiatan BKR (Bina Keluarga Remaja), 21 Nov 2025 (dikembalikan untuk diperbaiki)
      > 2
      < Kegiatan BKR (Bina Keluarga Remaja) tanggal Jumat, 21 November 2025
        Hadir: 11 orang, PUS 5, peserta KB 3
        Dikirim: Jumat, 21 November 2025 pukul 16.00 WIB
        Status: dikembalikan untuk diperbaiki
    `)
    expect(chat.effects).toEqual([])
  })

  test('a cadre with activities and no visits still has a history', async () => {
    const only = (need: DataNeed) =>
      need.kind === 'recent_visits'
        ? { recentVisits: { key: need.key, visits: [], activities } }
        : {}
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: only })
    await chat.expect(`
      > riwayat
      < Lima laporan terakhir Bapak/Ibu. Pilih untuk melihat isinya:
        1. Kegiatan BKR (Bina Keluarga Remaja), 21 Nov 2025 (dikembalikan untuk diperbaiki)
    `)
  })
})
