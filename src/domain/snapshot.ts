/**
 * What the runtime loads for a turn so flows can read data without querying:
 * who is talking, whether they consented, the region lists, and role-specific lists.
 * @module
 */
import { z } from 'zod'
import type { Segment } from './broadcasts.js'
import type { CadreTier, PersonSnapshot } from './people.js'
import type { RecentActivity } from './poktan.js'

export type RegionEntry = { code: string; name: string }

/** A self-registration a supervisor may decide on. */
export type PendingRegistration = {
  personId: number
  name: string
  desaName: string
  kecamatanName: string
  cadreTier: CadreTier | null
}

const familyMatchSchema = z.object({
  id: z.number().int(),
  headName: z.string(),
  dusunRwRt: z.string().nullable(),
  lastVisitDate: z.string().nullable(),
})

/** A family found by a typo-tolerant search of the head's name in one desa. */
export type FamilyMatch = z.infer<typeof familyMatchSchema>

/** Data a flow asks for mid-flow (`Flow.data`); `key` tells whether a loaded result still fits. */
export type DataNeed =
  | { kind: 'family_search'; key: string; desaCode: string; query: string }
  | { kind: 'same_day_visit'; key: string; familyId: number; visitDate: string }
  | { kind: 'recent_families'; key: string }
  | { kind: 'last_visit'; key: string; familyId: number }
  | { kind: 'recent_visits'; key: string }
  | { kind: 'open_referrals'; key: string }
  | { kind: 'upcoming_sessions'; key: string }
  | { kind: 'checkin_session'; key: string }
  | { kind: 'mentor_sessions_today'; key: string }
  | { kind: 'open_follow_up'; key: string }
  | { kind: 'mentor_codes'; key: string }
  | { kind: 'baseline_pending'; key: string }
  | { kind: 'kompeten_roster'; key: string }
  | { kind: 'broadcast_audience'; key: string; segment: Segment }
  | { kind: 'cancellable_broadcasts'; key: string }
  | { kind: 'broadcast_cohorts'; key: string }
  | { kind: 'pending_registrations'; key: string }

const lastVisitSchema = z.object({
  visitDate: z.string(),
  sasaran: z.array(z.string()),
  kbStatus: z.string().nullable(),
  kbMethod: z.string().nullable(),
  kbIntent: z.string().nullable(),
  /** Where the method was served and whether JKN paid, from the KB register (null: unknown). */
  kbServicePlace: z.string().nullable().optional(),
  kbJkn: z.boolean().nullable().optional(),
  risk4t: z.array(z.string()),
  envRisks: z.array(z.string()),
})

/** What a family's latest visit recorded of the answers a routine visit may keep. */
export type LastVisit = z.infer<typeof lastVisitSchema>

/** A training session as a participant or mentor sees it. */
export type SessionSummary = {
  id: number
  /** ISO instants. */
  startsAt: string
  endsAt: string
  venue: string
  topic: string
  track: string
  /** A mentor's own session today: the check-in code to announce (never shown to participants). */
  code?: string
}

/** The session open for check-in now, with how it is verified (code and venue stay server-side). */
export type CheckinSession = SessionSummary & {
  mode: 'kode' | 'lokasi' | 'keduanya'
  code: string
  lat: number | null
  lng: number | null
  radiusMeters: number
  /** Already checked in or excused. */
  recorded: boolean
}

/** A mentor's session today with its check-in code (KODE). */
export type MentorCodeSession = SessionSummary & { cohortCode: string; code: string }

/** An enrollment waiting for its baseline survey (docs/domain.md, decision 18). */
export type BaselineDue = { enrollmentId: number; personId: number; name: string }

/** A participant of a finished cohort and her kompeten mark (`null`: not marked yet). */
export type KompetenEntry = { enrollmentId: number; name: string; kompeten: boolean | null }

/** A cohort a mentor leads whose last session is over: the participants to mark. */
export type KompetenCohort = { cohortId: number; cohortCode: string; participants: KompetenEntry[] }

/** A participant on a mentor's list for one session; `status` is her record there, if any. */
export type RosterEntry = {
  personId: number
  name: string
  status: 'present' | 'late' | 'izin' | 'absent' | null
}

