import { count, eq, isNotNull } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { describe, expect, test } from 'vitest'
import { readVisitIndicators } from '../../src/db/queries/indicators.js'
import { listAllRegions } from '../../src/db/queries/regions.js'
import {
  readTrainingIndicators,
  readTrainingIndicatorsByCohort,
} from '../../src/db/queries/training-indicators.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import {
  adminSettings,
  attendance,
  broadcastRecipients,
  broadcasts,
  cohorts,
  enrollments,
  families,
  outbox,
  people,
  referrals,
  trainingSessions,
  visits,
} from '../../src/db/schema/index.js'
import { buildDemoPlan, demoWindow } from '../../src/demo/plan.js'
import { DEMO_MARKER_KEY, countPlan, findDemoMarker, seedDemo } from '../../src/demo/write.js'
import { buildRegionDirectory } from '../../src/domain/regions.js'
import { normalizePhone } from '../../src/lib/phone.js'
import { useTestDb } from '../harness/db.js'
import { recountTraining, recountVisits } from './recount.js'

/** 30 October 2026, 10.00 WIB: the demo month is October 2026, days 1 to 28. */
const NOW = new Date('2026-10-30T03:00:00Z')

describe('demo window', () => {
  test('the current month up to yesterday, or the previous month in the first week', () => {
    expect(demoWindow(NOW)).toEqual({ period: '2026-10', days: 28 })
    // 23 November 23.00 WIB: days 1 to 22 (the day before).
    expect(demoWindow(new Date('2026-11-23T16:00:00Z'))).toEqual({ period: '2026-11', days: 22 })
    // 16.30 UTC is already 24 November in WIB.
    expect(demoWindow(new Date('2026-11-23T17:30:00Z'))).toEqual({ period: '2026-11', days: 23 })
    expect(demoWindow(new Date('2026-11-12T03:00:00Z'))).toEqual({ period: '2026-11', days: 11 })
    expect(demoWindow(new Date('2026-11-03T03:00:00Z'))).toEqual({ period: '2026-10', days: 28 })
    // 31 December 23.30 WIB is still December; 1 January 00.30 WIB is January, first week.
    expect(demoWindow(new Date('2026-12-31T16:30:00Z'))).toEqual({ period: '2026-12', days: 28 })
    expect(demoWindow(new Date('2026-12-31T17:30:00Z'))).toEqual({ period: '2026-12', days: 28 })
  })
})

