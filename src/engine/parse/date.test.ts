import { describe, expect, test } from 'vitest'

import type { DateParseOptions, DatePreference } from './date.js'
import { parseDate } from './date.js'

const WIB = 'Asia/Jakarta'
// Senin, 24 November 2025, 08.00 WIB.
const NOW = new Date('2025-11-24T01:00:00Z')

const options = (prefer?: DatePreference): DateParseOptions => ({ now: NOW, timeZone: WIB, prefer })

describe('parseDate relative days', () => {
  test.each([
    ['hari ini', '2025-11-24'],
    ['Hari ini', '2025-11-24'],
    ['hr ini', '2025-11-24'],
    ['sekarang', '2025-11-24'],
    ['kemarin', '2025-11-23'],
    ['kmrn', '2025-11-23'],
    ['kemarin lusa', '2025-11-22'],
    ['besok', '2025-11-25'],
    ['Besok bu', '2025-11-25'],
    ['bsk', '2025-11-25'],
    ['lusa', '2025-11-26'],
    ['wingi', '2025-11-23'],
    ['sesuk', '2025-11-25'],
    ['3 hari lalu', '2025-11-21'],
    ['3 hari yang lalu', '2025-11-21'],
    ['tiga hari yg lalu', '2025-11-21'],
    ['0 hari lalu', '2025-11-24'],
    ['3 hari lagi', '2025-11-27'],
    ['seminggu lalu', '2025-11-17'],
    ['2 minggu lagi', '2025-12-08'],
    ['sepuluh hari lalu', '2025-11-14'],
  ])('%j → %s', (input, expected) => {
    expect(parseDate(input, options())).toBe(expected)
  })

  test('explicit words ignore the preference', () => {
    expect(parseDate('besok', options('past'))).toBe('2025-11-25')
    expect(parseDate('kemarin', options('future'))).toBe('2025-11-23')
  })
})

describe('parseDate weekdays (today is Senin 24 November)', () => {
  test.each([
    // input, past, future, nearest
    ['senin', '2025-11-24', '2025-11-24', '2025-11-24'],
    ['selasa', '2025-11-18', '2025-11-25', '2025-11-25'],
    ['rabu', '2025-11-19', '2025-11-26', '2025-11-26'],
    ['kamis', '2025-11-20', '2025-11-27', '2025-11-27'],
    ['jumat', '2025-11-21', '2025-11-28', '2025-11-21'],
    ["Jum'at", '2025-11-21', '2025-11-28', '2025-11-21'],
    ['sabtu', '2025-11-22', '2025-11-29', '2025-11-22'],
    ['minggu', '2025-11-23', '2025-11-30', '2025-11-23'],
    ['ahad', '2025-11-23', '2025-11-30', '2025-11-23'],
    ['hari Rabu', '2025-11-19', '2025-11-26', '2025-11-26'],
    ['rebo', '2025-11-19', '2025-11-26', '2025-11-26'],
  ])('%j → past %s, future %s, nearest %s', (input, past, future, nearest) => {
    expect(parseDate(input, options('past'))).toBe(past)
    expect(parseDate(input, options('future'))).toBe(future)
    expect(parseDate(input, options('nearest'))).toBe(nearest)
    expect(parseDate(input, options())).toBe(nearest)
  })

  test.each([
    ['senin lalu', '2025-11-17'],
    ['senin depan', '2025-12-01'],
    ['senin ini', '2025-11-24'],
    ['jumat lalu', '2025-11-21'],
    ['jumat depan', '2025-11-28'],
    ['jumat ini', '2025-11-28'],
    ['rabu kemarin', '2025-11-19'],
    ['kamis besok', '2025-11-27'],
    ['ahad lalu', '2025-11-23'],
    ['hari minggu lalu', '2025-11-23'],
    ['hari minggu depan', '2025-11-30'],
    ['hari minggu ini', '2025-11-30'],
    ['Senin, 24 November 2025', '2025-11-24'],
    ['senin 24/11', '2025-11-24'],
  ])('%j → %s', (input, expected) => {
    expect(parseDate(input, options('past'))).toBe(expected)
  })

  test.each([
    'minggu lalu',
    'minggu depan',
    'minggu ini',
    'Selasa, 24 November 2025',
    'senin kapan',
  ])('%j is not one day → undefined', (input) => {
    expect(parseDate(input, options())).toBeUndefined()
  })
})

