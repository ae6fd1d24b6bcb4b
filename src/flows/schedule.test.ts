import { describe, test } from 'vitest'
import type { DataNeed, SessionSummary, Snapshot } from '../domain/snapshot.js'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2026-11-30 19:00 WIB'
const participant: Partial<Snapshot> = {
  person: {
    id: 5,
    name: 'Nur Aini',
    roles: ['peserta'],
    regionCode: '35.07.24.2003',
    status: 'active',
  },
}
const sessions: SessionSummary[] = [
  {
    id: 1,
    startsAt: '2026-12-01T01:00:00.000Z',
    endsAt: '2026-12-01T05:00:00.000Z',
    venue: 'Balai Desa Ardimulyo',
    topic: 'Mengenal mesin jahit',
    track: 'menjahit',
  },
  {
    id: 2,
    startsAt: '2026-12-02T01:00:00.000Z',
    endsAt: '2026-12-02T05:00:00.000Z',
    venue: 'Balai Desa Ardimulyo',
    topic: 'Pola dasar',
    track: 'menjahit',
  },
]
const lookups = (list: SessionSummary[]) => (need: DataNeed) =>
  need.kind === 'upcoming_sessions' ? { upcomingSessions: { key: need.key, sessions: list } } : {}

describe('jadwal (my schedule)', () => {
  test('lists the next sessions in Indonesian date style', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(sessions),
    })
    await chat.expect(`
      > /jadwal
      < Jadwal pelatihan Anda berikutnya:
        • Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Mengenal mesin jahit
        • Rabu, 2 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Pola dasar
    `)
  })

  test('says when there is nothing scheduled', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups([]) })
    await chat.expect(`
      > jadwal
      < Belum ada jadwal pelatihan untuk Anda. Jadwal akan dikirim lewat chat ini.
    `)
  })
})
