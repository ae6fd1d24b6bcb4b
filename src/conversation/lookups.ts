/**
 * Loads the data flows ask for mid-flow (`Flow.data`): a family search for the typed name, an
 * earlier visit to the same family on the same day. Each result carries its need's key, so a
 * later turn knows whether it still fits the answers.
 * @module
 */
import { listCadreActivities } from '../db/queries/poktan-activities.js'
import type { DbOrTx } from '../db/client.js'
import { countSegment, listCancellableBroadcasts } from '../broadcasts/service.js'
import { listCohortsInScope } from '../db/queries/broadcasts.js'
import { listOpenReferrals } from '../db/queries/referrals.js'
import {
  findLastVisit,
  findSameDayVisit,
  listRecentFamilies,
  listRecentVisits,
  searchFamilies,
} from '../db/queries/visits.js'
import type { PersonSnapshot } from '../domain/people.js'
import type {
  DataNeed,
  Lookups,
  PendingRegistration,
  SessionSummary,
  Snapshot,
} from '../domain/snapshot.js'
import { listPendingRegistrations } from '../db/queries/people.js'
import { hasAttendance } from '../db/queries/attendance.js'
import { listSessionRoster } from '../db/queries/attendance.js'
import { findSettingsForPerson } from '../db/queries/training-programmes.js'
import {
  findCheckinSession,
  listSessionsForMentor,
  listMentorSessionsOn,
  listUpcomingSessionsForPerson,
} from '../db/queries/training-sessions.js'
import { findOpenFollowUp } from '../db/queries/follow-up.js'
import { localDate } from '../domain/dates.js'
import {
  findOwnBaselineDue,
  listBaselineDueForMentor,
  listKompetenRoster,
  listMentorCodesToday,
} from '../db/queries/training-outcomes.js'

function toSummary(session: {
  sessionId: number
  startsAt: Date
  endsAt: Date
  venue: string
  topic: string
  track: string
}): SessionSummary {
  return {
    id: session.sessionId,
    startsAt: session.startsAt.toISOString(),
    endsAt: session.endsAt.toISOString(),
    venue: session.venue,
    topic: session.topic,
    track: session.track,
  }
}

/** Registrations a supervisor or admin may decide on: none for anyone else. */
async function pendingFor(tx: DbOrTx, person: PersonSnapshot): Promise<PendingRegistration[]> {
  const decides = person.roles.includes('supervisor') || person.roles.includes('admin')
  if (!decides || person.status !== 'active') return []
  const pending = await listPendingRegistrations(tx, { scopeCode: person.regionCode })
  return pending.map((p) => ({
    personId: p.id,
    name: p.name,
    // The query already joined the desa and its kecamatan.
    desaName: p.regionName,
    kecamatanName: p.parentRegionName ?? '',
    cadreTier: p.cadreTier,
  }))
}

/**
 * The snapshot with these needs loaded. The needs are independent, so their statements go out
 * together: on Postgres the transaction's connection pipelines them (one round trip for a turn's
 * family search, same-day check and last visit, not three).
 */
export async function withLookups(
  tx: DbOrTx,
  snapshot: Snapshot,
  needs: DataNeed[],
  clock: { now: Date; timeZone: string }
): Promise<Snapshot> {
  const loaded = await Promise.all(needs.map((need) => loadNeed(tx, need, snapshot.person, clock)))
  return { ...snapshot, lookups: Object.assign({ ...snapshot.lookups }, ...loaded) }
}

