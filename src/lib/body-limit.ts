/**
 * Request body limits for JSON routes (the webhooks): a body past its limit is refused with 413
 * and a message while it streams in, never read whole (Hono's `bodyLimit`).
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

export function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        {
          error: 'payload_too_large',
          message: `The request body is larger than the ${maxSize} bytes this route accepts.`,
        },
        413
      ),
  })
}
