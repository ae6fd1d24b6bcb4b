import { describe, expect, test } from 'vitest'

import type { ChoiceCandidate } from './choice.js'
import { matchChoice, matchMultiChoice } from './choice.js'

const SKILLS: ChoiceCandidate[] = [
  { id: 'sew', labels: ['Menjahit'] },
  { id: 'cook', labels: ['Memasak'] },
  { id: 'batik', labels: ['Membatik'] },
  { id: 'farm', labels: ['Bertani'] },
]

const VILLAGES: ChoiceCandidate[] = [
  { id: 'dono', labels: ['Donomulyo'] },
  { id: 'sumbermanjing', labels: ['Sumbermanjing Wetan'] },
  { id: 'sumberpucung', labels: ['Sumberpucung'] },
  { id: 'kepanjen', labels: ['Kepanjen'] },
]

describe('matchChoice by number', () => {
  test.each([
    ['1', 'sew'],
    ['1.', 'sew'],
    ['1)', 'sew'],
    [' 2 ', 'cook'],
    ['no 1', 'sew'],
    ['No. 2', 'cook'],
    ['nomor 1', 'sew'],
    ['pilih 2', 'cook'],
    ['pilihan 3', 'batik'],
    ['yang nomor 4 saja bu', 'farm'],
    ['satu', 'sew'],
    ['Dua', 'cook'],
    ['empat', 'farm'],
    ['pertama', 'sew'],
    ['kesatu', 'sew'],
    ['kedua', 'cook'],
    ['yang ketiga', 'batik'],
    ['keempat', 'farm'],
    ['ke-2', 'cook'],
    ['ke 3', 'batik'],
    ['1\ufe0f\u20e3', 'sew'],
  ])('%j → %s', (input, id) => {
    expect(matchChoice(input, SKILLS)).toEqual({ kind: 'match', id })
  })

  test.each(['0', '5', '99', 'kelima', 'sepuluh', 'nomor 7', '2.5', '1,3'])(
    'out of range or not a whole option number %j → none',
    (input) => {
      expect(matchChoice(input, SKILLS)).toEqual({ kind: 'none' })
    }
  )

  test('an exact label wins over the option number', () => {
    const counts = [
      { id: 'zero', labels: ['0'] },
      { id: 'one', labels: ['1'] },
      { id: 'two', labels: ['2'] },
    ]
    expect(matchChoice('1', counts)).toEqual({ kind: 'match', id: 'one' })
    expect(matchChoice('3', counts)).toEqual({ kind: 'match', id: 'two' })
  })
})

