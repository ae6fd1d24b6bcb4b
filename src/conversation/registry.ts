/**
 * Every flow the bot runs, in menu order, each paired with the appliers of the effects it
 * produces: the one list the runtime and the transcript tests share (docs/architecture.md,
 * "Adding a flow"). Its types refuse a flow whose effect has no applier; the union of every
 * flow's effects (`ChatEffect`) is derived from it, not written by hand.
 *
 * An applier (`appliers/<area>.ts`) writes one effect inside the transaction of the turn that
 * produced it (a failure leaves neither the rows nor the new state). It resolves to its outcome,
 * data the flow's closing reply names (`{ reference: 'KJ-2511-000123' }` filling
 * `params: { reference: { outcome: 'reference' } }`), to replies of its own that follow the
 * turn's, or to nothing; it is wrapped in `forPerson(…)` when its flow is only open to a
 * recognised person (its scope then has `personId`). Rules and queries live in `domain/` and
 * `db/queries/`.
 * @module
 */
import type { DbOrTx } from '../db/client.js'
import {
  type AnyStep,
  type EffectBase,
  type EffectOf,
  type EngineEffect,
  type Flow,
  type Outcome,
  type Reply,
  createFlowRegistry,
} from '../engine/index.js'
import { approval } from '../flows/approval.js'
import { baseline } from '../flows/baseline.js'
import { broadcast } from '../flows/broadcast.js'
import { checkin } from '../flows/checkin.js'
import { consent, consentGate } from '../flows/consent.js'
import { excuse } from '../flows/excuse.js'
import { followUp } from '../flows/follow-up.js'
import { history } from '../flows/history.js'
import { kenalan } from '../flows/kenalan.js'
import { kode } from '../flows/kode.js'
import { kompeten } from '../flows/kompeten.js'
import { login } from '../flows/login.js'
import { mentorAttendance } from '../flows/mentor-attendance.js'
import { poktanActivity } from '../flows/poktan-activity.js'
import { referralOutcome } from '../flows/referral-outcome.js'
import { registration } from '../flows/registration.js'
import { schedule } from '../flows/schedule.js'
import { sertifikat } from '../flows/sertifikat.js'
import { visitReport } from '../flows/visit-report.js'
import { attendanceAppliers } from './appliers/attendance.js'
import { broadcastAppliers } from './appliers/broadcasts.js'
import { certificateAppliers } from './appliers/certificates.js'
import { consentAppliers } from './appliers/consent.js'
import { demoAppliers } from './appliers/demo.js'
import { kbAppliers } from './appliers/kb.js'
import { loginAppliers } from './appliers/login.js'
import { poktanAppliers } from './appliers/poktan.js'
import { registrationAppliers } from './appliers/registration.js'
import { trainingOutcomeAppliers } from './appliers/training-outcomes.js'
import type { Applier, ApplyDeps, EffectScope } from './appliers/types.js'
import { visitAppliers } from './appliers/visits.js'
import { trainingAppliers } from './training-effects.js'

/** One applier for each effect type of `E`, typed by that effect. */
export type AppliersFor<E extends EffectBase> = {
  [T in E['type']]: Applier<Extract<E, { type: T }>>
}

/** A flow and the appliers of its effects (they may serve other flows' effects too). */
export type FlowEntry<E extends EffectBase> = {
  flow: Flow<readonly AnyStep[], E>
  appliers: Partial<Record<string, Applier<never>>>
}

/**
 * Pairs a flow with appliers for every effect it produces: a flow whose effect has no applier
 * there does not compile. A flow that produces nothing takes none.
 */
export function flowWith<E extends EffectBase>(
  flow: Flow<readonly AnyStep[], E>,
  ...appliers: [E] extends [never] ? [] : [NoInfer<AppliersFor<E>>]
): FlowEntry<E> {
  return { flow, appliers: appliers[0] ?? {} }
}

/** The bot's flows in menu order, each with its appliers: one line per flow. */
const entries = [
  flowWith(consent, consentAppliers),
  flowWith(visitReport, { ...visitAppliers, ...kbAppliers }),
  flowWith(poktanActivity, poktanAppliers),
  flowWith(history, visitAppliers),
  flowWith(referralOutcome, visitAppliers),
  flowWith(schedule, trainingOutcomeAppliers),
  flowWith(checkin, { ...attendanceAppliers, ...trainingAppliers }),
  flowWith(excuse, attendanceAppliers),
  flowWith(mentorAttendance, trainingAppliers),
  flowWith(kode, trainingOutcomeAppliers),
  flowWith(kompeten, trainingOutcomeAppliers),
  flowWith(sertifikat, certificateAppliers),
  flowWith(followUp, trainingAppliers),
  flowWith(baseline, trainingOutcomeAppliers),
  flowWith(registration, registrationAppliers),
  flowWith(approval, registrationAppliers),
  flowWith(broadcast, broadcastAppliers),
  flowWith(login, loginAppliers),
  flowWith(kenalan, demoAppliers),
]

/** The appliers of the engine's own effects (BERHENTI, MULAI), whatever the flows. */
const engineAppliers: AppliersFor<EngineEffect> = consentAppliers

/** Every effect a turn can produce: each flow's, derived from the list, and the engine's. */
export type ChatEffect = EffectOf<(typeof entries)[number]['flow']> | EngineEffect

export const flows = entries.map((entry) => entry.flow)

export const flowRegistry = createFlowRegistry(flows, { gate: consentGate })

/**
 * Every effect type's applier, merged from the list. The list's types give each flow's effects
 * an applier in its own entry, so the merge has one for every `ChatEffect`; one effect type with
 * two different appliers is a definition error.
 */
export const appliers = mergeAppliers([
  engineAppliers,
  ...entries.map((entry) => entry.appliers),
]) as AppliersFor<ChatEffect>

function mergeAppliers(
  groups: readonly Partial<Record<string, Applier<never>>>[]
): Record<string, Applier<never>> {
  const merged: Record<string, Applier<never>> = {}
  for (const group of groups) {
    for (const [type, apply] of Object.entries(group)) {
      if (!apply) continue
      if (merged[type] && merged[type] !== apply) throw new Error(`Two appliers for ${type}`)
      merged[type] = apply
    }
  }
  return merged
}

/** What the appliers of a turn returned: their outcomes merged, and their own replies. */
export type Applied = { outcome: Outcome; replies: Reply[] }

/**
 * Writes every effect of a turn, in order; returns the outcome the turn's replies are filled
 * with and the replies the appliers have to say to the sender, to follow the turn's own.
 */
export async function applyEffects(
  tx: DbOrTx,
  effects: readonly ChatEffect[],
  scope: EffectScope,
  deps: ApplyDeps
): Promise<Applied> {
  const applied: Applied = { outcome: {}, replies: [] }
  for (const effect of effects) {
    const apply = appliers[effect.type] as Applier<ChatEffect>
    const result = await apply(tx, effect, scope, deps)
    if (Array.isArray(result)) applied.replies.push(...result)
    else if (result) Object.assign(applied.outcome, result)
  }
  return applied
}
