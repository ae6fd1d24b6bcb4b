/**
 * Effectiveness as change from the baseline (docs/domain.md, decision 18), on hand-seeded rows of
 * the real test database. Every figure is worked out by hand below; a graduate who answered only
 * the baseline, one who answered only a follow-up and one who declined the baseline are left out
 * of the changes (n = those who answered both).
 */
import { expect, test } from 'vitest'
import {
  businessStartChange,
  incomeBracketUp,
  kompetenRate,
  onlineSellingChange,
  tracerResponseRate,
} from '../../src/db/queries/training-indicators.js'
import { enroll, ensureDefaultProgramme, upsertCohort } from '../../src/db/queries/training.js'
import { baselineSurveys, enrollments, followUpSurveys } from '../../src/db/schema/index.js'
import { eq } from 'drizzle-orm'
import { useTestDb } from '../harness/db.js'
import { seedPerson } from '../harness/visits-db.js'

const handle = useTestDb()
const at = (day: number) => new Date(Date.UTC(2027, 0, day, 3))
const AS_OF = at(31)

type Survey = { business: boolean; channels?: string[]; income: string }

/*
 * Graduates of one cohort (completed 1 Jan 2027), baseline → follow-ups (wave: answers):
 *   A  no business, none        → w1 business wa lt500k, w3 business langsung 500k_1m (latest w3)
 *   B  business langsung lt500k → w1 business wa+langsung lt500k
 *   C  no business, none        → w1 no business, none
 *   D  no business, none        → (no follow-up answered)           left out: baseline only
 *   E  (no baseline)            → w1 business facebook gt2m         left out: follow-up only
 *   F  (baseline declined)      → w1 business wa 1m_2m              left out: declined
 * Answered both: A, B, C → n = 3.
 *   business: baseline B = 1/3 = 33.3; latest A, B = 2/3 = 66.7; change (2 − 1)/3 = +33.3 pp
 *   online:   baseline none (B sells langsung) = 0/3 = 0; latest B (wa) = 1/3 = 33.3 (A's
 *             latest wave sells langsung only); change +33.3 pp
 *   income up: A none → 500k_1m; B and C the same → 1/3 = 33.3
 *   tracer response: answered a follow-up A, B, C, E, F of 6 graduates = 5/6 = 83.3
 *   kompeten: A, B kompeten, C belum, D not marked, a withdrawn kompeten left out → 2/3 = 66.7
 */
test('changes from the baseline, only over graduates who answered both, with n', async () => {
  const db = handle.db
  const programmeId = await ensureDefaultProgramme(db)
  const { id: cohortId } = await upsertCohort(db, {
    programmeId,
    code: 'SGS-MJ-01',
    kecamatanCode: '35.07.24',
    track: 'menjahit',
    mentorId: null,
  })
  const graduate = async (
    name: string,
    baseline: Survey | 'declined' | null,
    waves: [number, Survey][],
    kompeten: boolean | null,
    status: 'completed' | 'withdrawn' = 'completed'
  ) => {
    const personId = await seedPerson(db, { name, roles: ['peserta'], regionCode: '35.07.24.2003' })
    const { id } = await enroll(db, { cohortId, personId, now: at(1) })
    await db
      .update(enrollments)
      .set({
        status,
        completedAt: status === 'completed' ? at(1) : null,
        kompeten,
        kompetenAt: at(1),
      })
      .where(eq(enrollments.id, id))
    const answers = (s: Survey) => ({
      businessStarted: s.business,
      channels: s.channels ?? null,
      incomeBracket: s.income,
    })
    if (baseline !== null) {
      await db.insert(baselineSurveys).values({
        enrollmentId: id,
        personId,
        consentGiven: baseline !== 'declined',
        answeredAt: at(1),
        ...(baseline === 'declined' ? {} : answers(baseline)),
      })
    }
    for (const [wave, survey] of waves) {
      await db.insert(followUpSurveys).values({
        enrollmentId: id,
        personId,
        wave,
        status: 'answered',
        consentGiven: true,
        answeredAt: at(wave + 1),
        ...answers(survey),
      })
    }
  }
  const none: Survey = { business: false, income: 'none' }
  await graduate(
    'A',
    none,
    [
      [1, { business: true, channels: ['wa'], income: 'lt500k' }],
      [3, { business: true, channels: ['langsung'], income: '500k_1m' }],
    ],
    true
  )
  await graduate(
    'B',
    { business: true, channels: ['langsung'], income: 'lt500k' },
    [[1, { business: true, channels: ['wa', 'langsung'], income: 'lt500k' }]],
    true
  )
  await graduate('C', none, [[1, none]], false)
  await graduate('D', none, [], null)
  await graduate('E', null, [[1, { business: true, channels: ['facebook'], income: 'gt2m' }]], null)
  await graduate(
    'F',
    'declined',
    [[1, { business: true, channels: ['wa'], income: '1m_2m' }]],
    null
  )
  await graduate('G', none, [], true, 'withdrawn')

  const scope = { programmeId, asOf: AS_OF }
  expect(await businessStartChange(db, scope)).toEqual({
    n: 3,
    baseline: { numerator: 1, denominator: 3, value: 33.3 },
    latest: { numerator: 2, denominator: 3, value: 66.7 },
    change: 33.3,
  })
  expect(await onlineSellingChange(db, scope)).toEqual({
    n: 3,
    baseline: { numerator: 0, denominator: 3, value: 0 },
    latest: { numerator: 1, denominator: 3, value: 33.3 },
    change: 33.3,
  })
  expect(await incomeBracketUp(db, scope)).toEqual({ numerator: 1, denominator: 3, value: 33.3 })
  expect(await tracerResponseRate(db, scope)).toEqual({
    numerator: 5,
    denominator: 6,
    value: 83.3,
  })
  expect(await kompetenRate(db, scope)).toEqual({ numerator: 2, denominator: 3, value: 66.7 })
  // Before the third wave was answered, A's latest is wave 1 (wa): online 2/3, income up still 1/3.
  const earlier = { programmeId, asOf: at(3) }
  expect((await onlineSellingChange(db, earlier)).latest).toEqual({
    numerator: 2,
    denominator: 3,
    value: 66.7,
  })
  expect(await incomeBracketUp(db, earlier)).toEqual({ numerator: 1, denominator: 3, value: 33.3 })
  // Nobody answered both in another kecamatan: no figure, n = 0.
  expect(await businessStartChange(db, { ...scope, kecamatanCode: '35.07.15' })).toEqual({
    n: 0,
    baseline: { numerator: 0, denominator: 0, value: null },
    latest: { numerator: 0, denominator: 0, value: null },
    change: null,
  })
})
