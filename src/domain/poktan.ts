/**
 * Poktan activities and report validation (docs/domain.md, "Monthly recap"): the kinds of group
 * activity a cadre reports by chat, and the states a report goes through with its supervisor.
 * @module
 */

/** The group activities a cadre reports: the four Poktan, PIK-R, a KIE session, a desa meeting. */
export const ACTIVITY_KINDS = ['bkb', 'bkr', 'bkl', 'uppka', 'pik_r', 'kie', 'rapat_desa'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]

/** The Poktan whose members the recap counts (parts III-IV). */
export const POKTAN_KINDS = [
  'bkb',
  'bkr',
  'bkl',
  'uppka',
] as const satisfies readonly ActivityKind[]

/** Attendees of one activity: more is a typo (a whole desa does not fit in one meeting). */
export const MAX_ATTENDEES = 500

/** How old an activity may be when reported: last month's still counts until the deadline. */
export const MAX_ACTIVITY_AGE_DAYS = 45

/**
 * A report's state: `submitted` waits for the supervisor; `valid` counts in the recap; `returned`
 * went back to the cadre with a reason; `corrected` was replaced by the cadre's correction (kept,
 * the correction points to it).
 */
export const REPORT_STATES = ['submitted', 'valid', 'returned', 'corrected'] as const
export type ReportState = (typeof REPORT_STATES)[number]

/** The kinds of report a supervisor validates. */
export const REPORT_KINDS = ['visit', 'activity'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

/** One of a cadre's latest Poktan activities, for /riwayat. */
export type RecentActivity = {
  id: number
  kind: ActivityKind
  activityDate: string
  attendees: number
  pus: number
  kbUsers: number
  state: ReportState
  note: string | null
  /** When it was sent (ISO). */
  createdAt: string
}

/**
 * A Poktan activity as a cadre reports it (the effect of /kegiatan and the row it becomes);
 * `correctsId`: the report sent back that it replaces.
 */
export type ActivityReport = {
  kind: ActivityKind
  activityDate: string
  attendees: number
  pus: number
  kbUsers: number
  photoRef: string | null
  note: string | null
  correctsId?: number
}

/** The longest reason a supervisor gives when sending a report back. */
export const MAX_RETURN_REASON = 200
