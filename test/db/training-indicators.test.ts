/**
 * The training indicators (docs/domain.md, decision 13) on one hand-seeded programme, on the real
 * test database (PGlite, or Postgres with TEST_DATABASE_URL). Every expected value is worked out by
 * hand from the rows below, with the arithmetic beside it.
 */
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  attendanceRate,
  completionRate,
  dropOutRate,
  targetAchievement,
} from '../../src/db/queries/training-indicators.js'
import type { TrainingIndicatorScope } from '../../src/db/queries/training-indicators.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import { enrollments, people, programmes, trainingSessions } from '../../src/db/schema/index.js'
import type { AttendanceStatus } from '../../src/domain/training.js'
import { DEFAULT_PROGRAMME_SETTINGS } from '../../src/domain/training.js'
import { useTestDb } from '../harness/db.js'

const SINGOSARI = '35.07.24'
const TAJINAN = '35.07.15'
const DONOMULYO = '35.07.01' // a kecamatan with no cohort

/** 2026-12-d at hh.00 WIB (UTC+7). */
const wib = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour - 7))
const NOW = wib(1, 0)

/*
 * Programme IBU-MUDA (target 300, completion threshold 0.8). Sessions 08.00-12.00 WIB on the
 * December days shown; indicators as of 7 Dec 13.00 WIB unless a test says otherwise.
 *
 * Cohort A, Singosari: days 1 2 3 4 7 held (5); day 8 cancelled; day 9 not yet held.
 *            d1 d2 d3 d4 d7 | present | kompeten | status
 *   a1       P  P  L  P  P  |   5     |  false   | active     (+ P on the cancelled day 8)
 *   a2       P  I  P  L  A  |   3     |  true    | active
 *   a3       P  A  A  -  A  |   1     |  -       | active     (last 3: A, no row, A → drop-out)
 *   a4       P  P  -  -  -  |   2     |  -       | withdrawn  (drop-out)
 *   a5       P  P  P  I  P  |   4     |  -       | active
 *   guest    P  (not enrolled: never counted)
 * Cohort B, Tajinan: days 1 2 3 held (3); day 9 not yet held.
 *            d1 d2 d3 | present
 *   b1       P  P  P  |   3
 *   b2       L  I  A  |   1     (last 3 include an izin and a late: not a drop-out)
 *   b3       A  A  A  |   0     (drop-out)
 * Programme LAIN (target 10), cohort C, Singosari: day 1 held; c1 P.
 * (P present, L late, I izin, A absent, - no row)
 */

const handle = useTestDb('file')
let programmeId: number
let otherProgrammeId: number
let cohortA: number

