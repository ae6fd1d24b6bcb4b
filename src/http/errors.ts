/**
 * The one error handler of every route (`createApp`, and the dashboard with its own pages): a
 * database that cannot be reached (`isTransientDbError`: connection refused or reset, a connect or
 * statement timeout, a shutdown) is answered 503, so callers and Meta or Telegram try again; any
 * other failure is a bug, logged with its path and answered 500. The 503s are counted by the
 * refusal log (`src/http/refusal-log.ts`), not logged one line a request.
 * @module
 */
import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from '../lib/logger.js'
import { isTransientDbError } from '../lib/transient.js'

/** The JSON body of a 503 while the database cannot be reached. */
export const UNAVAILABLE = {
  error: 'unavailable',
  message: 'The database cannot be reached right now; try again shortly.',
} as const

/** How one surface answers: JSON for the API and webhooks, pages for the dashboard. */
export type ErrorResponses = {
  unavailable: (c: Context) => Response | Promise<Response>
  internal: (c: Context) => Response | Promise<Response>
}

export const JSON_ERRORS: ErrorResponses = {
  unavailable: (c) => c.json(UNAVAILABLE, 503),
  internal: (c) => c.json({ error: 'internal_error' }, 500),
}

/** Seconds a client waits before trying again while the database is away. */
const RETRY_AFTER_SECONDS = '5'

export function errorHandler(deps: {
  logger: Logger
  responses: ErrorResponses
  /** The log message of a bug, e.g. `request failed`. */
  message: string
}): ErrorHandler {
  return (error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    if (isTransientDbError(error)) {
      c.header('retry-after', RETRY_AFTER_SECONDS)
      return deps.responses.unavailable(c)
    }
    deps.logger.error({ err: error, path: c.req.path }, deps.message)
    return deps.responses.internal(c)
  }
}
