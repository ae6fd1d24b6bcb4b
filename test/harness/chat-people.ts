/**
 * People and data for transcript tests of the cadre flows: the example cadre of Desa Wonorejo
 * (Singosari) and the family search as the database would answer it there.
 * @module
 */
import type { DataNeed, FamilyMatch, Lookups, Snapshot } from '../../src/domain/snapshot.js'

/** Siti Rahayu, an active cadre of Desa Wonorejo, Kecamatan Singosari. */
export const cadreSiti: Partial<Snapshot> = {
  person: {
    id: 4,
    name: 'Siti Rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2001',
    status: 'active',
  },
}

/** Answers the visit report's data needs: these families for any name, no same-day report. */
export const familyLookups =
  (families: FamilyMatch[]) =>
  (need: DataNeed): Partial<Lookups> =>
    need.kind === 'same_day_visit'
      ? { sameDayVisit: { key: need.key, reference: null } }
      : need.kind === 'family_search'
        ? { familySearch: { key: need.key, results: families } }
        : {}
