/**
 * Refused requests are logged in aggregate: one line a minute per kind of refusal, with its count,
 * not one line a request. A flood of forged webhooks (thousands a second) would otherwise write
 * megabytes of identical warnings, and the synchronous writes would slow every other request.
 * The kind comes from where the request went and how it was answered (`refusalKind`), so routes
 * need no logging of their own.
 * @module
 */
import type { MiddlewareHandler } from 'hono'

/** The refusals counted; anything else a route answers is not a refusal. */
export const REFUSAL_KINDS = [
  'whatsapp_signature',
  'telegram_secret',
  'bearer_token',
  'body_too_large',
  'database_unavailable',
  'rate_limited',
] as const

export type RefusalKind = (typeof REFUSAL_KINDS)[number]

/** The kind of refusal a response is, by its path and status; undefined when it is none. */
export function refusalKind(path: string, status: number): RefusalKind | undefined {
  if (status === 413) return 'body_too_large'
  if (status === 503) return 'database_unavailable'
  if (status === 429) return 'rate_limited'
  if (status !== 401) return undefined
  if (path.startsWith('/webhook/whatsapp')) return 'whatsapp_signature'
  if (path.startsWith('/webhook/telegram')) return 'telegram_secret'
  if (path.startsWith('/api/')) return 'bearer_token'
  return undefined
}

export type RefusalLog = {
  count: (kind: RefusalKind) => void
  /** Writes the counts gathered so far (one line per kind) and starts a new window. */
  flush: () => void
  /** Flushes and stops the timer. */
  stop: () => void
  /** Counts of the current window, for tests and metrics. */
  pending: () => Partial<Record<RefusalKind, number>>
}

/** Default window of the aggregated lines. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000

export function createRefusalLog(deps: {
  logger: { warn: (obj: object, msg: string) => void }
  intervalMs?: number
}): RefusalLog {
  const intervalMs = deps.intervalMs ?? REFUSAL_LOG_INTERVAL_MS
  let counts = new Map<RefusalKind, number>()
  const flush = () => {
    if (counts.size === 0) return
    const window = counts
    counts = new Map()
    for (const [kind, count] of window) {
      deps.logger.warn({ kind, count, windowSeconds: intervalMs / 1000 }, 'requests refused')
    }
  }
  const timer = setInterval(flush, intervalMs)
  timer.unref()
  return {
    count: (kind) => counts.set(kind, (counts.get(kind) ?? 0) + 1),
    flush,
    stop() {
      clearInterval(timer)
      flush()
    },
    pending: () => Object.fromEntries(counts),
  }
}

/** Counts every refused response of the app it is used on. */
export function countRefusals(refusals: RefusalLog): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const kind = refusalKind(c.req.path, c.res.status)
    if (kind) refusals.count(kind)
  }
}
