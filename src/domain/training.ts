/**
 * The young mothers' skills training (docs/domain.md#the-training-programme, decisions 1, 2, 7,
 * 13): programmes with settings kept as data, cohorts per kecamatan and skill track, dated
 * sessions, enrollments and attendance; and the rules over them that need no storage: who is a
 * minor, and which change of a session its participants are told of.
 * @module
 */
import { localYear } from './dates.js'

export const SKILL_TRACKS = ['menjahit', 'makanan'] as const
export type SkillTrack = (typeof SKILL_TRACKS)[number]

/** How a session's check-in is verified (the sessions import's `checkin` column). */
export const CHECKIN_MODES = ['kode', 'lokasi', 'keduanya'] as const
export type CheckinMode = (typeof CHECKIN_MODES)[number]

/** present and late count as present (docs/domain.md, decision 13); izin is reported separately. */
export const ATTENDANCE_STATUSES = ['present', 'late', 'izin', 'absent'] as const
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number]

export const IZIN_REASONS = ['sakit', 'anak_sakit', 'keluarga', 'lainnya'] as const

export const ENROLLMENT_STATUSES = ['active', 'withdrawn', 'completed'] as const

/** Months after completion at which a graduate gets the follow-up survey (docs/domain.md#the-training-programme). */
export const FOLLOW_UP_WAVES = [1, 3, 6] as const

/**
 * A follow-up wave: `planned` until due; `sent` (the invitation went out); `answered`;
 * `declined` (no consent); `held` (a minor without the guardian-consent mark, docs/domain.md,
 * decision 7).
 */
export const FOLLOW_UP_SURVEY_STATUSES = [
  'planned',
  'sent',
  'answered',
  'declined',
  'held',
] as const
export type FollowUpSurveyStatus = (typeof FOLLOW_UP_SURVEY_STATUSES)[number]

/** Sales channels a graduate may name; all but `langsung` (in person) are online. */
export const SALES_CHANNELS = ['wa', 'facebook', 'marketplace', 'ojol', 'langsung'] as const
export const ONLINE_SALES_CHANNELS: readonly string[] = ['wa', 'facebook', 'marketplace', 'ojol']

/**
 * Brackets of a participant's own monthly income from work or a business, asked alike at the
 * baseline and the follow-ups (docs/domain.md#the-training-programme); `none` = no income.
 */
export const INCOME_BRACKETS = ['none', 'lt500k', '500k_1m', '1m_2m', 'gt2m'] as const

export const BUSINESS_KINDS = ['jahit', 'makanan', 'lainnya'] as const

/** A programme's settings, stored as JSON on the programme row so they change without a release. */
export type ProgrammeSettings = {
  /** Participants the programme aims at (300 for ibu muda). */
  target: number
  /** Share of held sessions attended to complete, 0..1 (docs/domain.md, decision 2: 0.8). */
  completionThreshold: number
  /** Day-before reminder, local time HH:MM. */
  reminderDayBefore: string
  /** Same-day reminder, local time HH:MM. */
  reminderSameDay: string
  /** Check-in opens this many minutes before the start... */
  checkinOpensMinutes: number
  /** ...and closes this many minutes after it; after the start it counts as late. */
  checkinClosesMinutes: number
  /** Default radius for a location check-in, in metres. */
  checkinRadiusMeters: number
  /**
   * Whether completing needs the mentor's kompeten mark (decision 2 and 18): then a participant
   * completes once marked kompeten; otherwise only a belum-kompeten mark holds her back.
   */
  completionRequiresKompeten: boolean
  /**
   * Who signs the certificates for the DPPKB: name, title and NIP as printed (an empty title
   * prints the head of the DPPKB, from the texts).
   */
  certificateSignerName: string
  certificateSignerTitle: string
  certificateSignerNip: string
}

export const DEFAULT_PROGRAMME_SETTINGS: ProgrammeSettings = {
  target: 300,
  completionThreshold: 0.8,
  reminderDayBefore: '18:00',
  reminderSameDay: '06:00',
  checkinOpensMinutes: 30,
  checkinClosesMinutes: 60,
  checkinRadiusMeters: 200,
  completionRequiresKompeten: false,
  certificateSignerName: '',
  certificateSignerTitle: '',
  certificateSignerNip: '',
}

/** The default programme every import without a programme code lands in. */
export const DEFAULT_PROGRAMME_CODE = 'IBU-MUDA'

/** Fire kind: invite a graduate to one follow-up wave (payload `{ surveyId }`). */
export const FOLLOW_UP_KIND = 'training.follow_up'

/**
 * Fire kind: plan session reminders, hourly for the next two days (empty payload), or at once for
 * one session just added (`{ sessionId }`).
 */
export const PLAN_REMINDERS_KIND = 'training.plan_reminders'
export type PlanRemindersPayload = { sessionId?: number }

