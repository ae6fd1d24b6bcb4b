/**
 * The records other systems sync and people export (docs/design.md#contracts: lists,
 * docs/domain.md, decision 3), one zod schema each: a home visit, an attendance record, a person
 * and an indicator of a month and region. Everything else derives from these: the listing
 * queries' rows (`db/queries/listings.ts`) are their types, the API answers their JSON form
 * (instants as ISO 8601 strings, `http/api/schemas.ts`), the exports name their columns by their
 * keys (`export/datasets.ts`) and the demo builds its visits and people from them.
 *
 * Instants are `Date`s here; calendar dates are `YYYY-MM-DD` strings, as the database reads them.
 * Rows hold only the personal data their list needs (docs/domain.md#privacy): ids as stable
 * person and family keys, never phones, family names, notes, photos, locations or raw health
 * numbers.
 * @module
 */
import { z } from 'zod'
import type { PusSource } from './kb.js'
import { CADRE_TIERS, PERSON_STATUSES, ROLES } from './people.js'
import { ATTENDANCE_STATUSES } from './training.js'

const calendarDate = z.iso.date()

/** A visit is `submitted`, or `withdrawn` by its cadre (kept, so a syncing system sees it). */
export const VISIT_STATUSES = ['submitted', 'withdrawn'] as const
export type VisitStatus = (typeof VISIT_STATUSES)[number]

/** One home visit: codes, period, keys and the recorded answers, with the referral made at it. */
export const visitRecordSchema = z.object({
  id: z.number().int(),
  reference: z.string(),
  programmeCode: z.string(),
  period: z.string(),
  visitDate: calendarDate,
  kecamatanCode: z.string().nullable(),
  kecamatanName: z.string().nullable(),
  desaCode: z.string(),
  desaName: z.string().nullable(),
  cadreId: z.number().int().describe('Stable person key of the reporting cadre.'),
  familyId: z.number().int().describe('Stable key of the visited family.'),
  sasaran: z.array(z.string()),
  kbStatus: z.string().nullable(),
  kbMethod: z.string().nullable(),
  kbIntent: z.string().nullable(),
  risk4t: z.array(z.string()),
  envRisks: z.array(z.string()),
  actions: z.array(z.string()),
  referralTarget: z.string().nullable(),
  referralReason: z.string().nullable(),
  referralStatus: z.string().nullable(),
  followUpDate: calendarDate.nullable(),
  duplicateOf: z.number().int().nullable(),
  status: z.enum(VISIT_STATUSES),
  createdAt: z.date(),
})
export type VisitRecord = z.output<typeof visitRecordSchema>

/** One recorded attendance (a participant at a session), with its programme, cohort and codes. */
export const attendanceRecordSchema = z.object({
  id: z.number().int(),
  programmeCode: z.string(),
  cohortCode: z.string(),
  kecamatanCode: z.string(),
  sessionId: z.number().int(),
  sessionDate: calendarDate,
  period: z.string(),
  personId: z.number().int().describe('Stable person key of the participant.'),
  /** The participant's own region code (their desa). */
  personRegionCode: z.string(),
  status: z.enum(ATTENDANCE_STATUSES),
  /** How it was recorded: kode, lokasi, mentor, izin, auto. */
  method: z.string(),
  at: z.date(),
})
export type AttendanceRecord = z.output<typeof attendanceRecordSchema>

/** One person as the roster sync needs them: key, name, roles and region; no phone, no age. */
export const personRecordSchema = z.object({
  id: z.number().int().describe('Stable person key.'),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  regionCode: z.string(),
  kecamatanCode: z.string().nullable(),
  desaCode: z.string().nullable(),
  cadreTier: z.enum(CADRE_TIERS).nullable(),
  status: z.enum(PERSON_STATUSES),
  optedOut: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
})
export type PersonRecord = z.output<typeof personRecordSchema>

/**
 * `percent` (× 100), `points` (a change in percentage points: numerator ÷ denominator × 100, the
 * numerator a net count that may be negative), `ratio` (per cadre) or `count`.
 */
export const INDICATOR_UNITS = ['percent', 'points', 'ratio', 'count'] as const
export type IndicatorUnit = (typeof INDICATOR_UNITS)[number]

const PUS_SOURCES = ['imported', 'visited'] as const satisfies readonly PusSource[]

/**
 * One indicator of a month and region (docs/domain.md, decision 13) with its counts, and the label
 * and formula a reader sees (`locales/id/api.json`).
 */
export const indicatorRecordSchema = z.object({
  key: z.string(),
  label: z.string(),
  formula: z.string(),
  programmeCode: z.string(),
  period: z.string(),
  regionCode: z.string(),
  unit: z
    .enum(INDICATOR_UNITS)
    .describe(
      'points: a change in percentage points (numerator, a net count that may be negative, ÷ denominator × 100).'
    ),
  /** `null` for a plain count. */
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  value: z.number().nullable().describe('One decimal; null when the denominator is 0.'),
  asOf: z.date().nullable().describe('Training figures count the sessions held by this time.'),
  method: z
    .string()
    .nullable()
    .describe(
      'KB figures by method: the SIGA method code (IUD, MOW, MOP, IMPLAN, SUNTIK, PIL, KONDOM, MAL, TRADISIONAL).'
    ),
  denominatorSource: z
    .enum(PUS_SOURCES)
    .nullable()
    .describe('KB figures over PUS: the imported PUS of every desa, or the PUS families visited.'),
})
export type IndicatorRecord = z.output<typeof indicatorRecordSchema>
