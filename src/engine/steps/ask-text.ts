import type { z } from 'zod'
import type { Step, StepOptions } from '../flow.js'
import type { IsOptional } from '../flow.js'
import { checkSchema, makeStep } from './make-step.js'

/** Longest free text a step accepts; longer replies are re-asked, never stored cut. */
export const MAX_TEXT_ANSWER = 1000

export type AskTextOptions = StepOptions<string> & { schema?: z.ZodType<string> }

/** Asks for free text, trimmed; validated by the step's zod schema. */
export function askText<const Id extends string, const O extends AskTextOptions>(
  id: Id,
  options?: O
): Step<Id, string, IsOptional<O>> {
  return makeStep<string>({
    kind: 'text',
    id,
    options,
    read(input) {
      if (input.type !== 'text') return { ok: false }
      const text = input.text.trim().replace(/\s+/g, ' ')
      if (text.length === 0 || text.length > MAX_TEXT_ANSWER) return { ok: false }
      return checkSchema(options?.schema, text)
    },
    display: (value) => value,
  }) as Step<Id, string, IsOptional<O>>
}
