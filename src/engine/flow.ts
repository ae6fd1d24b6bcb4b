/**
 * Flows and steps: the declarative shape a flow file is written in (docs/design.md P3). A flow is
 * an id, a version, trigger words, an ordered list of steps and a `complete` function that turns
 * the answers into effects. Text never lives here: prompts are i18n keys derived from the ids.
 * @module
 */
import type { DataNeed } from '../domain/snapshot.js'
import type {
  ChoiceOption,
  Completion,
  EffectBase,
  FlowContext,
  Input,
  JsonValue,
  Text,
  TextParam,
} from './types.js'

export type StepKind =
  | 'text'
  | 'number'
  | 'date'
  | 'date_time'
  | 'choice'
  | 'multi_choice'
  | 'yes_no'
  | 'location'
  | 'photo'

/** Answers collected so far, by step id. A skipped optional step holds `null`. */
export type Answers = Record<string, JsonValue | undefined>

/** What a step sees while it reads an input. */
export type StepEnv = {
  flowId: string
  ctx: FlowContext
  answers: Answers
  options: ChoiceOption[]
}

export type StepResult<V> = { ok: true; value: V } | { ok: false; hint?: Text }

/** Options every step kind takes. */
export type StepOptions<V> = {
  /** The person may answer LEWATI; the answer is then `null`. */
  optional?: boolean
  /** Ask only when this holds; an answer whose condition stops holding is dropped. */
  when?: (answers: Answers, ctx: FlowContext) => boolean
  /** Steps whose change makes this answer stale, so "ubah" of one of them asks this again. */
  dependsOn?: readonly string[]
  /** Extra check after parsing: return a hint text to re-ask, or nothing to accept. */
  validate?: (value: V, env: StepEnv) => Text | undefined
  /**
   * A possible but unlikely answer, or one that contradicts an earlier answer (pregnant and on the
   * pill): return the question to ask once ("Yakin …? Balas Ya …"). A yes, or the same answer
   * again, keeps the value; another valid answer replaces it (and is checked the same way).
   */
  doubt?: (value: V, env: StepEnv) => Text | undefined
  /** Parameters for the prompt text, from earlier answers or the context. */
  promptParams?: (answers: Answers, ctx: FlowContext) => Record<string, TextParam>
  /**
   * Answer the step without asking (the visit date is today unless the person says otherwise); the
   * value shows in the summary and can be changed there with "ubah". `null` skips an optional step.
   */
  defaultValue?: (answers: Answers, ctx: FlowContext) => V | null | undefined
  /** Leave it out of the summary and of "ubah" (a search text, a consent that must be yes). */
  hidden?: boolean
}

/**
 * One question of a flow. `V` is the answer's type, `O` whether it may be missing (optional or
 * conditional), which types the `answers` that `complete` receives.
 */
