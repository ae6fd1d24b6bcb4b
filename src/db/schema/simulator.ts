import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The simulator channel's "phones": what the outbox sender delivered to each simulated person, in
 * delivery order. `GET /api/v1/simulator/inbox` reads it with the id as cursor.
 */
export const simulatorInbox = pgTable(
  'simulator_inbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    recipientId: text('recipient_id').notNull(),
    message: jsonb('message').notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('simulator_inbox_recipient_idx').on(t.recipientId, t.id)]
)
