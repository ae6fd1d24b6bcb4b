/**
 * One applier per effect type: the only place effects become rows. Runs inside the transaction
 * of the turn that produced them, so a failure leaves neither the rows nor the new state.
 * @module
 */
import type { DbOrTx } from '../db/client.js'
import { demoSubmissions } from '../db/schema/index.js'
import type { Effect } from '../domain/effects.js'

export type EffectScope = { conversationId: number; now: Date }

type Appliers = {
  [T in Effect['type']]: (
    tx: DbOrTx,
    effect: Extract<Effect, { type: T }>,
    scope: EffectScope
  ) => Promise<void>
}

const appliers: Appliers = {
  async demo_completed(tx, effect, scope) {
    await tx.insert(demoSubmissions).values({
      conversationId: scope.conversationId,
      flowVersion: effect.flowVersion,
      answers: effect.answers,
      submittedAt: scope.now,
    })
  },
}

/** Writes every effect of a turn, in order. */
export async function applyEffects(
  tx: DbOrTx,
  effects: Effect[],
  scope: EffectScope
): Promise<void> {
  for (const effect of effects) {
    const apply = appliers[effect.type] as (tx: DbOrTx, e: Effect, s: EffectScope) => Promise<void>
    await apply(tx, effect, scope)
  }
}