export type Step<Id extends string = string, V extends JsonValue = JsonValue, O = boolean> = {
  kind: StepKind
  id: Id
  optional: boolean
  when?: (answers: Answers, ctx: FlowContext) => boolean
  dependsOn: readonly string[]
  promptParams?: (answers: Answers, ctx: FlowContext) => Record<string, TextParam>
  defaultValue?: (answers: Answers, ctx: FlowContext) => V | null | undefined
  hidden: boolean
  /** The options to show and to match typed replies against (choice kinds only). */
  options?: (answers: Answers, ctx: FlowContext, flowId: string) => ChoiceOption[]
  /** Reads one input; never throws on bad input. */
  accept: (input: Input, env: StepEnv) => StepResult<V>
  /** The question to ask once before keeping an unlikely answer (`StepOptions.doubt`). */
  doubt?: (value: V, env: StepEnv) => Text | undefined
  /** How the answer reads in the summary. */
  display: (value: V, env: StepEnv) => TextParam
  /** Phantom fields carrying the answer type; never set at run time. */
  readonly _value?: V
  readonly _optional?: O
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = Step<string, any, boolean>

/** `true` when the step options make the answer possibly missing. */
export type IsOptional<Opts> = Opts extends { optional: true }
  ? true
  : Opts extends { when: (...args: never[]) => unknown }
    ? true
    : false

/** The typed answers a flow's `complete` receives, derived from its steps. */
export type AnswersOf<S extends readonly AnyStep[]> = {
  [St in S[number] as St['id']]: St extends Step<string, infer V, infer O>
    ? O extends true
      ? V | null | undefined
      : V
    : never
}

/** Who may use a flow and when; all optional, a flow without them is open to everyone. */
export type FlowAccess = {
  /** May this person start the flow (roles, registration state)? Hidden from the menu if not. */
  allowed?: (ctx: FlowContext) => boolean
  /** A reason not to start now (nothing to approve), said instead of the first question. */
  unavailable?: (ctx: FlowContext) => Text | undefined
  /**
   * What waits for this person in this flow ("2 pendaftaran menunggu persetujuan"): shown under
   * the main menu's title, with the flow listed first so it opens in one tap.
   */
  menuNotice?: (ctx: FlowContext) => Text | undefined
  /** Answers taken from a button's argument (`start:<flow>:<arg>`), e.g. which request to decide. */
  prefill?: (arg: string, ctx: FlowContext) => Answers
  /** Show the main menu right after the closing message (always, or when the answers say so). */
  menuAfter?: boolean | ((answers: Answers) => boolean)
  /**
   * Data the flow reads, named by the answers so far (a family search for the typed name): the
   * turn pauses whenever these answers change until it is loaded into `ctx.snapshot.lookups`.
   */
  data?: (answers: Answers, ctx: FlowContext) => DataNeed[]
}

/**
 * A flow: its steps `S` type the answers `complete` receives, and `E` is the union of the effects
 * it produces (inferred from `complete`, or named by its return type), which the registry pairs
 * with their appliers.
 */
export type Flow<
  S extends readonly AnyStep[] = readonly AnyStep[],
  E extends EffectBase = EffectBase,
> = FlowAccess & {
  id: string
  version: number
  /** Words that start the flow, without slash: `lapor` also matches `/lapor` and `/lapor@bot`. */
  commands: readonly string[]
  /** Shown in the main menu. */
  inMenu: boolean
  steps: S
  /** Show a summary with Kirim / Ubah / Batal before completing. */
  confirm: boolean
  complete: (answers: AnswersOf<S>, ctx: FlowContext) => Completion<E>
}

/** The effects a flow produces. */
export type EffectOf<F> = F extends Flow<readonly AnyStep[], infer E> ? E : never

/** A flow as its file writes it; `C` is what its `complete` returns. */
export type FlowDefinition<
  S extends readonly AnyStep[],
  C extends Completion<EffectBase> = Completion,
> = FlowAccess & {
  id: string
  version: number
  commands?: readonly string[]
  inMenu?: boolean
  confirm?: boolean
  steps: S
  complete: (answers: AnswersOf<S>, ctx: FlowContext) => C
}

/**
 * Checks a flow's shape once, at definition: unique step ids, known `dependsOn` ids. The flow's
 * effects are inferred from what `complete` returns (every branch), or named by its return type
 * (`(a): Completion<ActivityReported> => …`).
 */
export function defineFlow<
  const S extends readonly AnyStep[],
  // `T` keeps each effect's `type` a literal ('activity_reported', not string) when inferred.
  T extends string,
  C extends Completion<{ type: T }> = Completion<never>,
>(def: FlowDefinition<S, C>): Flow<S, C['effects'][number]> {
  const ids = new Set<string>()
  for (const step of def.steps) {
    if (ids.has(step.id)) throw new FlowDefinitionError(`${def.id}: duplicate step id ${step.id}`)
    for (const dep of step.dependsOn) {
      if (!ids.has(dep)) {
        throw new FlowDefinitionError(
          `${def.id}: ${step.id} depends on ${dep}, not an earlier step`
        )
      }
    }
    ids.add(step.id)
  }
  return {
    ...def,
    id: def.id,
    version: def.version,
    commands: def.commands ?? [],
    inMenu: def.inMenu ?? true,
    confirm: def.confirm ?? true,
    steps: def.steps,
    complete: def.complete,
  }
}

/** A flow definition is inconsistent; thrown at start-up, never during a conversation. */
export class FlowDefinitionError extends Error {
  readonly code = 'FLOW_DEFINITION' as const
  constructor(message: string) {
    super(message)
    this.name = 'FlowDefinitionError'
  }
}

/** The i18n keys a flow's texts are found under, derived from ids so flow files hold no text. */
export const flowKeys = {
  prompt: (flowId: string, stepId: string) => `${flowId}:ask${pascal(stepId)}`,
  retry: (flowId: string, stepId: string) => `${flowId}:ask${pascal(stepId)}_retry`,
  doubt: (flowId: string, stepId: string) => `${flowId}:ask${pascal(stepId)}_doubt`,
  label: (flowId: string, stepId: string) => `${flowId}:label.${stepId}`,
  option: (flowId: string, stepId: string, value: string) => `${flowId}:${stepId}.${value}`,
  title: (flowId: string) => `${flowId}:title`,
}

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1)
}
