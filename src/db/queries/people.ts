/**
 * Queries on people: upserts by phone or by name, registrations, status and opting out (docs/domain.md,
 * decisions 4 and 8); their chat identities are in `identities.ts`, their consents in `consent.ts`.
 * Phones are E.164 (`normalizePhone` in `lib/phone.ts` before calling); roles are stored
 * deduplicated in the order of `ROLES`, so two role lists compare equal when they hold the same
 * roles.
 * @module
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { ROLES } from '../../domain/people.js'
import type { CadreTier, PersonStatus, Role, Salutation } from '../../domain/people.js'
import type { DbOrTx } from '../client.js'
import { people, regions } from '../schema/index.js'
import { rowsOf } from '../raw.js'
import { withinCode } from './regions.js'

/** One row of `people`, as every query of people returns it. */
export type Person = {
  id: number
  name: string
  /** E.164, or `null` for a participant without a phone. */
  phone: string | null
  roles: Role[]
  regionCode: string
  birthYear: number | null
  cadreTier: CadreTier | null
  status: PersonStatus
  salutation: Salutation | null
  rejectionReason: string | null
  optedOutAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** What an upsert did: a new row, a changed row, or nothing because the row was already so. */
export type UpsertAction = 'inserted' | 'updated' | 'unchanged'

/** The person an upsert left in the database, and what it did. */
export type UpsertPersonResult = { person: Person; action: UpsertAction }

/** Thrown when a new person would take a phone number another person already has. */
export class PhoneInUseError extends Error {
  readonly code = 'PHONE_IN_USE' as const

  constructor(options?: ErrorOptions) {
    super('another person already has this phone number', options)
    this.name = 'PhoneInUseError'
  }
}

/** Thrown when several people without a phone share the name and region being matched. */
export class AmbiguousPersonError extends Error {
  readonly code = 'AMBIGUOUS_PERSON' as const

  constructor(
    readonly matches: number,
    options?: ErrorOptions
  ) {
    super(`${matches} people without a phone have this name in this region`, options)
    this.name = 'AmbiguousPersonError'
  }
}

/** The columns of `Person`, for the queries of other files that return people. */
export const personColumns = {
  id: people.id,
  name: people.name,
  phone: people.phone,
  roles: people.roles,
  regionCode: people.regionCode,
  birthYear: people.birthYear,
  cadreTier: people.cadreTier,
  status: people.status,
  salutation: people.salutation,
  rejectionReason: people.rejectionReason,
  optedOutAt: people.optedOutAt,
  createdAt: people.createdAt,
  updatedAt: people.updatedAt,
}

/** The roles deduplicated and in the order of `ROLES` (`['kader', 'mentor']` → mentor, kader). */
export function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((role) => roles.includes(role))
}

/** The person with this E.164 phone, if any. */
export async function findPersonByPhone(db: DbOrTx, phone: string): Promise<Person | undefined> {
  const rows = await db.select(personColumns).from(people).where(eq(people.phone, phone))
  return rows[0]
}

/** The fields an import or an admin sets on a person; `undefined` keeps what is stored. */
type PersonFields = {
  name: string
  roles: Role[]
  regionCode: string
  /** Birth year; `undefined` keeps the stored one (an empty cell does not erase it). */
  birthYear?: number
  /** Cadre tier; `undefined` keeps the stored one. */
  cadreTier?: CadreTier
  /** Ibu or Bapak; `undefined` keeps the stored one. */
  salutation?: Salutation
  /** Defaults to `active`: an imported roster is authoritative, also for pending self-registrations. */
  status?: PersonStatus
}

export type UpsertPersonByPhoneParams = PersonFields & { phone: string }

/**
 * Inserts a person, or updates the person who has this phone, in one statement (safe against a
 * concurrent import of the same number). Roles are replaced, not merged. `action` is `unchanged`
 * when the stored row already had every given value.
 */
export async function upsertPersonByPhone(
  db: DbOrTx,
  params: UpsertPersonByPhoneParams
): Promise<UpsertPersonResult> {
  const values = personValues(params)
  const changed = changedColumns(params)
  const rows = await db
    .insert(people)
    .values({ ...values, phone: params.phone })
    .onConflictDoUpdate({
      target: people.phone,
      set: {
        ...Object.fromEntries(changed.map(([key, column]) => [key, sql.raw(`excluded.${column}`)])),
        updatedAt: sql`now()`,
      },
      setWhere: distinctFromExcluded(changed.map(([, column]) => column)),
    })
    .returning({ ...personColumns, inserted: sql<boolean>`(xmax = 0)` })
  const row = rows[0]
  if (row) {
    const { inserted, ...person } = row
    return { person, action: inserted ? 'inserted' : 'updated' }
  }
  const person = await findPersonByPhone(db, params.phone)
  if (!person) throw new Error('upsertPersonByPhone: the conflicting row disappeared')
  return { person, action: 'unchanged' }
}

