/**
 * The bearer-token guards of `/api/v1` (docs/design.md#contracts). `apiTokenAuth` admits the admin
 * token (compared in constant time; every scope, the whole kabupaten) and the tokens issued in
 * the dashboard (looked up by their SHA-256; their scopes and region), and names the caller for
 * the routes; `requireScope` refuses a caller without a route's scope with 403. Unknown, revoked
 * and expired tokens get 401; ten wrong tokens from one address, 429 for a while
 * (`../login-limits.ts`). With neither `ADMIN_TOKEN` nor an issued token nothing opens.
 * Refusals answer JSON like every other API error.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import type { Db } from '../../db/client.js'
import {
  LAST_USED_RESOLUTION_MS,
  findApiTokenBySecret,
  touchApiToken,
} from '../../db/queries/api-tokens.js'
import type { ListingScope } from '../../db/queries/listings.js'
import { API_SCOPES, type ApiScope, tokenState } from '../../domain/api-tokens.js'
import { KABUPATEN_CODE } from '../../domain/people.js'
import type { TrustedProxies } from '../client-address.js'
import { limitBearerFailures } from '../login-limits.js'

/** Who is calling the API: the admin token or an issued token, with what it may do and read. */
export type ApiCaller = {
  /** For the audit log: `api:admin_token` or `api:token:<id>`. */
  actor: string
  /** The issued token's id; null for `ADMIN_TOKEN`. */
  tokenId: number | null
  scopes: ReadonlySet<ApiScope>
  /** The region it reads (`35.07` or a kecamatan), filtered like a supervisor's. */
  scope: ListingScope
}

declare module 'hono' {
  interface ContextVariableMap {
    apiCaller: ApiCaller
    apiTokenRefusal: 'revoked' | 'expired'
  }
}

/** The admin token: every scope, the whole kabupaten. */
export const ADMIN_CALLER: ApiCaller = {
  actor: 'api:admin_token',
  tokenId: null,
  scopes: new Set(API_SCOPES),
  scope: { regionPrefix: KABUPATEN_CODE },
}

/** Issued tokens start with this, so other strings skip the database. */
const ISSUED_TOKEN_START = 'kbt-'

// The JSON bodies of refusals.
const CLOSED = {
  error: 'unauthorized',
  message:
    'No valid token: without ADMIN_TOKEN only tokens issued in the dashboard (/admin/token) open the API.',
}
const MISSING = {
  error: 'unauthorized',
  message: 'Send the admin token as "Authorization: Bearer <token>".',
}
const WRONG = { error: 'unauthorized', message: 'The bearer token is not valid.' }
const REFUSED = {
  revoked: { error: 'unauthorized', message: 'This API token was revoked.' },
  expired: { error: 'unauthorized', message: 'This API token has expired.' },
}
const MALFORMED = {
  error: 'invalid_request',
  message: 'The Authorization header must be "Bearer <token>".',
}

/** Whether two secrets are equal, in time independent of where they differ. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const left = Buffer.from(given)
  const right = Buffer.from(expected)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The middleware that admits only `Authorization: Bearer <adminToken>`; none when unset. */
export function adminTokenAuth(adminToken: string | undefined): MiddlewareHandler {
  return bearerAuth({
    verifyToken: (given) => adminToken !== undefined && constantTimeEqual(given, adminToken),
    noAuthenticationHeader: { message: adminToken === undefined ? CLOSED : MISSING },
    invalidAuthenticationHeader: { message: MALFORMED },
    invalidToken: { message: adminToken === undefined ? CLOSED : WRONG },
  })
}

export type ApiTokenAuthDeps = {
  db: Db
  adminToken?: string
  clock?: () => Date
  trustedProxies?: TrustedProxies
}

/**
 * The middleware that admits `ADMIN_TOKEN` or an active issued token and sets `apiCaller`.
 * An issued token's `last_used_at` is written at most once a minute, so most requests add only
 * the lookup by hash (a unique index).
 */
export function apiTokenAuth(deps: ApiTokenAuthDeps): MiddlewareHandler {
  const now = () => deps.clock?.() ?? new Date()
  const unknown = deps.adminToken === undefined ? CLOSED : WRONG

  async function verify(given: string, c: Context): Promise<boolean> {
    if (deps.adminToken !== undefined && constantTimeEqual(given, deps.adminToken)) {
      c.set('apiCaller', ADMIN_CALLER)
      return true
    }
    if (!given.startsWith(ISSUED_TOKEN_START)) return false
    const token = await findApiTokenBySecret(deps.db, given)
    if (!token) return false
    const at = now()
    const state = tokenState(token, at)
    if (state !== 'active') {
      c.set('apiTokenRefusal', state)
      return false
    }
    // The lookup read `last_used_at`: a write only when it is a minute old (or never written).
    const last = token.lastUsedAt?.getTime() ?? -Infinity
    if (at.getTime() - last >= LAST_USED_RESOLUTION_MS) await touchApiToken(deps.db, token.id, at)
    c.set('apiCaller', {
      actor: `api:token:${token.id}`,
      tokenId: token.id,
      scopes: new Set(token.scopes),
      scope: { regionPrefix: token.regionCode },
    })
    return true
  }

  const guard = bearerAuth({
    verifyToken: verify,
    noAuthenticationHeader: { message: unknown === CLOSED ? CLOSED : MISSING },
    invalidAuthenticationHeader: { message: MALFORMED },
    invalidToken: {
      message: (c: Context) => {
        const refusal = c.get('apiTokenRefusal')
        return refusal ? REFUSED[refusal] : unknown
      },
    },
  })
  // Wrong tokens are limited per address; a revoked or expired token is no guess.
  return limitBearerFailures(
    { db: deps.db, now, ...(deps.trustedProxies ? { trustedProxies: deps.trustedProxies } : {}) },
    guard,
    (c) => c.get('apiTokenRefusal') !== undefined
  )
}

/**
 * Refuses a caller without `scope` with 403 (RFC 6750 `insufficient_scope`), naming the scope.
 * Runs after `apiTokenAuth`.
 */
export function requireScope(scope: ApiScope): MiddlewareHandler {
  return async (c, next) => {
    if (!c.get('apiCaller').scopes.has(scope)) {
      c.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`)
      return c.json(
        {
          error: 'insufficient_scope',
          message: `This token lacks the scope ${scope}.`,
          scope,
        },
        403
      )
    }
    await next()
  }
}
