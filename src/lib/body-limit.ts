/**
 * Request body limits for JSON routes (the webhooks): a body past its limit is refused with 413
 * and a message, never read whole. A request that states its length (Telegram and Meta send
 * theirs so) is judged by that length, and its body is then read straight from the socket
 * (@hono/node-server's fast path; Node's parser reads no more than the stated length); Hono's
 * `bodyLimit` would first turn every body into a web stream to count it, a cost on each update.
 * A body without a stated length is counted as it streams in (`bodyLimit`).
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

export function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    c.json(
      {
        error: 'payload_too_large',
        message: `The request body is larger than the ${maxSize} bytes this route accepts.`,
      },
      413
    )
  const streamed = bodyLimit({ maxSize, onError: tooLarge })
  return async (c, next) => {
    const stated = c.req.header('content-length')
    if (stated === undefined || c.req.header('transfer-encoding') !== undefined) {
      return streamed(c, next)
    }
    const length = Number(stated)
    if (!Number.isSafeInteger(length) || length < 0 || length > maxSize) return tooLarge(c)
    await next()
  }
}
