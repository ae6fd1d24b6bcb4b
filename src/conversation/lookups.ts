/**
 * Loads the data flows ask for mid-flow (`Flow.data`): a family search for the typed name, an
 * earlier visit to the same family on the same day. Each result carries its need's key, so a
 * later turn knows whether it still fits the answers.
 * @module
 */
import type { DbOrTx } from '../db/client.js'
import { listOpenReferrals } from '../db/queries/referrals.js'
import { findSameDayVisit, listRecentVisits, searchFamilies } from '../db/queries/visits.js'
import type { DataNeed, Snapshot } from '../domain/snapshot.js'

/** Whether the snapshot already holds the result of this need. */
export function isLoaded(snapshot: Snapshot, need: DataNeed): boolean {
  const { lookups } = snapshot
  switch (need.kind) {
    case 'family_search':
      return lookups.familySearch?.key === need.key
    case 'same_day_visit':
      return lookups.sameDayVisit?.key === need.key
    case 'recent_visits':
      return lookups.recentVisits?.key === need.key
    case 'open_referrals':
      return lookups.openReferrals?.key === need.key
  }
}

/** The snapshot with these needs loaded. */
export async function withLookups(
  tx: DbOrTx,
  snapshot: Snapshot,
  needs: DataNeed[]
): Promise<Snapshot> {
  const lookups = { ...snapshot.lookups }
  const person = snapshot.person
  for (const need of needs) {
    if (need.kind === 'family_search') {
      const results = await searchFamilies(tx, { desaCode: need.desaCode, query: need.query })
      lookups.familySearch = { key: need.key, results }
    }
    // The rest are the person's own records: nothing for someone unknown.
    if (!person) continue
    if (need.kind === 'same_day_visit') {
      const visit = await findSameDayVisit(tx, {
        cadreId: person.id,
        familyId: need.familyId,
        visitDate: need.visitDate,
      })
      lookups.sameDayVisit = { key: need.key, reference: visit?.reference ?? null }
    } else if (need.kind === 'recent_visits') {
      const recent = await listRecentVisits(tx, { cadreId: person.id, limit: 5 })
      lookups.recentVisits = {
        key: need.key,
        visits: recent.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      }
    } else if (need.kind === 'open_referrals') {
      const referrals = await listOpenReferrals(tx, { cadreId: person.id })
      lookups.openReferrals = { key: need.key, referrals }
    }
  }
  return { ...snapshot, lookups }
}
