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
  const max = Math.min(maxLengthOf(options?.schema) ?? MAX_TEXT_ANSWER, MAX_TEXT_ANSWER)
  return makeStep<string>({
    kind: 'text',
    id,
    options,
    read(input) {
      if (input.type !== 'text') return { ok: false }
      const text = input.text.trim().replace(/\s+/g, ' ')
      if (text.length === 0) return { ok: false }
      // The re-ask says the limit and how long the answer was, so the person knows how much to cut.
      if (text.length > max) {
        return {
          ok: false,
          hint: { key: 'common:retry.textTooLong', params: { max, length: text.length } },
        }
      }
      return checkSchema(options?.schema, text)
    },
    display: (value) => value,
  }) as Step<Id, string, IsOptional<O>>
}

/** The `.max(n)` of a zod string schema (zod keeps it as `maxLength`), if it has one. */
function maxLengthOf(schema: z.ZodType<string> | undefined): number | undefined {
  const max = (schema as { maxLength?: unknown } | undefined)?.maxLength
  return typeof max === 'number' ? max : undefined
}
