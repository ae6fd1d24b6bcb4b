/** Transcripts of KODE (and a mentor's JADWAL): today's check-in codes for the mentor only. */
import { describe, expect, test } from 'vitest'
import type { DataNeed, MentorCodeSession } from '../domain/snapshot.js'
import { firstSession, mentor, participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-12-01 07:40 WIB'
const codes: MentorCodeSession[] = [
  { ...firstSession, id: 7, cohortCode: 'SGS-MJ-01', code: '4821' },
  {
    ...firstSession,
    id: 8,
    startsAt: '2026-12-01T06:00:00.000Z',
    endsAt: '2026-12-01T08:00:00.000Z',
    venue: 'Balai Desa Banjararum',
    cohortCode: 'SGS-MK-01',
    code: '0593',
  },
]
const codeLookups = (sessions: MentorCodeSession[]) => (need: DataNeed) =>
  need.kind === 'mentor_codes' ? { mentorCodes: { key: need.key, sessions } } : {}

describe('kode (a mentor’s check-in codes)', () => {
  test('today’s codes, one line per session, and the record that she has seen them', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: mentor, lookups: codeLookups(codes) })
    await chat.expect(`
      > KODE
      < Kode kehadiran hari ini:
        • SGS-MJ-01, 08.00 WIB di Balai Desa Ardimulyo: 4821
        • SGS-MK-01, 13.00 WIB di Balai Desa Banjararum: 0593
        Umumkan kodenya di kelas; peserta mengetik HADIR lalu kode itu. Peserta tanpa HP dicatat dengan ABSEN.
    `)
    expect(chat.effects).toEqual([
      { type: 'checkin_codes_shown', sessionIds: [7, 8], at: '2026-12-01T00:40:00.000Z' },
    ])
  })

  test('no session left today: says so and points to JADWAL', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: mentor, lookups: codeLookups([]) })
    await chat.expect(`
      > kode
      < Hari ini tidak ada sesi kelompok Bapak/Ibu yang belum selesai, jadi tidak ada kode kehadiran. Ketik JADWAL untuk melihat jadwal berikutnya.
    `)
    expect(chat.effects).toEqual([])
  })

  test('a participant is not shown any code (KODE is not hers)', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: codeLookups(codes),
    })
    await chat.expect(`
      > kode
      < …
    `)
    expect(chat.effects).toEqual([])
  })

  test('a mentor’s JADWAL shows today’s code beside today’s session only', async () => {
    const tomorrow = {
      ...firstSession,
      id: 9,
      startsAt: '2026-12-02T01:00:00.000Z',
      endsAt: '2026-12-02T05:00:00.000Z',
      topic: 'Pola dasar',
    }
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: mentor,
      lookups: (need) =>
        need.kind === 'upcoming_sessions'
          ? {
              upcomingSessions: {
                key: need.key,
                sessions: [{ ...firstSession, id: 7, code: '4821' }, tomorrow],
              },
            }
          : {},
    })
    await chat.expect(`
      > jadwal
      < Jadwal pelatihan Bapak/Ibu berikutnya:
        • Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Mengenal mesin jahit. Kode kehadiran: 4821
        • Rabu, 2 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Pola dasar
    `)
    expect(chat.effects).toEqual([
      { type: 'checkin_codes_shown', sessionIds: [7], at: '2026-12-01T00:40:00.000Z' },
    ])
  })
})
