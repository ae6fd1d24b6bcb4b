/**
 * The training's once-only messages (a failed code, the code shown to a mentor): one claim per
 * key in `training_notices`.
 * @module
 */
import type { DbOrTx } from '../client.js'
import { trainingNotices } from '../schema/index.js'

/**
 * Claims a once-only training message (`code_failed:<session>:<person>`): `true` for the first
 * claim of the key, which then sends it; `false` ever after.
 */
export async function claimTrainingNotice(
  db: DbOrTx,
  params: { key: string; at: Date }
): Promise<boolean> {
  const rows = await db
    .insert(trainingNotices)
    .values(params)
    .onConflictDoNothing({ target: trainingNotices.key })
    .returning({ id: trainingNotices.id })
  return rows.length > 0
}
