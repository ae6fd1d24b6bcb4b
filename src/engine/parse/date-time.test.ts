import { describe, expect, test } from 'vitest'

import type { DateParseOptions, DatePreference } from './date.js'
import { parseDateTime, parseTime } from './date-time.js'

const WIB = 'Asia/Jakarta'
// Senin, 24 November 2025, 08.00 WIB.
const NOW = new Date('2025-11-24T01:00:00Z')

const options = (prefer?: DatePreference): DateParseOptions => ({ now: NOW, timeZone: WIB, prefer })

describe('parseTime', () => {
  test.each([
    ['07.00', 7, 0],
    ['7.00', 7, 0],
    ['07:00', 7, 0],
    ['7:30', 7, 30],
    ['14.30', 14, 30],
    ['00.15', 0, 15],
    ['23.59', 23, 59],
    ['jam 7', 7, 0],
    ['Jam 07', 7, 0],
    ['jam 7.30', 7, 30],
    ['pukul 14.30', 14, 30],
    ['pkl 08.00 WIB', 8, 0],
    ['7 pagi', 7, 0],
    ['jam 5 pagi', 5, 0],
    ['11 siang', 11, 0],
    ['12 siang', 12, 0],
    ['2 siang', 14, 0],
    ['4 sore', 16, 0],
    ['jam 6 sore', 18, 0],
    ['7 malam', 19, 0],
    ['jam 12 malam', 0, 0],
    ['jam 1 malam', 1, 0],
    ['07.30 malam', 19, 30],
    ['19.30 malam', 19, 30],
    ['pagi jam 7', 7, 0],
    ['jam tujuh pagi', 7, 0],
    ['jam dua belas siang', 12, 0],
    ['setengah 8', 7, 30],
    ['jam setengah 8 malam', 19, 30],
    ['setengah 1 siang', 12, 30],
  ])('%j → %d:%d', (input, hour, minute) => {
    expect(parseTime(input)).toEqual({ hour, minute })
  })

  test.each([
    ['7', 'a bare hour'],
    ['14', 'a bare hour'],
    ['jam', 'no hour'],
    ['pagi', 'no hour'],
    ['24.00', 'hour out of range'],
    ['jam 25', 'hour out of range'],
    ['7.60', 'minute out of range'],
    ['7.5', 'one-digit minutes'],
    ['14.00 pagi', 'contradicting part of the day'],
    ['jam 9 sore', 'contradicting part of the day'],
    ['12 pagi', 'contradicting part of the day'],
    ['pagi malam jam 7', 'two parts of the day'],
    ['setengah 8.30', 'half with minutes'],
    ['jam 7 8', 'two hours'],
    ['besok', 'a date'],
    ['24/11', 'a date'],
    ['jam 7 besok', 'a date as well'],
    ['constructor', 'an Object.prototype name'],
    ['', 'empty'],
    ['🙂', 'emoji'],
  ])('%j → undefined (%s)', (input) => {
    expect(parseTime(input)).toBeUndefined()
  })
})

describe('parseDateTime with a date and a time', () => {
  test.each([
    ['besok 07.00', '2025-11-25T00:00:00.000Z'],
    ['besok jam 7 pagi', '2025-11-25T00:00:00.000Z'],
    ['Besok pagi jam 7', '2025-11-25T00:00:00.000Z'],
    ['jam 7 besok pagi', '2025-11-25T00:00:00.000Z'],
    ['07.00 besok', '2025-11-25T00:00:00.000Z'],
    ['besok, pukul 07.00 WIB', '2025-11-25T00:00:00.000Z'],
    ['24/11 08.00', '2025-11-24T01:00:00.000Z'],
    ['24/11/2025 jam 14.30', '2025-11-24T07:30:00.000Z'],
    ['senin pukul 08.00', '2025-11-24T01:00:00.000Z'],
    ['senin depan jam 2 siang', '2025-12-01T07:00:00.000Z'],
    ['tanggal 30 jam 9', '2025-11-30T02:00:00.000Z'],
    ['kemarin jam 7 malam', '2025-11-23T12:00:00.000Z'],
    ['25 Desember 2025 pukul 19.00', '2025-12-25T12:00:00.000Z'],
    ['hari ini jam 12 malam', '2025-11-23T17:00:00.000Z'],
  ])('%j → %s', (input, expected) => {
    expect(parseDateTime(input, options())?.toISOString()).toBe(expected)
  })

  test('the date part follows the preference', () => {
    expect(parseDateTime('jumat jam 9', options('past'))?.toISOString()).toBe(
      '2025-11-21T02:00:00.000Z'
    )
    expect(parseDateTime('jumat jam 9', options('future'))?.toISOString()).toBe(
      '2025-11-28T02:00:00.000Z'
    )
  })
})

