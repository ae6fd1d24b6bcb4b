/**
 * Effects: what a finished turn asks the runtime to store, named in the past tense (goflow
 * events). The engine only returns them; `conversation/apply-effects.ts` writes them, one applier
 * per type, in the same transaction as the conversation state.
 * @module
 */

/**
 * The demo flow was completed.
 * @example { "type": "demo_completed", "flowVersion": 1, "answers": { "name": "Siti" } }
 */
export type DemoCompleted = {
  type: 'demo_completed'
  flowVersion: number
  answers: Record<string, unknown>
}

export type Effect = DemoCompleted
