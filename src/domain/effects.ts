/**
 * Effects: what a finished turn asks the runtime to store, named in the past tense (goflow
 * events). The engine only returns them; `conversation/apply-effects.ts` writes them, one applier
 * per type, in the same transaction as the conversation state.
 * @module
 */
import type { CadreTier } from './people.js'

/**
 * The demo flow was completed.
 * @example { "type": "demo_completed", "flowVersion": 1, "answers": { "name": "Siti" } }
 */
export type DemoCompleted = {
  type: 'demo_completed'
  flowVersion: number
  answers: Record<string, unknown>
}

/**
 * The person answered the privacy notice (DOMAIN decision 8); recorded either way, with the
 * notice's version.
 * @example { "type": "consent_answered", "given": true, "noticeVersion": "2026-11-v1", "at": "2025-11-24T01:00:00.000Z" }
 */
export type ConsentAnswered = {
  type: 'consent_answered'
  given: boolean
  noticeVersion: string
  at: string
}

/**
 * BERHENTI: no more reminders and broadcasts (replies to the person's own messages go on).
 * @example { "type": "opted_out", "at": "2025-11-24T01:00:00.000Z" }
 */
export type OptedOut = { type: 'opted_out'; at: string }

/**
 * MULAI: reminders and broadcasts again.
 * @example { "type": "opted_in", "at": "2025-11-24T01:00:00.000Z" }
 */
export type OptedIn = { type: 'opted_in'; at: string }

/**
 * An unknown number asked to be registered as a cadre; the request goes to the supervisors whose
 * scope covers the desa.
 * @example { "type": "registration_requested", "name": "Siti Rahayu", "desaCode": "35.07.24.2001", "cadreTier": "ppkbd" }
 */
export type RegistrationRequested = {
  type: 'registration_requested'
  name: string
  desaCode: string
  cadreTier: CadreTier
}

/**
 * A supervisor approved or rejected a self-registration; the applicant is told either way.
 * @example { "type": "registration_decided", "personId": 12, "approved": true }
 */
export type RegistrationDecided = {
  type: 'registration_decided'
  personId: number
  approved: boolean
}

/**
 * A cadre reported a home visit (DOMAIN §3.4). The applier creates a new family if needed,
 * allocates the reference (`KJ-2511-000123`), opens the referral and answers with the reference
 * and the cadre's count this month.
 * @example { "type": "visit_reported", "family": { "kind": "existing", "id": 4 }, "visitDate": "2025-11-24",
 *   "confirmedDuplicate": false, "sasaran": ["pus"], "kbStatus": "ber_kb", "kbMethod": "suntik_3", "kbIntent": null, "risk4t": [],
 *   "envRisks": [], "lila": null, "hb": null, "actions": ["kie"], "referral": null, "photoRef": null,
 *   "location": null, "note": null }
 */
export type VisitReported = {
  type: 'visit_reported'
  family:
    | { kind: 'existing'; id: number }
    | { kind: 'new'; headName: string; dusunRwRt: string | null; desaCode: string }
  visitDate: string
  /** The cadre confirmed a second report on this family and day (DOMAIN decision 11). */
  confirmedDuplicate: boolean
  sasaran: string[]
  kbStatus: string | null
  kbMethod: string | null
  kbIntent: string | null
  risk4t: string[]
  envRisks: string[]
  lila: number | null
  hb: number | null
  actions: string[]
  referral: { target: string; reason: string; followUpDate: string } | null
  photoRef: string | null
  location: { lat: number; lng: number } | null
  note: string | null
}

/**
 * A cadre withdrew one of their reports (within 24 hours); it is kept, marked withdrawn.
 * @example { "type": "visit_withdrawn", "visitId": 12 }
 */
export type VisitWithdrawn = { type: 'visit_withdrawn'; visitId: number }

/**
 * A cadre told how a referral ended; "belum" (not yet) asks again a week later.
 * @example { "type": "referral_followed_up", "referralId": 3, "status": "sudah_dilayani" }
 */
export type ReferralFollowedUp = {
  type: 'referral_followed_up'
  referralId: number
  status: string
}

/**
 * A participant checked in to a session; the applier marks it present or late.
 * @example { "type": "attendance_checked_in", "sessionId": 7, "method": "kode", "at": "2026-12-01T01:05:00.000Z" }
 */
export type AttendanceCheckedIn = {
  type: 'attendance_checked_in'
  sessionId: number
  method: 'kode' | 'lokasi'
  at: string
}

/**
 * A participant excused an absence from a session (izin); the mentor is told.
 * @example { "type": "absence_excused", "sessionId": 7, "reason": "anak_sakit" }
 */
export type AbsenceExcused = { type: 'absence_excused'; sessionId: number; reason: string }

export type Effect =
  | AbsenceExcused
  | AttendanceCheckedIn
  | VisitReported
  | VisitWithdrawn
  | ReferralFollowedUp
  | DemoCompleted
  | ConsentAnswered
  | OptedOut
  | OptedIn
  | RegistrationRequested
  | RegistrationDecided
