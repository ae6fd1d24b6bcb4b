/**
 * The applier of a Poktan activity reported by chat: stored in the cadre's desa, waiting for
 * the supervisor's validation. Runs inside the turn's transaction.
 * @module
 */
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { createActivity } from '../../db/queries/poktan-activities.js'
import { people } from '../../db/schema/index.js'
import type { ActivityReported } from '../../domain/poktan.js'
import type { Reply } from '../../engine/index.js'
import type { ApplyDeps, EffectScope } from './types.js'

type Applier<E> = (
  tx: DbOrTx,
  effect: E,
  scope: EffectScope,
  deps: ApplyDeps
) => Promise<Reply[] | void>

export const poktanAppliers: { activity_reported: Applier<ActivityReported> } = {
  async activity_reported(tx, effect, scope) {
    if (scope.personId === undefined) throw new Error('activity_reported without a person')
    const [cadre] = await tx
      .select({ regionCode: people.regionCode })
      .from(people)
      .where(eq(people.id, scope.personId))
    if (!cadre) throw new Error(`activity_reported by unknown person ${scope.personId}`)
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
    if (effect.correctsId !== undefined) {
      const kind = { key: `poktan-activity:kind.${effect.kind}` }
      return [
        {
          texts: [
            { key: 'poktan-activity:corrected', params: { kind, date: effect.activityDate } },
          ],
        },
      ]
    }
  },
}
