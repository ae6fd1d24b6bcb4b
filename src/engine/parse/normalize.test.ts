import { describe, expect, test } from 'vitest'

import { normalizeText } from './normalize.js'

describe('normalizeText', () => {
  test.each([
    ['  Ya  ', 'ya'],
    ['IYA   BU', 'iya bu'],
    ['Tidak.', 'tidak'],
    ['Siap!!!', 'siap'],
    ['#Menjahit', 'menjahit'],
    ['"menjahit"', 'menjahit'],
    ['(1)', '1'],
    ['1)', '1'],
    ['23,5 cm.', '23,5 cm'],
    ['-2', '-2'],
    ["ta'", "ta'"],
    ['ta\u2019', "ta'"],
    ['Jum\u2019at', "jum'at"],
    ['ya 🙏🏽', 'ya'],
    ['👍', ''],
    ['1\ufe0f\u20e3', '1'],
    ['line\nbreak\t here', 'line break here'],
    ['\uff11\uff12', '12'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected)
  })

  test('keeps inner punctuation', () => {
    expect(normalizeText('24/11/2025, 08.00!')).toBe('24/11/2025, 08.00')
  })

  test('handles a long string quickly', () => {
    const long = '!'.repeat(5000) + 'a' + '!'.repeat(5000)
    const started = performance.now()
    expect(normalizeText(long)).toBe('a')
    expect(performance.now() - started).toBeLessThan(200)
  })
})