export type UpsertPersonWithoutPhoneParams = PersonFields

/**
 * Inserts or updates a person without a phone (a participant), matched by exact name and region
 * code among the people who have no phone. Throws `AmbiguousPersonError` when several match. An
 * advisory lock on the name and region keeps two concurrent imports from inserting twice.
 */
export async function upsertPersonWithoutPhone(
  db: DbOrTx,
  params: UpsertPersonWithoutPhoneParams
): Promise<UpsertPersonResult> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`people:${params.regionCode}:${params.name}`}))`
    )
    const matches = await tx
      .select(personColumns)
      .from(people)
      .where(
        and(
          isNull(people.phone),
          eq(people.name, params.name),
          eq(people.regionCode, params.regionCode)
        )
      )
      .orderBy(asc(people.id))
      .limit(2)
      .for('update')
    if (matches.length > 1) throw new AmbiguousPersonError(matches.length)
    const existing = matches[0]
    const values = personValues(params)
    if (!existing) {
      const inserted = await tx.insert(people).values(values).returning(personColumns)
      return { person: inserted[0]!, action: 'inserted' }
    }
    if (sameValues(existing, values)) return { person: existing, action: 'unchanged' }
    const updated = await tx
      .update(people)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(people.id, existing.id))
      .returning(personColumns)
    return { person: updated[0]!, action: 'updated' }
  })
}

/** A person an import writes by phone (`upsertPeopleByPhone`). */
export type UpsertPeopleByPhoneRow = Omit<UpsertPersonByPhoneParams, 'cadreTier'>

/**
 * Inserts or updates many people by phone in one statement, as `upsertPersonByPhone` does for
 * one: the imports write their rows in batches of a few hundred. The phones must be distinct.
 * Returns what happened per phone; a phone that is not in the map was `unchanged`.
 */
export async function upsertPeopleByPhone(
  db: DbOrTx,
  rows: readonly UpsertPeopleByPhoneRow[]
): Promise<Map<string, UpsertAction>> {
  if (rows.length === 0) return new Map()
  const values = rows.map((row) => ({ ...personValues(row), phone: row.phone }))
  // One array per column (unnest), not a parameter per cell: a batch costs a few parameters to
  // build and send, whatever its size. Roles go as array literals (`{kader,mentor}`; role words
  // hold no separators) and are cast back per row. An empty birth year keeps the stored one, as
  // in `upsertPersonByPhone`.
  const column = (pick: (value: (typeof values)[number]) => unknown) => sql.param(values.map(pick))
  const result = await db.execute(sql`
    insert into ${people} (name, phone, roles, region_code, status, birth_year, salutation)
    select name, phone, roles::text[], region_code, status, birth_year, salutation from unnest(
      ${column((value) => value.name)}::text[],
      ${column((value) => value.phone)}::text[],
      ${column((value) => `{${value.roles.join(',')}}`)}::text[],
      ${column((value) => value.regionCode)}::text[],
      ${column((value) => value.status)}::text[],
      ${column((value) => value.salutation ?? null)}::text[],
      ${column((value) => value.birthYear ?? null)}::integer[]
    ) as row(name, phone, roles, region_code, status, salutation, birth_year)
    on conflict (phone) do update set
      name = excluded.name,
      roles = excluded.roles,
      region_code = excluded.region_code,
      status = excluded.status,
      birth_year = coalesce(excluded.birth_year, people.birth_year),
      salutation = coalesce(excluded.salutation, people.salutation),
      updated_at = now()
    where (people.name, people.roles, people.region_code, people.status, people.birth_year, people.salutation)
      is distinct from (excluded.name, excluded.roles, excluded.region_code, excluded.status,
        coalesce(excluded.birth_year, people.birth_year),
        coalesce(excluded.salutation, people.salutation))
    returning phone, (xmax = 0) as inserted`)
  return new Map(
    rowsOf<{ phone: string; inserted: boolean }>(result).map((row) => [
      row.phone,
      row.inserted ? 'inserted' : 'updated',
    ])
  )
}

/** What `upsertPeopleWithoutPhone` did for one row: as the upsert, or several people matched. */
export type UpsertPeopleWithoutPhoneResult = UpsertAction | { ambiguous: number }

/**
 * `upsertPersonWithoutPhone` for many rows at once (the imports' batches): one advisory lock per
 * name and region, one read of the people they match, one insert of the new ones. The name and
 * region pairs must be distinct. Returns one result per row, in order; a row that matches
 * several people is left alone (`ambiguous`).
 */
export async function upsertPeopleWithoutPhone(
  db: DbOrTx,
  rows: readonly UpsertPersonWithoutPhoneParams[]
): Promise<UpsertPeopleWithoutPhoneResult[]> {
  if (rows.length === 0) return []
  const keyOf = (row: { name: string; regionCode: string }) =>
    `people:${row.regionCode}:${row.name}`
  // In one order, so two imports of overlapping files wait for each other instead of deadlocking.
  const keys = [...new Set(rows.map(keyOf))].sort()
  await db.execute(
    sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(array[${sql.join(
      keys.map((key) => sql`${key}`),
      sql`, `
    )}]::text[]) as k`
  )
  const pairs = sql.join(
    rows.map((row) => sql`(${row.name}, ${row.regionCode})`),
    sql`, `
  )
  const matches = await db
    .select(personColumns)
    .from(people)
    .where(and(isNull(people.phone), sql`(${people.name}, ${people.regionCode}) in (${pairs})`))
    .orderBy(asc(people.id))
    .for('update')
  const matchesOf = new Map<string, Person[]>()
  for (const match of matches) {
    const key = keyOf(match)
    matchesOf.set(key, [...(matchesOf.get(key) ?? []), match])
  }

  const results: UpsertPeopleWithoutPhoneResult[] = []
  const inserts: ReturnType<typeof personValues>[] = []
  for (const row of rows) {
    const found = matchesOf.get(keyOf(row)) ?? []
    const values = personValues(row)
    if (found.length > 1) results.push({ ambiguous: found.length })
    else if (found[0] === undefined) {
      inserts.push(values)
      results.push('inserted')
    } else if (sameValues(found[0], values)) results.push('unchanged')
    else {
      await db
        .update(people)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(people.id, found[0].id))
      results.push('updated')
    }
  }
  if (inserts.length > 0) await db.insert(people).values(inserts)
  return results
}

