/**
 * The bearer-token guard of `/api/v1` (DESIGN "Contracts"): the admin token, compared in constant
 * time by hono's `bearerAuth`; with no `ADMIN_TOKEN` configured every request is refused, so
 * the API is closed rather than open. Refusals answer JSON like every other API error.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'

/** Whether two secrets are equal, in time independent of where they differ. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const left = Buffer.from(given)
  const right = Buffer.from(expected)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The middleware that admits only `Authorization: Bearer <adminToken>`; none when unset. */
export function adminTokenAuth(adminToken: string | undefined): MiddlewareHandler {
  const closed = {
    error: 'unauthorized',
    message: 'The API is closed: the server has no ADMIN_TOKEN configured.',
  }
  const missing = {
    error: 'unauthorized',
    message: 'Send the admin token as "Authorization: Bearer <token>".',
  }
  const wrong = { error: 'unauthorized', message: 'The bearer token is not valid.' }
  const malformed = {
    error: 'invalid_request',
    message: 'The Authorization header must be "Bearer <token>".',
  }
  return bearerAuth({
    verifyToken: (given) => adminToken !== undefined && constantTimeEqual(given, adminToken),
    noAuthenticationHeader: { message: adminToken === undefined ? closed : missing },
    invalidAuthenticationHeader: { message: malformed },
    invalidToken: { message: adminToken === undefined ? closed : wrong },
  })
}
