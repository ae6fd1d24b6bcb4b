/**
 * The month the dashboard opens on: supervisors look at the month
 * cadres are reporting for, which is the previous one until the reporting deadline (the 3rd of the
 * following month, docs/domain.md, decision 14), and never an empty month while an earlier one has
 * data.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { previousPeriod } from './kb.js'

/** Cadres' monthly reports are due by this day of the following month. */
export const REPORT_DEADLINE_DAY = 3

/**
 * The month reports are being made for at `now`: the previous month up to and including the
 * deadline day, else the current month (both in `timeZone`).
 */
export function reportingPeriod(now: Date, timeZone: string): string {
  const local = new TZDate(now.getTime(), timeZone)
  const current = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}`
  return local.getDate() <= REPORT_DEADLINE_DAY ? previousPeriod(current) : current
}

/**
 * The dashboard's default month: the reporting month, or, when that month has no data yet, the
 * latest earlier month that has (`latestWithData`: the latest month with data on or before the
 * reporting month, null when none).
 */
export function defaultDashboardPeriod(reporting: string, latestWithData: string | null): string {
  return latestWithData !== null && latestWithData < reporting ? latestWithData : reporting
}
