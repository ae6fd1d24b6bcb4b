/**
 * Running due fires (docs/design.md P7). Each fire is claimed and handled in its own transaction
 * with `FOR UPDATE SKIP LOCKED`, so ticks on several replicas share the work and a fire's effects
 * and its `done` mark commit together. A fire found later than its grace period is skipped and
 * logged; a failing one is retried a minute later, up to `maxAttempts`.
 * @module
 */
import type { Db, DbOrTx } from '../db/client.js'
import { type FireRow, claimDueFire, failFire, finishFire } from '../db/queries/fires.js'
import type { Logger } from '../lib/logger.js'
import { describeError } from '../lib/redact.js'

/** Does one fire's work inside the claiming transaction. */
export type FireHandler = (tx: DbOrTx, fire: FireRow, now: Date) => Promise<void>

export type RunDueFiresDeps = {
  db: Db
  handlers: Record<string, FireHandler>
  logger: Logger
  /** Most fires one tick handles, so a backlog cannot hold a tick forever. */
  maxPerTick?: number
  maxAttempts?: number
  retryDelayMs?: number
}

export type TickResult = { done: number; skipped: number; failed: number }

/** Runs every fire due at `now`; safe to call from several processes at once. */
export async function runDueFires(deps: RunDueFiresDeps, now: Date): Promise<TickResult> {
  const result: TickResult = { done: 0, skipped: 0, failed: 0 }
  const maxPerTick = deps.maxPerTick ?? 500
  for (let i = 0; i < maxPerTick; i++) {
    let claimed: FireRow | undefined
    let failure: unknown
    const failureOf = (fire: FireRow, error: unknown) => ({
      id: fire.id,
      error: describeError(error),
      retryAt: new Date(now.getTime() + (deps.retryDelayMs ?? 60_000)),
      maxAttempts: deps.maxAttempts ?? 3,
    })
    try {
      const outcome = await deps.db.transaction(async (tx) => {
        const fire = await claimDueFire(tx, now)
        if (!fire) return undefined
        claimed = fire
        const lateMs = now.getTime() - fire.dueAt.getTime()
        if (lateMs > fire.graceSeconds * 1000) {
          await finishFire(tx, {
            id: fire.id,
            status: 'skipped',
            now,
            note: 'missed its grace period',
          })
          return 'skipped' as const
        }
        try {
          // A savepoint: a failing handler's writes roll back, but the claim's row lock is held
          // until the failure is recorded, so no other tick can run the fire again meanwhile.
          await tx.transaction(async (savepoint) => {
            const handler = deps.handlers[fire.kind]
            if (!handler) throw new UnknownFireKindError(fire.kind)
            await handler(savepoint, fire, now)
          })
        } catch (error) {
          failure = error
          await failFire(tx, failureOf(fire, error))
          return 'failed' as const
        }
        await finishFire(tx, { id: fire.id, status: 'done', now })
        return 'done' as const
      })
      if (!outcome) break
      result[outcome] += 1
      if (outcome === 'skipped') {
        deps.logger.warn({ fireId: claimed!.id, kind: claimed!.kind }, 'fire skipped: too late')
      }
      if (outcome === 'failed') {
        deps.logger.error({ fireId: claimed!.id, kind: claimed!.kind, err: failure }, 'fire failed')
      }
    } catch (error) {
      // The fire's own transaction failed (not its handler): record the failure outside it.
      if (!claimed) throw error
      result.failed += 1
      deps.logger.error({ fireId: claimed.id, kind: claimed.kind, err: error }, 'fire failed')
      await failFire(deps.db, failureOf(claimed, error))
    }
  }
  return result
}

/** A fire names a kind no handler is registered for (a removed feature, a typo). */
export class UnknownFireKindError extends Error {
  readonly code = 'UNKNOWN_FIRE_KIND' as const
  constructor(kind: string) {
    super(`No handler for fire kind ${kind}`)
    this.name = 'UnknownFireKindError'
  }
}
