import { describe, test } from 'vitest'
import type { SessionSummary } from '../domain/snapshot.js'
import { firstSession, participant, upcomingLookups } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-11-30 19:00 WIB'
const sessions: SessionSummary[] = [
  firstSession,
  {
    ...firstSession,
    id: 2,
    startsAt: '2026-12-02T01:00:00.000Z',
    endsAt: '2026-12-02T05:00:00.000Z',
    topic: 'Pola dasar',
  },
]
const lookups = upcomingLookups

describe('jadwal (my schedule)', () => {
  test('lists the next sessions in Indonesian date style', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(sessions),
    })
    await chat.expect(`
      > /jadwal
      < Jadwal pelatihan Bapak/Ibu berikutnya:
        • Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Mengenal mesin jahit
        • Rabu, 2 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Pola dasar
    `)
  })

  test('says when there is nothing scheduled', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups([]) })
    await chat.expect(`
      > jadwal
      < Belum ada jadwal pelatihan untuk Bapak/Ibu. Jadwal akan dikirim lewat chat ini.
    `)
  })
})
