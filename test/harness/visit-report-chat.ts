/**
 * The visit report's chat fixtures for transcript tests: Siti, a cadre of Wonorejo; the data the
 * database would answer (searches, her recent families, Budi Santoso's last visit); what the
 * applier would answer (the report's number and the month's count); and the count of messages a
 * script sends.
 * @module
 */
import type { DataNeed, LastVisit, Snapshot } from '../../src/domain/snapshot.js'
import type { Outcome } from '../../src/engine/index.js'

export const AT = '2025-11-24 08:00 WIB'

export const cadre: Partial<Snapshot> = {
  person: {
    id: 4,
    name: 'Siti Rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2001', // Wonorejo, Singosari
    status: 'active',
  },
}

/** What the visit's applier returns: the report's number and its month's count of visits. */
export const outcome: Outcome = { reference: 'KJ-2511-000123', visitCountThisMonth: 3 }

/** The visit report's closing answer with that outcome, to Siti (Ibu/Bapak not known). */
export const SAVED =
  '< Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000123. Ini kunjungan ke-3 Bapak/Ibu bulan November 2025.'

/** Budi Santoso's last visit: a PUS on the 3-month injection, an unfit latrine. */
export const BUDI_LAST: LastVisit = {
  visitDate: '2025-11-10',
  sasaran: ['pus'],
  kbStatus: 'ber_kb',
  kbMethod: 'suntik_3',
  kbIntent: null,
  kbServicePlace: 'pemerintah',
  kbJkn: true,
  risk4t: [],
  envRisks: ['jamban'],
}

/** The data the database would answer for Wonorejo: searches, Siti's recent families, last visits. */
export const lookups = (need: DataNeed) =>
  need.kind === 'same_day_visit'
    ? { sameDayVisit: { key: need.key, reference: null } }
    : need.kind === 'recent_families'
      ? {
          recentFamilies: {
            key: need.key,
            families: [
              {
                id: 41,
                headName: 'Budi Santoso',
                dusunRwRt: 'Krajan RT 02 RW 03',
                lastVisitDate: '2025-11-10',
              },
              { id: 43, headName: 'Sutrisna', dusunRwRt: null, lastVisitDate: '2025-11-03' },
            ],
          },
        }
      : need.kind === 'last_visit'
        ? { lastVisit: { key: need.key, visit: need.familyId === 41 ? BUDI_LAST : null } }
        : need.kind === 'family_search'
          ? {
              familySearch: {
                key: need.key,
                results: /bud/i.test(need.query)
                  ? [
                      {
                        id: 41,
                        headName: 'Budi Santoso',
                        dusunRwRt: 'Krajan RT 02 RW 03',
                        lastVisitDate: null,
                      },
                      { id: 42, headName: 'Budiono', dusunRwRt: null, lastVisitDate: null },
                    ]
                  : [],
              },
            }
          : {}

/** The messages the person sends in a script (each `>` line: typed, tapped, a photo). */
export const sentBy = (script: string) => script.split('\n').filter((l) => /^\s*>/.test(l)).length
