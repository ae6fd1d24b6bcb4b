import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { BROADCAST_STATUSES, SKIP_REASONS, type Segment } from '../../domain/broadcasts.js'
import { channelEnumValues } from './conversations.js'
import { people } from './people.js'

/**
 * An announcement to a segment, by an admin or supervisor in chat (`author_person_id`)
 * or by another system through the API (`author_source` api). `scope_code` is the region the
 * author may reach (null: everywhere). A future one waits for its fire (`broadcast:<id>`); at its
 * time it fans out into `broadcast_recipients` and bulk outbox rows.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    authorPersonId: bigint('author_person_id', { mode: 'number' }).references(() => people.id),
    authorSource: text('author_source', { enum: ['chat', 'api'] }).notNull(),
    segment: jsonb('segment').$type<Segment>().notNull(),
    scopeCode: text('scope_code'),
    text: text('text').notNull(),
    photoRef: text('photo_ref'),
    /** When it goes out (the creation time for "now"). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    status: text('status', { enum: BROADCAST_STATUSES }).notNull(),
    /** People in the segment: counted at creation, fixed at fan-out. */
    recipients: integer('recipients').notNull(),
    /** Settled messages (sent + failed) at the last progress message to the author. */
    progressReported: integer('progress_reported').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    fannedOutAt: timestamp('fanned_out_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [index('broadcasts_status_idx').on(t.status, t.at)]
)

/**
 * One person a broadcast was meant for: the outbox row that carries their message, or why they
 * got none (BERHENTI, unreachable, no chat identity). Unique per broadcast and person, so a
 * repeated fan-out adds nobody twice.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    broadcastId: bigint('broadcast_id', { mode: 'number' })
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id),
    channel: text('channel', { enum: channelEnumValues }),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    skipReason: text('skip_reason', { enum: SKIP_REASONS }),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_broadcast_person_uq').on(t.broadcastId, t.personId),
    index('broadcast_recipients_outbox_idx').on(t.outboxId),
  ]
)

/**
 * Scheduled nudges as data: a cron expression read in the bot's time zone, the
 * segment it goes to and the message key. Each run plans the next as a fire with a dedupe key.
 * Admins edit them through the API or dashboard; `code` names a rule seeded by the bot.
 */
export const nudgeRules = pgTable(
  'nudge_rules',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull(),
    cron: text('cron').notNull(),
    segment: jsonb('segment').$type<Segment>().notNull(),
    messageKey: text('message_key').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('nudge_rules_code_uq').on(t.code)]
)
