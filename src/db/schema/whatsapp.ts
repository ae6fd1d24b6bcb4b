import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'

/**
 * The Baileys auth state of each paired WhatsApp number: the `creds` row and one row
 * per Signal key (`<type>:<id>`), values in BufferJSON form. It is equivalent to the account:
 * never logged, backed up encrypted, wiped on `loggedOut`.
 */
export const waAuth = pgTable(
  'wa_auth',
  {
    sessionId: text('session_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'wa_auth_pk', columns: [t.sessionId, t.key] })]
)

/**
 * Every message the bot sent, kept for a few hours so Baileys' `getMessage` can re-encrypt it
 * when a recipient's phone asks for a retry; older rows are pruned, never served.
 */
export const waSentMessages = pgTable(
  'wa_sent_messages',
  {
    sessionId: text('session_id').notNull(),
    messageId: text('message_id').notNull(),
    remoteJid: text('remote_jid').notNull(),
    /** The `proto.IMessage` in BufferJSON form. */
    message: jsonb('message').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'wa_sent_messages_pk', columns: [t.sessionId, t.messageId] }),
    index('wa_sent_messages_sent_at_idx').on(t.sentAt),
  ]
)

/**
 * The WhatsApp chats that wrote to the bot: one stable chat id (the LID JID when first seen with
 * one, else the phone JID) however WhatsApp addresses the contact later, its LID and phone, and
 * when it last wrote. Bulk and unsolicited messages go only to chats listed here
 * (docs/domain.md, decision 10).
 */
export const waContacts = pgTable(
  'wa_contacts',
  {
    chatId: text('chat_id').primaryKey(),
    /** `…@lid` JID. */
    lid: text('lid'),
    /** E.164. */
    phone: text('phone'),
    firstInboundAt: timestamp('first_inbound_at', { withTimezone: true }).notNull(),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('wa_contacts_lid_uq').on(t.lid),
    uniqueIndex('wa_contacts_phone_uq').on(t.phone),
  ]
)

/** Messages nobody asked for, counted per number and local day against the daily cap. */
export const waDailyCounts = pgTable(
  'wa_daily_counts',
  {
    sessionId: text('session_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    unsolicited: integer('unsolicited').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'wa_daily_counts_pk', columns: [t.sessionId, t.day] })]
)
