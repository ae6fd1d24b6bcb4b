/**
 * The training queries on the real test database (PGlite, or Postgres with TEST_DATABASE_URL):
 * the default programme, cohorts, sessions with check-in codes, enrollments, the lists the bot
 * shows, the check-in window, attendance, reminders and the automatic absences.
 */
import { asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import {
  listConsecutiveAbsences,
  markAbsentAfterSession,
  recordAttendance,
} from '../../src/db/queries/attendance.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import {
  ProgrammeNotFoundError,
  ensureDefaultProgramme,
  findSettingsForPerson,
  getProgrammeSettings,
} from '../../src/db/queries/training-programmes.js'
import {
  findCheckinSession,
  listSessionsForMentor,
  listUpcomingSessionsForPerson,
  upsertSession,
} from '../../src/db/queries/training-sessions.js'
import {
  attendance,
  enrollments,
  people,
  programmes,
  trainingSessions,
} from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { DEFAULT_PROGRAMME_CODE, DEFAULT_PROGRAMME_SETTINGS } from '../../src/domain/training.js'
import { useTestDb } from '../harness/db.js'

const SINGOSARI = '35.07.24'
const TAJINAN = '35.07.15'
const WONOREJO = '35.07.24.2001'
const NOW = new Date('2026-11-23T03:00:00Z') // 10.00 WIB

/** 2026-12-0d at hh.mm WIB (UTC+7). */
const wib = (day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 11, day, hour - 7, minute))

const handle = useTestDb()

async function person(name: string, roles: Role[], regionCode = WONOREJO): Promise<number> {
  const rows = await handle.db
    .insert(people)
    .values({ name, roles, regionCode })
    .returning({ id: people.id })
  return rows[0]!.id
}

/** A programme, a mentor, one cohort and sessions on the given December days, 08.00-12.00 WIB. */
async function seedCohort(code: string, days: number[], kecamatanCode = SINGOSARI) {
  const db = handle.db
  const programmeId = await ensureDefaultProgramme(db)
  const mentorId = await person(`Mentor ${code}`, ['mentor'], kecamatanCode)
  const cohort = await upsertCohort(db, {
    programmeId,
    code,
    kecamatanCode,
    track: 'menjahit',
    mentorId,
  })
  const sessionIds: number[] = []
  for (const day of days) {
    const session = await upsertSession(db, {
      cohortId: cohort.id,
      date: `2026-12-${String(day).padStart(2, '0')}`,
      startsAt: wib(day, 8),
      endsAt: wib(day, 12),
      venue: 'Balai Desa Ardimulyo',
      topic: `Sesi ${day}`,
      checkinMode: 'kode',
      now: wib(1, 0),
    })
    sessionIds.push(session.id)
  }
  return { programmeId, mentorId, cohortId: cohort.id, sessionIds }
}

describe('programme', () => {
  test('ensureDefaultProgramme is idempotent and stores the default settings', async () => {
    const first = await ensureDefaultProgramme(handle.db)
    const second = await ensureDefaultProgramme(handle.db)
    expect(second).toBe(first)
    const rows = await handle.db.select().from(programmes)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ code: DEFAULT_PROGRAMME_CODE, name: 'Pelatihan Ibu Muda' })
    expect(await getProgrammeSettings(handle.db, first)).toEqual(DEFAULT_PROGRAMME_SETTINGS)
  })

  test('getProgrammeSettings fills missing keys from the defaults and throws for no programme', async () => {
    const id = await ensureDefaultProgramme(handle.db)
    await handle.db
      .update(programmes)
      .set({ settings: { target: 50 } as never })
      .where(eq(programmes.id, id))
    expect(await getProgrammeSettings(handle.db, id)).toEqual({
      ...DEFAULT_PROGRAMME_SETTINGS,
      target: 50,
    })
    await expect(getProgrammeSettings(handle.db, id + 99)).rejects.toBeInstanceOf(
      ProgrammeNotFoundError
    )
  })
})

describe('upsertCohort', () => {
  test('inserts, leaves an identical cohort unchanged, updates a changed one', async () => {
    const programmeId = await ensureDefaultProgramme(handle.db)
    const mentor = await person('Sri Wahyuni', ['mentor'], SINGOSARI)
    const other = await person('Endang', ['mentor'], SINGOSARI)
    const params = {
      programmeId,
      code: 'SGS-MJ-01',
      kecamatanCode: SINGOSARI,
      track: 'menjahit' as const,
      mentorId: mentor,
    }
    const first = await upsertCohort(handle.db, params)
    expect(first.action).toBe('inserted')
    expect(await upsertCohort(handle.db, params)).toEqual({ id: first.id, action: 'unchanged' })
    expect(await upsertCohort(handle.db, { ...params, mentorId: other })).toEqual({
      id: first.id,
      action: 'updated',
    })
    expect(await upsertCohort(handle.db, { ...params, mentorId: null })).toEqual({
      id: first.id,
      action: 'updated',
    })
  })
})