describe('matchChoice by label', () => {
  test.each([
    ['Menjahit', SKILLS, 'sew'],
    ['MENJAHIT!', SKILLS, 'sew'],
    ['  memasak. ', SKILLS, 'cook'],
    ['menjait', SKILLS, 'sew'],
    ['Bertanni', SKILLS, 'farm'],
    ['saya pilih menjahit', SKILLS, 'sew'],
    ['Membatik saja bu', SKILLS, 'batik'],
    ['Donomulyo', VILLAGES, 'dono'],
    ['Donomulya', VILLAGES, 'dono'],
    ['sumbermanjing wetan', VILLAGES, 'sumbermanjing'],
    ['Sumbermanjing-Wetan', VILLAGES, 'sumbermanjing'],
    ['sumberman', VILLAGES, 'sumbermanjing'],
    ['sumberp', VILLAGES, 'sumberpucung'],
    ['kepanjen', VILLAGES, 'kepanjen'],
    ['Sumbermanjing Wetn', VILLAGES, 'sumbermanjing'],
  ])('%j → %s', (input, candidates, id) => {
    expect(matchChoice(input, candidates)).toEqual({ kind: 'match', id })
  })

  test('ignores accents and matches any of several labels', () => {
    const options = [
      { id: 'cafe', labels: ['Café'] },
      { id: 'yes', labels: ['Ya', 'Iya'] },
    ]
    expect(matchChoice('cafe', options)).toEqual({ kind: 'match', id: 'cafe' })
    expect(matchChoice('IYA', options)).toEqual({ kind: 'match', id: 'yes' })
  })

  test('prefers the longer label contained in the reply', () => {
    const options = [
      { id: 'sew', labels: ['Menjahit'] },
      { id: 'embroider', labels: ['Menjahit bordir'] },
    ]
    expect(matchChoice('saya mau menjahit bordir', options)).toEqual({
      kind: 'match',
      id: 'embroider',
    })
    expect(matchChoice('menjahit saja', options)).toEqual({ kind: 'match', id: 'sew' })
  })

  test.each([
    ['mem', SKILLS, ['cook', 'batik']],
    ['memasak atau menjahit', SKILLS, ['sew', 'cook']],
    ['sumber', VILLAGES, ['sumbermanjing', 'sumberpucung']],
    [
      'kupi',
      [
        { id: 'a', labels: ['Kopi'] },
        { id: 'b', labels: ['Kapi'] },
      ],
      ['a', 'b'],
    ],
    [
      'ya',
      [
        { id: 'a', labels: ['Ya'] },
        { id: 'b', labels: ['ya'] },
      ],
      ['a', 'b'],
    ],
  ])('%j → ambiguous %j', (input, candidates, ids) => {
    expect(matchChoice(input, candidates)).toEqual({ kind: 'ambiguous', ids })
  })

  test.each([
    ['', SKILLS],
    ['   ', SKILLS],
    ['🙂', SKILLS],
    ['xyz', SKILLS],
    ['me', SKILLS],
    ['jahit', SKILLS],
    ['tidak ada', SKILLS],
    ['kc', [{ id: 'kb', labels: ['KB'] }]],
    ['menjahit', []],
    ['constructor', SKILLS],
  ])('%j → none', (input, candidates) => {
    expect(matchChoice(input, candidates)).toEqual({ kind: 'none' })
  })

  test('returns none for a 5000-character string quickly', () => {
    const started = performance.now()
    expect(matchChoice('menjahit '.repeat(560), SKILLS)).toEqual({ kind: 'none' })
    expect(matchChoice('x'.repeat(5000), VILLAGES)).toEqual({ kind: 'none' })
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('matchMultiChoice', () => {
  test.each([
    ['2', ['cook']],
    ['1,3', ['sew', 'batik']],
    ['1 3', ['sew', 'batik']],
    ['1, 3', ['sew', 'batik']],
    ['1 dan 3', ['sew', 'batik']],
    ['1 & 4', ['sew', 'farm']],
    ['1-3', ['sew', 'cook', 'batik']],
    ['2 - 4', ['cook', 'batik', 'farm']],
    ['1 sampai 3', ['sew', 'cook', 'batik']],
    ['3, 1, 3', ['sew', 'batik']],
    ['semua', ['sew', 'cook', 'batik', 'farm']],
    ['Semuanya bu', ['sew', 'cook', 'batik', 'farm']],
    ['menjahit, memasak', ['sew', 'cook']],
    ['menjahit dan memasak', ['sew', 'cook']],
    ['memasak sama bertani', ['cook', 'farm']],
    ['1, memasak', ['sew', 'cook']],
    ['menjait, 4', ['sew', 'farm']],
    ['pilih 1 dan 2', ['sew', 'cook']],
    ['kedua dan keempat', ['cook', 'farm']],
    ['1, 3,', ['sew', 'batik']],
  ])('%j → %j', (input, ids) => {
    expect(matchMultiChoice(input, SKILLS)).toEqual({ kind: 'match', ids })
  })

  test('keeps a label that contains "dan" whole', () => {
    const options = [
      { id: 'clothes', labels: ['Sandang dan pangan'] },
      { id: 'house', labels: ['Papan'] },
    ]
    expect(matchMultiChoice('sandang dan pangan', options)).toEqual({
      kind: 'match',
      ids: ['clothes'],
    })
  })

  test.each([
    [''],
    ['🙂'],
    ['dan'],
    [', ,'],
    ['1, 7'],
    ['0'],
    ['1, xyz'],
    ['3-1'],
    ['1-9'],
    ['mem, 1'],
    ['1 3 9'],
    ['x'.repeat(5000)],
  ])('%j → none', (input) => {
    expect(matchMultiChoice(input, SKILLS)).toEqual({ kind: 'none' })
  })

  test('semua with no options is none', () => {
    expect(matchMultiChoice('semua', [])).toEqual({ kind: 'none' })
  })
})

describe('words inside longer labels', () => {
  const options = [
    { id: 'kie', labels: ['Penyuluhan (KIE)'] },
    { id: 'rujukan', labels: ['Rujukan'] },
    { id: 'kader', labels: ['Kader KB (PPKBD/Sub-PPKBD)'] },
  ]
  test.each([
    ['kie', 'kie'],
    ['KIE', 'kie'],
    ['ppkbd', 'kader'],
    ['kadr', 'kader'],
  ])('"%s" picks %s', (reply, id) => {
    expect(matchChoice(reply, options)).toEqual({ kind: 'match', id })
  })
})