describe('parseDateTime with a time alone (now is 08.00 WIB)', () => {
  test.each([
    // input, prefer, expected
    ['09.00', 'nearest', '2025-11-24T02:00:00.000Z'],
    ['09.00', 'future', '2025-11-24T02:00:00.000Z'],
    ['09.00', 'past', '2025-11-23T02:00:00.000Z'],
    ['07.00', 'nearest', '2025-11-25T00:00:00.000Z'],
    ['07.00', 'future', '2025-11-25T00:00:00.000Z'],
    ['07.00', 'past', '2025-11-24T00:00:00.000Z'],
    ['08.00', 'future', '2025-11-24T01:00:00.000Z'],
    ['08.00', 'past', '2025-11-24T01:00:00.000Z'],
    ['jam 7 malam', 'nearest', '2025-11-24T12:00:00.000Z'],
  ] as const)('%j with prefer %s → %s', (input, prefer, expected) => {
    expect(parseDateTime(input, options(prefer))?.toISOString()).toBe(expected)
  })

  test('defaults to nearest', () => {
    expect(parseDateTime('07.00', options())?.toISOString()).toBe('2025-11-25T00:00:00.000Z')
  })
})

describe('parseDateTime time zones', () => {
  test('just after midnight WIB, "hari ini" and "besok" are already a day later than UTC', () => {
    const now = new Date('2025-11-23T18:00:00Z') // 24 November, 01.00 WIB
    const wib = { now, timeZone: WIB }
    expect(parseDateTime('hari ini jam 7', wib)?.toISOString()).toBe('2025-11-24T00:00:00.000Z')
    expect(parseDateTime('besok 07.00', wib)?.toISOString()).toBe('2025-11-25T00:00:00.000Z')
    expect(parseDateTime('07.00', wib)?.toISOString()).toBe('2025-11-24T00:00:00.000Z')
  })

  test('interprets the wall time in the given zone', () => {
    const utc = { now: NOW, timeZone: 'UTC' }
    expect(parseDateTime('besok 07.00', utc)?.toISOString()).toBe('2025-11-25T07:00:00.000Z')
  })

  test('an unknown time zone gives undefined', () => {
    expect(parseDateTime('besok 07.00', { now: NOW, timeZone: 'Mars/Olympus' })).toBeUndefined()
  })
})

describe('parseDateTime rejects', () => {
  test.each([
    ['besok', 'a date without a time'],
    ['besok pagi', 'a date without a time'],
    ['24/11', 'a date without a time'],
    ['senin 8', 'a bare hour'],
    ['besok 07.00 lusa', 'two dates'],
    ['besok 07.00 08.00', 'two times'],
    ['31/02 08.00', 'an impossible date'],
    ['besok 25.00', 'an impossible time'],
    ['besok pagi jam 7 malam', 'two parts of the day'],
    ['', 'empty'],
    ['🙂', 'emoji'],
    ['x'.repeat(5000), 'a very long reply'],
    ['besok jam 7 '.repeat(400), 'a very long reply'],
  ])('%j → undefined (%s)', (input) => {
    expect(parseDateTime(input, options())).toBeUndefined()
  })

  test('returns quickly for a long reply made of short words', () => {
    const started = performance.now()
    expect(parseDateTime('besok jam 7 '.repeat(40).slice(0, 480), options())).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(200)
  })
})
