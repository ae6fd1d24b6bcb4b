/**
 * Which failures are worth a redelivery: the database was unreachable, restarting or overloaded,
 * so nothing was committed and the same update will succeed later. Anything else (a bug, bad
 * content) would fail again, and is acknowledged so it does not block the updates behind it.
 * @module
 */
import pRetry from 'p-retry'

/** postgres.js connection failures and Node socket errors. */
const CONNECTION_CODES = new Set([
  'DB_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a passing condition: connection exceptions (08), insufficient resources (53),
 * operator intervention such as a shutdown (57P) or a statement cancelled when it ran past its
 * timeout (57014), serialization failure and deadlock (40001, 40P01), lock not available (55P03).
 */
function transientSqlState(code: string): boolean {
  return /^(08|53|57)/.test(code) || code === '40001' || code === '40P01' || code === '55P03'
}

/**
 * A statement or transaction gave no answer within its timeout (`createDb`'s
 * `statementTimeoutMs`): the database is unreachable (a stalled link, a full pool) or overloaded.
 */
export class DatabaseTimeoutError extends Error {
  readonly code = 'DB_TIMEOUT' as const

  constructor(readonly timeoutMs: number) {
    super(`database gave no answer within ${timeoutMs} ms`)
    this.name = 'DatabaseTimeoutError'
  }
}

/** PGlite's answers while it closes (a shutdown: the next start takes the update). */
const PGLITE_CLOSED = new Set(['PGlite is closed', 'PGlite is closing'])

/**
 * True when `error` (or an error it wraps, as drizzle does) is a transient database failure: the
 * one classification of "database unavailable" that every HTTP route answers with 503
 * (`src/http/errors.ts`) and the webhooks, outbox sender and scheduler wait out.
 */
export function isTransientDbError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || transientSqlState(code)))
      return true
    if (current instanceof Error && PGLITE_CLOSED.has(current.message)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/**
 * Runs a database write again while it fails for a passing reason (a cut connection, a restart),
 * up to about 5 s in all, with growing pauses; any other error is thrown at once. For writes
 * fenced so that a repeat changes nothing twice, such as recording a send's outcome: without it,
 * a message that went out while the database blinked would go out again when its claim expired.
 */
export function retryTransient<T>(write: () => Promise<T>): Promise<T> {
  return pRetry(write, {
    retries: 6,
    minTimeout: 100,
    maxTimeout: 2000,
    randomize: true,
    shouldRetry: ({ error }) => isTransientDbError(error),
  })
}
