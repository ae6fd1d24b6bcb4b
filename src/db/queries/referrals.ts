import { and, asc, eq } from 'drizzle-orm'
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
