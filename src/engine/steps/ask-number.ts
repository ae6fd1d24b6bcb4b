import type { z } from 'zod'
import type { IsOptional, Step, StepOptions } from '../flow.js'
import { parseNumber } from '../parse/number.js'
import { checkSchema, makeStep } from './make-step.js'

export type AskNumberOptions = StepOptions<number> & { schema?: z.ZodType<number> }

/** Asks for a number; "23,5" and "23.5" both read as 23.5 (Indonesian decimal comma). */
export function askNumber<const Id extends string, const O extends AskNumberOptions>(
  id: Id,
  options?: O
): Step<Id, number, IsOptional<O>> {
  return makeStep<number>({
    kind: 'number',
    id,
    options,
    read(input) {
      if (input.type !== 'text') return { ok: false }
      const value = parseNumber(input.text)
      return value === undefined ? { ok: false } : checkSchema(options?.schema, value)
    },
    display: (value) => ({ key: 'common:value.number', params: { value } }),
  }) as Step<Id, number, IsOptional<O>>
}
