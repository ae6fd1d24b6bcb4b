/**
 * `npm run import -- sessions <file.csv>` and `… enrollments <file.csv>`: the training schedule and
 * its participants (docs/domain.md, decisions 1 and 7; columns in docs/operations/imports.md). Like
 * the people import, every row is validated with a zod schema and the whole file is written in one
 * transaction (all accepted rows or none), each row in its own savepoint, so a rejected row
 * changes nothing and spoils no other row; re-importing a file updates instead of
 * duplicating: a session is keyed by cohort code and date, an enrollment by cohort and person.
 * A new cohort code in a sessions file creates the cohort in the default programme.
 * @module
 */
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { findPersonByPhone, upsertPersonWithoutPhone } from '../db/queries/people.js'
import type { Person, UpsertAction } from '../db/queries/people.js'
import { findCohortByCode, upsertCohort } from '../db/queries/training-cohorts.js'
import { enroll } from '../db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../db/queries/training-programmes.js'
import { upsertSession } from '../db/queries/training-sessions.js'
import { regions } from '../db/schema/index.js'
import type { CheckinMode, SkillTrack } from '../domain/training.js'
import { DEFAULT_TIME_ZONE, localInstant, localYear } from '../domain/dates.js'
import { normalizePhone } from '../lib/phone.js'
import { openCsvTable } from './csv.js'
import type { ColumnAliases, CsvSource } from './csv.js'
import { ROW_MESSAGES, TRAINING_MESSAGES } from './messages.js'
import {
  IMPORT_BATCH_SIZE,
  cleanName,
  createPeopleRowSchema,
  normalizeRegionCode,
  parseImportRow,
  rowErrorReason,
} from './people.js'
import { createImportReportCollector } from './report.js'
import type {
  ImportReport,
  ImportReportCollector,
  ImportReportRow,
  ImportRowStatus,
  OnImportProgress,
} from './report.js'

/** Sessions' times are local times of Kabupaten Malang (WIB). */
const COHORT_MAX_LENGTH = 40
const TEXT_MAX_LENGTH = 200
const BIRTH_YEAR_MIN = 1900

/** The fields of a sessions file. */
export type SessionField =
  | 'cohort'
  | 'kecamatanCode'
  | 'track'
  | 'mentorPhone'
  | 'date'
  | 'start'
  | 'end'
  | 'venue'
  | 'lat'
  | 'lng'
  | 'topic'
  | 'checkin'
  | 'status'

/** Accepted header names per field; the first (Indonesian) is the one error messages show. */
export const SESSION_COLUMNS = {
  cohort: ['kelompok', 'cohort', 'kode_kelompok'],
  kecamatanCode: ['kode_kecamatan', 'kecamatan_code'],
  track: ['keterampilan', 'track'],
  mentorPhone: ['telepon_mentor', 'mentor_phone', 'no_hp_mentor'],
  date: ['tanggal', 'date'],
  start: ['mulai', 'start', 'jam_mulai'],
  end: ['selesai', 'end', 'jam_selesai'],
  venue: ['tempat', 'venue', 'lokasi'],
  lat: ['lat', 'latitude', 'lintang'],
  lng: ['lng', 'longitude', 'lon', 'bujur'],
  topic: ['materi', 'topic'],
  checkin: ['checkin', 'cara_absen', 'absen'],
  status: ['status', 'keterangan'],
} as const satisfies ColumnAliases<SessionField>

/** Columns a sessions file must have; `lat` and `lng` are optional. */
export const SESSION_REQUIRED_COLUMNS = [
  'cohort',
  'kecamatanCode',
  'track',
  'mentorPhone',
  'date',
  'start',
  'end',
  'venue',
  'topic',
  'checkin',
] as const

/** The fields of an enrollments file. */
export type EnrollmentField = 'cohort' | 'phone' | 'name' | 'regionCode' | 'birthYear'

/** Accepted header names per field of an enrollments file. */
export const ENROLLMENT_COLUMNS = {
  cohort: ['kelompok', 'cohort', 'kode_kelompok'],
  phone: ['telepon', 'phone', 'no_hp', 'nomor_hp', 'no_wa', 'nomor_wa'],
  name: ['nama', 'name', 'nama_lengkap'],
  regionCode: ['kode_wilayah', 'region_code', 'kode_desa', 'desa_code'],
  birthYear: ['tahun_lahir', 'birth_year'],
} as const satisfies ColumnAliases<EnrollmentField>