beforeAll(async () => {
  const db = handle.db
  programmeId = await ensureDefaultProgramme(db)
  const inserted = await db
    .insert(programmes)
    .values({
      code: 'LAIN',
      name: 'Program lain',
      settings: { ...DEFAULT_PROGRAMME_SETTINGS, target: 10 },
    })
    .returning({ id: programmes.id })
  otherProgrammeId = inserted[0]!.id

  const person = async (name: string) => {
    const rows = await db
      .insert(people)
      .values({ name, roles: ['peserta'], regionCode: '35.07.24.2001' })
      .returning({ id: people.id })
    return rows[0]!.id
  }
  const cohort = async (programme: number, code: string, kecamatanCode: string, days: number[]) => {
    const { id } = await upsertCohort(db, {
      programmeId: programme,
      code,
      kecamatanCode,
      track: 'menjahit',
      mentorId: null,
    })
    const sessions = new Map<number, number>()
    for (const day of days) {
      const session = await upsertSession(db, {
        cohortId: id,
        date: `2026-12-0${day}`,
        startsAt: wib(day, 8),
        endsAt: wib(day, 12),
        venue: 'Balai Desa',
        topic: `Sesi ${day}`,
        checkinMode: 'kode',
        now: wib(1, 0),
      })
      sessions.set(day, session.id)
    }
    return { id, sessions }
  }
  const codes: Record<string, AttendanceStatus> = {
    P: 'present',
    L: 'late',
    I: 'izin',
    A: 'absent',
  }
  const participant = async (
    group: { id: number; sessions: Map<number, number> },
    name: string,
    marks: Record<number, string>,
    extra: { kompeten?: boolean; status?: 'withdrawn'; enrolled?: false } = {}
  ) => {
    const personId = await person(name)
    if (extra.enrolled !== false) {
      const { id } = await enroll(db, {
        cohortId: group.id,
        personId,
        now: NOW,
        timeZone: 'Asia/Jakarta',
      })
      await db
        .update(enrollments)
        .set({ kompeten: extra.kompeten ?? null, status: extra.status ?? 'active' })
        .where(eq(enrollments.id, id))
    }
    for (const [day, mark] of Object.entries(marks)) {
      await recordAttendance(db, {
        sessionId: group.sessions.get(Number(day))!,
        personId,
        status: codes[mark]!,
        method: 'mentor',
        at: wib(Number(day), 9),
      })
    }
  }

  const a = await cohort(programmeId, 'SGS-MJ-01', SINGOSARI, [1, 2, 3, 4, 7, 8, 9])
  cohortA = a.id
  await db
    .update(trainingSessions)
    .set({ cancelled: true })
    .where(eq(trainingSessions.id, a.sessions.get(8)!))
  await participant(
    a,
    'a1',
    { 1: 'P', 2: 'P', 3: 'L', 4: 'P', 7: 'P', 8: 'P' },
    { kompeten: false }
  )
  await participant(a, 'a2', { 1: 'P', 2: 'I', 3: 'P', 4: 'L', 7: 'A' }, { kompeten: true })
  await participant(a, 'a3', { 1: 'P', 2: 'A', 3: 'A', 7: 'A' })
  await participant(a, 'a4', { 1: 'P', 2: 'P' }, { status: 'withdrawn' })
  await participant(a, 'a5', { 1: 'P', 2: 'P', 3: 'P', 4: 'I', 7: 'P' })
  await participant(a, 'guest', { 1: 'P' }, { enrolled: false })

  const b = await cohort(programmeId, 'TJN-MK-01', TAJINAN, [1, 2, 3, 9])
  await participant(b, 'b1', { 1: 'P', 2: 'P', 3: 'P' })
  await participant(b, 'b2', { 1: 'L', 2: 'I', 3: 'A' })
  await participant(b, 'b3', { 1: 'A', 2: 'A', 3: 'A' })

  const c = await cohort(otherProgrammeId, 'LAIN-01', SINGOSARI, [1])
  await participant(c, 'c1', { 1: 'P' })
})

const AS_OF = wib(7, 13)
const all = (extra: Partial<TrainingIndicatorScope> = {}): TrainingIndicatorScope => ({
  programmeId,
  asOf: AS_OF,
  ...extra,
})

describe('attendanceRate', () => {
  test('present (and late) ÷ (enrolled × sessions held), summed over cohorts', async () => {
    // A: 5+3+1+2+4 = 15 present of 5 enrolled × 5 held = 25; B: 3+1+0 = 4 of 3 × 3 = 9.
    // (15 + 4) ÷ (25 + 9) = 19 ÷ 34 = 55.88… → 55.9
    expect(await attendanceRate(handle.db, all())).toEqual({
      numerator: 19,
      denominator: 34,
      value: 55.9,
    })
  })

  test('scoped to a cohort or a kecamatan', async () => {
    // A only: 15 ÷ 25 = 60.0
    expect(await attendanceRate(handle.db, all({ cohortId: cohortA }))).toEqual({
      numerator: 15,
      denominator: 25,
      value: 60,
    })
    // Tajinan = B: 4 ÷ 9 = 44.44… → 44.4
    expect(await attendanceRate(handle.db, all({ kecamatanCode: TAJINAN }))).toEqual({
      numerator: 4,
      denominator: 9,
      value: 44.4,
    })
    // Singosari in IBU-MUDA is A only (C belongs to LAIN): 15 ÷ 25.
    expect(await attendanceRate(handle.db, all({ kecamatanCode: SINGOSARI }))).toEqual({
      numerator: 15,
      denominator: 25,
      value: 60,
    })
    expect(await attendanceRate(handle.db, all({ kecamatanCode: DONOMULYO }))).toEqual({
      numerator: 0,
      denominator: 0,
      value: null,
    })
  })

  test('only sessions ended by asOf are held; rounding is half up', async () => {
    // As of 2 Dec 13.00: days 1 and 2 held in A and B.
    // A d1: 5 P; d2: a1 P, a4 P, a5 P = 3 → 8.  B d1: b1 P, b2 L = 2; d2: b1 P = 1 → 3.
    // (8 + 3) ÷ (5 × 2 + 3 × 2) = 11 ÷ 16 = 68.75 → 68.8
    expect(await attendanceRate(handle.db, all({ asOf: wib(2, 13) }))).toEqual({
      numerator: 11,
      denominator: 16,
      value: 68.8,
    })
    // As of 1 Dec 11.00 nothing has ended: 0 ÷ 0.
    expect(await attendanceRate(handle.db, all({ asOf: wib(1, 11) }))).toEqual({
      numerator: 0,
      denominator: 0,
      value: null,
    })
  })
})

