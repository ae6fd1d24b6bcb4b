import type { Answers, IsOptional, Step, StepEnv, StepOptions, StepResult } from '../flow.js'
import { flowKeys } from '../flow.js'
import { candidatesOf, clockOf } from '../options.js'
import { matchChoice, matchMultiChoice } from '../parse/choice.js'
import type { ChoiceOption, FlowContext, Input, Text } from '../types.js'
import { makeStep } from './make-step.js'

/** Static option values (labels from `<flow>:<step>.<value>`) or options built from the context. */
export type OptionSource =
  readonly string[] | ((answers: Answers, ctx: FlowContext) => ChoiceOption[])

export type AskChoiceOptions = StepOptions<string> & { options: OptionSource }
export type AskMultiChoiceOptions = StepOptions<string[]> & {
  options: OptionSource
  /** Fewest options to pick; default 1. */
  min?: number
}

/** Asks to pick one option: a button, "1", "1.", "satu", the label or a close spelling. */
export function askChoice<const Id extends string, const O extends AskChoiceOptions>(
  id: Id,
  options: O
): Step<Id, string, IsOptional<O>> {
  return makeStep<string>({
    kind: 'choice',
    id,
    options,
    choices: resolveOptions(id, options.options),
    read(input, env) {
      const ids = readChoices(input, env, 'single')
      return ids?.length === 1 ? { ok: true, value: ids[0]! } : ambiguityHint(input, env)
    },
    display: (value, env) => labelOf(value, env),
  }) as Step<Id, string, IsOptional<O>>
}

/** Asks to pick one or more options: "1,3", "1 3", "1 dan 3", labels, or "semua". */
export function askMultiChoice<const Id extends string, const O extends AskMultiChoiceOptions>(
  id: Id,
  options: O
): Step<Id, string[], IsOptional<O>> {
  return makeStep<string[]>({
    kind: 'multi_choice',
    id,
    options,
    choices: resolveOptions(id, options.options),
    read(input, env) {
      const ids = readChoices(input, env, 'multi')
      if (!ids || ids.length < (options.min ?? 1)) return { ok: false }
      return { ok: true, value: ids }
    },
    display: (value, env) => value.map((v) => env.ctx.label(labelOf(v, env))).join(', '),
  }) as Step<Id, string[], IsOptional<O>>
}

function resolveOptions(stepId: string, source: OptionSource) {
  return (answers: Answers, ctx: FlowContext, flowId: string): ChoiceOption[] =>
    typeof source === 'function'
      ? source(answers, ctx)
      : source.map((value) => ({
          id: value,
          label: { key: flowKeys.option(flowId, stepId, value) },
        }))
}

function readChoices(input: Input, env: StepEnv, mode: 'single' | 'multi'): string[] | undefined {
  if (input.type === 'choice') {
    return env.options.some((o) => o.id === input.id) ? [input.id] : undefined
  }
  if (input.type !== 'text') return undefined
  const candidates = candidatesOf(env.options, env.ctx)
  if (mode === 'multi') {
    const match = matchMultiChoice(input.text, candidates, clockOf(env.ctx))
    return match.kind === 'match' ? match.ids : undefined
  }
  const match = matchChoice(input.text, candidates, clockOf(env.ctx))
  return match.kind === 'match' ? [match.id] : undefined
}

function ambiguityHint(input: Input, env: StepEnv): StepResult<string> {
  if (input.type !== 'text') return { ok: false }
  const match = matchChoice(input.text, candidatesOf(env.options, env.ctx), clockOf(env.ctx))
  if (match.kind !== 'ambiguous') return { ok: false }
  const labels = match.ids.map((id) => env.ctx.label(labelOf(id, env)))
  return {
    ok: false,
    hint: { key: 'common:retry.ambiguous', params: { options: labels.join(', ') } },
  }
}

/** The option's label, or the raw value when the options no longer offer it. */
function labelOf(value: string, env: StepEnv): Text {
  return env.options.find((o) => o.id === value)?.label ?? { key: 'common:raw', params: { value } }
}
