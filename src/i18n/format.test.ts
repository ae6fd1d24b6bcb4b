import { describe, expect, test } from 'vitest'
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatRupiah,
  formatShortDate,
  formatTime,
  formatZoneName,
} from './format.js'

describe('formatDate', () => {
  test('a calendar date is that day, whatever the zone', () => {
    // 24 November 2025 is a Monday.
    expect(formatDate('2025-11-24')).toBe('Senin, 24 November 2025')
    expect(formatDate('2025-11-24', 'Asia/Jayapura')).toBe('Senin, 24 November 2025')
    expect(formatDate('2025-11-24', 'America/Los_Angeles')).toBe('Senin, 24 November 2025')
  })

  test('uses the Indonesian day and month names', () => {
    expect(formatDate('2025-08-17')).toBe('Minggu, 17 Agustus 2025')
    expect(formatDate('2026-01-02')).toBe('Jumat, 2 Januari 2026')
    expect(formatDate('2024-02-29')).toBe('Kamis, 29 Februari 2024')
  })

  test('an instant is the day it falls on in the zone', () => {
    expect(formatDate('2025-11-23T17:30:00Z')).toBe('Senin, 24 November 2025')
    expect(formatDate(new Date('2025-11-23T17:30:00Z'), 'UTC')).toBe('Minggu, 23 November 2025')
  })

  test('refuses what is not a date', () => {
    expect(() => formatDate('2025-02-30')).toThrow(RangeError)
    expect(() => formatDate('24/11/2025')).toThrow(RangeError)
    expect(() => formatDate(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('formatShortDate', () => {
  test.each([
    ['2025-11-24', '24 Nov 2025'],
    ['2025-05-04', '4 Mei 2025'],
    ['2025-08-17', '17 Agu 2025'],
  ])('%s → %s', (date, expected) => {
    expect(formatShortDate(date)).toBe(expected)
  })
})

describe('formatTime and formatDateTime', () => {
  test('WIB with a period between hour and minute', () => {
    expect(formatTime('2025-11-24T01:00:00Z', 'Asia/Jakarta')).toBe('08.00')
    expect(formatDateTime('2025-11-24T01:00:00Z', 'Asia/Jakarta')).toBe(
      'Senin, 24 November 2025 pukul 08.00 WIB'
    )
  })

  test('an instant that is already tomorrow in Malang', () => {
    expect(formatDateTime('2025-11-23T17:30:00Z', 'Asia/Jakarta')).toBe(
      'Senin, 24 November 2025 pukul 00.30 WIB'
    )
    expect(formatTime(new Date('2025-11-23T17:00:00Z'), 'Asia/Jakarta')).toBe('00.00')
  })

  test('the other Indonesian zones', () => {
    const instant = new Date('2025-11-24T01:00:00Z')
    expect(formatDateTime(instant, 'Asia/Pontianak')).toBe(
      'Senin, 24 November 2025 pukul 08.00 WIB'
    )
    expect(formatDateTime(instant, 'Asia/Makassar')).toBe(
      'Senin, 24 November 2025 pukul 09.00 WITA'
    )
    expect(formatDateTime(instant, 'Asia/Jayapura')).toBe('Senin, 24 November 2025 pukul 10.00 WIT')
  })

  test('zones outside Indonesia use the name Intl gives', () => {
    expect(formatZoneName('2025-11-24T01:00:00Z', 'UTC')).toBe('UTC')
    expect(formatDateTime('2025-11-24T01:00:00Z', 'UTC')).toBe(
      'Senin, 24 November 2025 pukul 01.00 UTC'
    )
  })

  test('refuses an invalid instant', () => {
    expect(() => formatTime('soon', 'Asia/Jakarta')).toThrow(RangeError)
  })
})

describe('numbers', () => {
  test('comma for decimals, period for thousands', () => {
    expect(formatNumber(23.5)).toBe('23,5')
    expect(formatNumber(1234567)).toBe('1.234.567')
    expect(formatNumber(0.125, { maximumFractionDigits: 1 })).toBe('0,1')
  })

  test('rupiah with the no-break space ICU puts after Rp', () => {
    expect(formatRupiah(1500000)).toBe('Rp\u00a01.500.000')
    expect(formatRupiah(0)).toBe('Rp\u00a00')
  })
})