type ChangeableKey =
  'name' | 'roles' | 'regionCode' | 'birthYear' | 'cadreTier' | 'status' | 'salutation'

const COLUMN_NAMES: Record<ChangeableKey, string> = {
  name: 'name',
  roles: 'roles',
  regionCode: 'region_code',
  birthYear: 'birth_year',
  cadreTier: 'cadre_tier',
  status: 'status',
  salutation: 'salutation',
}

/** The row values of the given fields (roles sorted, status defaulted, undefined ones left out). */
function personValues(params: PersonFields) {
  return {
    name: params.name,
    roles: sortRoles(params.roles),
    regionCode: params.regionCode,
    status: params.status ?? 'active',
    ...(params.birthYear !== undefined ? { birthYear: params.birthYear } : {}),
    ...(params.cadreTier !== undefined ? { cadreTier: params.cadreTier } : {}),
    ...(params.salutation !== undefined ? { salutation: params.salutation } : {}),
  }
}

/** Whether the stored person already has every value an upsert would set. */
function sameValues(person: Person, values: ReturnType<typeof personValues>): boolean {
  return Object.entries(values).every(([key, value]) => {
    const stored = person[key as keyof Person]
    return Array.isArray(value) && Array.isArray(stored)
      ? value.length === stored.length && value.every((item, i) => item === stored[i])
      : value === stored
  })
}

/** The keys and SQL column names an upsert sets: the given fields only. */
function changedColumns(params: PersonFields): [ChangeableKey, string][] {
  const keys: ChangeableKey[] = ['name', 'roles', 'regionCode', 'status']
  if (params.birthYear !== undefined) keys.push('birthYear')
  if (params.cadreTier !== undefined) keys.push('cadreTier')
  if (params.salutation !== undefined) keys.push('salutation')
  return keys.map((key) => [key, COLUMN_NAMES[key]])
}

/** `(people.a, people.b) is distinct from (excluded.a, excluded.b)` for an upsert's `setWhere`. */
function distinctFromExcluded(columns: string[]): SQL {
  const stored = sql.join(
    columns.map((column) => sql.raw(`people.${column}`)),
    sql`, `
  )
  const excluded = sql.join(
    columns.map((column) => sql.raw(`excluded.${column}`)),
    sql`, `
  )
  return sql`(${stored}) is distinct from (${excluded})`
}

/**
 * The active people who may approve a self-registration in `regionCode`: supervisors and admins
 * whose own region code covers it (the same code, or a code above it: 35.07.24 covers
 * 35.07.24.2001, 35.07 covers everything). Ordered by id. Opted-out people are included:
 * BERHENTI stops reminders and broadcasts, not approval requests; callers decide.
 */
