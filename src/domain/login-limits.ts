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
 * so many addresses cannot share out the guessing. Past it, an address keeps only its first
 * attempt of the window (the right token from an address that has not failed still works, so
 * guessers elsewhere cannot lock the owner out); chat links are not affected.
 */
export const MAX_ADMIN_TOKEN_FAILURES = 30

/** Login links (MASUK) one person may ask for per window. */
export const MAX_LOGIN_LINKS_PER_PERSON = 5

/** The throttle keys: one per client address, one for the ADMIN_TOKEN account. */
export const addressKey = (address: string) => `ip:${address}`
export const ADMIN_TOKEN_KEY = 'account:admin_token'

/** Attempts of one key in its window, this attempt included, and when the window started. */
export type AttemptCount = { failures: number; windowStart: Date }

const opens = (count: AttemptCount) => new Date(count.windowStart.getTime() + LOGIN_WINDOW_MS)

/**
 * When an attempt counted into these counts may be made again (`undefined`: it may be made now):
 * past `MAX_FAILURES_PER_ADDRESS` of its own, until the address's window ends; past the
 * account's `MAX_ADMIN_TOKEN_FAILURES`, an address that already tried this window waits until
 * its own window or the account's ends, whichever is first. An address's first attempt is never
 * held back by other addresses.
 */
export function loginBlockedUntil(counts: {
  address?: AttemptCount | undefined
  account?: AttemptCount | undefined
}): Date | undefined {
  const { address, account } = counts
  if (!address) return undefined
  if (address.failures > MAX_FAILURES_PER_ADDRESS) return opens(address)
  if (account && account.failures > MAX_ADMIN_TOKEN_FAILURES && address.failures > 1) {
    return new Date(Math.min(opens(address).getTime(), opens(account).getTime()))
  }
  return undefined
}

/** Whole seconds from `now` until `until`, at least 1 (for `Retry-After`). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))
}

/** Whole minutes from `now` until `until`, at least 1 (for the message a person reads). */
export function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000))
}