describe('parseDate written dates', () => {
  test.each([
    ['24/11', '2025-11-24'],
    ['24-11', '2025-11-24'],
    ['24/11/2025', '2025-11-24'],
    ['24-11-2025', '2025-11-24'],
    ['24.11.2025', '2025-11-24'],
    ['24-11-25', '2025-11-24'],
    ['2025-11-24', '2025-11-24'],
    ['1/1/2026', '2026-01-01'],
    ['tgl 24/11', '2025-11-24'],
    ['tanggal 24/11/2025.', '2025-11-24'],
    ['24 Nov', '2025-11-24'],
    ['24 november', '2025-11-24'],
    ['24 nov 2025', '2025-11-24'],
    ['24 November 2025', '2025-11-24'],
    ['24 Nop 2025', '2025-11-24'],
    ['24 nov. 2025', '2025-11-24'],
    ['tanggal 24 November', '2025-11-24'],
    ['1 Januari 2024', '2024-01-01'],
    ['1 Peb 2024', '2024-02-01'],
    ['15 Maret 2024', '2024-03-15'],
    ['2 Apr 2024', '2024-04-02'],
    ['5 Mei 2024', '2024-05-05'],
    ['5 May 2024', '2024-05-05'],
    ['6 Juni 2024', '2024-06-06'],
    ['7 Jul 2024', '2024-07-07'],
    ['17 Agustus 1945', '1945-08-17'],
    ['17 Agt 2024', '2024-08-17'],
    ['17 Ags 2024', '2024-08-17'],
    ['17 Aug 2024', '2024-08-17'],
    ['9 Sept 2024', '2024-09-09'],
    ['3 Okt 2024', '2024-10-03'],
    ['3 Oct 2024', '2024-10-03'],
    ['25 Des 2024', '2024-12-25'],
    ['25 Dec 2024', '2024-12-25'],
    ['29/02/2024', '2024-02-29'],
  ])('%j → %s', (input, expected) => {
    expect(parseDate(input, options())).toBe(expected)
  })

  test.each([
    // input, past, future, nearest
    ['1/1', '2025-01-01', '2026-01-01', '2026-01-01'],
    ['1 Agustus', '2025-08-01', '2026-08-01', '2025-08-01'],
    ['1 Mei', '2025-05-01', '2026-05-01', '2026-05-01'],
    ['24/11', '2025-11-24', '2025-11-24', '2025-11-24'],
    ['29/02', '2024-02-29', '2028-02-29', '2024-02-29'],
    ['12/05/85', '1985-05-12', '2085-05-12', '1985-05-12'],
    ['1/1/30', '1930-01-01', '2030-01-01', '2030-01-01'],
    ['tanggal 20', '2025-11-20', '2025-12-20', '2025-11-20'],
    ['tgl 30', '2025-10-30', '2025-11-30', '2025-11-30'],
    ['tanggal 31', '2025-10-31', '2025-12-31', '2025-10-31'],
  ])(
    '%j without a (full) year → past %s, future %s, nearest %s',
    (input, past, future, nearest) => {
      expect(parseDate(input, options('past'))).toBe(past)
      expect(parseDate(input, options('future'))).toBe(future)
      expect(parseDate(input, options('nearest'))).toBe(nearest)
    }
  )

  test('a nearest tie goes to the past', () => {
    // 2024-07-02 is 183 days after 2024-01-01 and 183 days before 2025-01-01.
    const now = new Date('2024-07-02T01:00:00Z')
    expect(parseDate('1/1', { now, timeZone: WIB })).toBe('2024-01-01')
  })

  test.each([
    ['31/02'],
    ['31/02/2025'],
    ['29/02/2025'],
    ['30 Februari'],
    ['2025-02-30'],
    ['32/1'],
    ['0/1'],
    ['24/13'],
    ['24/0'],
    ['24.11'],
    ['24/11/202'],
    ['1/2/3/4'],
    ['24 foo'],
    ['24 november 2025 jam'],
    ['tanggal'],
    ['tanggal 32'],
    ['24'],
    ['november'],
    ['besok lusa kemarin'],
    ['senin depan depan'],
    ['hari'],
    ['constructor'],
    [''],
    ['🙂'],
  ])('%j → undefined', (input) => {
    expect(parseDate(input, options())).toBeUndefined()
  })

  test('returns undefined for a 5000-character string quickly', () => {
    const started = performance.now()
    expect(parseDate('besok '.repeat(840), options())).toBeUndefined()
    expect(parseDate('2'.repeat(5000), options())).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('parseDate time zones', () => {
  test.each([
    ['2025-11-23T16:59:59Z', 'hari ini', '2025-11-23'],
    ['2025-11-23T17:00:00Z', 'hari ini', '2025-11-24'],
    ['2025-11-23T18:00:00Z', 'hari ini', '2025-11-24'],
    ['2025-11-23T18:00:00Z', 'besok', '2025-11-25'],
    ['2025-11-23T18:00:00Z', 'senin', '2025-11-24'],
    ['2025-11-23T18:00:00Z', 'kemarin', '2025-11-23'],
  ])('at %s in WIB %j → %s', (instant, input, expected) => {
    expect(parseDate(input, { now: new Date(instant), timeZone: WIB })).toBe(expected)
  })

  test('the same instant is still the 23rd in UTC', () => {
    const now = new Date('2025-11-23T18:00:00Z')
    expect(parseDate('hari ini', { now, timeZone: 'UTC' })).toBe('2025-11-23')
  })

  test('an unknown time zone gives undefined', () => {
    expect(parseDate('besok', { now: NOW, timeZone: 'Mars/Olympus' })).toBeUndefined()
  })
})
