/**
 * Transactions on postgres.js that begin without a round trip of their own. postgres.js's
 * `sql.begin(fn)` sends BEGIN and waits for its answer before `fn` sends anything; here BEGIN goes
 * out with the transaction's first statement, in the same write, so a turn (BEGIN, its first
 * statement, its writes, COMMIT) waits for the server one time less. Under load on shared cores
 * each wait costs more than the statement's own work: the client's write wakes the server, and
 * the client is descheduled until it answers (docs/design.md P14).
 *
 * The semantics are postgres.js's: the transaction commits when `fn` resolves, rolls back when it
 * throws, and fails with the first error of one of its statements even if `fn` caught it (the
 * server aborted the transaction then); `savepoint(fn)` nests the same way.
 * @module
 */
import type { ReservedSql, Sql } from 'postgres'

/** What a transaction's statements run on: `unsafe` for drizzle's queries and `savepoint`. */
type TransactionClient = Sql

/** `client`, with `begin` pipelined; everything else is postgres.js's own. */
export function pipelinedBegin(client: Sql): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'begin') return Reflect.get(target, property, receiver)
      return (...args: unknown[]) => {
        const fn = args.at(-1) as (tx: TransactionClient) => unknown
        const mode = args.length > 1 ? String(args[0]).replace(/[^a-z ]/gi, '') : ''
        return runTransaction(target, `begin ${mode}`.trim(), fn)
      }
    },
  })
}

async function runTransaction(
  client: Sql,
  begin: string,
  fn: (tx: TransactionClient) => unknown
): Promise<unknown> {
  const reserved = await client.reserve()
  let savepoints = 0
  try {
    const scope = new Scope()
    // Sent with the first statement; its failure is the transaction's (`scope.failed`).
    scope.track(reserved.unsafe(begin))
    const result = await scope.run(
      fn,
      clientOf(reserved, scope, () => `s${++savepoints}`)
    )
    // The server answers ROLLBACK to a COMMIT of a transaction it aborted.
    const commit = await reserved.unsafe('commit')
    if (commit.command !== 'COMMIT') throw new TransactionAbortedError(commit.command)
    return result
  } catch (error) {
    await reserved.unsafe('rollback').catch(() => undefined)
    throw error
  } finally {
    reserved.release()
  }
}

/** The statements of a transaction or a savepoint, and the first of them that failed. */
class Scope {
  private failure: { error: unknown } | undefined

  track<T extends PromiseLike<unknown>>(query: T): T {
    query.then(undefined, (error: unknown) => {
      this.failure ??= { error }
    })
    return query
  }

  /** `fn`'s result, or the first error of the scope's statements, which `fn` may have caught. */
  async run<T>(fn: (tx: TransactionClient) => T, tx: TransactionClient): Promise<Awaited<T>> {
    const result = await fn(tx)
    if (this.failure) throw this.failure.error
    return result
  }
}

/** A client whose statements run on `reserved`, tracked by `scope`, with nested savepoints. */
function clientOf(reserved: ReservedSql, scope: Scope, nextName: () => string): TransactionClient {
  const savepoint = async (...args: unknown[]) => {
    const fn = args.at(-1) as (tx: TransactionClient) => unknown
    const name = nextName()
    const inner = new Scope()
    const tx = clientOf(reserved, inner, nextName)
    scope.track(reserved.unsafe(`savepoint ${name}`))
    try {
      const result = await inner.run(fn, tx)
      await reserved.unsafe(`release savepoint ${name}`)
      return result
    } catch (error) {
      await reserved.unsafe(`rollback to savepoint ${name}`)
      throw error
    }
  }
  return new Proxy(reserved, {
    get(target, property, receiver) {
      if (property === 'savepoint') return savepoint
      if (property === 'unsafe') {
        return (...args: Parameters<Sql['unsafe']>) => scope.track(target.unsafe(...args))
      }
      return Reflect.get(target, property, receiver)
    },
  }) as unknown as TransactionClient
}

/** COMMIT was answered by something else (ROLLBACK): a statement failed unseen, nothing stayed. */
export class TransactionAbortedError extends Error {
  readonly code = 'TRANSACTION_ABORTED' as const
  constructor(answer: string) {
    super(`the transaction was not committed (the server answered ${answer})`)
    this.name = 'TransactionAbortedError'
  }
}
