import { describe, expect, test } from 'vitest'
import type { DataNeed, MentorSessionToday, RosterEntry } from '../domain/snapshot.js'
import { firstSession, participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-12-01 09:30 WIB'
const mentor = {
  person: { ...participant.person!, id: 3, name: 'Sri Wahyuni', roles: ['mentor' as const] },
}
const roster: RosterEntry[] = [
  { personId: 5, name: 'Nur Aini', status: 'present' },
  { personId: 8, name: 'Sumiati', status: null },
  { personId: 9, name: 'Tutik', status: 'absent' },
]
const lookups = (sessions: MentorSessionToday[]) => (need: DataNeed) =>
  need.kind === 'mentor_sessions_today' ? { mentorSessions: { key: need.key, sessions } } : {}
const today = [{ ...firstSession, cohortCode: 'SGS-MJ-01', participants: roster }]

describe('absen (a mentor records attendance)', () => {
  test("today's only session is taken; participants from the cohort list; a summary first", async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: mentor, lookups: lookups(today) })
    await chat.expect(`
      > absen
      < Siapa saja yang dicatat? (nama dari daftar kelompok)
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. Nur Aini (sudah hadir)
        2. Sumiati
        3. Tutik (tercatat tidak hadir)
      > 2, 3
      < Dicatat sebagai apa?
        1. Hadir
        2. Hadir terlambat
        3. Izin
      > 1
      < …
      > kirim
    `)
    expect(chat.effects).toEqual([
      {
        type: 'attendance_recorded',
        sessionId: 1,
        personIds: [8, 9],
        status: 'present',
        reason: null,
        at: '2026-12-01T02:30:00.000Z',
      },
    ])
  })

  test('two sessions today: the mentor picks one; izin asks the reason', async () => {
    const two = [
      ...today,
      {
        ...firstSession,
        id: 2,
        cohortCode: 'SGS-MK-01',
        startsAt: '2026-12-01T06:00:00.000Z',
        topic: 'Gizi',
        participants: [],
      },
    ]
    const chat = transcript(flowRegistry, { at: AT, snapshot: mentor, lookups: lookups(two) })
    await chat.expect(`
      > absen
      < Untuk sesi yang mana?
        1. SGS-MJ-01, 08.00 WIB: Mengenal mesin jahit
        2. SGS-MK-01, 13.00 WIB: Gizi
      > 1
      < …
      > Sumiati
      < …
      > izin
      < Apa alasan izinnya?
        1. Sakit
        2. Anak sakit
        3. Urusan keluarga
        4. Lainnya
      > 2
      < Mohon periksa kembali:
        • Sesi: SGS-MJ-01, 08.00 WIB: Mengenal mesin jahit
        • Peserta: Sumiati
        • Dicatat: Izin
        • Alasan: Anak sakit
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > 1
    `)
    expect(chat.effects).toMatchObject([
      { type: 'attendance_recorded', personIds: [8], status: 'izin', reason: 'anak_sakit' },
    ])
  })

  test('no session today, and participants cannot use it', async () => {
    const none = transcript(flowRegistry, { at: AT, snapshot: mentor, lookups: lookups([]) })
    await none.expect(`
      > absen
      < Tidak ada sesi kelompok Bapak/Ibu hari ini, jadi belum ada kehadiran yang bisa dicatat.
    `)
    const other = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(today),
    })
    await other.expect(`
      > absen
      < …
    `)
    expect(other.effects).toEqual([])
  })
})