/** Only the cohort column is required: a row names its participant by phone or by name + region. */
export const ENROLLMENT_REQUIRED_COLUMNS = ['cohort'] as const

/** Words accepted in the `keterampilan` column (any case). */
export const TRACK_ALIASES: Readonly<Record<string, SkillTrack>> = {
  menjahit: 'menjahit',
  jahit: 'menjahit',
  sewing: 'menjahit',
  makanan: 'makanan',
  food: 'makanan',
}

/**
 * Words accepted in the optional `status` column (any case): `batal` cancels the session, `aktif`
 * restores a cancelled one; an empty cell keeps what is stored.
 */
export const STATUS_ALIASES: Readonly<Record<string, boolean>> = {
  batal: true,
  dibatalkan: true,
  cancelled: true,
  aktif: false,
  jadi: false,
  active: false,
}

/** Words accepted in the `checkin` column (any case). */
export const CHECKIN_ALIASES: Readonly<Record<string, CheckinMode>> = {
  kode: 'kode',
  code: 'kode',
  lokasi: 'lokasi',
  location: 'lokasi',
  keduanya: 'keduanya',
  both: 'keduanya',
}

/**
 * A date cell as `YYYY-MM-DD`: `2026-12-01` or `1/12/2026` (day first, as Indonesians write
 * it, also with `-` or `.`); `undefined` when it is neither or not a real day.
 */
export function parseImportDate(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value)
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value)
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : local
      ? [Number(local[3]), Number(local[2]), Number(local[1])]
      : [NaN, NaN, NaN]
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return undefined
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** A time cell (`08.00`, `8:00`, `13.30`) as hour and minute; `undefined` when invalid. */
export function parseImportTime(value: string): { hour: number; minute: number } | undefined {
  const match = /^(\d{1,2})[.:](\d{2})$/.exec(value)
  if (!match) return undefined
  const hour = Number(match[1])
  const minute = Number(match[2])
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined
}

/** A coordinate cell (`-7.8912` or `-7,8912`) within ±`max`; `null` for an empty cell. */
function parseCoordinate(value: string, max: number): number | null | undefined {
  if (value === '') return null
  const text = value.includes('.') ? value : value.replace(',', '.')
  if (!/^[+-]?\d{1,3}(\.\d+)?$/.test(text)) return undefined
  const number = Number(text)
  return Math.abs(number) <= max ? number : undefined
}

/** A required free-text cell (venue, topic): collapsed whitespace, not empty, not too long. */
function requiredText(missing: () => string, field: string) {
  return z.string().transform((value, ctx) => {
    const text = cleanName(value)
    if (text === '') ctx.addIssue({ code: 'custom', message: missing() })
    else if (text.length > TEXT_MAX_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        message: TRAINING_MESSAGES.textTooLong(field, TEXT_MAX_LENGTH),
      })
    } else return text
    return z.NEVER
  })
}

/** A cohort code cell: trimmed, upper case, not empty, at most 40 characters. */
const cohortSchema = z.string().transform((value, ctx) => {
  const code = value.replace(/\s+/g, '').toUpperCase()
  if (code === '') ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.cohortMissing() })
  else if (code.length > COHORT_MAX_LENGTH) {
    ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.cohortTooLong(COHORT_MAX_LENGTH) })
  } else return code
  return z.NEVER
})

/** A valid sessions row, ready to be written (the mentor still to be looked up). */
export type SessionRow = {
  cohort: string
  kecamatanCode: string
  track: SkillTrack
  /** E.164. */
  mentorPhone: string
  date: string
  startsAt: Date
  endsAt: Date
  venue: string
  lat: number | null
  lng: number | null
  topic: string
  checkinMode: CheckinMode
  /** From the `status` column; `undefined` keeps the stored flag. */
  cancelled?: boolean
}

