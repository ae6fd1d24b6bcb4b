import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Answers of the demo flow ("kenalan"), so a newcomer can see that a finished conversation lands
 * as a row. Real programmes get their own tables (visits, attendance...).
 */
export const demoSubmissions = pgTable('demo_submissions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
  flowVersion: integer('flow_version').notNull(),
  answers: jsonb('answers').notNull(),
  submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
})

/**
 * Who did what to which record (docs/domain.md, decision 9): exports, broadcasts, reads of
 * sensitive data.
 */
export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject'),
  detail: jsonb('detail'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
})