describe('upsertSession', () => {
  test('a 4-digit code on insert, kept on update; changed only when time or place moves', async () => {
    const { cohortId, sessionIds } = await seedCohort('SGS-MJ-01', [1])
    const [stored] = await handle.db.select().from(trainingSessions)
    expect(stored!.checkinCode).toMatch(/^\d{4}$/)
    const base = {
      cohortId,
      date: '2026-12-01',
      startsAt: wib(1, 8),
      endsAt: wib(1, 12),
      venue: 'Balai Desa Ardimulyo',
      topic: 'Sesi 1',
      checkinMode: 'kode' as const,
      now: wib(1, 0),
    }
    expect(await upsertSession(handle.db, base)).toEqual({
      id: sessionIds[0],
      action: 'unchanged',
      changed: false,
    })
    expect(await upsertSession(handle.db, { ...base, topic: 'Pola dasar' })).toEqual({
      id: sessionIds[0],
      action: 'updated',
      changed: false,
    })
    expect(
      await upsertSession(handle.db, { ...base, topic: 'Pola dasar', startsAt: wib(1, 9) })
    ).toEqual({ id: sessionIds[0], action: 'updated', changed: true })
    expect(
      await upsertSession(handle.db, {
        ...base,
        topic: 'Pola dasar',
        startsAt: wib(1, 9),
        lat: -7.873,
        lng: 112.668,
        checkinMode: 'keduanya',
      })
      // Coordinates and the check-in mode are not news to participants: they read the venue.
    ).toEqual({ id: sessionIds[0], action: 'updated', changed: false })
    const after = await handle.db.select().from(trainingSessions)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({
      checkinCode: stored!.checkinCode,
      startsAt: wib(1, 9),
      topic: 'Pola dasar',
      lat: -7.873,
      lng: 112.668,
      checkinMode: 'keduanya',
    })
  })
})

