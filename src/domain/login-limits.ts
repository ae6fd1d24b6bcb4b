/**
 * How often a login may be tried (brute force): failed dashboard logins per client address and
 * per account, and login links asked for in chat per person, each counted in a 15-minute window.
 * @module
 */

/** The window every login limit counts in. */
export const LOGIN_WINDOW_MS = 15 * 60_000

/**
 * Failed logins (wrong ADMIN_TOKEN or a bad link) one client address (an IPv6 client's /64) may
 * make per window.
 */
export const MAX_FAILURES_PER_ADDRESS = 10

/**
 * Wrong ADMIN_TOKEN attempts from all addresses together per window: the token is one account,
 * so many addresses cannot share out the guessing. While it is blocked, chat links still work.
 */
export const MAX_ADMIN_TOKEN_FAILURES = 30

/** Login links (MASUK) one person may ask for per window. */
export const MAX_LOGIN_LINKS_PER_PERSON = 5

/** The throttle keys: one per client address, one for the ADMIN_TOKEN account. */
export const addressKey = (address: string) => `ip:${address}`
export const ADMIN_TOKEN_KEY = 'account:admin_token'

/** Whole seconds from `now` until `until`, at least 1 (for `Retry-After`). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))
}

/** Whole minutes from `now` until `until`, at least 1 (for the message a person reads). */
export function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000))
}
