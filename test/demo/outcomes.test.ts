/**
 * The demo's training evidence (src/demo/outcomes.ts) read back through the real queries: the
 * effectiveness figures of the ibu-muda programme have graduates behind them and sensible values,
 * each graduate has her certificate, the follow-up waves were answered at a believable rate, and
 * the figures are the hand count of the plan, the same for the same seed.
 */
import { and, count, eq, inArray } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { completeCohort } from '../../src/db/queries/follow-up.js'
import { listAllRegions } from '../../src/db/queries/regions.js'
import { readTrainingEffectiveness } from '../../src/db/queries/training-indicators.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import {
  baselineSurveys,
  certificates,
  cohorts,
  enrollments,
  followUpSurveys,
} from '../../src/db/schema/index.js'
import { DEMO_ANSWERED_WAVES } from '../../src/demo/outcomes.js'
import { DEMO_FINISHED_COHORTS, type DemoPlan, buildDemoPlan } from '../../src/demo/plan.js'
import { seedDemo } from '../../src/demo/write.js'
import { buildRegionDirectory } from '../../src/domain/regions.js'
import { INCOME_BRACKETS, ONLINE_SALES_CHANNELS } from '../../src/domain/training.js'
import { useTestDb } from '../harness/db.js'

/** 30 October 2026, 10.00 WIB, as the other demo tests. */
const NOW = new Date('2026-10-30T03:00:00Z')
const ctx = useTestDb('file')
let plan: DemoPlan
let programmeId: number

beforeAll(async () => {
  const seeded = await seedDemo(ctx.db, { now: NOW })
  if (seeded.action !== 'seeded') throw new Error('the demo was not seeded')
  plan = seeded.plan
  programmeId = await ensureDefaultProgramme(ctx.db)
})

const rows = async (table: typeof certificates | typeof baselineSurveys) =>
  (await ctx.db.select({ n: count() }).from(table))[0]!.n

describe('the demo’s training evidence', () => {
  test('the effectiveness figures have graduates behind them and values in range', async () => {
    const figures = await readTrainingEffectiveness(ctx.db, { programmeId, asOf: NOW })
    for (const change of [figures.businessStartChange, figures.onlineSellingChange]) {
      expect(change.n).toBeGreaterThan(30)
      for (const share of [change.baseline, change.latest]) {
        expect(share.denominator).toBe(change.n)
        expect(share.value).toBeGreaterThanOrEqual(0)
        expect(share.value).toBeLessThanOrEqual(100)
      }
      // A training that works: more own businesses and more online selling than before it.
      expect(change.change).toBeGreaterThan(0)
      expect(change.change).toBeLessThanOrEqual(100)
    }
    expect(figures.incomeBracketUp.denominator).toBeGreaterThan(30)
    expect(figures.incomeBracketUp.value).toBeGreaterThan(10)
    expect(figures.incomeBracketUp.value).toBeLessThan(70)
    // Most who were marked are kompeten, a few belum.
    expect(figures.kompetenRate.value).toBeGreaterThan(80)
    expect(figures.kompetenRate.value).toBeLessThan(100)
    expect(figures.tracerResponseRate.value).toBeGreaterThanOrEqual(60)
    expect(figures.tracerResponseRate.value).toBeLessThanOrEqual(75)
    // The same figures as counted by hand from the plan, and as fixed for this seed.
    expect(figures).toEqual(recountEffectiveness(plan))
    expect(figures).toEqual(EXPECTED)
  })

  test('every graduate has a certificate, sent by chat; nobody else has one', async () => {
    const graduates = await ctx.db
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(eq(enrollments.status, 'completed'))
    expect(graduates.length).toBe(plan.outcomes.graduates.length)
    expect(graduates.length).toBeGreaterThan(60)
    const issued = await ctx.db
      .select({ enrollmentId: certificates.enrollmentId, sentAt: certificates.sentAt })
      .from(certificates)
    expect(issued.map((c) => c.enrollmentId).sort()).toEqual(graduates.map((g) => g.id).sort())
    expect(issued.every((c) => c.sentAt !== null)).toBe(true)
  })

  test('each answered wave was answered by 60-75% of the graduates; the +6-month wave waits', async () => {
    const graduates = plan.outcomes.graduates.length
    for (const wave of DEMO_ANSWERED_WAVES) {
      const [answered] = await ctx.db
        .select({ n: count() })
        .from(followUpSurveys)
        .where(and(eq(followUpSurveys.wave, wave), eq(followUpSurveys.status, 'answered')))
      const rate = (answered!.n / graduates) * 100
      expect(rate, `wave ${wave}`).toBeGreaterThanOrEqual(60)
      expect(rate, `wave ${wave}`).toBeLessThanOrEqual(75)
    }
    const six = await ctx.db
      .select({ status: followUpSurveys.status, n: count() })
      .from(followUpSurveys)
      .where(eq(followUpSurveys.wave, 6))
      .groupBy(followUpSurveys.status)
    expect(six).toEqual([{ status: 'planned', n: graduates }])
  })

  test('most participants, in finished and running cohorts alike, have a baseline', async () => {
    const enrolled = plan.enrollments.length
    const baselines = await rows(baselineSurveys)
    expect(baselines).toBe(plan.outcomes.baselines.length)
    expect(baselines / enrolled).toBeGreaterThan(0.75)
    expect(baselines / enrolled).toBeLessThan(0.95)
    const running = await cohortIdsOf(plan.cohorts.slice(DEMO_FINISHED_COHORTS))
    const [ofRunning] = await ctx.db
      .select({ n: count() })
      .from(baselineSurveys)
      .innerJoin(enrollments, eq(enrollments.id, baselineSurveys.enrollmentId))
      .where(
        inArray(
          enrollments.cohortId,
          running.map((c) => c.id)
        )
      )
    expect(ofRunning!.n).toBeGreaterThan(100)
  })

  test('the completion rule agrees with the plan: completing the finished cohorts again finds nobody', async () => {
    const finished = await cohortIdsOf(plan.cohorts.slice(0, DEMO_FINISHED_COHORTS))
    expect(finished).toHaveLength(DEMO_FINISHED_COHORTS)
    for (const cohort of finished) {
      expect(await completeCohort(ctx.db, { cohortId: cohort.id, now: NOW })).toEqual([])
    }
  })

  test('the same seed gives the same outcomes; another seed other ones', async () => {
    const regions = buildRegionDirectory(await listAllRegions(ctx.db))
    expect(buildDemoPlan({ regions, now: NOW }).outcomes).toEqual(plan.outcomes)
    const other = buildDemoPlan({ regions, now: NOW, seed: 7 })
    expect(recountEffectiveness(other)).not.toEqual(recountEffectiveness(plan))
  })
})

