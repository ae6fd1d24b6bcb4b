import { describe, expect, test } from 'vitest'
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
]
const lookups = (list: SessionSummary[]) => (need: DataNeed) =>
  need.kind === 'upcoming_sessions' ? { upcomingSessions: { key: need.key, sessions: list } } : {}

describe('izin (excused absence)', () => {
  test('a session and a reason', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(sessions),
    })
    await chat.expect(`
      > izin
      < Izin untuk sesi yang mana?
        1. Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit
      > 1
      < Apa alasannya?
        1. Sakit
        2. Anak sakit
        3. Urusan keluarga
        4. Lainnya
      > sakit
    `)
    expect(chat.effects).toEqual([{ type: 'absence_excused', sessionId: 1, reason: 'sakit' }])
  })

  test('nothing coming up', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups([]) })
    await chat.expect(`
      > izin
      < Tidak ada sesi pelatihan yang akan datang untuk diizinkan.
    `)
  })
})