/** The zod schema of a sessions row; `kecamatanCodes` are the known kecamatan codes. */
export function createSessionRowSchema(
  kecamatanCodes: ReadonlySet<string>,
  timeZone: string = DEFAULT_TIME_ZONE
) {
  return z
    .object({
      cohort: cohortSchema,
      kecamatanCode: z.string().transform((value, ctx) => {
        const code = normalizeRegionCode(value)
        if (code !== undefined && kecamatanCodes.has(code)) return code
        ctx.addIssue({
          code: 'custom',
          message:
            value === ''
              ? TRAINING_MESSAGES.kecamatanMissing()
              : TRAINING_MESSAGES.kecamatanInvalid(value),
        })
        return z.NEVER
      }),
      track: z.string().transform((value, ctx) => {
        const key = value.toLowerCase()
        if (Object.hasOwn(TRACK_ALIASES, key)) return TRACK_ALIASES[key]!
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.trackInvalid(value) })
        return z.NEVER
      }),
      mentorPhone: z.string().transform((value, ctx) => {
        const phone = value === '' ? undefined : normalizePhone(value)
        if (phone !== undefined) return phone
        ctx.addIssue({
          code: 'custom',
          message:
            value === ''
              ? TRAINING_MESSAGES.mentorMissing()
              : TRAINING_MESSAGES.mentorPhoneInvalid(),
        })
        return z.NEVER
      }),
      date: z.string().transform((value, ctx) => {
        const date = parseImportDate(value)
        if (date !== undefined) return date
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.dateInvalid(value) })
        return z.NEVER
      }),
      start: z.string().transform((value, ctx) => {
        const time = parseImportTime(value)
        if (time !== undefined) return time
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.timeInvalid('mulai', value) })
        return z.NEVER
      }),
      end: z.string().transform((value, ctx) => {
        const time = parseImportTime(value)
        if (time !== undefined) return time
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.timeInvalid('selesai', value) })
        return z.NEVER
      }),
      venue: requiredText(TRAINING_MESSAGES.venueMissing, 'tempat'),
      lat: z.string().transform((value, ctx) => {
        const lat = parseCoordinate(value, 90)
        if (lat !== undefined) return lat
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.coordinateInvalid('lat', value) })
        return z.NEVER
      }),
      lng: z.string().transform((value, ctx) => {
        const lng = parseCoordinate(value, 180)
        if (lng !== undefined) return lng
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.coordinateInvalid('lng', value) })
        return z.NEVER
      }),
      topic: requiredText(TRAINING_MESSAGES.topicMissing, 'materi'),
      checkin: z.string().transform((value, ctx) => {
        const key = value.toLowerCase()
        if (Object.hasOwn(CHECKIN_ALIASES, key)) return CHECKIN_ALIASES[key]!
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.checkinInvalid(value) })
        return z.NEVER
      }),
      status: z.string().transform((value, ctx) => {
        const key = value.toLowerCase()
        if (key === '') return undefined
        if (Object.hasOwn(STATUS_ALIASES, key)) return STATUS_ALIASES[key]!
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.statusInvalid(value) })
        return z.NEVER
      }),
    })
    .superRefine((row, ctx) => {
      const toMinutes = (time: { hour: number; minute: number }) => time.hour * 60 + time.minute
      if (toMinutes(row.end) <= toMinutes(row.start)) {
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.endBeforeStart() })
      }
      if ((row.lat === null) !== (row.lng === null)) {
        ctx.addIssue({ code: 'custom', message: TRAINING_MESSAGES.coordinatesHalf() })
      } else if (row.lat === null && row.checkin !== 'kode') {
        ctx.addIssue({
          code: 'custom',
          message: TRAINING_MESSAGES.checkinNeedsLocation(row.checkin),
        })
      }
    })
    .transform((row): SessionRow => ({
      cohort: row.cohort,
      kecamatanCode: row.kecamatanCode,
      track: row.track,
      mentorPhone: row.mentorPhone,
      date: row.date,
      startsAt: localInstant(row.date, row.start, timeZone),
      endsAt: localInstant(row.date, row.end, timeZone),
      venue: row.venue,
      lat: row.lat,
      lng: row.lng,
      topic: row.topic,
      checkinMode: row.checkin,
      ...(row.status !== undefined ? { cancelled: row.status } : {}),
    }))
}

/** A birth-year cell: `undefined` when empty, the year when valid, else the reason. */
function parseBirthYear(value: string, currentYear: number): number | string | undefined {
  if (value === '') return undefined
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN
  return year >= BIRTH_YEAR_MIN && year <= currentYear
    ? year
    : ROW_MESSAGES.birthYearInvalid(value, currentYear)
}

