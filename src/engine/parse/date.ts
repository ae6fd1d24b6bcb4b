/**
 * Reads a calendar date from an Indonesian reply: relative days, weekdays, numeric dates and
 * dates with month names, always day first.
 * @module
 */
import {
  addCalendarDays,
  calendarDateIn,
  daysBetween,
  formatCalendarDate,
  makeCalendarDate,
  weekdayOf,
} from './calendar.js'
import type { CalendarDate } from './calendar.js'
import { lexicon } from '../lexicon.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'
import { isNumberWord, parseNumber } from './number.js'

/** Which date to pick when the reply leaves it open (no year, a bare weekday, a bare time). */
export type DatePreference = 'past' | 'future' | 'nearest'

/** The clock and zone that "today" comes from, and how to resolve open dates (default nearest). */
export type DateParseOptions = { now: Date; timeZone: string; prefer?: DatePreference }

const { dates } = lexicon
// Whole replies that name a day relative to today: "besok", "sesuk", "mbenjing", "lusa".
const RELATIVE_DAYS = new Map(Object.entries(dates.relativeDays))
// 0 = Sunday; Indonesian and Javanese names.
const WEEKDAYS = new Map(Object.entries(dates.weekdays))
const MONTHS = new Map(Object.entries(dates.months))

// Weekday modifiers: "senin lalu", "senin depan", "senin ini".
const PAST_WORDS = new Set(['lalu', 'kemarin', 'kemaren', 'kmrn'])
const NEXT_WORDS = new Set(['depan', 'besok', 'bsk', 'nanti'])
const THIS_WORDS = new Set(['ini'])

// "3 hari lalu", "2 minggu lagi"; "seminggu" is one week.
const DIRECTIONS = new Map<string, number>(Object.entries({ lalu: -1, lagi: 1 }))
const UNIT_DAYS = new Map<string, number>(Object.entries({ hari: 1, hr: 1, minggu: 7, pekan: 7 }))
const SINGLE_UNITS = new Map<string, number>(Object.entries({ sehari: 1, seminggu: 7, sepekan: 7 }))

const DAY_WORDS = new Set(['tanggal', 'tgl', 'tg'])
const IGNORED = new Set(['pada', 'pd', 'bu', 'pak', 'mbak', 'mas', 'kak', 'nggih'])

/**
 * Reads a calendar date ('YYYY-MM-DD' in `options.timeZone`) from a reply like "besok",
 * "senin lalu", "24/11", "24 Nov 2025" or "3 hari lalu"; undefined when there is none.
 */
export function parseDate(text: string, options: DateParseOptions): string | undefined {
  const date = parseCalendarDate(text, options)
  return date === undefined ? undefined : formatCalendarDate(date)
}

/** Reads a date like `parseDate` but returns it as a `CalendarDate`. */
export function parseCalendarDate(
  text: string,
  options: DateParseOptions
): CalendarDate | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined
  const today = calendarDateIn(options.now, options.timeZone)
  if (today === undefined) return undefined

  const words = normalized
    .replace(/'/g, '')
    .split(/[\s,]+/)
    .map((word) => word.replace(/\.+$/, ''))
    .filter((word) => word !== '' && !IGNORED.has(word))
  return readDate(words, today, options.prefer ?? 'nearest')
}

function readDate(
  words: string[],
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  const offset = RELATIVE_DAYS.get(words.join(' '))
  if (offset !== undefined) return addCalendarDays(today, offset)

  const [first = '', ...rest] = words
  if (DAY_WORDS.has(first)) {
    return readDayOfMonth(rest, today, prefer) ?? readExplicit(rest, today, prefer)
  }

  return (
    readDistance(words, today) ??
    readWeekday(words, today, prefer) ??
    readExplicit(words, today, prefer)
  )
}

/** Reads "3 hari lalu", "3 hari yang lalu", "seminggu lalu", "2 minggu lagi". */
function readDistance(words: string[], today: CalendarDate): CalendarDate | undefined {
  const direction = DIRECTIONS.get(words.at(-1) ?? '')
  if (direction === undefined) return undefined
  const amount = words.slice(0, -1).filter((word) => word !== 'yang' && word !== 'yg')

  const single = amount.length === 1 ? SINGLE_UNITS.get(amount[0] ?? '') : undefined
  if (single !== undefined) return addCalendarDays(today, direction * single)

  const unit = UNIT_DAYS.get(amount.at(-1) ?? '')
  const countWords = amount.slice(0, -1)
  if (unit === undefined || countWords.length === 0) return undefined
  if (!countWords.every((word) => /^\d+$/.test(word) || isNumberWord(word))) return undefined
  const count = parseNumber(countWords.join(' '))
  if (count === undefined || !Number.isInteger(count) || count < 0) return undefined
  return addCalendarDays(today, direction * count * unit)
}