/** A mentor's session today with the participants to record attendance for. */
export type MentorSessionToday = SessionSummary & {
  cohortCode: string
  participants: RosterEntry[]
}

/** One of a cadre's latest reports, for /riwayat. */
export type RecentVisitSummary = {
  id: number
  reference: string
  visitDate: string
  headName: string
  status: 'submitted' | 'withdrawn'
  /** When it was sent (ISO): it can be withdrawn for 24 hours. */
  createdAt: string
  /** What was recorded (option ids as in the visit report), shown when the report is opened. */
  sasaran: string[]
  kbStatus: string | null
  kbMethod: string | null
  kbIntent: string | null
  risk4t: string[]
  envRisks: string[]
  lila: number | null
  hb: number | null
  actions: string[]
  note: string | null
}

/** A referral still waiting for its outcome. */
export type OpenReferral = {
  id: number
  headName: string
  target: string
  followUpDate: string
}

/**
 * A broadcast its author may still stop, as /siaran lists it: waiting for its time, or being
 * sent (`sending`: the messages still queued are dropped, those already sent stay sent).
 */
export type CancellableBroadcast = { id: number; at: string; text: string; sending: boolean }

/** A training cohort a broadcast may address, within the author's region. */
export type BroadcastCohort = { code: string; kecamatanCode: string; track: string }

/**
 * The lookups an open flow keeps in its state and its next turns reuse while their needs' keys are
 * unchanged (`keepLookups`), instead of querying again on every turn: a visit report's family
 * search runs when the name is typed, not on each of the dozen answers after it. Only results
 * that depend on nothing but their key belong here (a search for a typed name, a family's last
 * visit, the cadre's own reports); what changes with the clock or with other people's work during
 * a sitting (today's session, registrations waiting, a broadcast's audience) is loaded on every
 * turn. Parsed with the chat state; a stored shape that no longer parses is dropped, and loaded
 * again.
 */
export const keptLookupsSchema = z.object({
  familySearch: z.object({ key: z.string(), results: z.array(familyMatchSchema) }).optional(),
  sameDayVisit: z.object({ key: z.string(), reference: z.string().nullable() }).optional(),
  /** The families the cadre reported on most recently, newest first. */
  recentFamilies: z.object({ key: z.string(), families: z.array(familyMatchSchema) }).optional(),
  /** The family's latest visit, `null` when it has none. */
  lastVisit: z.object({ key: z.string(), visit: lastVisitSchema.nullable() }).optional(),
})
export type KeptLookups = z.infer<typeof keptLookupsSchema>

/** What the runtime loaded for a flow's data needs, by need key. */
export type Lookups = KeptLookups & {
  /** The cadre's latest visits, and (loaded with them) her latest Poktan activities. */
  recentVisits?: { key: string; visits: RecentVisitSummary[]; activities?: RecentActivity[] }
  openReferrals?: { key: string; referrals: OpenReferral[] }
  upcomingSessions?: { key: string; sessions: SessionSummary[] }
  checkinSession?: {
    key: string
    session: CheckinSession | null
    /** The check-in window of the person's programme, for the "no session now" answer. */
    window?: { opensMinutes: number; closesMinutes: number }
  }
  /** A mentor's sessions today (the cohorts they lead), each with its cohort's participants. */
  mentorSessions?: { key: string; sessions: MentorSessionToday[] }
  /** The graduate's follow-up wave waiting for answers, if any. */
  openFollowUp?: { key: string; survey: { id: number; wave: number } | null }
  /** How many people a broadcast's segment reaches within the author's scope. */
  broadcastAudience?: { key: string; count: number }
  cancellableBroadcasts?: { key: string; broadcasts: CancellableBroadcast[] }
  broadcastCohorts?: { key: string; cohorts: BroadcastCohort[] }
  /** Registrations awaiting a decision within a supervisor's or admin's scope. */
  pendingRegistrations?: { key: string; registrations: PendingRegistration[] }
  /** A mentor's sessions today (not ended) with their check-in codes. */
  mentorCodes?: { key: string; sessions: MentorCodeSession[] }
  /**
   * Baselines still to fill: the person's own (`self`) and, for a mentor, her cohorts'
   * participants without one (by name).
   */
  baselinePending?: { key: string; self: BaselineDue | null; participants: BaselineDue[] }
  /** A mentor's cohorts whose last session is over, with each participant's kompeten mark. */
  kompetenRoster?: { key: string; cohorts: KompetenCohort[] }
}

