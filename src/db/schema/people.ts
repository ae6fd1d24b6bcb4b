import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { CADRE_TIERS, PERSON_STATUSES, type Role, SALUTATIONS } from '../../domain/people.js'
import { channelEnumValues } from './conversations.js'
import { regions } from './regions.js'

/**
 * The people the bot knows: cadres, participants, mentors, supervisors, admins (docs/domain.md,
 * decision 4). Personal data: name, phone and birth year are read only by role and region, never
 * logged. The phone is E.164 (`+62…`) and unique; participants without a phone have none.
 */
export const people = pgTable(
  'people',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    phone: text('phone'),
    roles: text('roles').array().$type<Role[]>().notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    birthYear: integer('birth_year'),
    cadreTier: text('cadre_tier', { enum: CADRE_TIERS }),
    status: text('status', { enum: PERSON_STATUSES }).notNull().default('active'),
    /** Ibu or Bapak (docs/domain.md, decision 19); null while unknown. */
    salutation: text('salutation', { enum: SALUTATIONS }),
    /** The supervisor's short reason when a self-registration was rejected; cleared on a new one. */
    rejectionReason: text('rejection_reason'),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    uniqueIndex('people_phone_uq').on(t.phone),
    index('people_region_idx').on(t.regionCode),
    // Every turn looks up the sender's help contact: the active supervisors of the sender's region
    // and the regions above it. A partial index holds only them, so the lookup reads a handful of
    // index entries instead of every person (`chat_read`, migration 0019).
    index('people_active_supervisor_region_idx')
      .on(t.regionCode, t.id)
      .where(sql`${t.status} = 'active' and 'supervisor' = any(${t.roles})`),
    // A supervisor's every turn lists the pending registrations of their scope: only those rows.
    index('people_pending_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'pending'`),
  ]
)

/** A person's chat identities: one person may write from WhatsApp and from Telegram. */
export const channelIdentities = pgTable(
  'channel_identities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: channelEnumValues }).notNull(),
    externalId: text('external_id').notNull(),
    /** The phone the messenger reported for this identity (E.164), when it gave one. */
    phone: text('phone'),
    /** WhatsApp's LID (`…@lid`), kept beside the phone. */
    lid: text('lid'),
    /** The channel said this chat cannot be reached (Telegram 403: blocked); cleared when they write. */
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('channel_identities_channel_external_uq').on(t.channel, t.externalId),
    index('channel_identities_person_idx').on(t.personId),
  ]
)

/**
 * Consent to the privacy notice (docs/domain.md, decision 8), append-only: who (a chat identity,
 * and the person once known), which notice version, given or refused, when. The latest row counts.
 */
export const consents = pgTable(
  'consents',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text('channel', { enum: channelEnumValues }).notNull(),
    senderId: text('sender_id').notNull(),
    personId: bigint('person_id', { mode: 'number' }).references(() => people.id, {
      onDelete: 'set null',
    }),
    noticeVersion: text('notice_version').notNull(),
    given: boolean('given').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('consents_sender_idx').on(t.channel, t.senderId, t.id)]
)
