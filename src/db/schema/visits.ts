import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { FOLLOW_UP_STATUSES } from '../../domain/visits.js'
import { people } from './people.js'
import { regions } from './regions.js'

/**
 * Visited households, keyed by head-of-household name + desa + dusun/RW/RT (docs/domain.md,
 * decision 6: no NIK). `consented_at` is the family's agreement to be recorded, asked at the first
 * visit.
 */
export const families = pgTable(
  'families',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    headName: text('head_name').notNull(),
    desaCode: text('desa_code')
      .notNull()
      .references(() => regions.code),
    dusunRwRt: text('dusun_rw_rt'),
    /** Flagged at risk of stunting (KRS) by a visit; stays until a later visit says otherwise. */
    krs: boolean('krs').notNull().default(false),
    consentedAt: timestamp('consented_at', { withTimezone: true }),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => people.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('families_desa_idx').on(t.desaCode),
    index('families_head_name_trgm_idx').using('gin', sql`${t.headName} gin_trgm_ops`),
  ]
)

/** One home visit as reported by a cadre (docs/domain.md#the-home-visit). */
export const visits = pgTable(
  'visits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reference: text('reference').notNull(),
    cadreId: bigint('cadre_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    familyId: bigint('family_id', { mode: 'number' })
      .notNull()
      .references(() => families.id),
    desaCode: text('desa_code').notNull(),
    visitDate: date('visit_date').notNull(),
    /** YYYY-MM of the visit date (WIB), the period of reports and exports. */
    period: text('period').notNull(),
    sasaran: text('sasaran').array().notNull(),
    kbStatus: text('kb_status'),
    kbMethod: text('kb_method'),
    kbIntent: text('kb_intent'),
    risk4t: text('risk_4t')
      .array()
      .notNull()
      .default(sql`'{}'`),
    envRisks: text('env_risks')
      .array()
      .notNull()
      .default(sql`'{}'`),
    lila: doublePrecision('lila'),
    hb: doublePrecision('hb'),
    actions: text('actions').array().notNull(),
    note: text('note'),
    photoRef: text('photo_ref'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    /** Same cadre, same family, same day as an earlier visit, confirmed by the cadre. */
    duplicateOf: bigint('duplicate_of', { mode: 'number' }),
    status: text('status', { enum: ['submitted', 'withdrawn'] })
      .notNull()
      .default('submitted'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('visits_reference_uq').on(t.reference),
    index('visits_cadre_period_idx').on(t.cadreId, t.period),
    index('visits_desa_period_idx').on(t.desaCode, t.period),
    index('visits_family_idx').on(t.familyId, t.visitDate),
  ]
)

/** A referral made at a visit: a follow-up task for the cadre (docs/domain.md#the-home-visit). */
export const referrals = pgTable(
  'referrals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    visitId: bigint('visit_id', { mode: 'number' })
      .notNull()
      .references(() => visits.id),
    familyId: bigint('family_id', { mode: 'number' })
      .notNull()
      .references(() => families.id),
    cadreId: bigint('cadre_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    desaCode: text('desa_code').notNull(),
    target: text('target').notNull(),
    reason: text('reason').notNull(),
    followUpDate: date('follow_up_date').notNull(),
    status: text('status', { enum: FOLLOW_UP_STATUSES }).notNull().default('belum'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('referrals_cadre_idx').on(t.cadreId, t.status),
    index('referrals_desa_idx').on(t.desaCode, t.status, t.followUpDate),
  ]
)
