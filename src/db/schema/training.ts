import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import {
  ATTENDANCE_STATUSES,
  CHECKIN_MODES,
  ENROLLMENT_STATUSES,
  FOLLOW_UP_SURVEY_STATUSES,
  type ProgrammeSettings,
  SKILL_TRACKS,
} from '../../domain/training.js'
import { people } from './people.js'
import { regions } from './regions.js'

/** A programme (the ibu-muda training), with its settings as data (docs/domain.md, decisions 1, 2, 13). */
export const programmes = pgTable('programmes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull().unique('programmes_code_uq'),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<ProgrammeSettings>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

/** A group of participants in one kecamatan learning one skill with one mentor. */
export const cohorts = pgTable(
  'cohorts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    programmeId: bigint('programme_id', { mode: 'number' })
      .notNull()
      .references(() => programmes.id),
    code: text('code').notNull(),
    kecamatanCode: text('kecamatan_code')
      .notNull()
      .references(() => regions.code),
    track: text('track', { enum: SKILL_TRACKS }).notNull(),
    mentorId: bigint('mentor_id', { mode: 'number' }).references(() => people.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('cohorts_code_uq').on(t.code)]
)

/** One dated session of a cohort; `code` is the short check-in code the mentor announces. */
export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    cohortId: bigint('cohort_id', { mode: 'number' })
      .notNull()
      .references(() => cohorts.id),
    date: date('date').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    venue: text('venue').notNull(),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    topic: text('topic').notNull(),
    checkinMode: text('checkin_mode', { enum: CHECKIN_MODES }).notNull().default('kode'),
    checkinCode: text('checkin_code').notNull(),
    radiusMeters: integer('radius_meters'),
    cancelled: boolean('cancelled').notNull().default(false),
    /** When the mentor was seen at the session (asked for its code in the check-in window). */
    mentorPresentAt: timestamp('mentor_present_at', { withTimezone: true }),
    /** Bumped by every change participants are told about (moved, cancelled, restored). */
    revision: integer('revision').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('training_sessions_cohort_date_uq').on(t.cohortId, t.date),
    index('training_sessions_starts_idx').on(t.startsAt),
  ]
)

/**
 * A participant in a cohort; a minor (docs/domain.md, decision 7) needs a guardian-consent mark.
 */
export const enrollments = pgTable(
  'enrollments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    cohortId: bigint('cohort_id', { mode: 'number' })
      .notNull()
      .references(() => cohorts.id),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    birthYear: integer('birth_year'),
    minor: boolean('minor').notNull().default(false),
    guardianConsentAt: timestamp('guardian_consent_at', { withTimezone: true }),
    status: text('status', { enum: ENROLLMENT_STATUSES }).notNull().default('active'),
    /** The mentor's mark after the last session: kompeten (true) or belum kompeten (false). */
    kompeten: boolean('kompeten'),
    kompetenAt: timestamp('kompeten_at', { withTimezone: true }),
    /** Who marked it (a mentor in chat, an admin on the dashboard). */
    kompetenBy: bigint('kompeten_by', { mode: 'number' }).references(() => people.id),
    /** When the completion rule was met, at the end of the cohort's last session. */
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('enrollments_cohort_person_uq').on(t.cohortId, t.personId)]
)

/** One participant's attendance at one session (unique per session and person). */
export const attendance = pgTable(
  'attendance',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sessionId: bigint('session_id', { mode: 'number' })
      .notNull()
      .references(() => trainingSessions.id),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    status: text('status', { enum: ATTENDANCE_STATUSES }).notNull(),
    /** How it was recorded: kode, lokasi, mentor, izin, auto (absent after the session). */
    method: text('method').notNull(),
    /** The izin reason: sakit, anak_sakit, keluarga, lainnya. */
    reason: text('reason'),
    /** An izin reason in the participant's own words (`reason` is then lainnya). */
    reasonNote: text('reason_note'),
    recordedBy: bigint('recorded_by', { mode: 'number' }).references(() => people.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('attendance_session_person_uq').on(t.sessionId, t.personId),
    index('attendance_person_idx').on(t.personId),
  ]
)

/**
 * Messages of the training that go out once only, keyed by what they are about
 * (`code_failed:<session>:<person>`): the insert that wins sends the message.
 */
export const trainingNotices = pgTable('training_notices', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  key: text('key').notNull().unique('training_notices_key_uq'),
  at: timestamp('at', { withTimezone: true }).notNull(),
})

/**
 * A graduate's follow-up survey wave (+1, +3, +6 months; docs/domain.md#the-training-programme):
 * its own consent first, then the business questions, in brackets (specific personal data, UU PDP:
 * minimised).
 */
export const followUpSurveys = pgTable(
  'follow_up_surveys',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    enrollmentId: bigint('enrollment_id', { mode: 'number' })
      .notNull()
      .references(() => enrollments.id),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    /** Months after completion: 1, 3 or 6. */
    wave: integer('wave').notNull(),
    status: text('status', { enum: FOLLOW_UP_SURVEY_STATUSES }).notNull().default('planned'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    consentGiven: boolean('consent_given'),
    businessStarted: boolean('business_started'),
    /** jahit, makanan, lainnya. */
    businessKind: text('business_kind'),
    /** Sales channels: wa, facebook, marketplace, ojol, langsung. */
    channels: text('channels').array(),
    ordersLastMonth: integer('orders_last_month'),
    /** none, lt500k, 500k_1m, 1m_2m, gt2m. */
    incomeBracket: text('income_bracket'),
    /** Working for pay for someone else (asked as at the baseline). */
    workingForPay: boolean('working_for_pay'),
    joinedUppka: boolean('joined_uppka'),
    hasNib: boolean('has_nib'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('follow_up_surveys_enrollment_wave_uq').on(t.enrollmentId, t.wave),
    index('follow_up_surveys_person_idx').on(t.personId),
  ]
)

/**
 * A participant's baseline at enrolment (docs/domain.md, decision 18): the follow-up survey's
 * questions and codes, so the two compare; its own consent first. `recorded_by` is the mentor who
 * filled it in for a participant without a phone (null: she answered herself). One per enrollment.
 */
export const baselineSurveys = pgTable(
  'baseline_surveys',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    enrollmentId: bigint('enrollment_id', { mode: 'number' })
      .notNull()
      .references(() => enrollments.id),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    consentGiven: boolean('consent_given').notNull(),
    workingForPay: boolean('working_for_pay'),
    businessStarted: boolean('business_started'),
    /** jahit, makanan, lainnya. */
    businessKind: text('business_kind'),
    /** Sales channels: wa, facebook, marketplace, ojol, langsung. */
    channels: text('channels').array(),
    /** none, lt500k, 500k_1m, 1m_2m, gt2m. */
    incomeBracket: text('income_bracket'),
    recordedBy: bigint('recorded_by', { mode: 'number' }).references(() => people.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('baseline_surveys_enrollment_uq').on(t.enrollmentId),
    index('baseline_surveys_person_idx').on(t.personId),
  ]
)

/**
 * A graduate's certificate (docs/domain.md, decision 18): the PDF is drawn from the records each
 * time; the row keeps its verification code (public page `/verifikasi/<code>`) and when it went by
 * chat.
 */
export const certificates = pgTable('certificates', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  enrollmentId: bigint('enrollment_id', { mode: 'number' })
    .notNull()
    .references(() => enrollments.id)
    .unique('certificates_enrollment_uq'),
  code: text('code').notNull().unique('certificates_code_uq'),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
})