describe('npm run seed:demo on an empty database', () => {
  const ctx = useTestDb('file')

  test('stores the month, marked, with the counts the seed always gives', async () => {
    const result = await seedDemo(ctx.db, { now: NOW })
    expect(result.action).toBe('seeded')
    if (result.action !== 'seeded') return
    expect(result.plan.period).toBe('2026-10')
    expect(result.counts).toEqual({
      people: 536,
      cadres: 200,
      supervisors: 33,
      mentors: 2,
      participants: 300,
      families: EXPECTED.families,
      visits: EXPECTED.visits,
      referrals: EXPECTED.referrals,
      cohorts: 12,
      sessions: 96,
      enrollments: 300,
      attendance: EXPECTED.attendance,
      broadcastRecipients: 200,
    })

    const rows = async (table: PgTable) => (await ctx.db.select({ n: count() }).from(table))[0]!.n
    expect(await rows(people)).toBe(536)
    expect(await rows(families)).toBe(EXPECTED.families)
    expect(await rows(visits)).toBe(EXPECTED.visits)
    expect(await rows(referrals)).toBe(EXPECTED.referrals)
    expect(await rows(cohorts)).toBe(12)
    expect(await rows(trainingSessions)).toBe(96)
    expect(await rows(enrollments)).toBe(300)
    expect(await rows(attendance)).toBe(EXPECTED.attendance)
    expect(await rows(broadcastRecipients)).toBe(200)

    // A few likely duplicates and withdrawals, as a real month has.
    const dupes = await ctx.db
      .select({ n: count() })
      .from(visits)
      .where(isNotNull(visits.duplicateOf))
    expect(dupes[0]!.n).toBe(3)
    const withdrawn = await ctx.db
      .select({ n: count() })
      .from(visits)
      .where(eq(visits.status, 'withdrawn'))
    expect(withdrawn[0]!.n).toBe(2)
    expect(
      (
        await ctx.db
          .select({ n: count() })
          .from(enrollments)
          .where(eq(enrollments.status, 'withdrawn'))
      )[0]!.n
    ).toBe(EXPECTED.withdrawnEnrollments)

    // The finished broadcast: sent, failed and skipped add up to its recipients.
    const [broadcast] = await ctx.db.select().from(broadcasts)
    expect(broadcast).toMatchObject({ status: 'done', recipients: 200 })
    const sent = await ctx.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'sent'))
    expect(sent[0]!.n).toBe(EXPECTED.broadcastSent)

    // Marked: the marker names the seed, the month and the demo's person ids.
    const marker = await findDemoMarker(ctx.db)
    expect(marker).toMatchObject({ version: 1, period: '2026-10', people: 536 })
    expect(marker!.lastPersonId - marker!.firstPersonId + 1).toBe(536)
    // Seeding takes 20-40 s on a loaded 2-core machine, over the default 30 s.
  }, 120_000)

  test('every phone is in the reserved example range, and the admin can be typed in', async () => {
    const phones = (await ctx.db.select({ phone: people.phone }).from(people))
      .map((row) => row.phone)
      .filter((phone): phone is string => phone !== null)
    expect(phones.length).toBeGreaterThan(500)
    for (const phone of phones) expect(phone).toMatch(/^\+6281200001[0-9]{3}$/)
    const [admin] = await ctx.db
      .select({ name: people.name, roles: people.roles })
      .from(people)
      .where(eq(people.phone, normalizePhone('0812-0000-1000')!))
    expect(admin).toEqual({ name: 'Dewi Kartikasari', roles: ['admin'] })
  })

  test('the visit indicators match the hand count of the plan and the fixed figures', async () => {
    const plan = await planOf(ctx.db)
    const kabupaten = await readVisitIndicators(ctx.db, { period: '2026-10', scope: '35.07' })
    expect(kabupaten).toEqual(recountVisits(plan))
    expect(kabupaten).toEqual(EXPECTED.visitIndicators)
    const singosari = await readVisitIndicators(ctx.db, { period: '2026-10', scope: '35.07.24' })
    expect(singosari).toEqual(recountVisits(plan, '35.07.24'))
    // Nothing in the month before.
    const september = await readVisitIndicators(ctx.db, { period: '2026-09', scope: '35.07' })
    expect(september.familiesVisited).toBe(0)
  })

  test('the training indicators match the hand count, per programme and per cohort', async () => {
    const plan = await planOf(ctx.db)
    const programmeId = await ensureDefaultProgramme(ctx.db)
    const total = await readTrainingIndicators(ctx.db, { programmeId, asOf: NOW })
    expect(total).toEqual(recountTraining(plan))
    expect(total).toEqual(EXPECTED.trainingIndicators)

    const byCohort = await readTrainingIndicatorsByCohort(ctx.db, { programmeId, asOf: NOW })
    expect(byCohort.total).toEqual(total)
    const ids = await ctx.db.select({ id: cohorts.id, code: cohorts.code }).from(cohorts)
    for (const [index, cohort] of plan.cohorts.entries()) {
      const id = ids.find((row) => row.code === cohort.code)!.id
      const own = await readTrainingIndicators(ctx.db, { programmeId, cohortId: id, asOf: NOW })
      expect(own).toEqual(recountTraining(plan, index))
      expect(byCohort.cohorts.get(id)).toEqual({ ...own, enrolled: 25 })
    }
  })

  test('a second run finds the demo and changes nothing', async () => {
    const again = await seedDemo(ctx.db, { now: new Date('2026-11-20T03:00:00Z') })
    expect(again).toMatchObject({ action: 'already', marker: { period: '2026-10' } })
    expect((await ctx.db.select({ n: count() }).from(people))[0]!.n).toBe(536)
  })

  test('the same seed and moment always give the same plan', async () => {
    const regions = buildRegionDirectory(await listAllRegions(ctx.db))
    const a = buildDemoPlan({ regions, now: NOW })
    const b = buildDemoPlan({ regions, now: NOW })
    expect(b).toEqual(a)
    expect(countPlan(a).visits).toBe(EXPECTED.visits)
    // Another moment moves the dates, never the counts.
    const later = buildDemoPlan({ regions, now: new Date('2026-11-23T03:00:00Z') })
    expect(countPlan(later)).toEqual(countPlan(a))
    expect(later.period).toBe('2026-11')
    expect(
      later.visits.every((v) => v.visitDate >= '2026-11-01' && v.visitDate <= '2026-11-22')
    ).toBe(true)
  })
})

/** The plan the seeding stored (rebuilt from the same regions, seed and moment). */
async function planOf(db: Parameters<typeof listAllRegions>[0]) {
  const marker = await db.select().from(adminSettings).where(eq(adminSettings.key, DEMO_MARKER_KEY))
  expect(marker).toHaveLength(1)
  return buildDemoPlan({ regions: buildRegionDirectory(await listAllRegions(db)), now: NOW })
}

/** The fixed figures of seed 20251 on 30 October 2026 (checked against the recount above). */
const EXPECTED = {
  families: 991,
  visits: 1067,
  referrals: 111,
  attendance: 2355,
  withdrawnEnrollments: 9,
  broadcastSent: 187,
  visitIndicators: {
    visitsPerCadre: { visits: 1065, activeCadres: 168, value: 6.3 },
    activeCadreRate: { active: 168, registered: 200, value: 84 },
    familiesVisited: 867,
    referralCompletion: { closed: 49, made: 111, value: 44.1 },
    krsCoverage: { visited: 225, known: 275, value: 81.8 },
    kbParticipation: { modern: 269, pusVisited: 482, value: 55.8 },
  },
  trainingIndicators: {
    attendanceRate: { numerator: 1917, denominator: 2400, value: 79.9 },
    dropOutRate: { numerator: 28, denominator: 300, value: 9.3 },
    completionRate: { numerator: 185, denominator: 300, value: 61.7 },
    targetAchievement: { numerator: 300, denominator: 300, value: 100 },
  },
}
