import type { Flow } from './flow.js'
import type { FlowContext } from './types.js'

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

/** The flows a runtime knows, looked up by id and by trigger word. */
export type FlowRegistry = {
  get: (flowId: string) => Flow | undefined
  byCommand: (word: string) => Flow | undefined
  /** The flows offered by the main menu, in registration order. */
  menu: readonly Flow[]
  all: readonly Flow[]
  gate?: FlowGate
}

/** Builds the lookup tables once; a trigger word used by two flows is a definition error. */
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
