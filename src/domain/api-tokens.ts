/**
 * What an `/api/v1` bearer token may do: one scope per kind of data, read or
 * write. Each API route declares the one scope it needs; `ADMIN_TOKEN` holds them all.
 * @module
 */

export const API_SCOPES = [
  'visits:read',
  'attendance:read',
  'people:read',
  'indicators:read',
  'broadcasts:read',
  'broadcasts:write',
  'exports:read',
] as const

export type ApiScope = (typeof API_SCOPES)[number]

/** Characters of an issued token kept in clear to recognise it in the list (`kbt-1a2b3c4d`). */
export const TOKEN_PREFIX_LENGTH = 12

/** Why a presented token opens nothing. */
export type TokenRefusal = 'unknown' | 'revoked' | 'expired'

/** Whether a token is usable at `now`, and if not, why (revoked wins over expired). */
export function tokenState(
  token: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date
): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt !== null) return 'revoked'
  if (token.expiresAt !== null && token.expiresAt <= now) return 'expired'
  return 'active'
}
