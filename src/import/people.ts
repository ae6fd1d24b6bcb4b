/**
 * `npm run import -- people <file.csv>`: the roster of admins, supervisors, mentors, cadres and
 * participants (docs/domain.md, decision 4; columns in docs/design.md#contracts). Every row is
 * validated with a zod schema; the valid rows are written in batches inside one transaction, all or
 * none, and a rejected row changes nothing. People with a phone are matched by phone; participants
 * without one by exact name and region code. Re-importing a file updates people instead of
 * duplicating them.
 * @module
 */
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import {
  AmbiguousPersonError,
  sortRoles,
  upsertPeopleByPhone,
  upsertPeopleWithoutPhone,
  upsertPersonByPhone,
  upsertPersonWithoutPhone,
} from '../db/queries/people.js'
import type { UpsertAction } from '../db/queries/people.js'
import { regions } from '../db/schema/index.js'
import { DEFAULT_TIME_ZONE, localYear } from '../domain/dates.js'
import type { Role, Salutation } from '../domain/people.js'
import { normalizePhone } from '../lib/phone.js'
import { openCsvTable } from './csv.js'
import type { ColumnAliases, CsvSource } from './csv.js'
import { LEVEL_NAMES, ROW_MESSAGES, joinOr } from './messages.js'
import { createImportReportCollector } from './report.js'
import type {
  ImportReport,
  ImportReportCollector,
  ImportReportRow,
  ImportRowStatus,
  OnImportProgress,
} from './report.js'

/** The fields of a people file. */
export type PeopleField = 'name' | 'phone' | 'roles' | 'regionCode' | 'birthYear' | 'salutation'

/**
 * Accepted header names per field (compared as `normalizeHeader` does: any case, spaces or
 * punctuation for `_`). The first name is Indonesian and is the one error messages show; the
 * English names of docs/operations/imports.md come next, then a few common spellings of Indonesian spreadsheets.
 */
export const PEOPLE_COLUMNS = {
  name: ['nama', 'name', 'nama_lengkap'],
  phone: [
    'telepon',
    'phone',
    'no_hp',
    'nomor_hp',
    'no_telepon',
    'nomor_telepon',
    'no_wa',
    'nomor_wa',
  ],
  roles: ['peran', 'role', 'roles'],
  regionCode: ['kode_wilayah', 'region_code', 'kode_desa', 'desa_code'],
  birthYear: ['tahun_lahir', 'birth_year'],
  salutation: ['sapaan', 'salutation'],
} as const satisfies ColumnAliases<PeopleField>

/** Words accepted in the salutation column (any case): Ibu or Bapak, also as abbreviated. */
const SALUTATION_ALIASES: Readonly<Record<string, Salutation>> = {
  ibu: 'ibu',
  bu: 'ibu',
  bapak: 'bapak',
  pak: 'bapak',
  bpk: 'bapak',
}

/** Columns a people file must have; the phone column may have empty cells for participants. */
export const PEOPLE_REQUIRED_COLUMNS = ['name', 'phone', 'roles', 'regionCode'] as const

/**
 * Words accepted in the role column (any case; several joined by `+`, e.g. `supervisor+kader`).
 * `pengawas`, `pkb` and `plkb` (Penyuluh / Petugas Lapangan KB, who supervise cadres) mean
 * supervisor; `pelatih` (trainer) means mentor.
 */
export const ROLE_ALIASES: Readonly<Record<string, Role>> = {
  admin: 'admin',
  supervisor: 'supervisor',
  pengawas: 'supervisor',
  pkb: 'supervisor',
  plkb: 'supervisor',
  mentor: 'mentor',
  pelatih: 'mentor',
  kader: 'kader',
  cadre: 'kader',
  peserta: 'peserta',
  participant: 'peserta',
}

type RegionLevel = (typeof regions.$inferSelect)['level']

/**
 * The region levels each role's region code may have (docs/domain.md, decision 4): cadres and
 * participants live in a desa; supervisors and mentors cover a kecamatan or a desa; admins anything
 * up to the kabupaten. A person with several roles needs a code that suits all of them.
 */
