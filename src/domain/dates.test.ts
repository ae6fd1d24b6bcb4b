import { describe, expect, test } from 'vitest'
import { DEFAULT_TIME_ZONE, addDays, localDate, localInstant, localYear, today } from './dates.js'

// 2025-11-23T17:30:00Z is Monday 24 November 2025, 00.30 in WIB (UTC+7) and 01.30 in WITA (UTC+8).
const LATE_SUNDAY_UTC = new Date('2025-11-23T17:30:00Z')

describe('dates in the configured zone', () => {
  test('the local date and year follow the zone, not UTC', () => {
    expect(localDate(LATE_SUNDAY_UTC, DEFAULT_TIME_ZONE)).toBe('2025-11-24')
    expect(localDate(LATE_SUNDAY_UTC, 'UTC')).toBe('2025-11-23')
    expect(today({ now: LATE_SUNDAY_UTC, timeZone: 'Asia/Makassar' })).toBe('2025-11-24')
    const newYearWib = new Date('2025-12-31T17:00:00Z')
    expect(localYear(newYearWib, 'Asia/Jakarta')).toBe(2026)
    expect(localYear(newYearWib, 'UTC')).toBe(2025)
  })

  test('a local wall-clock time is that instant in the zone', () => {
    expect(localInstant('2025-11-24', { hour: 8, minute: 0 }, 'Asia/Jakarta').toISOString()).toBe(
      '2025-11-24T01:00:00.000Z'
    )
    expect(localInstant('2025-11-24', { hour: 8, minute: 0 }, 'Asia/Jayapura').toISOString()).toBe(
      '2025-11-23T23:00:00.000Z'
    )
  })

  test('days move across months, years and leap days', () => {
    expect(addDays('2025-11-24', 7)).toBe('2025-12-01')
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2025-11-24', 0)).toBe('2025-11-24')
  })

  test('what is not a date or a zone is refused', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError)
    expect(() => addDays('24/11/2025', 1)).toThrow('Not a calendar date: 24/11/2025')
    expect(() => localDate(LATE_SUNDAY_UTC, 'Mars/Olympus')).toThrow('Unknown time zone')
    expect(() => localInstant('2025-11-24', { hour: 8, minute: 0 }, 'Nowhere')).toThrow(RangeError)
  })
})