/** Fire kind: invite a new participant to the baseline survey (decision 18). */
export const BASELINE_INVITE_KIND = 'training.baseline_invite'
export type BaselineInvitePayload = { enrollmentId: number }

/** Fire kind: tell a cohort's participants and mentor that a session moved or was cancelled. */
export const SESSION_CHANGED_KIND = 'training.session_changed'

/** What participants last knew of a session, shown as "old → new" in a change notice. */
export type SessionPlace = { startsAt: string; endsAt: string; venue: string }

/** How a session changed for its participants. */
export type SessionChange = 'moved' | 'cancelled' | 'restored'

/**
 * The payload of a change notice: the session, its revision when the notice was planned (a later
 * change replaces the notice), and what participants knew before.
 * @example { "sessionId": 7, "revision": 2, "change": "moved", "previous": { "startsAt": "2026-12-01T01:00:00.000Z", "endsAt": "2026-12-01T05:00:00.000Z", "venue": "Balai Desa Ardimulyo" } }
 */
export type SessionChangePayload = {
  sessionId: number
  revision: number
  change: SessionChange
  previous: SessionPlace
}

/** Dedupe-key prefix of every pending fire about one session (reminders, end, change notice). */
export const sessionFirePrefix = (sessionId: number) => `session:${sessionId}:`

/** Age below which a participant is a minor (docs/domain.md, decision 7). */
export const ADULT_AGE = 18

/**
 * Whether a participant born in `birthYear` is a minor at `now` (docs/domain.md, decision 7): age
 * counted in whole calendar years (year of `now` in `timeZone` − birth year) below `ADULT_AGE`.
 * With only a year, someone born in 2008 counts as 18 for all of 2026.
 */
export function isMinor(birthYear: number, now: Date, timeZone: string): boolean {
  return localYear(now, timeZone) - birthYear < ADULT_AGE
}

/** A session as its participants know it: when, where, and whether it is cancelled. */
export type SessionState = { startsAt: Date; endsAt: Date; venue: string; cancelled: boolean }

/** What participants read of a session's time and venue (instants as ISO strings). */
export const sessionPlace = (session: {
  startsAt: Date
  endsAt: Date
  venue: string
}): SessionPlace => ({
  startsAt: session.startsAt.toISOString(),
  endsAt: session.endsAt.toISOString(),
  venue: session.venue,
})

const samePlace = (a: SessionPlace, b: SessionPlace) =>
  a.startsAt === b.startsAt && a.endsAt === b.endsAt && a.venue === b.venue

/**
 * Whether writing `next` over `stored` is a change participants hear of, which bumps the
 * session's revision: it was cancelled or restored, or a session that takes place moved (start,
 * end, venue). A new topic or new coordinates alone is not one.
 */
export function isNotableSessionChange(stored: SessionState, next: SessionState): boolean {
  return (
    next.cancelled !== stored.cancelled ||
    (!next.cancelled && !samePlace(sessionPlace(next), sessionPlace(stored)))
  )
}

/**
 * The change notice a session's new state calls for, measured against what the participants last
 * heard: `pending` is the notice planned but not yet sent (it is replaced, so what they know is
 * what it would have corrected), else the `stored` session. A change undone before its notice
 * went out tells nobody anything (`undefined`), and neither does a correction of a session that
 * was over at `now` both before and after it.
 */
export function decideSessionChange(params: {
  stored: SessionState
  pending: SessionChangePayload | undefined
  next: SessionState
  now: Date
}): { change: SessionChange; previous: SessionPlace } | undefined {
  const { stored, pending, next, now } = params
  const known = pending
    ? { cancelled: pending.change === 'restored', place: pending.previous }
    : { cancelled: stored.cancelled, place: sessionPlace(stored) }
  const place = sessionPlace(next)
  const change: SessionChange | undefined =
    next.cancelled && !known.cancelled
      ? 'cancelled'
      : !next.cancelled && known.cancelled
        ? 'restored'
        : !next.cancelled && !samePlace(place, known.place)
          ? 'moved'
          : undefined
  const over = (endsAt: string) => new Date(endsAt).getTime() <= now.getTime()
  if (!change || (over(known.place.endsAt) && over(place.endsAt))) return undefined
  return { change, previous: known.place }
}

/** How far ahead the hourly planner plans reminders; a session added within it plans its own. */
export const REMINDER_PLANNING_HORIZON_MS = 50 * 3600_000

/**
 * Whether a session added at `now` plans its reminders at once rather than at the next hourly
 * run, which may come after its start: it starts after `now` and within the planning horizon (its
 * same-day reminder brings the mentor the code).
 */
export function plansRemindersAtOnce(startsAt: Date, now: Date): boolean {
  const ahead = startsAt.getTime() - now.getTime()
  return ahead > 0 && ahead <= REMINDER_PLANNING_HORIZON_MS
}
