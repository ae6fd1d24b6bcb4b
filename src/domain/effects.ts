/**
 * Effects: what a finished turn asks the runtime to store, named in the past tense (goflow
 * events). The engine only returns them; the applier paired with their flow in
 * `conversation/registry.ts` writes each, in the same transaction as the conversation state. The
 * types here are shared (by several flows, the engine, domain rules or queries); an effect only its
 * flow produces may be declared in the flow's file (docs/architecture.md, "Adding a flow").
 * @module
 */
import type { Segment } from './broadcasts.js'
import type { CadreTier, Salutation } from './people.js'

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
 * The person answered the privacy notice (docs/domain.md, decision 8); recorded either way, with
 * the notice's version.
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
 * An unknown number (or a rejected registrant, again) asked to be registered as a cadre; the
 * request goes to the supervisors whose scope covers the desa.
 * @example { "type": "registration_requested", "name": "Siti Rahayu", "salutation": "ibu", "desaCode": "35.07.24.2001", "cadreTier": "ppkbd" }
 */
export type RegistrationRequested = {
  type: 'registration_requested'
  name: string
  salutation: Salutation
  desaCode: string
  cadreTier: CadreTier
}

/**
 * Why a registration was rejected: one of the listed reasons (`approval:reason.<code>`), or
 * `lainnya` with the supervisor's own short words.
 */
export type RejectionReason = { code: string; text: string | null }

/**
 * A supervisor approved or rejected a self-registration; the applicant is told either way, and
 * why when rejected.
 * @example { "type": "registration_decided", "personId": 12, "approved": false, "reason": { "code": "bukan_wilayah", "text": null } }
 */
export type RegistrationDecided = {
  type: 'registration_decided'
  personId: number
  approved: boolean
  reason?: RejectionReason | null
}

/**
 * A cadre reported a home visit (docs/domain.md#the-home-visit). The applier creates a new family
 * if needed, allocates the reference (`KJ-2511-000123`), opens the referral and answers with the
 * reference and the cadre's count this month.
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
  /** The cadre confirmed a second report on this family and day (docs/domain.md, decision 11). */
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
export type AbsenceExcused = {
  type: 'absence_excused'
  sessionId: number
  reason: string
  /** The reason in the participant's own words, when she typed one (`reason` is then lainnya). */
  note?: string
}

/**
 * An admin or supervisor asked for a dashboard login link; the applier makes a one-time token
 * (10 minutes) and answers with the link, in their own chat only.
 * @example { "type": "login_link_requested" }
 */
export type LoginLinkRequested = { type: 'login_link_requested' }

/**
 * An admin or supervisor composed a broadcast in /siaran; the applier stores it (scope checked
 * again) and plans it for `at`, or for now when `at` is null.
 * @example { "type": "broadcast_requested", "segment": { "roles": ["kader"], "region": "35.07.24" },
 *   "text": "Halo {nama}, rapat kader Senin pukul 09.00.", "photoRef": null, "at": "2026-11-24T00:00:00.000Z" }
 */
export type BroadcastRequested = {
  type: 'broadcast_requested'
  segment: Segment
  text: string
  photoRef: string | null
  at: string | null
}

/**
 * The author (or an admin) cancelled a scheduled broadcast before its time.
 * @example { "type": "broadcast_cancelled", "broadcastId": 12 }
 */
export type BroadcastCancelled = { type: 'broadcast_cancelled'; broadcastId: number }

/**
 * A participant typed a wrong check-in code three times; the mentor is told, once per session
 * and participant.
 * @example { "type": "checkin_code_failed", "sessionId": 7, "at": "2026-12-01T01:05:00.000Z" }
 */
export type CheckinCodeFailed = { type: 'checkin_code_failed'; sessionId: number; at: string }

/**
 * A mentor recorded the attendance of participants of their cohort (one without a phone, one
 * whose code failed): present, late or izin; audit-logged. A check-in already recorded stays.
 * @example { "type": "attendance_recorded", "sessionId": 7, "personIds": [12, 15], "status": "present", "reason": null, "at": "2026-12-01T01:30:00.000Z" }
 */
export type AttendanceRecorded = {
  type: 'attendance_recorded'
  sessionId: number
  personIds: number[]
  status: 'present' | 'late' | 'izin'
  reason: string | null
  at: string
}

/**
 * A graduate answered a follow-up survey wave (docs/domain.md#the-training-programme), or declined
 * its consent (then only `consent: false` is stored).
 * The baseline's questions come first, with its codes (`workingForPay` … `incomeBracket`).
 * @example { "type": "follow_up_answered", "surveyId": 3, "consent": true, "workingForPay": false, "businessStarted": true, "businessKind": "jahit", "channels": ["wa", "langsung"], "ordersLastMonth": 6, "incomeBracket": "lt500k", "joinedUppka": false, "hasNib": false, "at": "2027-01-05T03:00:00.000Z" }
 */
export type FollowUpAnswered = {
  type: 'follow_up_answered'
  surveyId: number
  consent: boolean
  workingForPay: boolean | null
  businessStarted: boolean | null
  businessKind: string | null
  channels: string[] | null
  ordersLastMonth: number | null
  incomeBracket: string | null
  joinedUppka: boolean | null
  hasNib: boolean | null
  at: string
}

/**
 * A mentor was shown check-in codes (KODE, JADWAL): the failures of a code she has are no longer
 * the product's; one asked for in the session's window records her presence there.
 * @example { "type": "checkin_codes_shown", "sessionIds": [7], "at": "2026-12-01T00:40:00.000Z" }
 */
export type CheckinCodesShown = { type: 'checkin_codes_shown'; sessionIds: number[]; at: string }

/**
 * A participant's baseline at enrolment (docs/domain.md, the training programme), answered by her
 * or by her mentor for her (`enrollmentId` one of the mentor's cohorts); `consent: false` stores
 * only the refusal.
 * @example { "type": "baseline_answered", "enrollmentId": 4, "consent": true, "workingForPay":
 * false, "businessStarted": true, "businessKind": "makanan", "channels": ["wa"], "incomeBracket":
 * "lt500k", "at": "2026-11-20T03:00:00.000Z" }
 */
export type BaselineAnswered = {
  type: 'baseline_answered'
  enrollmentId: number
  consent: boolean
  workingForPay: boolean | null
  businessStarted: boolean | null
  businessKind: string | null
  channels: string[] | null
  incomeBracket: string | null
  at: string
}

/**
 * A mentor marked the participants of a finished cohort: those in `kompeten` are kompeten, the
 * other listed ones belum kompeten.
 * @example { "type": "kompeten_marked", "cohortId": 2, "enrollmentIds": [4, 5, 6], "kompeten":
 * [4, 6], "at": "2026-12-30T06:00:00.000Z" }
 */
export type KompetenMarked = {
  type: 'kompeten_marked'
  cohortId: number
  enrollmentIds: number[]
  kompeten: number[]
  at: string
}

/**
 * A graduate asked for her certificates again (SERTIFIKAT): each is queued to her chat as a PDF.
 * @example { "type": "certificate_requested" }
 */
export type CertificateRequested = { type: 'certificate_requested' }
