/**
 * Date helpers for flows' validation rules ("not in the future", "at most 31 days ago"), on
 * calendar dates in the conversation's time zone, as the YYYY-MM-DD strings date steps store.
 * @module
 */
import {
  addCalendarDays,
  calendarDateIn,
  formatCalendarDate,
  makeCalendarDate,
} from './parse/calendar.js'
import type { FlowContext } from './types.js'

/** Today's calendar date where the person is (WIB by default). */
export function today(ctx: Pick<FlowContext, 'now' | 'timeZone'>): string {
  const date = calendarDateIn(ctx.now, ctx.timeZone)
  if (!date) throw new RangeError(`Unknown time zone ${ctx.timeZone}`)
  return formatCalendarDate(date)
}

/** Moves a YYYY-MM-DD date by whole days. */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = isoDate.split('-').map(Number)
  const date = makeCalendarDate(year!, month!, day!)
  if (!date) throw new RangeError(`Not a calendar date: ${isoDate}`)
  return formatCalendarDate(addCalendarDays(date, days))
}
