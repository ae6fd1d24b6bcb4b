/**
 * `listDaftarHadir`, the data of the daily attendance export: the paper sheet's
 * order (cohort, session date, participant name), numbered per session; cancelled sessions and
 * withdrawn participants left out; the reader's region scope on whole code segments.
 */
import { eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { listDaftarHadir } from '../../src/db/queries/attendance.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { cancelSession } from '../../src/db/queries/training-sessions.js'
import { enrollments } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'
import { enrolParticipants, morningSession, wib } from '../harness/training-db.js'

const handle = useTestDb()

test('two cohorts, two days, one cancelled session, one withdrawn participant', async () => {
  const db = handle.db
  const programmeId = await ensureDefaultProgramme(db)
  const now = wib('2026-11-20T10:00')
  const cohortOf = async (code: string, kecamatanCode: string) =>
    (
      await upsertCohort(db, {
        programmeId,
        code,
        kecamatanCode,
        track: 'menjahit',
        mentorId: null,
      })
    ).id
  // Created out of order, to show the list sorts.
  const tajinan = await cohortOf('TJN-MJ-01', '35.07.15')
  const singosari = await cohortOf('SGS-MJ-01', '35.07.24')
  const sessions: Record<string, number> = {}
  for (const [key, cohortId, day] of [
    ['T2', tajinan, 2],
    ['T1', tajinan, 1],
    ['S2', singosari, 2],
    ['S1', singosari, 1],
  ] as const) {
    const made = await morningSession(db, {
      cohortId,
      date: `2026-12-0${day}`,
      venue: 'Balai Desa',
      topic: `Sesi ${day}`,
      now,
    })
    sessions[key] = made.id
  }
  await cancelSession(db, { sessionId: sessions.T2!, now })
  const people = {
    ...(await enrolParticipants(db, singosari, now, [
      { name: 'Wati' },
      { name: 'Ani', regionCode: '35.07.24.2001' },
      { name: 'Yuni' }, // withdrawn below
    ])),
    ...(await enrolParticipants(db, tajinan, now, [{ name: 'Dewi', regionCode: '35.07.15.2001' }])),
  }
  await db
    .update(enrollments)
    .set({ status: 'withdrawn' })
    .where(eq(enrollments.personId, people.Yuni))
  await recordAttendance(db, {
    sessionId: sessions.S1!,
    personId: people.Wati,
    status: 'late',
    method: 'kode',
    at: wib('2026-12-01T08:10'),
  })
  await recordAttendance(db, {
    sessionId: sessions.S1!,
    personId: people.Ani,
    status: 'izin',
    method: 'izin',
    reason: 'anak_sakit',
    at: wib('2026-11-30T19:00'),
  })

  const all = await listDaftarHadir(db, {
    regionPrefix: '35.07',
    from: '2026-12-01',
    to: '2026-12-02',
  })
  expect(
    all.map((r) => [r.cohortCode, r.sessionDate, r.no, r.name, r.status, r.reason, r.recordedAt])
  ).toEqual([
    ['SGS-MJ-01', '2026-12-01', 1, 'Ani', 'izin', 'anak_sakit', wib('2026-11-30T19:00')],
    ['SGS-MJ-01', '2026-12-01', 2, 'Wati', 'late', null, wib('2026-12-01T08:10')],
    ['SGS-MJ-01', '2026-12-02', 1, 'Ani', null, null, null],
    ['SGS-MJ-01', '2026-12-02', 2, 'Wati', null, null, null],
    ['TJN-MJ-01', '2026-12-01', 1, 'Dewi', null, null, null],
  ])
  expect(all[0]).toMatchObject({
    personId: people.Ani,
    desaCode: '35.07.24.2001',
    desaName: 'Wonorejo',
    kecamatanCode: '35.07.24',
    kecamatanName: 'Singosari',
    track: 'menjahit',
  })
  // One cohort, one day; a kecamatan scope; "35.07.2" is not a prefix of "35.07.24".
  const one = await listDaftarHadir(db, {
    cohortCode: 'TJN-MJ-01',
    regionPrefix: '35.07.15',
    from: '2026-12-01',
    to: '2026-12-01',
  })
  expect(one.map((r) => r.name)).toEqual(['Dewi'])
  expect(
    await listDaftarHadir(db, { regionPrefix: '35.07.2', from: '2026-12-01', to: '2026-12-02' })
  ).toEqual([])
})
