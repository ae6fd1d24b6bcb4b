/**
 * The dashboard's people list: the people within the viewer's region scope, filtered by role,
 * status or a name search, paged by name. The phone is not selected: the list does not show it.
 * @module
 */
import { and, asc, eq, gt, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { PersonStatus, Role } from '../../domain/people.js'
import type { DbOrTx } from '../client.js'
import { people, regions } from '../schema/index.js'
import type { AdminScope } from './admin-visits.js'
import { withinCode } from './regions.js'

export type ListAdminPeopleParams = {
  scope: AdminScope
  role?: Role
  status?: PersonStatus
  /** Part of the name, case-insensitive. */
  query?: string
  /** Keyset cursor: the last row of the previous page. */
  after?: { name: string; id: number }
  limit: number
}

/** One row of the people list. */
export type AdminPersonRow = {
  id: number
  name: string
  roles: Role[]
  regionCode: string
  regionName: string
  status: PersonStatus
  hasPhone: boolean
  optedOut: boolean
}

/** People within the scope matching the filters, by name then id, one page of `limit`. */
export async function listAdminPeople(
  db: DbOrTx,
  params: ListAdminPeopleParams
): Promise<AdminPersonRow[]> {
  const conditions: (SQL | undefined)[] = [withinCode(people.regionCode, params.scope.regionPrefix)]
  if (params.role !== undefined) conditions.push(sql`${params.role} = any(${people.roles})`)
  if (params.status !== undefined) conditions.push(eq(people.status, params.status))
  const query = params.query?.trim()
  if (query) {
    conditions.push(sql`${people.name} ilike ${`%${query.replace(/[\\%_]/g, '\\$&')}%`}`)
  }
  if (params.after) {
    conditions.push(
      or(
        gt(people.name, params.after.name),
        and(eq(people.name, params.after.name), gt(people.id, params.after.id))
      )
    )
  }
  return db
    .select({
      id: people.id,
      name: people.name,
      roles: people.roles,
      regionCode: people.regionCode,
      regionName: regions.name,
      status: people.status,
      hasPhone: sql<boolean>`${people.phone} is not null`,
      optedOut: sql<boolean>`${people.optedOutAt} is not null`,
    })
    .from(people)
    .innerJoin(regions, eq(regions.code, people.regionCode))
    .where(and(...conditions))
    .orderBy(asc(people.name), asc(people.id))
    .limit(params.limit)
}
