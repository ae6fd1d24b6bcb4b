/**
 * Login throttling against brute force: failed dashboard logins counted per key in a window that
 * starts at a key's first failure (`login_failures`), and the login links a person asked for in
 * chat (counted from `admin_login_tokens`, which already holds them). Both live in the database,
 * so every replica sees the same counts.
 * @module
 */
import { and, count, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { adminLoginTokens, loginFailures } from '../schema/index.js'

/** A key and how many failures it may have within one window. */
export type LoginLimit = { key: string; max: number }

export type LoginBlockParams = { limits: LoginLimit[]; windowMs: number; now: Date }

/**
 * When the first blocked key of `limits` opens again, or `undefined` when none has reached its
 * maximum within its current window.
 */
export async function findLoginBlock(
  db: DbOrTx,
  params: LoginBlockParams
): Promise<Date | undefined> {
  if (params.limits.length === 0) return undefined
  const rows = await db
    .select({
      key: loginFailures.key,
      windowStart: loginFailures.windowStart,
      failures: loginFailures.failures,
    })
    .from(loginFailures)
    .where(
      and(
        inArray(
          loginFailures.key,
          params.limits.map((limit) => limit.key)
        ),
        gt(loginFailures.windowStart, new Date(params.now.getTime() - params.windowMs))
      )
    )
  let until: Date | undefined
  for (const row of rows) {
    const max = params.limits.find((limit) => limit.key === row.key)?.max ?? Infinity
    if (row.failures < max) continue
    const opens = new Date(row.windowStart.getTime() + params.windowMs)
    if (!until || opens > until) until = opens
  }
  return until
}

export type RecordLoginFailureParams = { keys: string[]; windowMs: number; now: Date }

/**
 * Counts one failure for each key: a key whose window has passed starts a new one. One upsert
 * per key, so concurrent failures on several replicas all count.
 */
export async function recordLoginFailure(
  db: DbOrTx,
  params: RecordLoginFailureParams
): Promise<void> {
  const expired = new Date(params.now.getTime() - params.windowMs)
  // Windows that have passed count for nothing; dropping them keeps the table small.
  await db.delete(loginFailures).where(lte(loginFailures.windowStart, expired))
  for (const key of params.keys) {
    await db
      .insert(loginFailures)
      .values({ key, windowStart: params.now, failures: 1 })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          failures: sql`case when ${loginFailures.windowStart} <= ${expired.toISOString()}::timestamptz then 1 else ${loginFailures.failures} + 1 end`,
          windowStart: sql`case when ${loginFailures.windowStart} <= ${expired.toISOString()}::timestamptz then ${params.now.toISOString()}::timestamptz else ${loginFailures.windowStart} end`,
        },
      })
  }
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