/** Tells `onProgress` after every `IMPORT_BATCH_SIZE` rows read (rows here are written one by one). */
function progressEvery(
  report: ImportReportCollector,
  onProgress: OnImportProgress | undefined
): () => Promise<void> {
  let next = IMPORT_BATCH_SIZE
  return async () => {
    const progress = report.progress()
    if (onProgress === undefined || progress.processed < next) return
    next = progress.processed + IMPORT_BATCH_SIZE
    await onProgress(progress)
  }
}

const STATUS_OF: Record<UpsertAction, ImportRowStatus> = {
  inserted: 'accepted',
  updated: 'updated',
  unchanged: 'unchanged',
}

/** A refusal of one row found while writing it; rolls back that row's transaction. */
class RowRejectedError extends Error {
  readonly code = 'ROW_REJECTED' as const

  constructor(readonly reason: string) {
    super(reason)
    this.name = 'RowRejectedError'
  }
}

/** The outcome of several upserts of one row: new if the main record is new, else any change. */
function combine(main: UpsertAction, ...others: UpsertAction[]): ImportRowStatus {
  if (main === 'inserted') return 'accepted'
  return main === 'updated' || others.some((action) => action !== 'unchanged')
    ? 'updated'
    : STATUS_OF[main]
}

/** Writes one row in a transaction and turns its outcome into a report row. */
async function writeRow(
  db: DbOrTx,
  line: number,
  name: string | undefined,
  write: (tx: DbOrTx) => Promise<{ status: ImportRowStatus; name?: string }>
): Promise<ImportReportRow> {
  try {
    const result = await db.transaction((tx) => write(tx))
    const shown = result.name ?? name
    return { line, status: result.status, ...(shown !== undefined ? { name: shown } : {}) }
  } catch (error) {
    const reason = error instanceof RowRejectedError ? error.reason : rowErrorReason(error)
    if (reason === undefined) throw error
    return { line, status: 'rejected', reason, ...(name !== undefined ? { name } : {}) }
  }
}

export type ImportSessionsOptions = {
  /** The moment of the import: change notices to participants are due then (default: now). */
  now?: Date
  /** The zone of the file's dates and times (`TZ_NAME`; default `Asia/Jakarta`). */
  timeZone?: string
  /** Told after each batch of rows. */
  onProgress?: OnImportProgress
}

/**
 * Imports a sessions CSV and reports every row (named `<cohort> <date>`). The mentor, by phone,
 * must be an active person with the role mentor. A cohort's kecamatan, track and mentor are
 * those of its rows; rows of one cohort that disagree are rejected after the first. Throws
 * `ImportFileError` when the file cannot be read; then nothing was written.
 */
export async function importSessions(
  db: DbOrTx,
  source: CsvSource,
  options: ImportSessionsOptions = {}
): Promise<ImportReport> {
  return db.transaction((tx) => importSessionsIn(tx, source, options))
}

