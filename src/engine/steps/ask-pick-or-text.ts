import type { Answers, IsOptional, Step } from '../flow.js'
import { candidatesOf, clockOf } from '../options.js'
import { matchChoice } from '../parse/choice.js'
import type { ChoiceOption, FlowContext, Input } from '../types.js'
import type { StepEnv } from '../flow.js'
import { type AskTextOptions, askText } from './ask-text.js'

export type AskPickOrTextOptions = AskTextOptions & {
  /** A short list to pick from (a tap or its number); anything else typed is the text answer. */
  options: (answers: Answers, ctx: FlowContext) => ChoiceOption[]
  /**
   * A typed label, synonym or close spelling picks its option too, as at a choice question; only
   * text that names no option is the text answer (an izin reason in the person's own words).
   */
  matchTyped?: boolean
}

/**
 * Offers a few options and takes free text as well: a tap or an option's number answers with the
 * option's id, any other text is read as `askText` reads it (a family picked from the recent ones,
 * or a name typed to search). Option ids should not look like typed answers.
 */
export function askPickOrText<const Id extends string, const O extends AskPickOrTextOptions>(
  id: Id,
  options: O
): Step<Id, string, IsOptional<O>> {
  const text = askText(id, options)
  return {
    ...text,
    options: (answers, ctx) => options.options(answers, ctx),
    accept(input, env) {
      const picked = pickedOption(input, env.options) ?? typedOption(input, env, options)
      if (picked !== undefined) return { ok: true, value: picked }
      // A number that is no option's is a slip, not words to keep.
      if (options.matchTyped && input.type === 'text' && NUMBER.test(input.text))
        return { ok: false }
      return text.accept(input, env)
    },
    display: (value, env) => env.options.find((o) => o.id === value)?.label ?? value,
  }
}

const NUMBER = /^\s*(\d{1,2})\s*\.?\s*$/

function pickedOption(input: Input, options: ChoiceOption[]): string | undefined {
  if (input.type === 'choice') return options.find((o) => o.id === input.id)?.id
  if (input.type !== 'text') return undefined
  const number = NUMBER.exec(input.text)
  return number ? options[Number(number[1]) - 1]?.id : undefined
}

function typedOption(
  input: Input,
  env: StepEnv,
  options: AskPickOrTextOptions
): string | undefined {
  if (!options.matchTyped || input.type !== 'text') return undefined
  const match = matchChoice(input.text, candidatesOf(env.options, env.ctx), clockOf(env.ctx))
  return match.kind === 'match' ? match.id : undefined
}