/** The stored ids of the plan's cohorts, by their codes. */
const cohortIdsOf = (planned: readonly { code: string }[]) =>
  ctx.db
    .select({ id: cohorts.id })
    .from(cohorts)
    .where(
      inArray(
        cohorts.code,
        planned.map((c) => c.code)
      )
    )

const pct = (n: number, d: number) => ({
  numerator: n,
  denominator: d,
  value: d === 0 ? null : Math.round((n / d) * 1000) / 10,
})

/**
 * The five effectiveness figures counted from the plan the way one would by hand: graduates who
 * answered a baseline with consent and a follow-up wave, the latest wave answered against the
 * baseline.
 */
function recountEffectiveness(demo: DemoPlan) {
  const { outcomes } = demo
  const baseline = new Map(
    outcomes.baselines.flatMap((b) => (b.answers ? [[b.enrollment, b.answers] as const] : []))
  )
  const latest = new Map<number, NonNullable<(typeof outcomes.followUps)[number]['answers']>>()
  for (const wave of [...outcomes.followUps].sort((a, b) => a.wave - b.wave)) {
    if (wave.status === 'answered' && wave.answers) latest.set(wave.enrollment, wave.answers)
  }
  const pairs = outcomes.graduates.flatMap((g) => {
    const before = baseline.get(g)
    const after = latest.get(g)
    return before && after ? [{ before, after }] : []
  })
  const online = (s: { businessStarted: boolean; channels: string[] | null }) =>
    s.businessStarted && (s.channels ?? []).some((c) => ONLINE_SALES_CHANNELS.includes(c))
  const change = (holds: (s: (typeof pairs)[number]['before']) => boolean) => {
    const before = pairs.filter((p) => holds(p.before)).length
    const after = pairs.filter((p) => holds(p.after)).length
    return {
      n: pairs.length,
      baseline: pct(before, pairs.length),
      latest: pct(after, pairs.length),
      change: pairs.length === 0 ? null : Math.round(((after - before) * 1000) / pairs.length) / 10,
    }
  }
  const rank = (bracket: string) => (INCOME_BRACKETS as readonly string[]).indexOf(bracket)
  const marked = outcomes.kompeten
  return {
    businessStartChange: change((s) => s.businessStarted),
    onlineSellingChange: change(online),
    incomeBracketUp: pct(
      pairs.filter((p) => rank(p.after.incomeBracket) > rank(p.before.incomeBracket)).length,
      pairs.length
    ),
    tracerResponseRate: pct(latest.size, outcomes.graduates.length),
    kompetenRate: pct(marked.filter((k) => k.kompeten).length, marked.length),
  }
}

/** The figures of seed 20251 on 30 October 2026 (checked against the recount above). */
const EXPECTED = {
  businessStartChange: {
    n: 51,
    baseline: { numerator: 11, denominator: 51, value: 21.6 },
    latest: { numerator: 28, denominator: 51, value: 54.9 },
    change: 33.3,
  },
  onlineSellingChange: {
    n: 51,
    baseline: { numerator: 3, denominator: 51, value: 5.9 },
    latest: { numerator: 12, denominator: 51, value: 23.5 },
    change: 17.6,
  },
  incomeBracketUp: { numerator: 16, denominator: 51, value: 31.4 },
  tracerResponseRate: { numerator: 64, denominator: 90, value: 71.1 },
  kompetenRate: { numerator: 129, denominator: 144, value: 89.6 },
}