async function importSessionsIn(
  db: DbOrTx,
  source: CsvSource,
  options: ImportSessionsOptions
): Promise<ImportReport> {
  const now = options.now ?? new Date()
  const table = await openCsvTable<SessionField>(source, {
    columns: SESSION_COLUMNS,
    required: SESSION_REQUIRED_COLUMNS,
  })
  const kecamatanRows = await db.select({ code: regions.code, level: regions.level }).from(regions)
  const schema = createSessionRowSchema(
    new Set(kecamatanRows.filter((row) => row.level === 'kecamatan').map((row) => row.code)),
    options.timeZone ?? DEFAULT_TIME_ZONE
  )
  const programmeId = await ensureDefaultProgramme(db)
  const sessionLines = new Map<string, number>()
  const cohortLines = new Map<string, { line: number; key: string }>()
  const report = createImportReportCollector()
  const progress = progressEvery(report, options.onProgress)

  for await (const { line, cells, tooManyCells } of table.rows) {
    await progress()
    const cohortCode = cells.cohort.replace(/\s+/g, '').toUpperCase()
    const label = [cohortCode, parseImportDate(cells.date) ?? cells.date]
      .filter((part) => part !== '')
      .join(' ')
    const name = label === '' ? undefined : label
    const reject = (reason: string): void => {
      report.add({ line, status: 'rejected', reason, ...(name !== undefined ? { name } : {}) })
    }
    const parsed = parseImportRow(schema, cells, tooManyCells)
    if ('reason' in parsed) {
      reject(parsed.reason)
      continue
    }
    const row = parsed.row
    const sessionKey = `${row.cohort}\u0000${row.date}`
    const earlierSession = sessionLines.get(sessionKey)
    if (earlierSession !== undefined) {
      reject(TRAINING_MESSAGES.sessionDuplicate(earlierSession))
      continue
    }
    const cohortKey = [row.kecamatanCode, row.track, row.mentorPhone].join('\u0000')
    const earlierCohort = cohortLines.get(row.cohort)
    if (earlierCohort !== undefined && earlierCohort.key !== cohortKey) {
      reject(TRAINING_MESSAGES.cohortConflict(row.cohort, earlierCohort.line))
      continue
    }

    const result = await writeRow(db, line, name, async (tx) => {
      const mentor = await findPersonByPhone(tx, row.mentorPhone)
      if (!mentor) throw new RowRejectedError(TRAINING_MESSAGES.mentorUnknown())
      if (!mentor.roles.includes('mentor')) {
        throw new RowRejectedError(TRAINING_MESSAGES.notMentor(mentor.name))
      }
      if (mentor.status !== 'active') {
        throw new RowRejectedError(TRAINING_MESSAGES.personInactive(mentor.name))
      }
      const cohort = await upsertCohort(tx, {
        programmeId,
        code: row.cohort,
        kecamatanCode: row.kecamatanCode,
        track: row.track,
        mentorId: mentor.id,
      })
      const session = await upsertSession(tx, {
        cohortId: cohort.id,
        date: row.date,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        venue: row.venue,
        lat: row.lat,
        lng: row.lng,
        topic: row.topic,
        checkinMode: row.checkinMode,
        ...(row.cancelled !== undefined ? { cancelled: row.cancelled } : {}),
        now,
      })
      return { status: combine(session.action, cohort.action) }
    })
    report.add(result)
    if (result.status !== 'rejected') {
      sessionLines.set(sessionKey, line)
      if (earlierCohort === undefined) cohortLines.set(row.cohort, { line, key: cohortKey })
    }
  }
  await options.onProgress?.(report.progress())
  return report.finish(table.ignoredColumns)
}

export type ImportEnrollmentsOptions = {
  /** The current time: the latest valid birth year and who is a minor (default: now). */
  now?: Date
  /** The zone that decides the current year (`TZ_NAME`; default `Asia/Jakarta`). */
  timeZone?: string
  /** Told after each batch of rows. */
  onProgress?: OnImportProgress
}

/** A valid enrollments row: the participant by phone, or by name and desa without one. */
type EnrollmentRow = { cohort: string; birthYear?: number } & (
  { phone: string } | { name: string; regionCode: string }
)

/**
 * Imports an enrollments CSV and reports every row (named by the participant). A row with a
 * phone enrolls the existing active person with that phone and the role peserta (else it is
 * rejected: import the people file first); a row without one names a participant by name and
 * region code (a desa), who is created with the role peserta if new, as the people import would.
 * The birth year (optional; else the person's) decides the minor flag. The cohort must exist.
 */
export async function importEnrollments(
  db: DbOrTx,
  source: CsvSource,
  options: ImportEnrollmentsOptions = {}
): Promise<ImportReport> {
  return db.transaction((tx) => importEnrollmentsIn(tx, source, options))
}