/** What one need adds to the snapshot's lookups (nothing of a person's own for someone unknown). */
async function loadNeed(
  tx: DbOrTx,
  need: DataNeed,
  person: PersonSnapshot | null,
  clock: { now: Date; timeZone: string }
): Promise<Partial<Lookups>> {
  const { now, timeZone } = clock
  if (need.kind === 'family_search') {
    const results = await searchFamilies(tx, { desaCode: need.desaCode, query: need.query })
    return { familySearch: { key: need.key, results } }
  }
  // The rest are the person's own records: nothing for someone unknown.
  if (!person) return {}
  if (need.kind === 'broadcast_audience') {
    // Admins reach everywhere; anyone else only their own region (docs/domain.md, decision 4).
    const admin = person.roles.includes('admin')
    const count = await countSegment(tx, need.segment, {
      ...(admin ? {} : { scope: { regionPrefix: person.regionCode } }),
      now,
      timeZone,
    })
    return { broadcastAudience: { key: need.key, count } }
  } else if (need.kind === 'pending_registrations') {
    return { pendingRegistrations: { key: need.key, registrations: await pendingFor(tx, person) } }
  } else if (need.kind === 'broadcast_cohorts') {
    const scopeCode = person.roles.includes('admin') ? undefined : person.regionCode
    return {
      broadcastCohorts: {
        key: need.key,
        cohorts: await listCohortsInScope(tx, { scopeCode }),
      },
    }
  } else if (need.kind === 'cancellable_broadcasts') {
    const rows = await listCancellableBroadcasts(tx, { personId: person.id })
    return {
      cancellableBroadcasts: {
        key: need.key,
        broadcasts: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          text: r.text,
          sending: r.status === 'sending',
        })),
      },
    }
  } else if (need.kind === 'same_day_visit') {
    const visit = await findSameDayVisit(tx, {
      cadreId: person.id,
      familyId: need.familyId,
      visitDate: need.visitDate,
    })
    return { sameDayVisit: { key: need.key, reference: visit?.reference ?? null } }
  } else if (need.kind === 'recent_families') {
    const recent = await listRecentFamilies(tx, { cadreId: person.id })
    return { recentFamilies: { key: need.key, families: recent } }
  } else if (need.kind === 'last_visit') {
    const visit = await findLastVisit(tx, need.familyId)
    return { lastVisit: { key: need.key, visit: visit ?? null } }
  } else if (need.kind === 'recent_visits') {
    const recent = await listRecentVisits(tx, { cadreId: person.id, limit: 5 })
    return {
      recentVisits: {
        key: need.key,
        visits: recent.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
        activities: await listCadreActivities(tx, person.id, 5),
      },
    }
  } else if (need.kind === 'open_referrals') {
    const referrals = await listOpenReferrals(tx, { cadreId: person.id })
    return { openReferrals: { key: need.key, referrals } }
  } else if (need.kind === 'upcoming_sessions') {
    // A mentor's list carries today's codes (never a participant's: the mentor announces it).
    const sessions = person.roles.includes('mentor')
      ? (await listSessionsForMentor(tx, { mentorId: person.id, from: now, limit: 5 })).map(
          (s) => ({
            ...toSummary(s),
            ...(s.date === localDate(now, timeZone) ? { code: s.checkinCode } : {}),
          })
        )
      : (await listUpcomingSessionsForPerson(tx, { personId: person.id, from: now, limit: 5 })).map(
          toSummary
        )
    return { upcomingSessions: { key: need.key, sessions } }
  } else if (need.kind === 'mentor_sessions_today') {
    const sessions = await listMentorSessionsOn(tx, { mentorId: person.id, at: now, timeZone })
    const withRosters = []
    for (const s of sessions) {
      const participants = await listSessionRoster(tx, {
        sessionId: s.sessionId,
        mentorId: person.id,
      })
      withRosters.push({ ...toSummary(s), cohortCode: s.cohortCode, participants })
    }
    return { mentorSessions: { key: need.key, sessions: withRosters } }
  } else if (need.kind === 'mentor_codes') {
    const sessions = await listMentorCodesToday(tx, { mentorId: person.id, at: now, timeZone })
    return { mentorCodes: { key: need.key, sessions } }
  } else if (need.kind === 'baseline_pending') {
    return {
      baselinePending: {
        key: need.key,
        self: await findOwnBaselineDue(tx, person.id),
        participants: person.roles.includes('mentor')
          ? await listBaselineDueForMentor(tx, person.id)
          : [],
      },
    }
  } else if (need.kind === 'kompeten_roster') {
    const cohorts = await listKompetenRoster(tx, { mentorId: person.id, at: now })
    return { kompetenRoster: { key: need.key, cohorts } }
  } else if (need.kind === 'open_follow_up') {
    const survey = await findOpenFollowUp(tx, person.id)
    return { openFollowUp: { key: need.key, survey: survey ?? null } }
  } else if (need.kind === 'checkin_session') {
    // The window and the radius are those of the session's own programme.
    const session = await findCheckinSession(tx, { personId: person.id, at: now })
    const settings = session ? undefined : await findSettingsForPerson(tx, person.id)
    return {
      checkinSession: {
        key: need.key,
        ...(settings
          ? {
              window: {
                opensMinutes: settings.checkinOpensMinutes,
                closesMinutes: settings.checkinClosesMinutes,
              },
            }
          : {}),
        session: session
          ? {
              ...toSummary(session),
              mode: session.checkinMode,
              code: session.checkinCode,
              lat: session.lat,
              lng: session.lng,
              radiusMeters: session.radiusMeters,
              recorded: await hasAttendance(tx, {
                sessionId: session.sessionId,
                personId: person.id,
              }),
            }
          : null,
      },
    }
  }
  return {}
}
