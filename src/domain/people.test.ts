import { expect, test } from 'vitest'
import { coversRegion } from './people.js'

test.each([
  ['35.07', '35.07.24.2006', true],
  ['35.07.24', '35.07.24.2006', true],
  ['35.07.24', '35.07.24', true],
  ['35.07.2', '35.07.24.2006', false],
  ['35.07.24', '35.07.25.2001', false],
  ['35.07.24.2006', '35.07.24', false],
])('scope %s covers %s: %s', (scope, region, covered) => {
  expect(coversRegion(scope, region)).toBe(covered)
})
