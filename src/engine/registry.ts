import type { Flow } from './flow.js'

/** The flows a runtime knows, looked up by id and by trigger word. */
export type FlowRegistry = {
  get: (flowId: string) => Flow | undefined
  byCommand: (word: string) => Flow | undefined
  /** The flows offered by the main menu, in registration order. */
  menu: readonly Flow[]
  all: readonly Flow[]
}

/** Builds the lookup tables once; a trigger word used by two flows is a definition error. */
export function createFlowRegistry(flows: readonly Flow[]): FlowRegistry {
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
  return {
    get: (flowId) => byId.get(flowId),
    byCommand: (word) => byWord.get(word),
    menu: flows.filter((f) => f.inMenu),
    all: flows,
  }
}