describe('dropOutRate', () => {
  test('withdrawn, or absent without izin from the last 3 held sessions, ÷ enrolled', async () => {
    // a3 (A, no row, A), a4 (withdrawn), b3 (A, A, A) = 3 of 8 enrolled = 37.5
    expect(await dropOutRate(handle.db, all())).toEqual({
      numerator: 3,
      denominator: 8,
      value: 37.5,
    })
    // A: a3, a4 = 2 of 5 = 40.0
    expect(await dropOutRate(handle.db, all({ cohortId: cohortA }))).toEqual({
      numerator: 2,
      denominator: 5,
      value: 40,
    })
    // B: b3 = 1 of 3 = 33.33… → 33.3
    expect(await dropOutRate(handle.db, all({ kecamatanCode: TAJINAN }))).toEqual({
      numerator: 1,
      denominator: 3,
      value: 33.3,
    })
  })

  test('fewer than 3 sessions held: only the withdrawn drop out', async () => {
    // As of 2 Dec 13.00 (2 held): a4 = 1 of 8 = 12.5
    expect(await dropOutRate(handle.db, all({ asOf: wib(2, 13) }))).toEqual({
      numerator: 1,
      denominator: 8,
      value: 12.5,
    })
  })
})

describe('completionRate', () => {
  test('present at ≥ 80% of sessions held and kompeten not false, ÷ enrolled', async () => {
    // A needs ≥ 0.8 × 5 = 4: a1 5 but kompeten false ✗, a2 3 ✗, a3 1 ✗, a4 withdrawn ✗,
    // a5 exactly 4 ✓ → 1.  B needs ≥ 0.8 × 3 = 2.4: b1 3 ✓, b2 1 ✗, b3 0 ✗ → 1.
    // 2 ÷ 8 = 25.0
    expect(await completionRate(handle.db, all())).toEqual({
      numerator: 2,
      denominator: 8,
      value: 25,
    })
    // A: 1 ÷ 5 = 20.0
    expect(await completionRate(handle.db, all({ cohortId: cohortA }))).toEqual({
      numerator: 1,
      denominator: 5,
      value: 20,
    })
  })

  test('no session held yet: nobody has completed', async () => {
    expect(await completionRate(handle.db, all({ asOf: wib(1, 11) }))).toEqual({
      numerator: 0,
      denominator: 8,
      value: 0,
    })
  })
})

describe('targetAchievement', () => {
  test("enrolled ÷ the programme's target", async () => {
    // 8 enrolled (a1–a5, b1–b3; the withdrawn a4 was enrolled) ÷ 300 = 2.66… → 2.7
    expect(await targetAchievement(handle.db, all())).toEqual({
      numerator: 8,
      denominator: 300,
      value: 2.7,
    })
    // Singosari: 5 ÷ 300 = 1.66… → 1.7
    expect(await targetAchievement(handle.db, all({ kecamatanCode: SINGOSARI }))).toEqual({
      numerator: 5,
      denominator: 300,
      value: 1.7,
    })
    // LAIN: c1 = 1 ÷ 10 = 10.0
    expect(
      await targetAchievement(handle.db, { programmeId: otherProgrammeId, asOf: AS_OF })
    ).toEqual({ numerator: 1, denominator: 10, value: 10 })
  })
})