export async function listSupervisorsCovering(db: DbOrTx, regionCode: string): Promise<Person[]> {
  return db
    .select(personColumns)
    .from(people)
    .where(
      and(
        eq(people.status, 'active'),
        sql`${people.roles} && array['supervisor', 'admin']::text[]`,
        sql`(${people.regionCode} = ${regionCode} or ${regionCode} like ${people.regionCode} || '.%')`
      )
    )
    .orderBy(asc(people.id))
}

export type CreatePendingCadreParams = {
  name: string
  /** E.164; absent for a registration that did not share a number. */
  phone?: string
  regionCode: string
  cadreTier: CadreTier
  /** Ibu or Bapak, as the registrant answered; unknown if absent. */
  salutation?: Salutation | null
}

/**
 * Records a cadre's self-registration as a `pending` person with the role `kader`, for a
 * supervisor to approve. Throws `PhoneInUseError` if a person already has that phone.
 */
export async function createPendingCadre(
  db: DbOrTx,
  params: CreatePendingCadreParams
): Promise<Person> {
  const rows = await db
    .insert(people)
    .values({
      name: params.name,
      phone: params.phone ?? null,
      roles: ['kader'],
      regionCode: params.regionCode,
      cadreTier: params.cadreTier,
      salutation: params.salutation ?? null,
      status: 'pending',
    })
    .onConflictDoNothing({ target: people.phone })
    .returning(personColumns)
  const person = rows[0]
  if (!person) throw new PhoneInUseError()
  return person
}

/**
 * A rejected self-registrant registers again (docs/domain.md, decision 4): the same person row,
 * with the new answers, pending again and without the old reason. `undefined` unless they were
 * rejected.
 */
export async function reopenRegistration(
  db: DbOrTx,
  params: Omit<CreatePendingCadreParams, 'phone'> & { personId: number }
): Promise<Person | undefined> {
  const rows = await db
    .update(people)
    .set({
      name: params.name,
      regionCode: params.regionCode,
      cadreTier: params.cadreTier,
      salutation: params.salutation ?? null,
      status: 'pending',
      rejectionReason: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(people.id, params.personId), eq(people.status, 'rejected')))
    .returning(personColumns)
  return rows[0]
}

export type SetPersonStatusParams = {
  id: number
  status: PersonStatus
  /** With `rejected`: the reason the person is told; cleared for any other status. */
  rejectionReason?: string | null
}

/** Sets a person's status (approve: `active`, refuse: `rejected`); `undefined` if no such person. */
export async function setPersonStatus(
  db: DbOrTx,
  params: SetPersonStatusParams
): Promise<Person | undefined> {
  const rows = await db
    .update(people)
    .set({
      status: params.status,
      rejectionReason: params.status === 'rejected' ? (params.rejectionReason ?? null) : null,
      updatedAt: sql`now()`,
    })
    .where(eq(people.id, params.id))
    .returning(personColumns)
  return rows[0]
}

export type ListPendingRegistrationsParams = {
  /** A supervisor's or admin's region code: registrations at or below it are listed. */
  scopeCode: string
}

/** A pending person with the names of their region and of its kecamatan, for approval lists. */
export type PendingRegistrationRow = Person & {
  regionName: string
  /** The parent region's name (the kecamatan of a desa); `null` for the kabupaten. */
  parentRegionName: string | null
}

const parentRegions = alias(regions, 'parent_regions')

/** Pending self-registrations within a scope, oldest first. */
export async function listPendingRegistrations(
  db: DbOrTx,
  params: ListPendingRegistrationsParams
): Promise<PendingRegistrationRow[]> {
  // The status written out, as `people_pending_idx` says it: only the pending people are read.
  const pending = sql`${people.status} = 'pending'`
  return db
    .select({ ...personColumns, regionName: regions.name, parentRegionName: parentRegions.name })
    .from(people)
    .innerJoin(regions, eq(regions.code, people.regionCode))
    .leftJoin(parentRegions, eq(parentRegions.code, regions.parentCode))
    .where(and(pending, withinCode(people.regionCode, params.scopeCode)))
    .orderBy(asc(people.createdAt), asc(people.id))
}

export type SetOptedOutParams = {
  personId: number
  /** When BERHENTI was said; `null` for MULAI (reminders and broadcasts again). */
  at: Date | null
}

/** Records BERHENTI (`at` set) or MULAI (`at: null`); `undefined` if no such person. */
export async function setOptedOut(
  db: DbOrTx,
  params: SetOptedOutParams
): Promise<Person | undefined> {
  const rows = await db
    .update(people)
    .set({ optedOutAt: params.at, updatedAt: sql`now()` })
    .where(eq(people.id, params.personId))
    .returning(personColumns)
  return rows[0]
}
