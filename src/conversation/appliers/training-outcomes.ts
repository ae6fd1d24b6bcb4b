/**
 * The appliers of the training's outcomes from chat (docs/domain.md, decision 18): a mentor shown
 * the check-in codes, a baseline answered (by the participant or her mentor for her), and the
 * mentor's kompeten marks, which may complete the cohort's participants when the programme's
 * rule asks for them. Each runs inside the turn's transaction.
 * @module
 */
import { isLastSessionOver } from '../../db/queries/follow-up.js'
import { markCodesShown, markKompeten, saveBaseline } from '../../db/queries/training-outcomes.js'
import type { BaselineAnswered, CheckinCodesShown, KompetenMarked } from '../../domain/effects.js'
import type { Text } from '../../engine/index.js'
import { completeCohortAndPlan } from '../training-completion.js'
import { type Applier, forPerson } from './types.js'

export const trainingOutcomeAppliers: {
  checkin_codes_shown: Applier<CheckinCodesShown>
  baseline_answered: Applier<BaselineAnswered>
  kompeten_marked: Applier<KompetenMarked>
} = {
  checkin_codes_shown: forPerson(async (tx, effect, scope) => {
    await markCodesShown(tx, {
      mentorId: scope.personId,
      sessionIds: effect.sessionIds,
      at: scope.now,
    })
  }),

  baseline_answered: forPerson(async (tx, effect, scope) => {
    const { type: _type, at, ...answers } = effect
    const result = await saveBaseline(tx, { ...answers, actorId: scope.personId, at: new Date(at) })
    if (result.status === 'forbidden') return [{ texts: [{ key: 'baseline:notYours' }] }]
    const params = { name: result.name }
    if (result.status === 'already') return [{ texts: [{ key: 'baseline:already', params }] }]
    const outcome = effect.consent ? 'saved' : 'declined'
    return [
      { texts: [{ key: `baseline:${outcome}.${result.self ? 'self' : 'forOther'}`, params }] },
    ]
  }),

  kompeten_marked: forPerson(async (tx, effect, scope, deps) => {
    const marked = await markKompeten(tx, {
      cohortId: effect.cohortId,
      enrollmentIds: effect.enrollmentIds,
      kompeten: effect.kompeten,
      byPersonId: scope.personId,
      actor: `person:${scope.personId}`,
      mentorOnly: true,
      at: scope.now,
    })
    if (marked === 0) return [{ texts: [{ key: 'kompeten:notYours' }] }]
    // Marks given after the last session may complete participants the rule waited for.
    let graduates = 0
    if (await isLastSessionOver(tx, { cohortId: effect.cohortId, at: scope.now })) {
      graduates = (await completeCohortAndPlan(tx, deps, effect.cohortId, scope.now)).length
    }
    const texts: Text[] = [
      {
        key: 'kompeten:saved',
        params: {
          kompeten: effect.kompeten.length,
          belum: effect.enrollmentIds.length - effect.kompeten.length,
        },
      },
    ]
    if (graduates > 0) texts.push({ key: 'kompeten:graduated', params: { count: graduates } })
    return [{ texts }]
  }),
}
