import type { Answers, IsOptional, Step } from '../flow.js'
import type { ChoiceOption, FlowContext, Input } from '../types.js'
import { type AskTextOptions, askText } from './ask-text.js'

export type AskPickOrTextOptions = AskTextOptions & {
  /** A short list to pick from (a tap or its number); anything else typed is the text answer. */
  options: (answers: Answers, ctx: FlowContext) => ChoiceOption[]
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
      const picked = pickedOption(input, env.options)
      return picked === undefined ? text.accept(input, env) : { ok: true, value: picked }
    },
    display: (value, env) => env.options.find((o) => o.id === value)?.label ?? value,
  }
}

function pickedOption(input: Input, options: ChoiceOption[]): string | undefined {
  if (input.type === 'choice') return options.find((o) => o.id === input.id)?.id
  if (input.type !== 'text') return undefined
  const number = /^\s*(\d{1,2})\s*\.?\s*$/.exec(input.text)
  return number ? options[Number(number[1]) - 1]?.id : undefined
}
