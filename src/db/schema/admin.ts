import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { people } from './people.js'

/**
 * One-time dashboard login links (`/admin/login/<token>`) the bot sends to an admin's or
 * supervisor's own chat. Only the SHA-256 of the token is stored; a link works once, until
 * `expires_at`.
 */
export const adminLoginTokens = pgTable(
  'admin_login_tokens',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text('token_hash').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('admin_login_tokens_hash_uq').on(t.tokenHash)]
)

/**
 * Dashboard sessions. The browser holds the session id in a signed cookie; only its SHA-256 is
 * stored, so logging out (deleting the row) ends the session on every replica. `person_id` is
 * null for a session opened with `ADMIN_TOKEN` (the first start, before any admin exists).
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sessionHash: text('session_hash').notNull(),
    personId: bigint('person_id', { mode: 'number' }).references(() => people.id, {
      onDelete: 'cascade',
    }),
    /** The per-session token every dashboard form carries (CSRF, with the Origin check). */
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('admin_sessions_hash_uq').on(t.sessionHash),
    index('admin_sessions_expires_idx').on(t.expiresAt),
  ]
)

/** Dashboard settings kept in the database, such as the cookie-signing secret (made once). */
export const adminSettings = pgTable('admin_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
