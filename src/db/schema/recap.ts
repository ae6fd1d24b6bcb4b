import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { ACTIVITY_KINDS, REPORT_KINDS, REPORT_STATES } from '../../domain/poktan.js'
import { people } from './people.js'
import { regions } from './regions.js'

/**
 * A Poktan activity reported by a cadre (docs/domain.md, "Monthly recap"): kind, date, how many
 * came, how many of them are PUS and how many use KB. A correction is a new row pointing to the
 * one it replaces (`corrects_id`), which stays, marked `corrected`.
 */
export const poktanActivities = pgTable(
  'poktan_activities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    cadreId: bigint('cadre_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    desaCode: text('desa_code')
      .notNull()
      .references(() => regions.code),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    activityDate: date('activity_date').notNull(),
    /** YYYY-MM of the activity date, the recap's period. */
    period: text('period').notNull(),
    attendees: integer('attendees').notNull(),
    pus: integer('pus').notNull(),
    kbUsers: integer('kb_users').notNull(),
    photoRef: text('photo_ref'),
    note: text('note'),
    state: text('state', { enum: REPORT_STATES }).notNull().default('submitted'),
    correctsId: bigint('corrects_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('poktan_activities_desa_period_idx').on(t.desaCode, t.period),
    index('poktan_activities_cadre_period_idx').on(t.cadreId, t.period),
  ]
)

/**
 * A supervisor's decision on a report, append-only (the latest counts): valid, or returned to
 * the cadre with a reason. Visits keep their own table; their state is the latest review here.
 */
export const reportReviews = pgTable(
  'report_reviews',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reportKind: text('report_kind', { enum: REPORT_KINDS }).notNull(),
    reportId: bigint('report_id', { mode: 'number' }).notNull(),
    decision: text('decision', { enum: ['valid', 'returned'] }).notNull(),
    reason: text('reason'),
    reviewerId: bigint('reviewer_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('report_reviews_report_idx').on(t.reportKind, t.reportId, t.createdAt)]
)

/**
 * A signed monthly recap (R/I/PPKBD for a desa, or the kecamatan's): the figures as signed,
 * frozen; signing again after a change makes the next version, both kept. The verification code
 * is printed in the PDF's footer.
 */
export const recapSignatures = pgTable(
  'recap_signatures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    level: text('level', { enum: ['desa', 'kecamatan'] }).notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    period: text('period').notNull(),
    version: integer('version').notNull(),
    templateVersion: text('template_version').notNull(),
    figures: jsonb('figures').notNull(),
    verificationCode: text('verification_code').notNull(),
    signedBy: bigint('signed_by', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('recap_signatures_version_uq').on(t.regionCode, t.period, t.version),
    uniqueIndex('recap_signatures_code_uq').on(t.verificationCode),
  ]
)
