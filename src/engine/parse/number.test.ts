import { describe, expect, test } from 'vitest'

import { isNumberWord, parseNumber } from './number.js'

describe('parseNumber', () => {
  test.each([
    ['5', 5],
    ['0', 0],
    ['07', 7],
    ['-2', -2],
    ['23,5', 23.5],
    ['23.5', 23.5],
    ['23,50', 23.5],
    ['0.5', 0.5],
    ['1.500', 1500],
    ['1.500.000', 1500000],
    ['1.500,5', 1500.5],
    ['1,5', 1.5],
    ['23,5 cm', 23.5],
    ['berat 2,5 kg', 2.5],
    ['umur 30', 30],
    ['30 tahun', 30],
    ['Umur: 30 tahun.', 30],
    ['sekitar 40an', 40],
  ])('digits %j → %d', (input, expected) => {
    expect(parseNumber(input)).toBe(expected)
  })

  test.each([
    ['nol', 0],
    ['satu', 1],
    ['Lima', 5],
    ['sepuluh', 10],
    ['sebelas', 11],
    ['dua belas', 12],
    ['sembilan belas', 19],
    ['dua puluh', 20],
    ['dua puluh lima', 25],
    ['sembilan puluh sembilan', 99],
    ['seratus', 100],
    ['duapuluh lima', 25],
    ['tigabelas', 13],
    ['umur dua puluh tahun', 20],
  ])('words %j → %d', (input, expected) => {
    expect(parseNumber(input)).toBe(expected)
  })

  test.each([
    [''],
    ['   '],
    ['🙂'],
    ['abc'],
    ['tidak tahu'],
    ['3 atau 4'],
    ['tiga atau empat'],
    ['tiga empat'],
    ['dua 3'],
    ['1-3'],
    ['1.2.3'],
    ['1,2,3'],
    ['1,500.5'],
    ['puluh'],
    ['belas'],
    ['nol puluh'],
    ['G2P1A0'],
    ['constructor'],
    ['toString'],
    ['9'.repeat(400)],
  ])('%j → undefined', (input) => {
    expect(parseNumber(input)).toBeUndefined()
  })

  test('returns undefined for a 5000-character string quickly', () => {
    const started = performance.now()
    expect(parseNumber('umur 30 '.repeat(625))).toBeUndefined()
    expect(parseNumber('a'.repeat(5000))).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('isNumberWord', () => {
  test.each([
    ['dua', true],
    ['puluh', true],
    ['sebelas', true],
    ['kedua', false],
    ['2', false],
    ['constructor', false],
  ])('%j → %s', (word, expected) => {
    expect(isNumberWord(word)).toBe(expected)
  })
})

describe('parseNumber: spoken decimals and Javanese numbers (locales/id/lexicon.json)', () => {
  test.each([
    ['dua tiga koma lima', 23.5],
    ['dua puluh tiga koma lima', 23.5],
    ['23 koma 5', 23.5],
    ['sebelas koma dua', 11.2],
    ['selawe', 25],
    ['selawe koma lima', 25.5],
    ['telulikur koma lima', 23.5],
    ['siji', 1],
    ['loro', 2],
    ['telu', 3],
    ['papat', 4],
    ['limo', 5],
    ['enem', 6],
    ['pitu', 7],
    ['wolu', 8],
    ['songo', 9],
    ['sepuluh', 10],
    ['rolas', 12],
    ['rong puluh', 20],
  ])('%j → %s', (input, expected) => {
    expect(parseNumber(input)).toBe(expected)
  })

  test.each(['koma', 'koma lima', 'dua koma', 'dua koma puluh', 'dua tiga'])(
    '%j → undefined',
    (input) => {
      expect(parseNumber(input)).toBeUndefined()
    }
  )
})
