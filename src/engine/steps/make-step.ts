import type { AnyStep, Answers, Step, StepEnv, StepKind, StepOptions, StepResult } from '../flow.js'
import type { ChoiceOption, FlowContext, Input, JsonValue, Text, TextParam } from '../types.js'

type MakeStepParams<V extends JsonValue> = {
  kind: StepKind
  id: string
  options: StepOptions<V> | undefined
  /** Turns an input into a value, before zod and `validate`. */
  read: (input: Input, env: StepEnv) => StepResult<V>
  display: (value: V, env: StepEnv) => TextParam
  choices?: (answers: Answers, ctx: FlowContext, flowId: string) => ChoiceOption[]
  /** The kind's own doubt (a number outside its plausible range), asked before the flow's. */
  doubt?: (value: V, env: StepEnv) => Text | undefined
}

/** Builds a step from its kind-specific reader plus the options every kind shares. */
export function makeStep<V extends JsonValue>(params: MakeStepParams<V>): AnyStep {
  const { options = {} } = params
  const step: Step<string, V, boolean> = {
    kind: params.kind,
    id: params.id,
    optional: options.optional ?? false,
    when: options.when,
    dependsOn: options.dependsOn ?? [],
    promptParams: options.promptParams,
    defaultValue: options.defaultValue,
    hidden: options.hidden ?? false,
    options: params.choices,
    accept(input, env) {
      const read = params.read(input, env)
      if (!read.ok) return read
      const hint = options.validate?.(read.value, env)
      return hint ? { ok: false, hint } : read
    },
    display: params.display,
  }
  const doubts = [params.doubt, options.doubt].filter((d) => d !== undefined)
  if (doubts.length > 0) {
    step.doubt = (value, env) => doubts.map((d) => d(value, env)).find((t) => t !== undefined)
  }
  return step
}

/** Runs a zod schema over a parsed value; a failure re-asks with the step's own hint. */
export function checkSchema<V>(
  schema: { safeParse: (v: unknown) => { success: boolean; data?: unknown } } | undefined,
  value: V
): StepResult<V> {
  if (!schema) return { ok: true, value }
  const result = schema.safeParse(value)
  return result.success ? { ok: true, value: result.data as V } : { ok: false }
}
