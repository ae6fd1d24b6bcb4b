import type { DataNeed, SessionSummary, Snapshot } from '../../src/domain/snapshot.js'

/** The example participant (examples/people.csv), recognised and active. */
export const participant: Partial<Snapshot> = {
  person: {
    id: 5,
    name: 'Nur Aini',
    roles: ['peserta'],
    regionCode: '35.07.24.2003',
    status: 'active',
  },
}

/** A mentor (Singosari), recognised and active. */
export const mentor: Partial<Snapshot> = {
  person: {
    id: 9,
    name: 'Sri Wahyuni',
    roles: ['mentor'],
    regionCode: '35.07.24',
    status: 'active',
  },
}

/** The first example session: Selasa, 1 Desember 2026, 08.00-12.00 WIB. */
export const firstSession: SessionSummary = {
  id: 1,
  startsAt: '2026-12-01T01:00:00.000Z',
  endsAt: '2026-12-01T05:00:00.000Z',
  venue: 'Balai Desa Ardimulyo',
  topic: 'Mengenal mesin jahit',
  track: 'menjahit',
}

/** Answers the upcoming-sessions need with this list, as the database would. */
export const upcomingLookups = (list: SessionSummary[]) => (need: DataNeed) =>
  need.kind === 'upcoming_sessions' ? { upcomingSessions: { key: need.key, sessions: list } } : {}
