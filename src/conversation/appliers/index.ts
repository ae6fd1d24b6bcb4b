/**
 * The appliers: the only place effects become rows, one per effect type, each inside the
 * transaction of the turn that produced it (a failure leaves neither the rows nor the new state).
 *
 * Adding an effect's applier:
 * 1. declare the effect type in `src/domain/effects.ts` (it joins the `Effect` union);
 * 2. write `src/conversation/appliers/<area>.ts` exporting
 *    `export const <area>Appliers: { <effect_type>: Applier<TheEffect> } = { ... }`, with types from
 *    `./types.js`; wrap an applier in `forPerson(...)` when its flow is only open to a recognised
 *    person: its scope then has `personId`;
 * 3. add ONE line `...<area>Appliers,` to `appliers` below (the type checks every effect has one).
 * An applier resolves to its outcome, data the flow's closing reply names (`{ reference:
 * 'KJ-2511-000123' }` filling `params: { reference: { outcome: 'reference' } }`), to replies of
 * its own that follow the turn's, or to nothing; rules and queries live in `domain/` and
 * `db/queries/`.
 * @module
 */
import type { DbOrTx } from '../../db/client.js'
import type { Effect } from '../../domain/effects.js'
import type { Outcome, Reply } from '../../engine/index.js'
import { attendanceAppliers } from './attendance.js'
import { broadcastAppliers } from './broadcasts.js'
import { certificateAppliers } from './certificates.js'
import { consentAppliers } from './consent.js'
import { demoAppliers } from './demo.js'
import { kbAppliers } from './kb.js'
import { loginAppliers } from './login.js'
import { poktanAppliers } from './poktan.js'
import { registrationAppliers } from './registration.js'
import { trainingAppliers } from '../training-effects.js'
import { trainingOutcomeAppliers } from './training-outcomes.js'
import { visitAppliers } from './visits.js'
import type { Applier, ApplyDeps, EffectScope } from './types.js'

export type { Applier, ApplyDeps, EffectScope, PersonScope } from './types.js'
export { EffectTargetMissingError, EffectWithoutPersonError, forPerson } from './types.js'

/** Every effect type's applier. */
export type Appliers = { [T in Effect['type']]: Applier<Extract<Effect, { type: T }>> }

export const appliers: Appliers = {
  ...attendanceAppliers,
  ...broadcastAppliers,
  ...certificateAppliers,
  ...consentAppliers,
  ...demoAppliers,
  ...kbAppliers,
  ...loginAppliers,
  ...poktanAppliers,
  ...registrationAppliers,
  ...trainingAppliers,
  ...trainingOutcomeAppliers,
  ...visitAppliers,
}

/** What the appliers of a turn returned: their outcomes merged, and their own replies. */
export type Applied = { outcome: Outcome; replies: Reply[] }

/**
 * Writes every effect of a turn, in order; returns the outcome the turn's replies are filled
 * with and the replies the appliers have to say to the sender, to follow the turn's own.
 */
export async function applyEffects(
  tx: DbOrTx,
  effects: Effect[],
  scope: EffectScope,
  deps: ApplyDeps
): Promise<Applied> {
  const applied: Applied = { outcome: {}, replies: [] }
  for (const effect of effects) {
    const apply = appliers[effect.type] as Applier<Effect>
    const result = await apply(tx, effect, scope, deps)
    if (Array.isArray(result)) applied.replies.push(...result)
    else if (result) Object.assign(applied.outcome, result)
  }
  return applied
}
