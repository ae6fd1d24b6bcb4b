/**
 * Graduates' certificates (docs/domain.md, decision 18): a verification code per completed
 * enrollment, the data a certificate prints, and the little the public verification page shows.
 * The PDF itself is drawn from these records each time (`src/certificates/pdf.ts`).
 * @module
 */
import { randomInt } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { DEFAULT_PROGRAMME_SETTINGS, type ProgrammeSettings } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import {
  attendance,
  certificates,
  cohorts,
  enrollments,
  people,
  programmes,
  regions,
  trainingSessions,
} from '../schema/index.js'
import { withinCode } from './regions.js'

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A fresh verification code, `XXXXX-XXXXX` (about 50 bits: not to be guessed). */
export function createCertificateCode(): string {
  const pick = () =>
    Array.from({ length: 5 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('')
  return `${pick()}-${pick()}`
}

/** Whether a string has the shape of a verification code (any case, with or without the dash). */
export function normaliseCertificateCode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/[\s-]/g, '')
  if (compact.length !== 10 || ![...compact].every((ch) => CODE_ALPHABET.includes(ch))) {
    return undefined
  }
  return `${compact.slice(0, 5)}-${compact.slice(5)}`
}

/**
 * Issues a certificate to each of these completed enrollments that has none (idempotent).
 * Returns the enrollment ids issued now.
 */
export async function issueCertificates(
  db: DbOrTx,
  params: { enrollmentIds: number[]; at: Date }
): Promise<number[]> {
  if (params.enrollmentIds.length === 0) return []
  const rows = await db
    .insert(certificates)
    .values(
      params.enrollmentIds.map((enrollmentId) => ({
        enrollmentId,
        code: createCertificateCode(),
        issuedAt: params.at,
      }))
    )
    .onConflictDoNothing({ target: certificates.enrollmentId })
    .returning({ enrollmentId: certificates.enrollmentId })
  return rows.map((r) => r.enrollmentId)
}

/** What a certificate prints. */
export type CertificateData = {
  code: string
  issuedAt: Date
  enrollmentId: number
  personId: number
  name: string
  programmeName: string
  track: string
  cohortCode: string
  kecamatanName: string
  /** Local dates of the cohort's first and last held session. */
  firstDate: string
  lastDate: string
  /** Hours of the held sessions she attended (present or late), one decimal. */
  hours: number
  /** Sessions she attended, of those held. */
  attended: number
  held: number
  kompeten: boolean | null
  settings: ProgrammeSettings
}

/**
 * The certificates of completed enrollments, by cohort code and name: of one enrollment, of one
 * cohort, of one person, or of one verification code; within the reader's region when `regionPrefix` is given
 * (the participant's desa). Reads personal data: the caller audit-logs a download.
 */
export async function listCertificates(
  db: DbOrTx,
  filter: {
    enrollmentId?: number
    cohortId?: number
    code?: string
    personId?: number
    regionPrefix?: string
  }
): Promise<CertificateData[]> {
  const held = sql`not ${trainingSessions.cancelled} and ${trainingSessions.endsAt} <= ${certificates.issuedAt}`
  const present = sql`${attendance.status} in ('present', 'late')`
  const rows = await db
    .select({
      code: certificates.code,
      issuedAt: certificates.issuedAt,
      enrollmentId: enrollments.id,
      personId: people.id,
      name: people.name,
      programmeName: programmes.name,
      settings: programmes.settings,
      track: cohorts.track,
      cohortCode: cohorts.code,
      kecamatanName: regions.name,
      kompeten: enrollments.kompeten,
      firstDate: sql<string>`min(${trainingSessions.date}) filter (where ${held})`,
      lastDate: sql<string>`max(${trainingSessions.date}) filter (where ${held})`,
      held: sql<number>`count(${trainingSessions.id}) filter (where ${held})`.mapWith(Number),
      attended:
        sql<number>`count(${trainingSessions.id}) filter (where ${held} and ${present})`.mapWith(
          Number
        ),
      seconds:
        sql<number>`coalesce(sum(extract(epoch from ${trainingSessions.endsAt} - ${trainingSessions.startsAt})) filter (where ${held} and ${present}), 0)`.mapWith(
          Number
        ),
    })
    .from(certificates)
    .innerJoin(enrollments, eq(enrollments.id, certificates.enrollmentId))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .innerJoin(regions, eq(regions.code, cohorts.kecamatanCode))
    .leftJoin(trainingSessions, eq(trainingSessions.cohortId, cohorts.id))
    .leftJoin(
      attendance,
      and(eq(attendance.sessionId, trainingSessions.id), eq(attendance.personId, people.id))
    )
    .where(
      and(
        eq(enrollments.status, 'completed'),
        filter.enrollmentId === undefined ? undefined : eq(enrollments.id, filter.enrollmentId),
        filter.cohortId === undefined ? undefined : eq(cohorts.id, filter.cohortId),
        filter.code === undefined ? undefined : eq(certificates.code, filter.code),
        filter.personId === undefined ? undefined : eq(people.id, filter.personId),
        filter.regionPrefix === undefined
          ? undefined
          : withinCode(people.regionCode, filter.regionPrefix)
      )
    )
    .groupBy(certificates.id, enrollments.id, people.id, programmes.id, cohorts.id, regions.code)
    .orderBy(asc(cohorts.code), asc(people.name), asc(people.id))
  return rows.map(({ seconds, settings, ...row }) => ({
    ...row,
    hours: Math.round(seconds / 360) / 10,
    settings: { ...DEFAULT_PROGRAMME_SETTINGS, ...settings },
  }))
}

/** What the public verification page shows: no more than initials, programme and date. */
export type CertificateCheck = {
  initials: string
  programmeName: string
  issuedAt: Date
}

/** Initials of a name as typed ("siti nur aini" → "S. N. A."). */
export function initialsOf(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter((word) => /\p{L}/u.test(word))
    .map((word) => `${[...word].find((ch) => /\p{L}/u.test(ch))!.toUpperCase()}.`)
    .join(' ')
}

/** The verification of a code: found only for a completed enrollment's certificate. */
export async function checkCertificate(
  db: DbOrTx,
  code: string
): Promise<CertificateCheck | undefined> {
  const rows = await db
    .select({ name: people.name, programmeName: programmes.name, issuedAt: certificates.issuedAt })
    .from(certificates)
    .innerJoin(enrollments, eq(enrollments.id, certificates.enrollmentId))
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    .where(and(eq(certificates.code, code), eq(enrollments.status, 'completed')))
  const row = rows[0]
  return row
    ? { initials: initialsOf(row.name), programmeName: row.programmeName, issuedAt: row.issuedAt }
    : undefined
}

/** The codes of these enrollments' certificates, by enrollment id. */
export async function certificateCodes(
  db: DbOrTx,
  enrollmentIds: number[]
): Promise<Map<number, string>> {
  if (enrollmentIds.length === 0) return new Map()
  const rows = await db
    .select({ enrollmentId: certificates.enrollmentId, code: certificates.code })
    .from(certificates)
    .where(inArray(certificates.enrollmentId, enrollmentIds))
  return new Map(rows.map((r) => [r.enrollmentId, r.code]))
}
