/**
 * Brute-force limits of the dashboard logins (ADMIN_TOKEN form and one-time links): attempts
 * counted per client address (an IPv6 client's /64) and, for ADMIN_TOKEN, per account, in the
 * database so every replica counts them together; past the limit a login answers 429 with
 * `Retry-After` before any secret is compared. Each attempt is counted before its secret is
 * compared, so parallel guesses cannot all slip through; those that were not guesses are taken back.
 * @module
 */
import type { Context } from 'hono'
import type { Db } from '../../db/client.js'
import ipaddr from 'ipaddr.js'
import { countLoginAttempt, forgiveLoginAttempt } from '../../db/queries/login-limits.js'
import {
  ADMIN_TOKEN_KEY,
  LOGIN_WINDOW_MS,
  MAX_ADMIN_TOKEN_FAILURES,
  MAX_FAILURES_PER_ADDRESS,
  addressKey,
} from '../../domain/login-limits.js'

/** Peers we take for our own reverse proxy: loopback and private networks. */
const PROXY_RANGES = new Set(['loopback', 'private', 'uniqueLocal'])

/** The peer address of the TCP connection (`@hono/node-server`); none under `app.request()`. */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress
}

const parsed = (address: string) => (ipaddr.isValid(address) ? ipaddr.process(address) : undefined)

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
  const peerIsProxy = peer === undefined || PROXY_RANGES.has(parsed(peer)?.range() ?? '')
  if (forwarded && peerIsProxy) return forwarded.slice(0, 64)
  return peer ?? 'unknown'
}

/**
 * The block of addresses one client controls, which its failures count against: an IPv4
 * address, or an IPv6 address's /64 (one home or phone gets a whole /64, so counting single
 * IPv6 addresses would let it pick a fresh one for every guess). IPv4-mapped IPv6 is IPv4.
 */
export function clientBlock(address: string): string {
  const ip = parsed(address)
  if (!ip) return address
  if (ip.kind() === 'ipv4') return ip.toString()
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`).toString()}/64`
}

/** What a login attempt is for: a one-time link, or the ADMIN_TOKEN account. */
export type LoginKind = 'link' | 'admin_token'

/** A counted login attempt: blocked, or to be taken back when it turns out not to be a guess. */
export type LoginAttempt =
  { blockedUntil: Date } | { blockedUntil?: undefined; notAGuess: () => Promise<void> }

export function createLoginLimiter(deps: { db: Db; now: () => Date }) {
  const limitsOf = (address: string, kind: LoginKind) => {
    const limits = [{ key: addressKey(clientBlock(address)), max: MAX_FAILURES_PER_ADDRESS }]
    if (kind === 'admin_token') limits.push({ key: ADMIN_TOKEN_KEY, max: MAX_ADMIN_TOKEN_FAILURES })
    return limits
  }
  return {
    /**
     * Counts an attempt of this kind from this address before any secret is compared. A failed
     * login then needs nothing more; one that succeeds (or was not a guess) calls `notAGuess`.
     */
    async attempt(address: string, kind: LoginKind): Promise<LoginAttempt> {
      const limits = limitsOf(address, kind)
      const blockedUntil = await countLoginAttempt(deps.db, {
        limits,
        windowMs: LOGIN_WINDOW_MS,
        now: deps.now(),
      })
      if (blockedUntil) return { blockedUntil }
      return {
        notAGuess: () =>
          forgiveLoginAttempt(deps.db, {
            keys: limits.map((limit) => limit.key),
            windowMs: LOGIN_WINDOW_MS,
            now: deps.now(),
          }),
      }
    },
  }
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>
