/**
 * Brute-force limits of the dashboard logins (ADMIN_TOKEN form and one-time links): failures
 * counted per client address and, for ADMIN_TOKEN, per account, in the database so every replica
 * counts them together; past the limit a login answers 429 with `Retry-After` before any secret
 * is compared.
 * @module
 */
import type { Context } from 'hono'
import type { Db } from '../../db/client.js'
import { findLoginBlock, recordLoginFailure } from '../../db/queries/login-limits.js'
import {
  ADMIN_TOKEN_KEY,
  LOGIN_WINDOW_MS,
  MAX_ADMIN_TOKEN_FAILURES,
  MAX_FAILURES_PER_ADDRESS,
  addressKey,
} from '../../domain/login-limits.js'

/** Loopback and private (RFC 1918, unique-local IPv6) peers: a reverse proxy on our side. */
const PRIVATE_PEER =
  /^(?:::ffff:)?(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)|^::1$|^f[cd][0-9a-f]{2}:/i

/** The peer address of the TCP connection (`@hono/node-server`); none under `app.request()`. */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress
}

/**
 * The client's address: the connection's peer, or, when the peer is a proxy on a private
 * network (or unknown), the last `X-Forwarded-For` entry, the one that proxy appended. A client
 * talking to us directly cannot pick its address by sending the header.
 */
export function clientAddress(c: Context): string {
  const peer = peerAddress(c)
  const forwarded = c.req
    .header('x-forwarded-for')
    ?.split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .at(-1)
  if (forwarded && (peer === undefined || PRIVATE_PEER.test(peer))) return forwarded.slice(0, 64)
  return peer ?? 'unknown'
}

/** What a login attempt is for: a one-time link, or the ADMIN_TOKEN account. */
export type LoginKind = 'link' | 'admin_token'

export function createLoginLimiter(deps: { db: Db; now: () => Date }) {
  const keys = (address: string, kind: LoginKind) =>
    kind === 'admin_token' ? [addressKey(address), ADMIN_TOKEN_KEY] : [addressKey(address)]
  return {
    /** When logins of this kind from this address open again; `undefined` while they are open. */
    blockedUntil(address: string, kind: LoginKind): Promise<Date | undefined> {
      const limits = [{ key: addressKey(address), max: MAX_FAILURES_PER_ADDRESS }]
      if (kind === 'admin_token')
        limits.push({ key: ADMIN_TOKEN_KEY, max: MAX_ADMIN_TOKEN_FAILURES })
      return findLoginBlock(deps.db, { limits, windowMs: LOGIN_WINDOW_MS, now: deps.now() })
    },
    /** Counts a failed login (wrong token, or a link unknown, used or expired). */
    failed(address: string, kind: LoginKind): Promise<void> {
      return recordLoginFailure(deps.db, {
        keys: keys(address, kind),
        windowMs: LOGIN_WINDOW_MS,
        now: deps.now(),
      })
    },
  }
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>
