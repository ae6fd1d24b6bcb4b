import { and, asc, count, eq, like, lt, or } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { families, referrals } from '../schema/index.js'

/** A cadre's referrals still waiting for an outcome, soonest follow-up first. */
export const listOpenReferrals = async (db: DbOrTx, params: { cadreId: number }) =>
  db
    .select({
      id: referrals.id,
      headName: families.headName,
      target: referrals.target,
      followUpDate: referrals.followUpDate,
    })
    .from(referrals)
    .innerJoin(families, eq(families.id, referrals.familyId))
    .where(and(eq(referrals.cadreId, params.cadreId), eq(referrals.status, 'belum')))
    .orderBy(asc(referrals.followUpDate), asc(referrals.id))
    .limit(20)

export type ListOverdueReferralsParams = { scopeCode: string; before: string; limit?: number }

/**
 * Open referrals in a region scope whose follow-up date is before `before` (YYYY-MM-DD), oldest
 * first, for the supervisors' weekly digest; `total` counts all of them beyond the limit.
 */
export const listOverdueReferrals = async (db: DbOrTx, params: ListOverdueReferralsParams) => {
  const where = and(
    eq(referrals.status, 'belum'),
    lt(referrals.followUpDate, params.before),
    or(eq(referrals.desaCode, params.scopeCode), like(referrals.desaCode, `${params.scopeCode}.%`))
  )
  const rows = await db
    .select({
      id: referrals.id,
      headName: families.headName,
      desaCode: referrals.desaCode,
      followUpDate: referrals.followUpDate,
    })
    .from(referrals)
    .innerJoin(families, eq(families.id, referrals.familyId))
    .where(where)
    .orderBy(asc(referrals.followUpDate), asc(referrals.id))
    .limit(params.limit ?? 10)
  const [counted] = await db.select({ total: count() }).from(referrals).where(where)
  return { rows, total: counted?.total ?? 0 }
}
