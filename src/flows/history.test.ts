import { describe, expect, test } from 'vitest'
import type { DataNeed, RecentVisitSummary } from '../domain/snapshot.js'
import { transcript } from '../../test/harness/transcript.js'
import { cadreSiti } from '../../test/harness/chat-people.js'
import { flowRegistry } from './index.js'

const AT = '2025-11-24 08:00 WIB'
const cadre = cadreSiti
const visits: RecentVisitSummary[] = [
  {
    id: 12,
    reference: 'KJ-2511-000012',
    visitDate: '2025-11-24',
    headName: 'Budi Santoso',
    status: 'submitted',
    createdAt: '2025-11-24T00:30:00.000Z',
  },
  {
    id: 9,
    reference: 'KJ-2511-000009',
    visitDate: '2025-11-20',
    headName: 'Sutrisno',
    status: 'withdrawn',
    createdAt: '2025-11-20T02:00:00.000Z',
  },
]
const lookups = (list: RecentVisitSummary[]) => (need: DataNeed) =>
  need.kind === 'recent_visits' ? { recentVisits: { key: need.key, visits: list } } : {}

describe('riwayat (my reports)', () => {
  test('lists the latest reports and withdraws one', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups(visits) })
    await chat.expect(`
      > riwayat
      < Lima laporan terakhir Anda. Pilih untuk melihat pilihan:
        1. KJ-2511-000012, 24 Nov 2025, Budi Santoso
        2. KJ-2511-000009, 20 Nov 2025, Sutrisno (ditarik)
      > 1
      < Laporan KJ-2511-000012: tarik laporan ini? Laporan bisa ditarik dalam 24 jam setelah dikirim. Untuk membetulkan, tarik lalu kirim ulang dengan /lapor.
        1. Tarik laporan
        2. Biarkan
      > tarik
    `)
    expect(chat.effects).toEqual([{ type: 'visit_withdrawn', visitId: 12 }])
  })

  test('says so when there is nothing yet', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups: lookups([]) })
    await chat.expect(`
      > /riwayat
      < Anda belum punya laporan kunjungan. Ketik /lapor untuk melapor.
    `)
  })
})