async function importEnrollmentsIn(
  db: DbOrTx,
  source: CsvSource,
  options: ImportEnrollmentsOptions
): Promise<ImportReport> {
  const table = await openCsvTable<EnrollmentField>(source, {
    columns: ENROLLMENT_COLUMNS,
    required: ENROLLMENT_REQUIRED_COLUMNS,
  })
  const now = options.now ?? new Date()
  const regionRows = await db.select({ code: regions.code, level: regions.level }).from(regions)
  // The people import's own rules for a participant's name, phone, desa and birth year.
  const currentYear = localYear(now, options.timeZone ?? DEFAULT_TIME_ZONE)
  const peopleSchema = createPeopleRowSchema({
    regionLevels: new Map(regionRows.map((row) => [row.code, row.level])),
    currentYear,
  })
  const seen = new Map<string, number>()
  const report = createImportReportCollector()
  const progress = progressEvery(report, options.onProgress)

  for await (const { line, cells, tooManyCells } of table.rows) {
    await progress()
    const cellName = cleanName(cells.name)
    const name = cellName === '' ? undefined : cellName
    const reject = (reason: string): void => {
      report.add({ line, status: 'rejected', reason, ...(name !== undefined ? { name } : {}) })
    }
    if (tooManyCells) {
      reject(ROW_MESSAGES.tooManyCells())
      continue
    }
    const issues: string[] = []
    const cohort = cohortSchema.safeParse(cells.cohort)
    if (!cohort.success) issues.push(...cohort.error.issues.map((issue) => issue.message))
    let participant: { phone: string } | { name: string; regionCode: string } | undefined
    let birthYear: number | undefined
    if (cells.phone !== '') {
      // By phone: the person exists; name and region cells, if any, are not read.
      const phone = normalizePhone(cells.phone)
      if (phone === undefined) issues.push(ROW_MESSAGES.phoneInvalid())
      else participant = { phone }
      const year = parseBirthYear(cells.birthYear, currentYear)
      if (typeof year === 'string') issues.push(year)
      else birthYear = year
    } else if (cells.name === '' || cells.regionCode === '') {
      issues.push(TRAINING_MESSAGES.participantMissing())
    } else {
      // Without a phone: the people import's own rules for a participant's name, desa and year.
      const person = peopleSchema.safeParse({
        name: cells.name,
        phone: '',
        roles: 'peserta',
        regionCode: cells.regionCode,
        birthYear: cells.birthYear,
        salutation: '',
      })
      if (!person.success) issues.push(...person.error.issues.map((issue) => issue.message))
      else {
        participant = { name: person.data.name, regionCode: person.data.regionCode }
        birthYear = person.data.birthYear
      }
    }
    const row: EnrollmentRow | undefined =
      cohort.success && participant !== undefined && issues.length === 0
        ? { cohort: cohort.data, ...participant, ...(birthYear !== undefined ? { birthYear } : {}) }
        : undefined
    if (row === undefined) {
      reject(issues.join('; '))
      continue
    }
    const key =
      'phone' in row
        ? `${row.cohort}\u0000${row.phone}`
        : `${row.cohort}\u0000${row.regionCode}\u0000${row.name}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      reject(TRAINING_MESSAGES.enrollmentDuplicate(earlier))
      continue
    }

    const enrollmentRow = row
    const result = await writeRow(db, line, name, async (tx) => {
      const cohortRow = await findCohortByCode(tx, enrollmentRow.cohort)
      if (!cohortRow)
        throw new RowRejectedError(TRAINING_MESSAGES.cohortUnknown(enrollmentRow.cohort))
      let person: Person
      let personAction: UpsertAction = 'unchanged'
      if ('phone' in enrollmentRow) {
        const found = await findPersonByPhone(tx, enrollmentRow.phone)
        if (!found) throw new RowRejectedError(TRAINING_MESSAGES.participantUnknown())
        if (!found.roles.includes('peserta')) {
          throw new RowRejectedError(TRAINING_MESSAGES.notParticipant(found.name))
        }
        if (found.status !== 'active') {
          throw new RowRejectedError(TRAINING_MESSAGES.personInactive(found.name))
        }
        person = found
      } else {
        const upserted = await upsertPersonWithoutPhone(tx, {
          name: enrollmentRow.name,
          roles: ['peserta'],
          regionCode: enrollmentRow.regionCode,
          ...(enrollmentRow.birthYear !== undefined ? { birthYear: enrollmentRow.birthYear } : {}),
        })
        person = upserted.person
        personAction = upserted.action
      }
      const birthYear = enrollmentRow.birthYear ?? person.birthYear ?? undefined
      const enrollment = await enroll(tx, {
        cohortId: cohortRow.id,
        personId: person.id,
        now,
        timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
        ...(birthYear !== undefined ? { birthYear } : {}),
      })
      return { status: combine(enrollment.action, personAction), name: person.name }
    })
    report.add(result)
    if (result.status !== 'rejected') seen.set(key, line)
  }
  await options.onProgress?.(report.progress())
  return report.finish(table.ignoredColumns)
}
