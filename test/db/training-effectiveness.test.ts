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
  readTrainingEffectiveness,
  tracerResponseRate,
} from '../../src/db/queries/training-indicators.js'
import { useTestDb } from '../harness/db.js'
import { at, seedEffectivenessCohort } from '../harness/training-effectiveness.js'

const handle = useTestDb()
const AS_OF = at(31)

// The graduates and the figures worked out by hand: test/harness/training-effectiveness.ts.
test('changes from the baseline, only over graduates who answered both, with n', async () => {
  const db = handle.db
  const { programmeId } = await seedEffectivenessCohort(db)

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
  // The combined read gives the same five figures.
  expect(await readTrainingEffectiveness(db, scope)).toEqual({
    businessStartChange: await businessStartChange(db, scope),
    onlineSellingChange: await onlineSellingChange(db, scope),
    incomeBracketUp: await incomeBracketUp(db, scope),
    tracerResponseRate: await tracerResponseRate(db, scope),
    kompetenRate: await kompetenRate(db, scope),
  })
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
