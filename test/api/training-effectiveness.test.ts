/**
 * The effectiveness figures in `GET /api/v1/indicators` through `app.request()` on the real test
 * database, for the hand-worked graduates of `test/harness/training-effectiveness.ts` (January
 * 2027, Singosari, programme IBU-MUDA): each with its label, formula, unit and n.
 */
import { expect, test } from 'vitest'
import { indicatorsResponseSchema } from '../../src/http/api/schemas.js'
import { ADMIN_TOKEN, buildApiApp } from '../harness/api.js'
import { useTestDb } from '../harness/db.js'
import { seedEffectivenessCohort } from '../harness/training-effectiveness.js'

const handle = useTestDb()

test('effectiveness of January 2027 in Singosari, with n and formulas', async () => {
  await seedEffectivenessCohort(handle.db)
  const api = await buildApiApp(handle.db, {
    adminToken: ADMIN_TOKEN,
    clock: () => new Date('2027-02-10T01:00:00Z'),
  })
  const response = await api.get('/api/v1/indicators?period=2027-01&region=35.07.24')
  expect(response.status, await response.clone().text()).toBe(200)
  const body = indicatorsResponseSchema.parse(await response.json())
  const keys = [
    'businessStartChange',
    'onlineSellingChange',
    'incomeBracketUp',
    'tracerResponseRate',
    'kompetenRate',
  ]
  const rows = body.data.filter((row) => row.programmeCode === 'IBU-MUDA' && keys.includes(row.key))
  expect(
    Object.fromEntries(
      rows.map((row) => [row.key, [row.unit, row.numerator, row.denominator, row.value]])
    )
  ).toEqual({
    // n = A, B, C (answered both); business at baseline B, latest A and B: (2 − 1) ÷ 3 = +33.3 pp.
    businessStartChange: ['points', 1, 3, 33.3],
    // Online at baseline nobody, latest B (A's wave 3 sells langsung only): (1 − 0) ÷ 3.
    onlineSellingChange: ['points', 1, 3, 33.3],
    // A went from none to 500k_1m; B and C stayed: 1 ÷ 3.
    incomeBracketUp: ['percent', 1, 3, 33.3],
    // A, B, C, E, F answered a follow-up of 6 graduates (D only the baseline): 5 ÷ 6.
    tracerResponseRate: ['percent', 5, 6, 83.3],
    // A, B kompeten of A, B, C marked (D unmarked, G withdrawn): 2 ÷ 3.
    kompetenRate: ['percent', 2, 3, 66.7],
  })
  expect(rows.find((row) => row.key === 'businessStartChange')).toMatchObject({
    label: 'Perubahan punya usaha',
    formula: expect.stringContaining('÷ lulusan yang menjawab survei awal dan survei lanjutan'),
    period: '2027-01',
    regionCode: '35.07.24',
    // The end of January 2027 in WIB.
    asOf: '2027-01-31T17:00:00.000Z',
  })
  // Another kecamatan: nobody answered both, no figure, n = 0.
  const other = indicatorsResponseSchema.parse(
    await (await api.get('/api/v1/indicators?period=2027-01&region=35.07.15')).json()
  )
  expect(other.data.find((row) => row.key === 'businessStartChange')).toMatchObject({
    numerator: 0,
    denominator: 0,
    value: null,
  })
})
