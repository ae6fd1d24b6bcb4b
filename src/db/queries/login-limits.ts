/**
 * Login throttling against brute force: dashboard login attempts counted per key in a window that
 * starts at a key's first attempt (`login_failures`; attempts that were not guesses are taken
 * back), and the login links a person asked for in chat (counted from `admin_login_tokens`, which
 * already holds them). Both live in the database, so every replica sees the same counts.
 * @module
 */
import { and, count, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { adminLoginTokens, loginFailures } from '../schema/index.js'

/** How many attempts a key has in its current window, and when that window started. */
export type LoginCount = { failures: number; windowStart: Date }

export type LoginAttemptParams = { keys: string[]; windowMs: number; now: Date }

/**
 * Counts one attempt for each key, and answers each key's count in its window, this attempt
 * included. Counting before a secret is compared, in one upsert whose row locks put concurrent
 * attempts in a line, means a burst of parallel guesses sees every earlier one. A key whose window
 * has passed starts a new one.
 */
export async function countLoginAttempt(
  db: DbOrTx,
  params: LoginAttemptParams
): Promise<Map<string, LoginCount>> {
  if (params.keys.length === 0) return new Map()
  const expired = new Date(params.now.getTime() - params.windowMs)
  const restarts = sql`${loginFailures.windowStart} <= ${expired.toISOString()}::timestamptz`
  // Windows that have passed count for nothing; dropping them keeps the table small.
  await db.delete(loginFailures).where(lte(loginFailures.windowStart, expired))
  const rows = await db
    .insert(loginFailures)
    .values(
      // One lock order for every caller, so two attempts on the same keys cannot deadlock.
      [...params.keys]
        .sort((a, b) => a.localeCompare(b))
        .map((key) => ({ key, windowStart: params.now, failures: 1 }))
    )
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: sql`case when ${restarts} then 1 else ${loginFailures.failures} + 1 end`,
        windowStart: sql`case when ${restarts} then ${params.now.toISOString()}::timestamptz else ${loginFailures.windowStart} end`,
      },
    })
    .returning()
  return new Map(
    rows.map((row) => [row.key, { failures: row.failures, windowStart: row.windowStart }])
  )
}

/** Each key's count in its current window, without counting (keys with none are absent). */
export async function findLoginCounts(
  db: DbOrTx,
  params: LoginAttemptParams
): Promise<Map<string, LoginCount>> {
  if (params.keys.length === 0) return new Map()
  const rows = await db
    .select()
    .from(loginFailures)
    .where(
      and(
        inArray(loginFailures.key, params.keys),
        gt(loginFailures.windowStart, new Date(params.now.getTime() - params.windowMs))
      )
    )
  return new Map(
    rows.map((row) => [row.key, { failures: row.failures, windowStart: row.windowStart }])
  )
}

export type ForgiveLoginAttemptParams = { keys: string[]; windowMs: number; now: Date }

/**
 * Takes back one counted attempt from each key, for a login that was not a guess (it succeeded,
 * or a valid link belonged to someone who lost access). Only a window still running is changed.
 */
export async function forgiveLoginAttempt(
  db: DbOrTx,
  params: ForgiveLoginAttemptParams
): Promise<void> {
  if (params.keys.length === 0) return
  await db
    .update(loginFailures)
    .set({ failures: sql`greatest(${loginFailures.failures} - 1, 0)` })
    .where(
      and(
        inArray(loginFailures.key, params.keys),
        gt(loginFailures.windowStart, new Date(params.now.getTime() - params.windowMs))
      )
    )
}

export type RecentLoginLinksParams = { personId: number; since: Date }

/** How many login links were made for a person since a moment (MASUK requests), and the oldest. */
export async function findRecentLoginLinks(
  db: DbOrTx,
  params: RecentLoginLinksParams
): Promise<{ links: number; oldest: Date | undefined }> {
  const [row] = await db
    .select({
      links: count(),
      oldest: sql<string | Date | null>`min(${adminLoginTokens.createdAt})`,
    })
    .from(adminLoginTokens)
    .where(
      and(
        eq(adminLoginTokens.personId, params.personId),
        gt(adminLoginTokens.createdAt, params.since)
      )
    )
  return { links: row?.links ?? 0, oldest: row?.oldest ? new Date(row.oldest) : undefined }
}
