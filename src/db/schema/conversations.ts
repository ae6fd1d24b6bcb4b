import { sql } from 'drizzle-orm'
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'

export const channelEnumValues = ['simulator', 'telegram', 'whatsapp'] as const

/**
 * Every inbound platform message, recorded in the same transaction that processes it. The unique
 * `(channel, external_id)` index is the dedupe (docs/design.md P5): a retried webhook is processed
 * once. `kind` says what arrived (text, choice, photo...). `text` keeps what a person typed, for
 * support and disputes, until the daily retention job redacts it (docs/domain.md, decision 9; never
 * logged, P11); `text_redacted_at` says when it did. A message refused by the per-sender flood
 * limit is recorded with `throttled_at` and no conversation.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text('channel', { enum: channelEnumValues }).notNull(),
    externalId: text('external_id').notNull(),
    senderId: text('sender_id').notNull(),
    kind: text('kind').notNull(),
    text: text('text'),
    textRedactedAt: timestamp('text_redacted_at', { withTimezone: true }),
    /** Set when the sender's flood limit refused the message: recorded, not run (inbound gate). */
    throttledAt: timestamp('throttled_at', { withTimezone: true }),
    conversationId: bigint('conversation_id', { mode: 'number' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('inbound_messages_channel_external_uq').on(t.channel, t.externalId),
    index('inbound_messages_processed_idx').on(t.processedAt),
    // The retention job's work list: only rows that still hold text.
    index('inbound_messages_text_received_idx')
      .on(t.receivedAt)
      .where(sql`${t.text} is not null`),
  ]
)

/**
 * One row per chat partner on a channel: the engine's session (active flow and kept drafts) as
 * versioned JSON, parsed on every read (docs/design.md P4). `turn` increases with every processed
 * input and lets a late timer recognise that the conversation has moved on.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text('channel', { enum: channelEnumValues }).notNull(),
    senderId: text('sender_id').notNull(),
    session: jsonb('session').notNull(),
    activeFlowId: text('active_flow_id'),
    turn: integer('turn').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [uniqueIndex('conversations_channel_sender_uq').on(t.channel, t.senderId)]
)
