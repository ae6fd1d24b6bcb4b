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

export const fireStatusValues = ['pending', 'done', 'skipped', 'failed'] as const

/**
 * Future work (docs/design.md P7): inactivity reminders and expiries, session reminders, nudges,
 * scheduled broadcasts. Planning is an idempotent insert on `dedupe_key`; the tick claims due rows
 * with `FOR UPDATE SKIP LOCKED`, so replicas and restarts never act twice. A fire missed by more
 * than `grace_seconds` is skipped and logged.
 */
export const fires = pgTable(
  'fires',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    graceSeconds: integer('grace_seconds').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: fireStatusValues }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('fires_dedupe_key_uq').on(t.dedupeKey),
    index('fires_due_idx').on(t.status, t.dueAt),
  ]
)
