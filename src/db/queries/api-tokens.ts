/**
 * Issued `/api/v1` bearer tokens (`api_tokens`): create (the token returned once, only its
 * SHA-256 kept), find by the presented token, list for the dashboard, revoke, and note use at
 * most once a minute.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm'
import { type ApiScope, TOKEN_PREFIX_LENGTH } from '../../domain/api-tokens.js'
import type { DbOrTx } from '../client.js'
import { apiTokens } from '../schema/index.js'
import { hashToken } from './admin.js'

/** How often `last_used_at` is written for a token in use. */
export const LAST_USED_RESOLUTION_MS = 60_000

export type ApiTokenRow = {
  id: number
  label: string
  tokenPrefix: string
  scopes: ApiScope[]
  regionCode: string
  createdBy: number | null
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
  expiresAt: Date | null
}

const columns = {
  id: apiTokens.id,
  label: apiTokens.label,
  tokenPrefix: apiTokens.tokenPrefix,
  scopes: apiTokens.scopes,
  regionCode: apiTokens.regionCode,
  createdBy: apiTokens.createdBy,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  expiresAt: apiTokens.expiresAt,
}

/**
 * A fresh token: `kbt-` and 64 hex digits (32 random bytes). Hex, not base64url, because the
 * bearer header grammar (RFC 6750) has no `_`.
 */
export function createApiTokenSecret(): string {
  return `kbt-${randomBytes(32).toString('hex')}`
}

export type CreateApiTokenParams = {
  label: string
  scopes: readonly ApiScope[]
  regionCode: string
  createdBy: number | null
  expiresAt: Date | null
  now: Date
}

/** Stores a new token and returns it with its row; the token is never readable again. */
export async function createApiToken(
  db: DbOrTx,
  params: CreateApiTokenParams
): Promise<{ token: string; row: ApiTokenRow }> {
  const token = createApiTokenSecret()
  const [row] = await db
    .insert(apiTokens)
    .values({
      label: params.label,
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, TOKEN_PREFIX_LENGTH),
      scopes: [...params.scopes],
      regionCode: params.regionCode,
      createdBy: params.createdBy,
      createdAt: params.now,
      expiresAt: params.expiresAt,
    })
    .returning(columns)
  return { token, row: row as ApiTokenRow }
}

/** The token a presented secret belongs to, whatever its state; undefined when unknown. */
export async function findApiTokenBySecret(
  db: DbOrTx,
  secret: string
): Promise<ApiTokenRow | undefined> {
  const rows = await db
    .select(columns)
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(secret)))
  return rows[0] as ApiTokenRow | undefined
}

/** Every issued token, newest first (a regency issues a handful). */
export async function listApiTokens(db: DbOrTx): Promise<ApiTokenRow[]> {
  const rows = await db
    .select(columns)
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
  return rows as ApiTokenRow[]
}

/** Revokes a token; false when there is none with this id or it was revoked already. */
export async function revokeApiToken(db: DbOrTx, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id })
  return rows.length > 0
}

/** Notes a use at `now`, unless one was noted less than a minute before (no write then). */
export async function touchApiToken(db: DbOrTx, id: number, now: Date): Promise<void> {
  const before = new Date(now.getTime() - LAST_USED_RESOLUTION_MS)
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, before)))
    )
}
