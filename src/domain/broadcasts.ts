/**
 * Broadcasts: who an announcement goes to (a segment), how it reads for each recipient,
 * and the life of a broadcast. Pure vocabulary, shared by the `/siaran` flow, the service and the
 * REST API.
 * @module
 */
import { z } from 'zod'
import { ROLES } from './people.js'

/** Attendance and reporting conditions a segment may add to roles and region. */
export const SEGMENT_CONDITIONS = [
  'absent_last_session',
  'no_visit_7_days',
  'no_report_last_month',
] as const
export type SegmentCondition = (typeof SEGMENT_CONDITIONS)[number]

/** A region code: the kabupaten 35.07, a kecamatan 35.07.24 or a desa 35.07.24.2001. */
const regionCodeSchema = z.string().regex(/^35\.07(\.\d{2}(\.\d{4})?)?$/)

/**
 * Who a broadcast goes to: every active person matching all given parts (roles: any of them).
 * @example { "roles": ["kader"], "region": "35.07.24", "condition": "no_visit_7_days" }
 */
export const segmentSchema = z
  .object({
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    region: regionCodeSchema.optional(),
    /** A cohort code: its active participants. */
    cohort: z.string().trim().min(1).max(40).optional(),
    /** A programme code: active participants of any of its cohorts. */
    programme: z.string().trim().min(1).max(40).optional(),
    condition: z.enum(SEGMENT_CONDITIONS).optional(),
  })
  .strict()
export type Segment = z.infer<typeof segmentSchema>

/** scheduled: waiting for its time; sending: in the outbox; done: every message settled. */
export const BROADCAST_STATUSES = ['scheduled', 'sending', 'done', 'cancelled'] as const
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number]

/**
 * Why a recipient got nothing: BERHENTI, no chat that can be reached, no chat at all, or no chat
 * that consented to the current privacy notice (docs/domain.md, decision 21).
 */
export const SKIP_REASONS = ['opted_out', 'unreachable', 'no_identity', 'no_consent'] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

/** Longest broadcast text: one Telegram message (4096) minus room for the footer. */
export const MAX_BROADCAST_TEXT = 3500

/** The placeholder replaced by each recipient's name. */
export const NAME_PLACEHOLDER = '{nama}'

/**
 * The text one recipient reads: `{nama}` becomes their name, as plain text (the channel renderers
 * escape it, like any message text).
 */
export function personalize(text: string, name: string): string {
  return text.split(NAME_PLACEHOLDER).join(name)
}

/** The i18n key a broadcast is rendered with: the author's text plus the opt-out footer. */
export const BROADCAST_MESSAGE_KEY = 'broadcast:message'
