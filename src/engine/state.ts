/**
 * The chat state: where a person is in a conversation (the active flow, kept drafts, the last
 * menu), stored per chat in `conversations.session` and parsed by a versioned schema on every read
 * (docs/design.md P4). Named apart from the training's sessions and the dashboard's login sessions.
 * Step ids, never indexes, mark the position, so a flow that gains a step does
 * not shift old states; a flow whose version changed is restarted by the runner.
 * @module
 */
import { z } from 'zod'
import { keptLookupsSchema } from '../domain/snapshot.js'
import type { JsonValue } from './types.js'

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ])
)

/** Where a pending interruption leads once the person has said what to do with the draft. */
export const interruptTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('menu') }),
  z.object({ kind: z.literal('cancel') }),
  z.object({ kind: z.literal('start'), flowId: z.string(), arg: z.string().optional() }),
])
export type InterruptTarget = z.infer<typeof interruptTargetSchema>

/**
 * One flow in progress (or kept as a draft).
 * @example { "flowId": "kenalan", "flowVersion": 1, "mode": "ask", "stepId": "children",
 *   "answers": { "name": "Siti" }, "history": ["name"], "retries": 0,
 *   "interrupt": null, "startedAt": "2025-11-24T01:00:00.000Z", "lastInputAt": "2025-11-24T01:01:00.000Z" }
 */
export const flowStateSchema = z.object({
  flowId: z.string(),
  flowVersion: z.number().int(),
  /** ask: waiting for `stepId`; confirm: the summary; pick_edit: which answer to change; */
  /** interrupt: keep the draft?; resume_draft: continue an old draft? */
  mode: z.enum(['ask', 'confirm', 'pick_edit', 'interrupt', 'resume_draft']),
  /** The step being asked; `null` once every step is answered (the summary). */
  stepId: z.string().nullable(),
  answers: z.record(z.string(), jsonValueSchema),
  /** Answered step ids in the order answered, for KEMBALI. */
  history: z.array(z.string()),
  retries: z.number().int().min(0),
  interrupt: interruptTargetSchema.nullable(),
  /** An unlikely answer waiting for a yes or a new answer (`StepOptions.doubt`); absent in old rows. */
  doubt: z.object({ stepId: z.string(), value: jsonValueSchema }).nullable().optional(),
  startedAt: z.string(),
  lastInputAt: z.string(),
  /**
   * What this flow's turns loaded that its next turns may reuse (`keptLookupsSchema`): held only
   * while the flow is open, never in a draft; one that no longer parses is dropped and loaded again.
   */
  kept: keptLookupsSchema.optional().catch(undefined),
})
export type FlowState = z.infer<typeof flowStateSchema>

const chatStateV1Schema = z.object({
  v: z.literal(1),
  active: flowStateSchema.nullable(),
  /** Drafts kept when a flow was interrupted or expired, by flow id (one per flow). */
  drafts: z.record(z.string(), flowStateSchema),
  /** The option ids offered by the last menu, so a later "2" means the second of them. */
  menu: z.array(z.string()).nullable(),
})

/**
 * A person's conversation on one channel. Versioned: a future v2 joins this union with a
 * `.transform` that migrates v1 rows when they are read.
 * @example { "v": 1, "active": null, "drafts": {}, "menu": ["kenalan"] }
 */
export const chatStateSchema = z.discriminatedUnion('v', [chatStateV1Schema])
export type ChatState = z.infer<typeof chatStateSchema>

/** A conversation that has not started anything yet. */
export function emptyChatState(): ChatState {
  return { v: 1, active: null, drafts: {}, menu: null }
}

/**
 * Reads a stored chat state (the `session` column of `conversations`); anything that is not a valid
 * state is a typed error, not a crash.
 */
export function parseChatState(stored: unknown): ChatState {
  const result = chatStateSchema.safeParse(stored)
  if (!result.success) throw new InvalidChatStateError(result.error)
  return result.data
}

/** A stored chat state does not match any known version. */
export class InvalidChatStateError extends Error {
  readonly code = 'INVALID_CHAT_STATE' as const
  constructor(cause: unknown) {
    super('Stored conversation state does not match any known version', { cause })
    this.name = 'InvalidChatStateError'
  }
}