export const REGION_LEVELS_BY_ROLE: Readonly<Record<Role, readonly RegionLevel[]>> = {
  admin: ['kabupaten', 'kecamatan', 'desa', 'kelurahan'],
  supervisor: ['kecamatan', 'desa', 'kelurahan'],
  mentor: ['kecamatan', 'desa', 'kelurahan'],
  kader: ['desa', 'kelurahan'],
  peserta: ['desa', 'kelurahan'],
}

const NAME_MAX_LENGTH = 100
const BIRTH_YEAR_MIN = 1900
const DOTTED_CODE = /^\d{2}(\.\d{2}){1,2}$|^\d{2}\.\d{2}\.\d{2}\.\d{4}$/
const UNDOTTED_CODE = /^(\d{2})(\d{2})(\d{2})?(\d{4})?$/

/** Whitespace collapsed to single spaces, trimmed, in Unicode NFC. */
export function cleanName(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim()
}

/**
 * A Kemendagri code in dotted form, from dotted or plain digits (`3507242001` →
 * `35.07.24.2001`, `350724` → `35.07.24`); `undefined` when it has neither shape.
 */
export function normalizeRegionCode(value: string): string | undefined {
  const code = value.replace(/\s+/g, '')
  if (DOTTED_CODE.test(code)) return code
  const match = UNDOTTED_CODE.exec(code)
  if (!match || (match[4] !== undefined && match[3] === undefined)) return undefined
  return match.slice(1).filter(Boolean).join('.')
}

/** What a people row needs to know besides itself: the regions and the current year. */
export type PeopleRowContext = {
  regionLevels: ReadonlyMap<string, RegionLevel>
  currentYear: number
}

/** A valid people row, ready to be written. */
export type PeopleRow = {
  name: string
  /** E.164, or undefined for a participant without a phone. */
  phone?: string
  roles: Role[]
  regionCode: string
  birthYear?: number
  /** Ibu or Bapak (docs/domain.md, decision 19); an empty cell keeps what is stored. */
  salutation?: Salutation
}

/** The zod schema of one row's cells; issues carry Indonesian reasons as their messages. */
export function createPeopleRowSchema(context: PeopleRowContext) {
  return z
    .object({
      name: z.string().transform((value, ctx) => {
        const name = cleanName(value)
        const problem =
          name === ''
            ? ROW_MESSAGES.nameMissing()
            : name.length > NAME_MAX_LENGTH
              ? ROW_MESSAGES.nameTooLong(NAME_MAX_LENGTH)
              : !/\p{L}/u.test(name) || /[\p{N}\p{C}]/u.test(name)
                ? ROW_MESSAGES.nameInvalid()
                : undefined
        if (problem === undefined) return name
        ctx.addIssue({ code: 'custom', message: problem })
        return z.NEVER
      }),
      phone: z.string().transform((value, ctx) => {
        if (value === '') return undefined
        const phone = normalizePhone(value)
        if (phone !== undefined) return phone
        ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.phoneInvalid() })
        return z.NEVER
      }),
      roles: z.string().transform((value, ctx) => {
        const words = value
          .split('+')
          .map((word) => word.trim().toLowerCase())
          .filter((word) => word !== '')
        if (words.length === 0) {
          ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.roleMissing() })
          return z.NEVER
        }
        const unknown = words.filter((word) => !Object.hasOwn(ROLE_ALIASES, word))
        for (const word of unknown) {
          ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.roleUnknown(word) })
        }
        if (unknown.length > 0) return z.NEVER
        return sortRoles(words.map((word) => ROLE_ALIASES[word]!))
      }),
      regionCode: z.string().transform((value, ctx) => {
        if (value === '') {
          ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.regionMissing() })
          return z.NEVER
        }
        const code = normalizeRegionCode(value)
        if (code === undefined) {
          ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.regionMalformed(value) })
          return z.NEVER
        }
        const level = context.regionLevels.get(code)
        if (level === undefined) {
          ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.regionUnknown(code) })
          return z.NEVER
        }
        return { code, level }
      }),
      birthYear: z.string().transform((value, ctx) => {
        if (value === '') return undefined
        const year = /^\d{4}$/.test(value) ? Number(value) : NaN
        if (year >= BIRTH_YEAR_MIN && year <= context.currentYear) return year
        ctx.addIssue({
          code: 'custom',
          message: ROW_MESSAGES.birthYearInvalid(value, context.currentYear),
        })
        return z.NEVER
      }),
      salutation: z.string().transform((value, ctx) => {
        if (value === '') return undefined
        const salutation = SALUTATION_ALIASES[value.trim().toLowerCase()]
        if (salutation !== undefined) return salutation
        ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.salutationInvalid(value) })
        return z.NEVER
      }),
    })
    .superRefine((row, ctx) => {
      const needPhone = row.roles.filter((role) => role !== 'peserta')
      if (row.phone === undefined && needPhone.length > 0) {
        ctx.addIssue({ code: 'custom', message: ROW_MESSAGES.phoneRequired(needPhone) })
      }
      for (const role of row.roles) {
        const allowed = REGION_LEVELS_BY_ROLE[role]
        if (!allowed.includes(row.regionCode.level)) {
          ctx.addIssue({
            code: 'custom',
            message: ROW_MESSAGES.regionLevel(
              role,
              joinOr(allowed.map((level) => LEVEL_NAMES[level])),
              row.regionCode.code,
              LEVEL_NAMES[row.regionCode.level]
            ),
          })
        }
      }
    })
    .transform((row): PeopleRow => ({
      name: row.name,
      roles: row.roles,
      regionCode: row.regionCode.code,
      ...(row.phone !== undefined ? { phone: row.phone } : {}),
      ...(row.birthYear !== undefined ? { birthYear: row.birthYear } : {}),
      ...(row.salutation !== undefined ? { salutation: row.salutation } : {}),
    }))
}

