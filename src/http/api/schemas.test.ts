/**
 * The API's row schemas are the records' JSON form (`jsonRecordSchema`): the same keys in the same
 * order, instants as ISO strings, descriptions kept; `toJsonRow` of a record is what they accept.
 */
import { describe, expect, test } from 'vitest'
import type { z } from 'zod'
import {
  type AttendanceRecord,
  type IndicatorRecord,
  type PersonRecord,
  type VisitRecord,
  attendanceRecordSchema,
  indicatorRecordSchema,
  personRecordSchema,
  visitRecordSchema,
} from '../../domain/records.js'
import {
  attendanceRowSchema,
  indicatorSchema,
  personRowSchema,
  toJsonRow,
  visitRowSchema,
} from './schemas.js'

const at = new Date('2025-11-03T05:00:00.000Z')

const visit: VisitRecord = {
  id: 7,
  reference: 'KJ-2511-000007',
  programmeCode: 'DPPKB-KUNJUNGAN',
  period: '2025-11',
  visitDate: '2025-11-03',
  kecamatanCode: '35.07.24',
  kecamatanName: 'Singosari',
  desaCode: '35.07.24.2001',
  desaName: 'Ardimulyo',
  cadreId: 3,
  familyId: 11,
  sasaran: ['pus'],
  kbStatus: 'ber_kb',
  kbMethod: 'implan',
  kbIntent: null,
  risk4t: [],
  envRisks: ['jamban'],
  actions: ['kie'],
  referralTarget: null,
  referralReason: null,
  referralStatus: null,
  followUpDate: null,
  duplicateOf: null,
  status: 'submitted',
  createdAt: at,
}

const attendance: AttendanceRecord = {
  id: 1,
  programmeCode: 'IBU-MUDA',
  cohortCode: 'SGS-01',
  kecamatanCode: '35.07.24',
  sessionId: 4,
  sessionDate: '2025-11-03',
  period: '2025-11',
  personId: 9,
  personRegionCode: '35.07.24.2001',
  status: 'late',
  method: 'kode',
  at,
}

const person: PersonRecord = {
  id: 9,
  name: 'Peserta',
  roles: ['peserta'],
  regionCode: '35.07.24.2001',
  kecamatanCode: '35.07.24',
  desaCode: '35.07.24.2001',
  cadreTier: null,
  status: 'active',
  optedOut: false,
  createdAt: at,
  updatedAt: new Date('2025-11-04T01:00:00.000Z'),
}

const indicator: IndicatorRecord = {
  key: 'visitsPerCadre',
  label: 'Kunjungan per kader',
  formula: 'kunjungan ÷ kader aktif',
  programmeCode: 'DPPKB-KUNJUNGAN',
  period: '2025-11',
  regionCode: '35.07',
  unit: 'ratio',
  numerator: 12,
  denominator: 4,
  value: 3,
  asOf: null,
  method: null,
  denominatorSource: null,
}

const cases = [
  { name: 'visit', record: visitRecordSchema, json: visitRowSchema, row: visit },
  {
    name: 'attendance',
    record: attendanceRecordSchema,
    json: attendanceRowSchema,
    row: attendance,
  },
  { name: 'person', record: personRecordSchema, json: personRowSchema, row: person },
  { name: 'indicator', record: indicatorRecordSchema, json: indicatorSchema, row: indicator },
] as const

describe.each(cases)('the $name record in JSON', ({ record, json, row }) => {
  test('has the record’s keys in its order', () => {
    expect(Object.keys(json.shape)).toEqual(Object.keys(record.shape))
  })

  test('accepts toJsonRow of a record, instants as the same ISO strings', () => {
    const answered = toJsonRow(row)
    expect(json.parse(answered)).toEqual(answered)
    for (const [key, value] of Object.entries(row)) {
      if (value instanceof Date) expect(answered).toHaveProperty(key, value.toISOString())
    }
    expect(record.parse(row)).toEqual(row)
  })

  test('refuses a Date where it wants an ISO string, and keeps descriptions', () => {
    const dateKeys = Object.entries(row).filter(([, value]) => value instanceof Date)
    for (const [key] of dateKeys) {
      expect(json.safeParse({ ...toJsonRow(row), [key]: 'gisteren' }).success).toBe(false)
    }
    for (const [key, field] of Object.entries(record.shape) as [string, z.ZodType][]) {
      expect((json.shape as Record<string, z.ZodType>)[key]!.description).toBe(field.description)
    }
  })
})

test('an instant that may be absent stays nullable in JSON, with its description', () => {
  const withTime = { ...indicator, asOf: at }
  expect(indicatorSchema.parse(toJsonRow(withTime)).asOf).toBe('2025-11-03T05:00:00.000Z')
  expect(indicatorSchema.shape.asOf.description).toBe(
    'Training figures count the sessions held by this time.'
  )
  expect(indicatorSchema.safeParse({ ...toJsonRow(indicator), asOf: undefined }).success).toBe(
    false
  )
})
