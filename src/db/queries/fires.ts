import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { fires } from '../schema/index.js'

export type FireRow = typeof fires.$inferSelect

export type PlanFireParams = {
  kind: string
  dedupeKey: string
  dueAt: Date
  graceSeconds: number
  payload: unknown
}

/**
 * Plans future work once: a second plan with the same dedupe key changes nothing (docs/design.md
 * P7).
 */
export const planFires = async (db: DbOrTx, rows: PlanFireParams[]): Promise<void> => {
  if (rows.length === 0) return
  await db.insert(fires).values(rows).onConflictDoNothing({ target: fires.dedupeKey })
}

/** Drops pending fires by key, e.g. a conversation's inactivity timers after a new answer. */
export const cancelFires = async (db: DbOrTx, dedupeKeys: string[]): Promise<void> => {
  if (dedupeKeys.length === 0) return
  await db
    .delete(fires)
    .where(and(eq(fires.status, 'pending'), inArray(fires.dedupeKey, dedupeKeys)))
}

/** Moves pending fires to a new due time (a timer that starts when its prompt was delivered). */
export const rescheduleFires = async (
  db: DbOrTx,
  params: { dedupeKeys: string[]; dueAt: (key: string) => Date }
): Promise<void> => {
  if (params.dedupeKeys.length === 0) return
  const cases = params.dedupeKeys.map(
    (key) => sql`when ${key} then ${params.dueAt(key).toISOString()}::timestamptz`
  )
  await db
    .update(fires)
    .set({ dueAt: sql`case ${fires.dedupeKey} ${sql.join(cases, sql` `)} end` })
    .where(and(eq(fires.status, 'pending'), inArray(fires.dedupeKey, params.dedupeKeys)))
}

/** Locks the oldest due pending fire, skipping fires other ticks hold. */
export const claimDueFire = async (db: DbOrTx, now: Date): Promise<FireRow | undefined> => {
  const rows = await db
    .select()
    .from(fires)
    .where(and(eq(fires.status, 'pending'), lte(fires.dueAt, now)))
    .orderBy(asc(fires.dueAt), asc(fires.id))
    .limit(1)
    .for('update', { skipLocked: true })
  return rows[0]
}

export const finishFire = async (
  db: DbOrTx,
  params: { id: number; status: 'done' | 'skipped'; now: Date; note?: string }
): Promise<void> => {
  await db
    .update(fires)
    .set({ status: params.status, finishedAt: params.now, lastError: params.note ?? null })
    .where(eq(fires.id, params.id))
}

export type FailFireParams = { id: number; error: string; retryAt: Date; maxAttempts: number }

/** Records a failed run: retried at `retryAt`, or failed for good after `maxAttempts`. */
export const failFire = async (db: DbOrTx, params: FailFireParams): Promise<void> => {
  await db
    .update(fires)
    .set({
      attempts: sql`${fires.attempts} + 1`,
      lastError: params.error.slice(0, 500),
      dueAt: params.retryAt,
      status: sql`case when ${fires.attempts} + 1 >= ${params.maxAttempts} then 'failed' else 'pending' end`,
    })
    .where(eq(fires.id, params.id))
}
