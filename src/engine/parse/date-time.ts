/**
 * Reads a time of day, and a date with a time, from an Indonesian reply.
 * @module
 */
import { TZDate } from '@date-fns/tz'

import { addCalendarDays, calendarDateIn } from './calendar.js'
import type { CalendarDate } from './calendar.js'
import { parseCalendarDate } from './date.js'
import type { DateParseOptions } from './date.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'
import { isNumberWord, parseNumber } from './number.js'

/** A wall-clock time: hour 0..23, minute 0..59. */
export type TimeOfDay = { hour: number; minute: number }

// How an hour written with a part of the day becomes 0..23: [from, to, hours to add].
const PERIODS = new Map<string, [number, number, number][]>(
  Object.entries({
    pagi: [[0, 11, 0]],
    subuh: [[0, 11, 0]],
    siang: [
      [10, 12, 0],
      [1, 5, 12],
      [13, 17, 0],
    ],
    sore: [
      [2, 7, 12],
      [14, 19, 0],
    ],
    malam: [
      [6, 11, 12],
      [12, 12, -12],
      [0, 4, 0],
      [18, 23, 0],
    ],
  })
)

const CLOCK_WORDS = new Set(['jam', 'jm', 'pukul', 'pkl'])
const HALF_WORD = 'setengah' // "setengah 8" is 7.30
const IGNORED = new Set(['wib', 'pada', 'pd', 'bu', 'pak', 'mbak', 'mas', 'kak', 'nggih'])
const MAX_WORDS = 12

/**
 * Reads a time of day: "07.00", "7:30", "jam 7", "pukul 14.30", "7 pagi", "2 siang", "setengah 8
 * malam". A bare hour needs "jam"/"pukul" or a part of the day; "7" alone is not a time.
 */
export function parseTime(text: string): TimeOfDay | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined
  return readTime(splitWords(normalized))
}

/**
 * Reads an instant from a date and a time in either order ("besok jam 7 pagi", "07.00 besok",
 * "24/11 08.00"), the wall time taken in `options.timeZone`. A time alone is today or the next
 * (or, with prefer 'past', previous) day; a date without a time is undefined.
 */
export function parseDateTime(text: string, options: DateParseOptions): Date | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined
  const words = splitWords(normalized)
  if (words.length > MAX_WORDS) return undefined

  // A part of the day may sit apart from the hour: "jam 7 besok pagi".
  const periods = words.filter((word) => PERIODS.has(word))
  const rest = words.filter((word) => !PERIODS.has(word))
  if (periods.length > 1) return undefined

  const results = new Map<number, Date>()
  for (let cut = 0; cut <= rest.length; cut++) {
    const head = rest.slice(0, cut)
    const tail = rest.slice(cut)
    for (const [timeWords, dateWords] of [
      [head, tail],
      [tail, head],
    ] as const) {
      const instant = readDateTime([...timeWords, ...periods], dateWords, options)
      if (instant !== undefined) results.set(instant.getTime(), instant)
    }
  }
  const [only, ...others] = results.values()
  return others.length === 0 ? only : undefined
}

function readDateTime(
  timeWords: string[],
  dateWords: string[],
  options: DateParseOptions
): Date | undefined {
  const time = readTime(timeWords)
  if (time === undefined) return undefined
  if (dateWords.length > 0) {
    const date = parseCalendarDate(dateWords.join(' '), options)
    return date === undefined ? undefined : atWallTime(date, time, options.timeZone)
  }

  // A time alone: today, or the neighbouring day when today's has the wrong side of now.
  const today = calendarDateIn(options.now, options.timeZone)
  if (today === undefined) return undefined
  const instant = atWallTime(today, time, options.timeZone)
  if (instant === undefined) return undefined
  const now = options.now.getTime()
  if (options.prefer === 'past') {
    return instant.getTime() <= now
      ? instant
      : atWallTime(addCalendarDays(today, -1), time, options.timeZone)
  }
  return instant.getTime() >= now
    ? instant
    : atWallTime(addCalendarDays(today, 1), time, options.timeZone)
}

function readTime(words: string[]): TimeOfDay | undefined {
  let hasClockWord = false
  let half = false
  let period: string | undefined
  const clock: string[] = []
  for (const word of words) {
    if (CLOCK_WORDS.has(word)) hasClockWord = true
    else if (word === HALF_WORD) half = true
    else if (PERIODS.has(word)) {
      if (period !== undefined) return undefined
      period = word
    } else if (!IGNORED.has(word)) clock.push(word)
  }

  const written = readClock(clock)
  if (written === undefined) return undefined
  if (!written.hasMinutes && !hasClockWord && !half && period === undefined) return undefined
  if (half && written.hasMinutes) return undefined

  const hour = period === undefined ? written.hour : withPeriod(written.hour, period)
  if (hour === undefined) return undefined
  if (half) return { hour: (hour + 23) % 24, minute: 30 }
  return { hour, minute: written.minute }
}

/** Reads "07.00", "7:30", "7", "tujuh" or "dua belas" into an hour and minute. */
function readClock(
  words: string[]
): { hour: number; minute: number; hasMinutes: boolean } | undefined {
  if (words.length === 0) return undefined
  const [single = '', ...more] = words
  const withMinutes = /^(\d{1,2})[.:](\d{2})$/.exec(single)
  if (withMinutes !== null && more.length === 0) {
    const hour = Number(withMinutes[1])
    const minute = Number(withMinutes[2])
    return hour <= 23 && minute <= 59 ? { hour, minute, hasMinutes: true } : undefined
  }
  if (!words.every((word) => /^\d{1,2}$/.test(word) || isNumberWord(word))) return undefined
  const hour = parseNumber(words.join(' '))
  if (hour === undefined || !Number.isInteger(hour) || hour < 0 || hour > 23) return undefined
  return { hour, minute: 0, hasMinutes: false }
}

function withPeriod(hour: number, period: string): number | undefined {
  const rule = PERIODS.get(period)?.find(([from, to]) => hour >= from && hour <= to)
  return rule === undefined ? undefined : hour + rule[2]
}

function atWallTime(date: CalendarDate, time: TimeOfDay, timeZone: string): Date | undefined {
  const local = new TZDate(date.year, date.month - 1, date.day, time.hour, time.minute, timeZone)
  const instant = local.getTime()
  return Number.isNaN(instant) ? undefined : new Date(instant)
}

function splitWords(text: string): string[] {
  return text.split(/[\s,]+/).filter((word) => word !== '')
}
