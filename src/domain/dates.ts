/**
 * The app's dates: calendar dates (`YYYY-MM-DD`) and instants in the programme's time zone, the
 * `TZ_NAME` setting (WIB, `Asia/Jakarta`, by default: docs/domain.md#chat-conventions). Pure: the
 * instant and the zone are always parameters, so schedulers, imports, queries and the demo agree
 * on what "today" and "that day at 08.00" mean. The engine's flows use the same functions through
 * `engine/dates.ts`.
 * @module
 */
import { TZDate } from '@date-fns/tz'

/** The zone when none is configured: Malang is in WIB (UTC+7, no daylight saving). */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta'

const DAY_MS = 24 * 60 * 60 * 1000
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A `YYYY-MM-DD` date's parts; throws `RangeError` for anything that is not a calendar date. */
function dateParts(isoDate: string): [year: number, month: number, day: number] {
  const match = ISO_DATE.exec(isoDate)
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : []
  if (year === undefined || month === undefined || day === undefined) {
    throw new RangeError(`Not a calendar date: ${isoDate}`)
  }
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: ${isoDate}`)
  }
  return [year, month, day]
}

/** The instant seen in `timeZone`; throws `RangeError` for a zone Intl does not know. */
function zoned(instant: Date, timeZone: string): TZDate {
  const local = new TZDate(instant.getTime(), timeZone)
  if (Number.isNaN(local.getTime())) throw new RangeError(`Unknown time zone ${timeZone}`)
  return local
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const local = zoned(instant, timeZone)
  const pad = (value: number, width: number) => String(value).padStart(width, '0')
  return `${pad(local.getFullYear(), 4)}-${pad(local.getMonth() + 1, 2)}-${pad(local.getDate(), 2)}`
}

/** The calendar year of an instant in `timeZone`. */
export function localYear(instant: Date, timeZone: string): number {
  return zoned(instant, timeZone).getFullYear()
}

/** Today's calendar date where the person is: `localDate(now, timeZone)`. */
export function today(clock: { now: Date; timeZone: string }): string {
  return localDate(clock.now, clock.timeZone)
}

/** Moves a `YYYY-MM-DD` date by whole days (negative for the past). */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = dateParts(isoDate)
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10)
}

/** The instant of a calendar date at a local wall-clock time in `timeZone` (`08.00` → 08:00 WIB). */
export function localInstant(
  isoDate: string,
  time: { hour: number; minute: number },
  timeZone: string
): Date {
  const [year, month, day] = dateParts(isoDate)
  zoned(new Date(0), timeZone) // refuses an unknown zone before TZDate turns it into NaN
  return new Date(new TZDate(year, month - 1, day, time.hour, time.minute, timeZone).getTime())
}
