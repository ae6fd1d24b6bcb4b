/**
 * Client-side statement timeouts for postgres.js. A server-side `statement_timeout` cannot help
 * when the link to the server stalls (packets dropped, a half-open connection): the statement
 * never reaches the server, and postgres.js waits for its answer without limit, as it waits
 * without limit for a free connection when every pooled one is stuck. Here every statement drizzle
 * runs, and every transaction, gets an answer or a `DatabaseTimeoutError` within the timeout; a
 * late statement still queued for a connection is taken off the queue, one sent is cancelled by
 * the server's `statement_timeout` (set to the same value by `src/db/client.ts`).
 * @module
 */
import type { Sql } from 'postgres'
import { DatabaseTimeoutError } from '../lib/transient.js'

/** A drizzle statement: awaited directly, or after `.values()` (rows as arrays). */
type Statement = PromiseLike<unknown> & { values: () => Statement }

/**
 * Settles with `work`, or rejects with `DatabaseTimeoutError` after `timeoutMs` and runs
 * `onTimeout` (cancelling the work); a late outcome of `work` is then ignored.
 */
export function withDeadline<T>(
  work: PromiseLike<T>,
  timeoutMs: number,
  onTimeout: () => void = () => undefined
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DatabaseTimeoutError(timeoutMs))
      onTimeout()
    }, timeoutMs)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })
}

/** `query`, run (lazily, as postgres.js does) under the deadline; it stays `.values()`-able. */
function timedStatement(
  query: ReturnType<Sql['unsafe']>,
  timeoutMs: number,
  onTimeout: () => void
): Statement {
  let run: Promise<unknown> | undefined
  const settle = () =>
    (run ??= withDeadline(query, timeoutMs, () => {
      onTimeout()
      // Still waiting for a connection: taken off the pool's queue. A statement already sent is
      // left to the server's own `statement_timeout`: postgres.js's cancel request for it would
      // reject unobserved when the server cannot be reached.
      if ((query as { state?: unknown }).state === undefined) void query.cancel()
    }))
  const statement: Statement = {
    values() {
      query.values()
      return statement
    },
    then: (onFulfilled, onRejected) => settle().then(onFulfilled, onRejected),
  }
  return statement
}

/**
 * `client` as drizzle uses it (`unsafe`, `begin`, `savepoint`), with each statement under
 * `timeoutMs` and every one `prepared` (see `src/db/client.ts`). A transaction fails as soon as
 * one of its statements timed out, or when it could not even begin within `timeoutMs` (no
 * connection): its rollback on a stalled link would wait as long as the link stays down.
 * `timeoutMs` undefined: no deadline.
 */
export function timedClient(
  client: Sql,
  timeoutMs: number | undefined,
  onTimeout: () => void = () => undefined
): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, args?: unknown[], options?: { prepare?: boolean }) => {
          const pending = target.unsafe(query, args as never, { ...options, prepare: true })
          return timeoutMs === undefined ? pending : timedStatement(pending, timeoutMs, onTimeout)
        }
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const open = Reflect.get(target, property) as (...a: unknown[]) => Promise<unknown>
          const callback = args.at(-1) as (tx: Sql) => unknown
          if (timeoutMs === undefined) {
            args[args.length - 1] = (tx: Sql) => callback(timedClient(tx, undefined))
            return open.apply(target, args)
          }
          return timedTransaction((inner) => {
            args[args.length - 1] = (tx: Sql) => {
              // Begun after the caller was told it failed: rolled back, nothing runs.
              if (!inner.begun()) throw new DatabaseTimeoutError(timeoutMs)
              return callback(timedClient(tx, timeoutMs, inner.timedOut))
            }
            return open.apply(target, args)
          }, timeoutMs).catch((error: unknown) => {
            if (error instanceof DatabaseTimeoutError) onTimeout()
            throw error
          })
        }
      }
      return Reflect.get(target, property, receiver)
    },
  })
}

/**
 * Runs a transaction that rejects when it has not begun in time or a statement timed out;
 * `begun()` tells the transaction whether it may still run (false once it was given up).
 */
function timedTransaction<T>(
  run: (inner: { begun: () => boolean; timedOut: () => void }) => Promise<T>,
  timeoutMs: number
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let givenUp = false
    const fail = () => {
      givenUp = true
      reject(new DatabaseTimeoutError(timeoutMs))
    }
    const beginTimer = setTimeout(fail, timeoutMs)
    const begun = () => {
      clearTimeout(beginTimer)
      return !givenUp
    }
    const work = run({ begun, timedOut: fail })
    work.then(resolve, reject).finally(() => clearTimeout(beginTimer))
  })
}
