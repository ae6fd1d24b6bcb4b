/**
 * The applier of a visit's KB part: one row of the KB register for the visit the same turn just
 * recorded (its `visit_reported` is applied first), never an update of an earlier row
 * (`docs/domain.md` "KB register"). Runs inside the turn's transaction.
 * @module
 */
import { and, desc, eq } from 'drizzle-orm'
import { recordKbEvent } from '../../db/queries/kb-register.js'
import { visits } from '../../db/schema/index.js'
import type { KbRecorded } from '../../domain/kb.js'
import { type Applier, EffectTargetMissingError, forPerson } from './types.js'

export const kbAppliers: { kb_recorded: Applier<KbRecorded> } = {
  kb_recorded: forPerson(async (tx, effect, scope) => {
    // The visit of this turn: same cadre, created at the turn's instant, the latest such.
    const [visit] = await tx
      .select({ id: visits.id, familyId: visits.familyId, desaCode: visits.desaCode })
      .from(visits)
      .where(and(eq(visits.cadreId, scope.personId), eq(visits.createdAt, scope.now)))
      .orderBy(desc(visits.id))
      .limit(1)
    if (!visit) throw new EffectTargetMissingError(effect.type, 'visit of the same turn')
    await recordKbEvent(tx, {
      familyId: visit.familyId,
      desaCode: visit.desaCode,
      visitId: visit.id,
      recordedBy: scope.personId,
      eventDate: effect.visitDate,
      status: effect.status,
      method: effect.method,
      newAcceptor: effect.newAcceptor,
      servicePlace: effect.servicePlace,
      jkn: effect.jkn,
      intent: effect.intent,
      createdAt: scope.now,
    })
  }),
}
