import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Failed dashboard logins counted per key (`ip:<address>`, `account:admin_token`) in a window
 * that starts at the first failure: one row per key, bumped by an atomic upsert, so every replica
 * counts the same failures. Rows of a window that has passed are dropped as new failures come in.
 */
export const loginFailures = pgTable('login_failures', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  failures: integer('failures').notNull(),
})
