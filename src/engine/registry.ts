import type { AnyStep, EffectOf, Flow } from './flow.js'
import type { EffectBase, FlowContext } from './types.js'

/**
 * A flow everyone must go through before anything else while `applies` holds: the privacy
 * notice and consent (docs/domain.md, decision 8).
 */
export type FlowGate = {
  flowId: string
  applies: (ctx: FlowContext) => boolean
  /**
   * The message that meets the gate answers its first question at once, which is then not asked
   * (someone who declined the notice writes MULAI, Ya or anything else: docs/domain.md, decision
   * 21).
   */
  answeredAtOnce?: (ctx: FlowContext) => boolean
}

/**
 * The flows a runtime knows, looked up by id and by trigger word; `E` is the union of the effects
 * they produce.
 */
export type FlowRegistry<E extends EffectBase = EffectBase> = {
  get: (flowId: string) => Flow<readonly AnyStep[], E> | undefined
  byCommand: (word: string) => Flow<readonly AnyStep[], E> | undefined
  /** The flows offered by the main menu, in registration order. */
  menu: readonly Flow<readonly AnyStep[], E>[]
  all: readonly Flow<readonly AnyStep[], E>[]
  gate?: FlowGate
}

/**
 * Builds the lookup tables once; a trigger word used by two flows is a definition error. The
 * registry's effects are the union of its flows' effects.
 */
export function createFlowRegistry<F extends Flow<readonly AnyStep[], EffectBase>>(
  flows: readonly F[],
  options?: { gate?: FlowGate }
): FlowRegistry<EffectOf<F>>
export function createFlowRegistry(
  flows: readonly Flow[],
  options: { gate?: FlowGate } = {}
): FlowRegistry {
  const byId = new Map<string, Flow>()
  const byWord = new Map<string, Flow>()
  for (const flow of flows) {
    if (byId.has(flow.id)) throw new Error(`Duplicate flow id ${flow.id}`)
    byId.set(flow.id, flow)
    for (const word of flow.commands) {
      if (byWord.has(word)) throw new Error(`Command ${word} is used by two flows`)
      byWord.set(word, flow)
    }
  }
  if (options.gate && !byId.has(options.gate.flowId)) {
    throw new Error(`Gate flow ${options.gate.flowId} is not registered`)
  }
  return {
    get: (flowId) => byId.get(flowId),
    byCommand: (word) => byWord.get(word),
    menu: flows.filter((f) => f.inMenu),
    all: flows,
    gate: options.gate,
  }
}
