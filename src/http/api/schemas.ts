/**
 * The zod schemas of `/api/v1`: query parameters as clients send them and rows as the server
 * answers them. Routes validate with them and the OpenAPI document is generated from them.
 * @module
 */
import { z } from 'zod'
import { ATTENDANCE_STATUSES } from '../../domain/training.js'
import { PERSON_STATUSES, ROLES } from '../../domain/people.js'
import { SASARAN } from '../../domain/visits.js'
import {
  VISIT_STATUSES,
  attendanceRecordSchema,
  indicatorRecordSchema,
  personRecordSchema,
  visitRecordSchema,
} from '../../domain/records.js'
import { MAX_PAGE_SIZE } from '../../db/queries/listings.js'
import { CSV_SEPARATORS } from '../../export/csv.js'
import { cursorSchema } from './cursor.js'

/** A Kemendagri code: province.kabupaten, optionally .kecamatan and .desa (`35.07.24.2001`). */
export const REGION_CODE_PATTERN = /^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$/

export const regionSchema = z
  .string()
  .regex(REGION_CODE_PATTERN, 'must be a Kemendagri code such as 35.07, 35.07.24 or 35.07.24.2001')
  .describe('Kemendagri region code; covers itself and every code below it.')

export const periodSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM, such as 2025-11')
  .describe('Month, YYYY-MM (WIB).')

const sinceSchema = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 time, such as 2025-11-01T00:00:00+07:00',
  })
  .transform((value) => new Date(value))
  .describe('Only records created (people: updated) at or after this ISO 8601 time.')

const limitSchema = z.coerce
  .number({
    error: (issue) => (issue.code === 'invalid_type' ? 'must be a whole number' : undefined),
  })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
  .default(100)
  .describe(`Page size, 1 to ${MAX_PAGE_SIZE}.`)

/** `since`, `limit` and `cursor`, the paging every list takes (docs/design.md#contracts). */
function pageQuery(list: string) {
  return {
    since: sinceSchema.optional(),
    limit: limitSchema,
    cursor: cursorSchema(list).optional(),
  }
}

const visitFilters = {
  period: periodSchema.optional(),
  region: regionSchema.optional(),
  cadre: z.coerce.number().int().positive().optional().describe('Person id of the cadre.'),
  sasaran: z.enum(SASARAN).optional().describe('Visits whose target groups include this one.'),
  status: z
    .enum(VISIT_STATUSES)
    .optional()
    .describe('Both when absent, so a syncing system sees withdrawals.'),
}

export const visitsQuerySchema = z.object({ ...visitFilters, ...pageQuery('visits') }).strict()

const attendanceFilters = {
  period: periodSchema.optional().describe('Month of the session date, YYYY-MM.'),
  region: regionSchema.optional(),
  cohort: z.string().trim().min(1).max(40).optional().describe('Cohort code.'),
  status: z.enum(ATTENDANCE_STATUSES).optional(),
}

export const attendanceQuerySchema = z
  .object({ ...attendanceFilters, ...pageQuery('attendance') })
  .strict()

export const peopleQuerySchema = z
  .object({
    region: regionSchema.optional(),
    role: z.enum(ROLES).optional(),
    status: z.enum(PERSON_STATUSES).optional(),
    ...pageQuery('people'),
  })
  .strict()

export const broadcastsQuerySchema = z.object(pageQuery('broadcasts')).strict()

export const indicatorsQuerySchema = z
  .object({
    period: periodSchema,
    region: regionSchema.default('35.07'),
  })
  .strict()

const separatorSchema = z
  .enum(CSV_SEPARATORS)
  .default(',')
  .describe('Field separator; `;` for Excel in Indonesia (decimals then use a comma).')

export const visitsExportQuerySchema = z
  .object({ ...visitFilters, since: sinceSchema.optional(), sep: separatorSchema })
  .strict()

export const attendanceExportQuerySchema = z
  .object({
    period: periodSchema.optional().describe('Month of the session date, YYYY-MM.'),
    region: regionSchema.optional(),
    cohort: z.string().trim().min(1).max(40).optional().describe('Cohort code.'),
    sep: separatorSchema,
  })
  .strict()

export const indicatorsExportQuerySchema = indicatorsQuerySchema.extend({ sep: separatorSchema })

// === Rows as answered

const isoTime = z.iso.datetime({ offset: true })

/** The list envelope of docs/design.md#contracts. */
export function pageSchema<T extends z.ZodType>(row: T) {
  return z.object({
    data: z.array(row),
    next: z.string().nullable().describe('Cursor of the next page; null on the last page.'),
  })
}

/** A record's field in JSON: an instant (`z.date()`, nullable or not) as an ISO 8601 string. */
type JsonField<F> = F extends z.ZodDate
  ? typeof isoTime
  : F extends z.ZodNullable<z.ZodDate>
    ? z.ZodNullable<typeof isoTime>
    : F

/** A record's schema in JSON, as the API answers it: `toJsonRow` of the record is its output. */
type JsonRecordSchema<S extends Record<string, z.ZodType>> = z.ZodObject<{
  [K in keyof S]: JsonField<S[K]>
}>

function jsonField(field: z.ZodType): z.ZodType {
  const json =
    field instanceof z.ZodDate
      ? isoTime
      : field instanceof z.ZodNullable && field.unwrap() instanceof z.ZodDate
        ? isoTime.nullable()
        : undefined
  if (json === undefined) return field
  return field.description === undefined ? json : json.describe(field.description)
}

/**
 * The JSON form of a record's schema (`domain/records.ts`): the same fields, descriptions and
 * order, instants as ISO 8601 strings with an offset.
 */
export function jsonRecordSchema<S extends Record<string, z.ZodType>>(
  record: z.ZodObject<S>
): JsonRecordSchema<S> {
  const shape = Object.fromEntries(
    Object.entries(record.shape).map(([key, field]) => [key, jsonField(field)])
  )
  return z.object(shape) as JsonRecordSchema<S>
}

export const visitRowSchema = jsonRecordSchema(visitRecordSchema)
export const attendanceRowSchema = jsonRecordSchema(attendanceRecordSchema)
export const personRowSchema = jsonRecordSchema(personRecordSchema)
export const indicatorSchema = jsonRecordSchema(indicatorRecordSchema)

export const indicatorsResponseSchema = z.object({
  period: z.string(),
  region: z.object({ code: z.string(), level: z.string(), name: z.string() }),
  data: z.array(indicatorSchema),
})

/** A row in JSON: its instants as ISO strings, everything else as it is. */
export type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K]
}

/**
 * JSON of a row: instants as ISO strings, everything else as it is. Of a record
 * (`domain/records.ts`), its output is the record's `jsonRecordSchema`.
 */
export function toJsonRow<T extends object>(row: T): JsonRow<T> {
  const json: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    json[key] = value instanceof Date ? value.toISOString() : value
  }
  return json as JsonRow<T>
}
