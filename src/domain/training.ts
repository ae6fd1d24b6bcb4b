/**
 * The young mothers' skills training (DOMAIN §5, decisions 1, 2, 7, 13): programmes with settings
 * kept as data, cohorts per kecamatan and skill track, dated sessions, enrollments and attendance.
 * @module
 */

export const SKILL_TRACKS = ['menjahit', 'makanan'] as const
export type SkillTrack = (typeof SKILL_TRACKS)[number]

/** How a session's check-in is verified (DESIGN CSV header `checkin`). */
export const CHECKIN_MODES = ['kode', 'lokasi', 'keduanya'] as const
export type CheckinMode = (typeof CHECKIN_MODES)[number]

/** present and late count as present (DOMAIN decision 13); izin is reported separately. */
export const ATTENDANCE_STATUSES = ['present', 'late', 'izin', 'absent'] as const
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number]

export const IZIN_REASONS = ['sakit', 'anak_sakit', 'keluarga', 'lainnya'] as const

export const ENROLLMENT_STATUSES = ['active', 'withdrawn', 'completed'] as const

/** A programme's settings, stored as JSON on the programme row so they change without a release. */
export type ProgrammeSettings = {
  /** Participants the programme aims at (300 for ibu muda). */
  target: number
  /** Share of held sessions attended to complete, 0..1 (DOMAIN decision 2: 0.8). */
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
}

export const DEFAULT_PROGRAMME_SETTINGS: ProgrammeSettings = {
  target: 300,
  completionThreshold: 0.8,
  reminderDayBefore: '18:00',
  reminderSameDay: '06:00',
  checkinOpensMinutes: 30,
  checkinClosesMinutes: 60,
  checkinRadiusMeters: 200,
}

/** The default programme every import without a programme code lands in. */
export const DEFAULT_PROGRAMME_CODE = 'IBU-MUDA'
