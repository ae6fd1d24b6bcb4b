/**
 * Small pure helpers of the dashboard pages: months in the configured zone, the region a filter
 * resolves to within the viewer's scope, and Indonesian number formatting of indicator values.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { z } from 'zod'
import { coversRegion } from '../../domain/people.js'
import { type RegionDirectory, regionName } from '../../domain/regions.js'
import { formatNumber } from '../../i18n/format.js'

export const periodSchema = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/)
export const regionCodeSchema = z.string().regex(/^35\.07(\.[0-9]{2}(\.[0-9]{4})?)?$/)
export const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** The month (`YYYY-MM`) an instant falls in, in the zone. */
export function monthOf(now: Date, timeZone: string): string {
  const local = new TZDate(now.getTime(), timeZone)
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}`
}

const MONTH_FORMAT = new Intl.DateTimeFormat('id-ID', {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/** `2025-11` → `November 2025` (Indonesian month names from Intl). */
export function monthName(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return MONTH_FORMAT.format(Date.UTC(year, month - 1, 1))
}

/** The last `count` months up to `period`, newest first, for the month picker. */
export function recentMonths(period: string, count: number): string[] {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (month - 1) - i
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
  })
}

/**
 * The region a filter code narrows the viewer's scope to: the code itself when it lies within
 * the scope, the scope when the code covers it (a desa supervisor picking their kecamatan), and
 * `undefined` when the two do not overlap (the filter is refused).
 */
export function narrowScope(scope: string, code: string | undefined): string | undefined {
  if (code === undefined) return scope
  if (coversRegion(scope, code)) return code
  if (coversRegion(code, scope)) return scope
  return undefined
}

/** The kecamatan of the directory a viewer may pick (within, or covering, their scope). */
export function kecamatanChoices(directory: RegionDirectory, scope: string) {
  return directory.kecamatan.filter(
    (k) => coversRegion(scope, k.code) || coversRegion(k.code, scope)
  )
}

/** A region's display name; the kabupaten is named by the caller. */
export function nameOf(directory: RegionDirectory, code: string): string | undefined {
  return regionName(directory, code)
}

/**
 * The query string of a list page's filters (blank ones left out) and an optional paging cursor
 * (`setelah`), for links: `?bulan=2025-11&setelah=…`, or `''` without any.
 */
export function filterQuery(
  filters: Record<string, string | number | undefined>,
  after?: string
): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  if (after) params.set('setelah', after)
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** `12.5` → `12,5`; `null` (no denominator) → the dash. */
export function formatValue(value: number | null, suffix = ''): string {
  return value === null ? '–' : `${formatNumber(value, { maximumFractionDigits: 1 })}${suffix}`
}
