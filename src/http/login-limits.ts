/**
 * Brute-force limits of every secret a client can try: the dashboard logins (ADMIN_TOKEN form and
 * one-time links) and the bearer tokens of `/api/v1` (the API and the simulator). Failures are
 * counted per client address (an IPv6 client's /64) and, for ADMIN_TOKEN, for the account, in the
 * database so every replica counts them together (`src/domain/login-limits.ts` has the rules).
 * Past the limit a client is answered 429 with `Retry-After` before any secret is compared; other
 * addresses' failures never stop the right secret from an address that has not failed itself.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Db } from '../db/client.js'
import {
  type LoginCount,
  countLoginAttempt,
  findLoginCounts,
  forgiveLoginAttempt,
} from '../db/queries/login-limits.js'
import {
  ADMIN_TOKEN_KEY,
  LOGIN_WINDOW_MS,
  addressKey,
  loginBlockedUntil,
  minutesUntil,
  secondsUntil,
} from '../domain/login-limits.js'
import { type TrustedProxies, clientAddress, clientBlock } from './client-address.js'

/** What a secret is for: a one-time link or an issued API token, or the ADMIN_TOKEN account. */
export type LoginKind = 'link' | 'api_token' | 'admin_token'

/** A counted login attempt: blocked, or to be taken back when it turns out not to be a guess. */
export type LoginAttempt =
  { blockedUntil: Date } | { blockedUntil?: undefined; notAGuess: () => Promise<void> }

export type LoginLimiterDeps = { db: Db; now: () => Date }

export function createLoginLimiter(deps: LoginLimiterDeps) {
  const keysOf = (address: string, kind: LoginKind) => {
    const block = addressKey(clientBlock(address))
    return kind === 'admin_token'
      ? { address: block, account: ADMIN_TOKEN_KEY }
      : { address: block }
  }
  const params = (keys: { address: string; account?: string }) => ({
    keys: keys.account === undefined ? [keys.address] : [keys.address, keys.account],
    windowMs: LOGIN_WINDOW_MS,
    now: deps.now(),
  })
  const decide = (counts: Map<string, LoginCount>, keys: { address: string; account?: string }) =>
    loginBlockedUntil({
      address: counts.get(keys.address),
      account: keys.account === undefined ? undefined : counts.get(keys.account),
    })

  return {
    /**
     * Counts an attempt of this kind from this address before any secret is compared. A failed
     * login then needs nothing more; one that succeeds (or was not a guess) calls `notAGuess`.
     */
    async attempt(address: string, kind: LoginKind): Promise<LoginAttempt> {
      const keys = keysOf(address, kind)
      const blockedUntil = decide(await countLoginAttempt(deps.db, params(keys)), keys)
      if (blockedUntil) return { blockedUntil }
      return { notAGuess: () => forgiveLoginAttempt(deps.db, params(keys)) }
    },
    /** When an attempt from this address would be refused, without counting one (a read). */
    async blockedUntil(address: string, kind: LoginKind): Promise<Date | undefined> {
      const keys = keysOf(address, kind)
      const counts = await findLoginCounts(deps.db, params(keys))
      // Judged as if this attempt were counted, like `attempt`.
      const next = new Map(
        [...counts].map(([key, count]) => [key, { ...count, failures: count.failures + 1 }])
      )
      for (const key of Object.values(keys)) {
        if (!next.has(key)) next.set(key, { failures: 1, windowStart: deps.now() })
      }
      return decide(next, keys)
    },
    /** Counts a failed attempt whose secret was already compared. */
    async failed(address: string, kind: LoginKind): Promise<void> {
      await countLoginAttempt(deps.db, params(keysOf(address, kind)))
    },
  }
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>

/** Issued API tokens start with this; other bearer values are ADMIN_TOKEN guesses. */
const ISSUED_TOKEN_START = 'kbt-'

export type BearerLimitDeps = LoginLimiterDeps & { trustedProxies?: TrustedProxies }

/**
 * Wraps a bearer-token guard (`hono/bearer-auth`) with the failure limits: a request with a token
 * from an address past its limit is answered 429 before the token is compared; a token the guard
 * refuses with 401 counts as a failure (a missing header, a malformed one, and a revoked or
 * expired token, which is no guess, do not). Successes write nothing, so API clients pay one read
 * a request. Failures are counted after comparing: a burst of guesses sent at once, before the
 * first was counted, is compared in full, and the address is blocked right after it.
 */
export function limitBearerFailures(
  deps: BearerLimitDeps,
  guard: MiddlewareHandler,
  notAGuess: (c: Context) => boolean = () => false
): MiddlewareHandler {
  const limiter = createLoginLimiter(deps)
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (token === undefined) return guard(c, next)
    const address = clientAddress(c, deps.trustedProxies)
    const kind: LoginKind = token.startsWith(ISSUED_TOKEN_START) ? 'api_token' : 'admin_token'
    const until = await limiter.blockedUntil(address, kind)
    if (until) {
      const now = deps.now()
      c.header('retry-after', String(secondsUntil(until, now)))
      const minutes = minutesUntil(until, now)
      return c.json(
        {
          error: 'too_many_requests',
          message: `Too many wrong tokens from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        },
        429
      )
    }
    try {
      return await guard(c, next)
    } catch (error) {
      if (error instanceof HTTPException && error.status === 401 && !notAGuess(c)) {
        await limiter.failed(address, kind)
      }
      throw error
    }
  }
}
