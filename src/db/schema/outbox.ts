import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { channelEnumValues } from './conversations.js'

export const outboxStatusValues = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'waiting',
] as const

/**
 * The only way out (docs/design.md P6): every reply, reminder, nudge and broadcast is a row here,
 * rendered in the recipient's language when enqueued. A sender per channel claims `queued` rows by
 * priority (0 live replies, 1 reminders and nudges, 2 bulk) with SKIP LOCKED. `attempts` grows by one
 * per claim and fences the claim: a late write from a sender that lost the row changes nothing.
 *
 * A row is addressed to a chat (`channel`, `recipient_id`), except a `waiting` one: a notice to a
 * person the bot cannot reach yet (no chat, or none that consented) is addressed to the person
 * alone, and gets its chat when it is released after their first contact and consent
 * (docs/domain.md, decision 20). The sender claims by channel, so it never sees a waiting row.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null only while `waiting`: the notice has no chat yet. */
    channel: text('channel', { enum: channelEnumValues }),
    recipientId: text('recipient_id'),
    priority: smallint('priority').notNull(),
    message: jsonb('message').notNull(),
    status: text('status', { enum: outboxStatusValues }).notNull().default('queued'),
    conversationId: bigint('conversation_id', { mode: 'number' }),
    /** The inbound message this reply answers, so a duplicate request can be answered the same. */
    inboundId: bigint('inbound_id', { mode: 'number' }),
    turn: integer('turn'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    platformMessageId: text('platform_message_id'),
    lastError: text('last_error'),
    /** The person a reminder, nudge or broadcast is for, so an opted-out person is skipped. */
    personId: bigint('person_id', { mode: 'number' }),
    /** Why a `skipped` row was not sent (`opted_out`, `unreachable`, `cancelled`). */
    skipReason: text('skip_reason'),
    /** Parts of a long message already delivered, so a retry sends only the rest. */
    partsSent: integer('parts_sent').notNull().default(0),
    /**
     * How often the channel answered "too many requests" (429) for this row: such a retry costs
     * no attempt, so this caps a chat that rate-limits forever.
     */
    rateLimits: integer('rate_limits').notNull().default(0),
    /** When the first of those 429s came (the sender's clock). */
    rateLimitedSince: timestamp('rate_limited_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    /**
     * Claims read only unsent rows (partial indexes): the sent rows the table keeps until the
     * retention job drops them make no difference to a claim's cost.
     */
    index('outbox_unsent_idx')
      .on(t.channel, t.priority, t.id)
      .where(sql`${t.status} in ('queued', 'sending')`),
    /** A chat's unsent rows in order: the claim's "an earlier message waits" check. */
    index('outbox_unsent_recipient_idx')
      .on(t.channel, t.recipientId, t.id)
      .where(sql`${t.status} in ('queued', 'sending')`),
    index('outbox_recipient_idx').on(t.channel, t.recipientId, t.id),
    index('outbox_inbound_idx').on(t.inboundId),
    /** Status callbacks (WhatsApp Cloud API) find their row by the platform's message id. */
    index('outbox_platform_message_idx').on(t.channel, t.platformMessageId),
    /** A person's waiting notices, oldest first, released at their first contact and consent. */
    index('outbox_waiting_idx')
      .on(t.personId, t.id)
      .where(sql`${t.status} = 'waiting'`),
    check(
      'outbox_addressed_ck',
      sql`case when ${t.status} = 'waiting'
        then ${t.personId} is not null and ${t.channel} is null and ${t.recipientId} is null
        else ${t.channel} is not null and ${t.recipientId} is not null end`
    ),
  ]
)
