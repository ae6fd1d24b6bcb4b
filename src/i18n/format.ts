/**
 * Indonesian formats of dates, times and numbers as people in Malang write them
 * (docs/domain.md#chat-conventions): "Senin, 24 November 2025 pukul 08.00 WIB", "23,5", "Rp
 * 1.500.000". Everything goes through `Intl` with the `id-ID` locale; the zone abbreviations of
 * Indonesia are fixed here.
 * @module
 */
import { DEFAULT_TIME_ZONE } from '../domain/dates.js'

const LOCALE = 'id-ID'

/** The zone used when a caller gives none: Malang's (the dates module's default). */
export { DEFAULT_TIME_ZONE }

/** Indonesia's own zone abbreviations, which `Intl` does not promise on every ICU. */
const INDONESIAN_ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  [DEFAULT_TIME_ZONE]: 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA',
  'Asia/Jayapura': 'WIT',
}

/** A calendar date as written in data and APIs: `YYYY-MM-DD`. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const formatterCache = new Map<string, Intl.DateTimeFormat>()

/** One cached `Intl.DateTimeFormat` per option set; building them is the slow part. */
function dateTimeFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options)
  let format = formatterCache.get(key)
  if (format === undefined) {
    format = new Intl.DateTimeFormat(LOCALE, options)
    formatterCache.set(key, format)
  }
  return format
}

/** Reads an instant; a string must be an ISO date-time `Date` understands. */
function toInstant(instant: Date | string): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`Not a valid instant: ${JSON.stringify(String(instant))}`)
  }
  return date
}

/**
 * A calendar day to format: a `YYYY-MM-DD` string is that day wherever you are (formatted in UTC);
 * a `Date` or ISO date-time is the day it falls on in `timeZone`.
 */
function toDay(date: Date | string, timeZone: string): { instant: Date; timeZone: string } {
  if (typeof date === 'string') {
    const match = ISO_DATE.exec(date)
    if (match !== null) {
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
      const instant = new Date(Date.UTC(year, month - 1, day))
      if (
        instant.getUTCFullYear() !== year ||
        instant.getUTCMonth() !== month - 1 ||
        instant.getUTCDate() !== day
      ) {
        throw new RangeError(`Not a calendar date: ${JSON.stringify(date)}`)
      }
      return { instant, timeZone: 'UTC' }
    }
  }
  return { instant: toInstant(date), timeZone }
}

/**
 * The long Indonesian date: `formatDate('2025-11-24')` → `'Senin, 24 November 2025'`. A `Date` or
 * ISO date-time is shown as the day it is in `timeZone` (default Asia/Jakarta).
 */
export function formatDate(date: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const day = toDay(date, timeZone)
  return dateTimeFormat({
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: day.timeZone,
  }).format(day.instant)
}

/** The short date for lists and tables: `formatShortDate('2025-11-24')` → `'24 Nov 2025'`. */
export function formatShortDate(date: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const day = toDay(date, timeZone)
  return dateTimeFormat({
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: day.timeZone,
  }).format(day.instant)
}

/** The month and year a day falls in: `formatMonth('2025-11-24')` → `'November 2025'`. */
export function formatMonth(date: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const day = toDay(date, timeZone)
  return dateTimeFormat({ month: 'long', year: 'numeric', timeZone: day.timeZone }).format(
    day.instant
  )
}

/** The wall-clock time with Indonesia's period separator: `'08.00'` (24-hour, never `24.00`). */
export function formatTime(instant: Date | string, timeZone: string): string {
  return dateTimeFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
    toInstant(instant)
  )
}

/**
 * The zone's abbreviation at that instant: WIB, WITA or WIT for Indonesia's zones, otherwise what
 * `Intl` calls it in Indonesian (`UTC`, `GMT+1`, …).
 */
export function formatZoneName(instant: Date | string, timeZone: string): string {
  const fixed = INDONESIAN_ZONE_ABBREVIATIONS[timeZone]
  if (fixed !== undefined) return fixed
  const parts = dateTimeFormat({ timeZone, timeZoneName: 'short' }).formatToParts(
    toInstant(instant)
  )
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone
}

/**
 * Date, time and zone in one phrase: `formatDateTime('2025-11-23T17:30:00Z', 'Asia/Jakarta')` →
 * `'Senin, 24 November 2025 pukul 00.30 WIB'`.
 */
export function formatDateTime(instant: Date | string, timeZone: string): string {
  const date = toInstant(instant)
  return `${formatDate(date, timeZone)} pukul ${formatTime(date, timeZone)} ${formatZoneName(date, timeZone)}`
}

/** A number with Indonesian separators: `formatNumber(23.5)` → `'23,5'`, `1234567` → `'1.234.567'`. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(LOCALE, options).format(value)
}

/**
 * An amount in rupiah without cents: `formatRupiah(1500000)` → `'Rp\u00a01.500.000'` (ICU puts a
 * no-break space after "Rp").
 */
export function formatRupiah(amount: number): string {
  return new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency: 'IDR',
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  }).format(amount)
}
