/**
 * Calendar dates without a time or a zone, for the date parsers' arithmetic.
 * @module
 */
import { TZDate } from '@date-fns/tz'

/** A calendar date; `month` is 1..12. */
export type CalendarDate = { year: number; month: number; day: number }

const DAY_MS = 24 * 60 * 60 * 1000

/** Gives the calendar date of an instant in a time zone; undefined for an unknown zone. */
export function calendarDateIn(instant: Date, timeZone: string): CalendarDate | undefined {
  const local = new TZDate(instant.getTime(), timeZone)
  if (Number.isNaN(local.getTime())) return undefined
  return { year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate() }
}

/** Builds a calendar date, or undefined when it does not exist (31 February). */
export function makeCalendarDate(
  year: number,
  month: number,
  day: number
): CalendarDate | undefined {
  if (![year, month, day].every(Number.isInteger) || year < 1000 || year > 9999) return undefined
  const date = fromUtc(Date.UTC(year, month - 1, day))
  return date.year === year && date.month === month && date.day === day ? date : undefined
}

/** Moves a calendar date by a number of days (negative for the past). */
export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtc(toUtc(date) + days * DAY_MS)
}

/** Counts the days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS)
}

/** Gives the day of the week, 0 = Sunday (Minggu) to 6 = Saturday (Sabtu). */
export function weekdayOf(date: CalendarDate): number {
  return new Date(toUtc(date)).getUTCDay()
}

/** Formats a calendar date as 'YYYY-MM-DD'. */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0')
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`
}

function toUtc(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day)
}

function fromUtc(time: number): CalendarDate {
  const date = new Date(time)
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }
}
