import { describe, expect, test } from 'vitest'

import { parseYesNo } from './yes-no.js'

describe('parseYesNo', () => {
  test.each([
    // Indonesian
    'ya',
    'Ya.',
    'iya',
    'iyaa',
    'iyaaaa!',
    'y',
    'Yes',
    'ok',
    'oke',
    'okeee',
    'okay',
    'siap',
    'benar',
    'betul',
    'boleh',
    'setuju',
    'mau',
    'ya bu',
    'iya, benar',
    'Ya pak, terima kasih 🙏',
    'ya ya',
    // Javanese
    'inggih',
    'nggih bu',
    'enggih',
    'iyo',
    'yo',
    // Madurese
    'engghi',
    'enggi',
    'iyeh',
  ])('%j → yes', (input) => {
    expect(parseYesNo(input)).toBe(true)
  })

  test.each([
    // Indonesian
    'tidak',
    'Tidak.',
    'tdk',
    'gak',
    'ga',
    'nggak',
    'enggak',
    'engga',
    'ndak',
    'nda',
    'no',
    'bukan',
    'jangan',
    'belum',
    'belum bu',
    'tidak terima kasih',
    'tidak setuju',
    'gak mau',
    'ndak boleh',
    'gakk',
    // Javanese
    'mboten',
    'boten',
    'ora',
    'emoh',
    'mboten bu, matur nuwun',
    // Madurese
    'bhunten',
    'bunten',
    'enjek',
    "ta'",
    'ta\u2019',
  ])('%j → no', (input) => {
    expect(parseYesNo(input)).toBe(false)
  })

  test.each([
    ['', 'empty'],
    ['🙂', 'emoji only'],
    ['1', 'a number is for the choice layer'],
    ['2', 'a number is for the choice layer'],
    ['ya tidak', 'both'],
    ['iya, eh tidak', 'both'],
    ['terima kasih', 'neither'],
    ['halo bu', 'neither'],
    ['tidak tahu', 'unsure'],
    ['gak tau', 'unsure'],
    ['ora ngerti', 'unsure'],
    ['belum yakin', 'unsure'],
    ['mungkin', 'unsure'],
    ['iya mungkin', 'unsure'],
    ['yayasan', 'a word that only starts like yes'],
    ['constructor', 'an Object.prototype name'],
  ])('%j → undefined (%s)', (input) => {
    expect(parseYesNo(input)).toBeUndefined()
  })

  test('returns undefined for a 5000-character string quickly', () => {
    const started = performance.now()
    expect(parseYesNo('ya '.repeat(1700))).toBeUndefined()
    expect(parseYesNo('x'.repeat(5000))).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(200)
  })
})
