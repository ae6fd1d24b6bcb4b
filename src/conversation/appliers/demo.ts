/**
 * The applier of the demo flow (Kenalan): the answers kept with the conversation they came from.
 * @module
 */
import { demoSubmissions } from '../../db/schema/index.js'
import type { DemoCompleted } from '../../domain/effects.js'
import type { Applier } from './types.js'

export const demoAppliers: { demo_completed: Applier<DemoCompleted> } = {
  async demo_completed(tx, effect, scope) {
    await tx.insert(demoSubmissions).values({
      conversationId: scope.conversationId,
      flowVersion: effect.flowVersion,
      answers: effect.answers,
      submittedAt: scope.now,
    })
  },
}
