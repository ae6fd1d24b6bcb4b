/**
 * The graduates of one Singosari cohort with baselines, follow-ups and kompeten marks whose
 * effectiveness figures are worked out by hand below; shared by the query test
 * (`test/db/training-effectiveness.test.ts`) and the API test (`test/api/training-effectiveness.test.ts`).
 */
import { eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { baselineSurveys, enrollments, followUpSurveys } from '../../src/db/schema/index.js'
import { seedPerson } from './visits-db.js'

/** 03.00 UTC (10.00 WIB) of a day of January 2027. */
export const at = (day: number) => new Date(Date.UTC(2027, 0, day, 3))

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
export async function seedEffectivenessCohort(db: Db): Promise<{ programmeId: number }> {
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
    const { id } = await enroll(db, { cohortId, personId, now: at(1), timeZone: 'Asia/Jakarta' })
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

  return { programmeId }
}