export type Snapshot = {
  /** The recognised person, or `null` for a number the bot does not know yet. */
  person: PersonSnapshot | null
  /** Consent to the current privacy notice was given on this chat (docs/domain.md, decision 8). */
  consented: boolean
  /**
   * This chat's latest answer declined the current notice (docs/domain.md, decision 21): whatever
   * it sends gets a short answer on how to agree, not the whole notice again.
   */
  refusedConsent?: boolean
  /** Whom to contact for human help: the person's supervisor or the programme's help line. */
  helpContact: string
  kecamatan: RegionEntry[]
  desaByKecamatan: Record<string, RegionEntry[]>
  /** The data flows declared (`Flow.data`), loaded as their turn reached them. */
  lookups: Lookups
  /**
   * This chat could share its own number but has not (Telegram hides it): the menu of an unknown
   * person asks for it, so someone a supervisor imported by phone is recognised.
   */
  askPhone?: boolean
  /**
   * The demo flow (Kenalan) is offered: the chat is the simulator, or the database holds the demo
   * data. Real people on Telegram and WhatsApp never see it otherwise.
   */
  tryout?: boolean
}

/** A snapshot for someone unknown who has not consented (first contact). */
export function emptySnapshot(regions: Pick<Snapshot, 'kecamatan' | 'desaByKecamatan'>): Snapshot {
  return {
    person: null,
    consented: false,
    helpContact: '',
    lookups: {},
    ...regions,
  }
}

/** The slot of `Lookups` each kind of data need fills. */
const LOOKUP_OF: Record<DataNeed['kind'], keyof Lookups> = {
  family_search: 'familySearch',
  same_day_visit: 'sameDayVisit',
  recent_families: 'recentFamilies',
  last_visit: 'lastVisit',
  recent_visits: 'recentVisits',
  open_referrals: 'openReferrals',
  upcoming_sessions: 'upcomingSessions',
  checkin_session: 'checkinSession',
  mentor_sessions_today: 'mentorSessions',
  open_follow_up: 'openFollowUp',
  broadcast_audience: 'broadcastAudience',
  cancellable_broadcasts: 'cancellableBroadcasts',
  broadcast_cohorts: 'broadcastCohorts',
  pending_registrations: 'pendingRegistrations',
  mentor_codes: 'mentorCodes',
  baseline_pending: 'baselinePending',
  kompeten_roster: 'kompetenRoster',
}

/** Whether the snapshot already holds the result of this need. */
export function isLoaded(snapshot: Snapshot, need: DataNeed): boolean {
  return snapshot.lookups[LOOKUP_OF[need.kind]]?.key === need.key
}

const KEPT_SLOTS = new Set(keptLookupsSchema.keyof().options)
const isKept = (slot: keyof Lookups): slot is keyof KeptLookups =>
  KEPT_SLOTS.has(slot as keyof KeptLookups)

/** The snapshot with what `kept` holds for these needs (same key), where it holds nothing yet. */
export function withKeptLookups(
  snapshot: Snapshot,
  kept: KeptLookups | undefined,
  needs: DataNeed[]
): Snapshot {
  if (!kept) return snapshot
  const reused: KeptLookups = {}
  for (const need of needs) {
    const slot = LOOKUP_OF[need.kind]
    if (!isKept(slot) || isLoaded(snapshot, need) || kept[slot]?.key !== need.key) continue
    Object.assign(reused, { [slot]: kept[slot] })
  }
  if (Object.keys(reused).length === 0) return snapshot
  return { ...snapshot, lookups: { ...snapshot.lookups, ...reused } }
}

/** The loaded results of these needs that an open flow keeps for its next turns; none: undefined. */
export function keepLookups(lookups: Lookups, needs: DataNeed[]): KeptLookups | undefined {
  const kept: KeptLookups = {}
  for (const need of needs) {
    const slot = LOOKUP_OF[need.kind]
    if (isKept(slot) && lookups[slot]?.key === need.key)
      Object.assign(kept, { [slot]: lookups[slot] })
  }
  return Object.keys(kept).length > 0 ? kept : undefined
}