export type ImportPeopleOptions = {
  /** The current time, for the latest valid birth year (default: now). */
  now?: Date
  /** Time zone that decides the current year (default `Asia/Jakarta`). */
  timeZone?: string
  /** Told after each batch of rows. */
  onProgress?: OnImportProgress
}

/**
 * A row's cells through its zod schema: the valid row, or the reason to reject it (every issue,
 * joined with "; "). A row with more cells than the header is rejected before it is read.
 */
export function parseImportRow<T>(
  schema: z.ZodType<T, unknown>,
  cells: unknown,
  tooManyCells: boolean
): { row: T } | { reason: string } {
  if (tooManyCells) return { reason: ROW_MESSAGES.tooManyCells() }
  const parsed = schema.safeParse(cells)
  return parsed.success
    ? { row: parsed.data }
    : { reason: parsed.error.issues.map((issue) => issue.message).join('; ') }
}

/** Rows written per statement: a few hundred keep each statement and savepoint small. */
export const IMPORT_BATCH_SIZE = 500

const STATUS_OF: Record<UpsertAction, ImportRowStatus> = {
  inserted: 'accepted',
  updated: 'updated',
  unchanged: 'unchanged',
}

/** A valid row waiting in a batch, with its line in the file. */
type PendingPerson = { line: number; row: PeopleRow }

/**
 * Imports a people CSV (text, bytes or a stream of them; a BOM is dropped) in one transaction
 * (a savepoint when `db` is one) and reports every row: the accepted rows are all written, or,
 * when anything fails (the database, a broken line further down the file), none. Valid rows are
 * written in batches of `IMPORT_BATCH_SIZE`. Throws `ImportFileError` when the file cannot be read
 * (no header, a required column missing, a broken quote). Rejected rows change nothing; a phone
 * that appears twice in the file is rejected on its later row.
 */
export async function importPeople(
  db: DbOrTx,
  source: CsvSource,
  options: ImportPeopleOptions = {}
): Promise<ImportReport> {
  return db.transaction(async (tx) => {
    const table = await openCsvTable(source, {
      columns: PEOPLE_COLUMNS,
      required: PEOPLE_REQUIRED_COLUMNS,
    })
    const schema = createPeopleRowSchema({
      regionLevels: await loadRegionLevels(tx),
      currentYear: localYear(options.now ?? new Date(), options.timeZone ?? DEFAULT_TIME_ZONE),
    })
    const phoneLines = new Map<string, number>()
    const phonelessLines = new Map<string, number>()
    const report = createImportReportCollector()
    let batch: PendingPerson[] = []
    let sinceFlush = 0
    const flush = async (): Promise<void> => {
      await writePeopleBatch(tx, batch, report)
      batch = []
      sinceFlush = 0
      await options.onProgress?.(report.progress())
    }

    for await (const { line, cells, tooManyCells } of table.rows) {
      if (sinceFlush === IMPORT_BATCH_SIZE) await flush()
      sinceFlush++
      const name = cleanName(cells.name)
      const reject = (reason: string): void => {
        report.add({ line, status: 'rejected', reason, ...(name !== '' ? { name } : {}) })
      }
      const parsed = parseImportRow(schema, cells, tooManyCells)
      if ('reason' in parsed) {
        reject(parsed.reason)
        continue
      }
      const row = parsed.row
      const [seen, key] =
        row.phone !== undefined
          ? [phoneLines, row.phone]
          : [phonelessLines, `${row.regionCode}\u0000${row.name}`]
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        reject(
          row.phone !== undefined
            ? ROW_MESSAGES.phoneDuplicate(earlier)
            : ROW_MESSAGES.nameRegionDuplicate(earlier)
        )
        continue
      }
      seen.set(key, line)
      batch.push({ line, row })
    }
    await flush()
    return report.finish(table.ignoredColumns)
  })
}