describe('enroll', () => {
  test('minor by birth year at now (WIB year), idempotent, birth year kept when not given', async () => {
    const { cohortId } = await seedCohort('SGS-MJ-01', [])
    const nur = await person('Nur Aini', ['peserta'])
    const putri = await person('Putri', ['peserta'])
    const first = await enroll(handle.db, {
      cohortId,
      personId: nur,
      birthYear: 2003,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    expect(first).toMatchObject({ action: 'inserted', minor: false })
    expect(
      await enroll(handle.db, { cohortId, personId: nur, now: NOW, timeZone: 'Asia/Jakarta' })
    ).toEqual({
      id: first.id,
      action: 'unchanged',
      minor: false,
    })
    // 2026 − 2010 = 16 < 18.
    expect(
      await enroll(handle.db, {
        cohortId,
        personId: putri,
        birthYear: 2010,
        now: NOW,
        timeZone: 'Asia/Jakarta',
      })
    ).toMatchObject({ action: 'inserted', minor: true })
    // A corrected birth year updates the flag.
    expect(
      await enroll(handle.db, {
        cohortId,
        personId: putri,
        birthYear: 2000,
        now: NOW,
        timeZone: 'Asia/Jakarta',
      })
    ).toMatchObject({ action: 'updated', minor: false })
    const rows = await handle.db.select().from(enrollments).orderBy(asc(enrollments.id))
    expect(rows.map((row) => [row.personId, row.birthYear, row.minor, row.status])).toEqual([
      [nur, 2003, false, 'active'],
      [putri, 2000, false, 'active'],
    ])
  })
})

describe('session lists', () => {
  test('upcoming sessions of active enrollments, not cancelled, from a moment, with a limit', async () => {
    const a = await seedCohort('SGS-MJ-01', [1, 2, 3, 4])
    const b = await seedCohort('TJN-MK-01', [2], TAJINAN)
    const nur = await person('Nur Aini', ['peserta'])
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    const other = await enroll(handle.db, {
      cohortId: b.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    await handle.db
      .update(enrollments)
      .set({ status: 'withdrawn' })
      .where(eq(enrollments.id, other.id))
    await handle.db
      .update(trainingSessions)
      .set({ cancelled: true })
      .where(eq(trainingSessions.id, a.sessionIds[2]!))

    const list = await listUpcomingSessionsForPerson(handle.db, {
      personId: nur,
      from: wib(2, 8),
      limit: 5,
    })
    // Day 1 is before `from`, day 3 cancelled, TJN withdrawn: days 2 and 4 of SGS.
    expect(list.map((s) => [s.sessionId, s.date, s.cohortCode, s.track, s.venue])).toEqual([
      [a.sessionIds[1], '2026-12-02', 'SGS-MJ-01', 'menjahit', 'Balai Desa Ardimulyo'],
      [a.sessionIds[3], '2026-12-04', 'SGS-MJ-01', 'menjahit', 'Balai Desa Ardimulyo'],
    ])
    expect(list[0]).not.toHaveProperty('checkinCode')
    const one = await listUpcomingSessionsForPerson(handle.db, {
      personId: nur,
      from: wib(1, 0),
      limit: 1,
    })
    expect(one.map((s) => s.sessionId)).toEqual([a.sessionIds[0]])
  })

  test("a mentor's sessions that have not ended, with the check-in code", async () => {
    const a = await seedCohort('SGS-MJ-01', [1, 2])
    await seedCohort('TJN-MK-01', [1], TAJINAN)
    // 1 Dec 10.00 WIB: session 1 is under way, so it is still listed.
    const list = await listSessionsForMentor(handle.db, {
      mentorId: a.mentorId,
      from: wib(1, 10),
      limit: 10,
    })
    expect(list.map((s) => s.sessionId)).toEqual(a.sessionIds)
    expect(list[0]!.checkinCode).toMatch(/^\d{4}$/)
    const later = await listSessionsForMentor(handle.db, {
      mentorId: a.mentorId,
      from: wib(1, 12),
      limit: 10,
    })
    expect(later.map((s) => s.sessionId)).toEqual([a.sessionIds[1]])
  })
})

describe('findCheckinSession', () => {
  test('the session whose window (30 min before to 60 min after the start) contains the moment', async () => {
    const a = await seedCohort('SGS-MJ-01', [1, 2])
    const nur = await person('Nur Aini', ['peserta'])
    const stranger = await person('Orang Lain', ['peserta'])
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    const find = (personId: number, at: Date) => findCheckinSession(handle.db, { personId, at })

    expect((await find(nur, wib(1, 7, 30)))?.sessionId).toBe(a.sessionIds[0]) // opens
    expect((await find(nur, wib(1, 9, 0)))?.sessionId).toBe(a.sessionIds[0]) // closes
    expect(await find(nur, wib(1, 7, 29))).toBeUndefined()
    expect(await find(nur, wib(1, 9, 1))).toBeUndefined()
    const second = await find(nur, wib(2, 8, 10))
    expect(second).toMatchObject({
      sessionId: a.sessionIds[1],
      checkinMode: 'kode',
      radiusMeters: 200, // the programme's default radius
    })
    expect(second!.checkinCode).toMatch(/^\d{4}$/)
    expect(await find(stranger, wib(1, 8))).toBeUndefined()
  })

  test("the window and radius are the session's programme's settings, not the defaults", async () => {
    const a = await seedCohort('SGS-MJ-01', [1])
    await handle.db
      .update(programmes)
      .set({
        settings: {
          ...DEFAULT_PROGRAMME_SETTINGS,
          checkinOpensMinutes: 10,
          checkinClosesMinutes: 120,
          checkinRadiusMeters: 350,
        },
      })
      .where(eq(programmes.id, a.programmeId))
    const nur = await person('Nur Aini', ['peserta'])
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    const find = (at: Date) => findCheckinSession(handle.db, { personId: nur, at })
    expect(await find(wib(1, 7, 49))).toBeUndefined()
    expect((await find(wib(1, 7, 50)))?.sessionId).toBe(a.sessionIds[0])
    expect(await find(wib(1, 10, 0))).toMatchObject({ radiusMeters: 350 })
    expect(await find(wib(1, 10, 1))).toBeUndefined()
  })

  test("findSettingsForPerson: the programme of the participant's active enrollment", async () => {
    const a = await seedCohort('SGS-MJ-01', [1])
    await handle.db
      .update(programmes)
      .set({ settings: { ...DEFAULT_PROGRAMME_SETTINGS, checkinOpensMinutes: 10 } })
      .where(eq(programmes.id, a.programmeId))
    const nur = await person('Nur Aini', ['peserta'])
    expect(await findSettingsForPerson(handle.db, nur)).toBeUndefined()
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    expect(await findSettingsForPerson(handle.db, nur)).toMatchObject({
      checkinOpensMinutes: 10,
      checkinClosesMinutes: 60,
    })
  })
})

describe('attendance', () => {
  test('recordAttendance is idempotent per session and person', async () => {
    const a = await seedCohort('SGS-MJ-01', [1])
    const nur = await person('Nur Aini', ['peserta'])
    const params = {
      sessionId: a.sessionIds[0]!,
      personId: nur,
      status: 'present' as const,
      method: 'kode',
      at: wib(1, 7, 50),
    }
    expect(await recordAttendance(handle.db, params)).toBe('recorded')
    expect(await recordAttendance(handle.db, { ...params, status: 'late' })).toBe('already')
    const rows = await handle.db.select().from(attendance)
    expect(rows.map((row) => [row.status, row.method, row.at])).toEqual([
      ['present', 'kode', wib(1, 7, 50)],
    ])
  })

  test('markAbsentAfterSession marks active enrollees without a row, once', async () => {
    const a = await seedCohort('SGS-MJ-01', [1])
    const [nur, lilis, putri, ani] = [
      await person('Nur Aini', ['peserta']),
      await person('Lilis', ['peserta']),
      await person('Putri', ['peserta']),
      await person('Ani', ['peserta']),
    ]
    for (const personId of [nur, lilis, putri, ani]) {
      await enroll(handle.db, {
        cohortId: a.cohortId,
        personId,
        now: NOW,
        timeZone: 'Asia/Jakarta',
      })
    }
    await handle.db
      .update(enrollments)
      .set({ status: 'withdrawn' })
      .where(eq(enrollments.personId, ani))
    const sessionId = a.sessionIds[0]!
    await recordAttendance(handle.db, {
      sessionId,
      personId: nur,
      status: 'present',
      method: 'kode',
      at: wib(1, 8),
    })
    await recordAttendance(handle.db, {
      sessionId,
      personId: lilis,
      status: 'izin',
      method: 'izin',
      reason: 'anak_sakit',
      at: wib(1, 6),
    })
    expect(await markAbsentAfterSession(handle.db, { sessionId, at: wib(1, 13) })).toEqual([putri])
    expect(await markAbsentAfterSession(handle.db, { sessionId, at: wib(1, 14) })).toEqual([])
    const rows = await handle.db.select().from(attendance).where(eq(attendance.personId, putri))
    expect(rows.map((row) => [row.status, row.method, row.at])).toEqual([
      ['absent', 'auto', wib(1, 13)],
    ])
  })

  test('markAbsentAfterSession does nothing for a cancelled session', async () => {
    const a = await seedCohort('SGS-MJ-01', [1])
    const nur = await person('Nur Aini', ['peserta'])
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    await handle.db.update(trainingSessions).set({ cancelled: true })
    expect(
      await markAbsentAfterSession(handle.db, { sessionId: a.sessionIds[0]!, at: wib(1, 13) })
    ).toEqual([])
  })

  test('listConsecutiveAbsences counts back from the latest held session', async () => {
    const a = await seedCohort('SGS-MJ-01', [1, 2, 3, 4, 7])
    const nur = await person('Nur Aini', ['peserta'])
    await enroll(handle.db, {
      cohortId: a.cohortId,
      personId: nur,
      now: NOW,
      timeZone: 'Asia/Jakarta',
    })
    const [s1, s2, s3, s4] = a.sessionIds
    const mark = (sessionId: number, status: 'present' | 'izin' | 'absent') =>
      recordAttendance(handle.db, { sessionId, personId: nur, status, method: 'x', at: NOW })
    await mark(s1!, 'present')
    await mark(s2!, 'absent')
    await mark(s3!, 'absent')
    // Rows: present, absent, absent; day 4 has no row yet, day 7 not held.
    expect(await listConsecutiveAbsences(handle.db, { personId: nur, cohortId: a.cohortId })).toBe(
      2
    )
    // As of 4 Dec 13.00 day 4 is held and has no row: counted absent → 3.
    expect(
      await listConsecutiveAbsences(handle.db, {
        personId: nur,
        cohortId: a.cohortId,
        asOf: wib(4, 13),
      })
    ).toBe(3)
    await mark(s4!, 'izin')
    expect(
      await listConsecutiveAbsences(handle.db, {
        personId: nur,
        cohortId: a.cohortId,
        asOf: wib(4, 13),
      })
    ).toBe(0)
  })
})
