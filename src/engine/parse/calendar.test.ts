import { describe, expect, test } from 'vitest'

import {
  addCalendarDays,
  calendarDateIn,
  daysBetween,
  formatCalendarDate,
  makeCalendarDate,
  weekdayOf,
} from './calendar.js'

describe('calendarDateIn', () => {
  test.each([
    ['2025-11-24T01:00:00Z', 'Asia/Jakarta', '2025-11-24'],
    ['2025-11-23T16:59:59Z', 'Asia/Jakarta', '2025-11-23'],
    ['2025-11-23T17:00:00Z', 'Asia/Jakarta', '2025-11-24'],
    ['2025-11-23T18:00:00Z', 'Asia/Jakarta', '2025-11-24'],
    ['2025-11-23T18:00:00Z', 'UTC', '2025-11-23'],
    ['2025-11-24T03:00:00Z', 'America/New_York', '2025-11-23'],
  ])('%s in %s is %s', (instant, timeZone, expected) => {
    const date = calendarDateIn(new Date(instant), timeZone)
    expect(date && formatCalendarDate(date)).toBe(expected)
  })

  test('an unknown zone gives undefined', () => {
    expect(calendarDateIn(new Date('2025-11-24T01:00:00Z'), 'Mars/Olympus')).toBeUndefined()
  })
})

describe('makeCalendarDate', () => {
  test.each([
    [2025, 11, 24, true],
    [2024, 2, 29, true],
    [2025, 2, 29, false],
    [2025, 2, 31, false],
    [2025, 4, 31, false],
    [2025, 13, 1, false],
    [2025, 0, 1, false],
    [2025, 1, 0, false],
    [2025, 1, 1.5, false],
    [99, 1, 1, false],
  ])('%d-%d-%d exists: %s', (year, month, day, exists) => {
    expect(makeCalendarDate(year, month, day) !== undefined).toBe(exists)
  })
})

describe('calendar arithmetic', () => {
  const today = { year: 2025, month: 11, day: 24 }

  test.each([
    [0, '2025-11-24'],
    [-1, '2025-11-23'],
    [7, '2025-12-01'],
    [38, '2026-01-01'],
    [-365, '2024-11-24'],
  ])('adding %d days gives %s', (days, expected) => {
    expect(formatCalendarDate(addCalendarDays(today, days))).toBe(expected)
  })

  test('counts days between dates', () => {
    expect(daysBetween(today, { year: 2026, month: 1, day: 1 })).toBe(38)
    expect(daysBetween(today, { year: 2025, month: 11, day: 17 })).toBe(-7)
  })

  test('knows the weekday (0 = Minggu)', () => {
    expect(weekdayOf(today)).toBe(1)
    expect(weekdayOf({ year: 2025, month: 11, day: 23 })).toBe(0)
  })

  test('pads the formatted date', () => {
    expect(formatCalendarDate({ year: 985, month: 1, day: 2 })).toBe('0985-01-02')
  })
})
