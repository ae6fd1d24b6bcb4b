/**
 * The applier of a Poktan activity reported by chat: stored in the cadre's desa, waiting for
 * the supervisor's validation. A correction (from "Perbaiki" under a report sent back) replaces
 * that report, which is kept; its answer comes from here, as only the row knows whether the report
 * could still be replaced.
 * @module
 */
import { eq } from 'drizzle-orm'
import { createActivity } from '../../db/queries/poktan-activities.js'
import { people } from '../../db/schema/index.js'
import type { ActivityReported } from '../../flows/poktan-activity.js'
import { type Applier, EffectTargetMissingError, forPerson } from './types.js'

export const poktanAppliers: { activity_reported: Applier<ActivityReported> } = {
  activity_reported: forPerson(async (tx, effect, scope) => {
    const [cadre] = await tx
      .select({ regionCode: people.regionCode })
      .from(people)
      .where(eq(people.id, scope.personId))
    if (!cadre) throw new EffectTargetMissingError(effect.type, `person ${scope.personId}`)
    const { type: _type, ...report } = effect
    const result = await createActivity(tx, {
      ...report,
      cadreId: scope.personId,
      desaCode: cadre.regionCode,
      now: scope.now,
    })
    if (result.status === 'not_correctable') {
      return [{ texts: [{ key: 'poktan-activity:notCorrectable' }] }]
    }
    if (effect.correctsId === undefined) return
    const kind = { key: `poktan-activity:kind.${effect.kind}` }
    return [
      {
        texts: [{ key: 'poktan-activity:corrected', params: { kind, date: effect.activityDate } }],
      },
    ]
  }),
}
