import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { ApiScope } from '../../domain/api-tokens.js'
import { people } from './people.js'
import { regions } from './regions.js'

/**
 * Bearer tokens of `/api/v1` issued in the dashboard to another agency's system:
 * a label naming that system, the scopes it may use and the region it may read (`35.07` or a
 * kecamatan, like a supervisor's scope). Only the SHA-256 of the token is stored, with its
 * first characters (`token_prefix`, not secret) to recognise it in the list; the token itself is
 * shown once, at creation. A revoked or expired token opens nothing.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    label: text('label').notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenPrefix: text('token_prefix').notNull(),
    scopes: text('scopes').array().$type<ApiScope[]>().notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => regions.code),
    /** The admin who issued it; null for the first-start `ADMIN_TOKEN` session. */
    createdBy: bigint('created_by', { mode: 'number' }).references(() => people.id, {
      onDelete: 'set null',
    }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Written at most once a minute per token. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_uq').on(t.tokenHash),
    index('api_tokens_created_idx').on(t.createdAt),
  ]
)