/**
 * Writes a batch in a savepoint: people with a phone in one upsert, people without one in a few
 * statements. When the database refuses the batch because of a row, the savepoint is rolled back
 * and the batch written row by row, each in its own savepoint, so only that row is rejected.
 */
async function writePeopleBatch(
  db: DbOrTx,
  batch: readonly PendingPerson[],
  report: ImportReportCollector
): Promise<void> {
  if (batch.length === 0) return
  const withPhone = batch.filter((item) => item.row.phone !== undefined)
  const withoutPhone = batch.filter((item) => item.row.phone === undefined)
  let written: ImportReportRow[]
  try {
    written = await db.transaction(async (tx) => {
      const byPhone = await upsertPeopleByPhone(
        tx,
        withPhone.map(({ row }) => ({ ...row, phone: row.phone! }))
      )
      const phoneless = await upsertPeopleWithoutPhone(
        tx,
        withoutPhone.map(({ row }) => row)
      )
      return [
        ...withPhone.map(({ line, row }) => ({
          line,
          status: STATUS_OF[byPhone.get(row.phone!) ?? 'unchanged'],
          name: row.name,
        })),
        ...withoutPhone.map(({ line, row }, i): ImportReportRow => {
          const result = phoneless[i]!
          return typeof result === 'string'
            ? { line, status: STATUS_OF[result], name: row.name }
            : {
                line,
                status: 'rejected',
                reason: ROW_MESSAGES.ambiguousPerson(result.ambiguous),
                name: row.name,
              }
        }),
      ]
    })
  } catch (error) {
    if (rowErrorReason(error) === undefined) throw error
    written = []
    for (const item of batch) written.push(await writePersonRow(db, item))
  }
  for (const row of written) report.add(row)
}

/** Writes one row in its own savepoint; a refusal of that row becomes a rejected report row. */
async function writePersonRow(db: DbOrTx, { line, row }: PendingPerson): Promise<ImportReportRow> {
  try {
    const { person, action } = await db.transaction(async (tx) =>
      row.phone !== undefined
        ? upsertPersonByPhone(tx, { ...row, phone: row.phone })
        : upsertPersonWithoutPhone(tx, row)
    )
    return { line, status: STATUS_OF[action], name: person.name }
  } catch (error) {
    const reason = rowErrorReason(error)
    if (reason === undefined) throw error
    return { line, status: 'rejected', reason, name: row.name }
  }
}

/** Every region code with its level (a few hundred rows, read once per import). */
async function loadRegionLevels(db: DbOrTx): Promise<Map<string, RegionLevel>> {
  const rows = await db.select({ code: regions.code, level: regions.level }).from(regions)
  return new Map(rows.map((row) => [row.code, row.level]))
}

/**
 * The reason to report when writing a row failed because of that row: several people matching a
 * participant, or the database refusing the data (SQLSTATE classes 22 and 23). `undefined` for
 * anything else (a lost connection), which stops the import.
 */
export function rowErrorReason(error: unknown): string | undefined {
  if (error instanceof AmbiguousPersonError) return ROW_MESSAGES.ambiguousPerson(error.matches)
  const state = sqlState(error)
  if (state !== undefined && /^2[23]/.test(state)) return ROW_MESSAGES.databaseRefused()
  return undefined
}

/** The SQLSTATE of a driver error, also when drizzle wrapped it as the `cause`. */
export function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; depth++) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = current.cause
  }
  return undefined
}