/**
 * Reads a weekday. "senin lalu" is the latest Monday before today, "senin depan" the first after
 * today, "senin ini" the Monday of this Monday-to-Sunday week; a bare "senin" follows `prefer`
 * (past: on or before today, future: on or after today, nearest: within 3 days either way).
 * "minggu lalu/depan/ini" means a week, so only "hari minggu ..." or "ahad ..." names Sunday.
 */
function readWeekday(
  words: string[],
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  const hasDayWord = words[0] === 'hari' || words[0] === 'hr'
  const [name = '', ...rest] = hasDayWord ? words.slice(1) : words
  const weekday = WEEKDAYS.get(name)
  if (weekday === undefined) return undefined

  const daysAround = (from: number, to: number) =>
    range(from, to)
      .map((offset) => addCalendarDays(today, offset))
      .filter((date) => weekdayOf(date) === weekday)

  if (rest.length === 0) return chooseDate(daysAround(-6, 6), today, prefer)

  if (rest.length === 1) {
    const modifier = rest[0] ?? ''
    const isWeekWord =
      PAST_WORDS.has(modifier) || NEXT_WORDS.has(modifier) || THIS_WORDS.has(modifier)
    if (isWeekWord && name === 'minggu' && !hasDayWord) return undefined
    if (PAST_WORDS.has(modifier)) return daysAround(-7, -1)[0]
    if (NEXT_WORDS.has(modifier)) return daysAround(1, 7)[0]
    if (THIS_WORDS.has(modifier)) {
      const monday = addCalendarDays(today, -((weekdayOf(today) + 6) % 7))
      return addCalendarDays(monday, (weekday + 6) % 7)
    }
  }

  // "Senin, 24 November 2025": the weekday must agree with the date.
  const date = readExplicit(rest, today, prefer)
  return date !== undefined && weekdayOf(date) === weekday ? date : undefined
}

/** Reads "24" after "tanggal": that day in the previous, this or the next month, by `prefer`. */
function readDayOfMonth(
  words: string[],
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  const [word = '', ...rest] = words
  if (rest.length > 0 || !/^\d{1,2}$/.test(word)) return undefined
  const candidates = [-1, 0, 1].map((shift) => {
    const monthIndex = today.year * 12 + (today.month - 1) + shift
    return makeCalendarDate(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, Number(word))
  })
  return chooseDate(candidates, today, prefer)
}

/** Reads "24/11", "24-11-25", "24.11.2025", "2025-11-24", "24 Nov", "24 November 2025". */
function readExplicit(
  words: string[],
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  if (words.length === 1) return readNumericDate(words[0] ?? '', today, prefer)

  const [dayWord = '', monthWord = '', yearWord, ...extra] = words
  const month = MONTHS.get(monthWord)
  if (extra.length > 0 || month === undefined || !/^\d{1,2}$/.test(dayWord)) return undefined
  return withYear(Number(dayWord), month, yearWord, today, prefer)
}

function readNumericDate(
  token: string,
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  const parts = token.split(/[/.-]/)
  if (!parts.every((part) => /^\d+$/.test(part))) return undefined
  const [first = '', second = '', third] = parts

  if (parts.length === 3 && first.length === 4) {
    return makeCalendarDate(Number(first), Number(second), Number(third))
  }
  // Two dotted numbers are a time ("07.30"), not a date.
  if (parts.length === 2 && token.includes('.')) return undefined
  if (parts.length !== 2 && parts.length !== 3) return undefined
  if (first.length > 2 || second.length > 2) return undefined
  return withYear(Number(first), Number(second), third, today, prefer)
}

/** Completes a day and month with the written year, a two-digit year, or a year by `prefer`. */
function withYear(
  day: number,
  month: number,
  yearWord: string | undefined,
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  if (yearWord === undefined) {
    const years = range(today.year - 4, today.year + 4)
    return chooseDate(
      years.map((year) => makeCalendarDate(year, month, day)),
      today,
      prefer
    )
  }
  if (/^\d{4}$/.test(yearWord)) return makeCalendarDate(Number(yearWord), month, day)
  if (/^\d{2}$/.test(yearWord)) {
    const years = [1900, 2000].map((century) => century + Number(yearWord))
    return chooseDate(
      years.map((year) => makeCalendarDate(year, month, day)),
      today,
      prefer
    )
  }
  return undefined
}

/**
 * Picks among possible dates: past takes the latest on or before today, future the earliest on
 * or after today, nearest the closest (a tie goes to the past).
 */
function chooseDate(
  candidates: (CalendarDate | undefined)[],
  today: CalendarDate,
  prefer: DatePreference
): CalendarDate | undefined {
  const dated = candidates
    .filter((date) => date !== undefined)
    .map((date) => ({ date, offset: daysBetween(today, date) }))
    .filter(({ offset }) =>
      prefer === 'past' ? offset <= 0 : prefer === 'future' ? offset >= 0 : true
    )
    .sort((a, b) => Math.abs(a.offset) - Math.abs(b.offset) || a.offset - b.offset)
  return dated[0]?.date
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index)
}
