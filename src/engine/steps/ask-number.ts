import type { z } from 'zod'
import { flowKeys } from '../flow.js'
import type { IsOptional, Step, StepOptions } from '../flow.js'
import { parseNumber } from '../parse/number.js'
import { checkSchema, makeStep } from './make-step.js'

/** The range a value usually falls in; outside it the person is asked once whether it is right. */
export type PlausibleRange = { min?: number; max?: number }

export type AskNumberOptions = StepOptions<number> & {
  schema?: z.ZodType<number>
  /** Possible but unlikely outside this range (Hb 4): asked once, kept on a yes. */
  plausible?: PlausibleRange
}

/** Asks for a number; "23,5" and "23.5" both read as 23.5 (Indonesian decimal comma). */
export function askNumber<const Id extends string, const O extends AskNumberOptions>(
  id: Id,
  options?: O
): Step<Id, number, IsOptional<O>> {
  const plausible = options?.plausible
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
    doubt: plausible
      ? (value, env) =>
          (plausible.min !== undefined && value < plausible.min) ||
          (plausible.max !== undefined && value > plausible.max)
            ? {
                key: [flowKeys.doubt(env.flowId, id), 'common:doubt.number'],
                params: { value, label: { key: flowKeys.label(env.flowId, id) } },
              }
            : undefined
      : undefined,
  }) as Step<Id, number, IsOptional<O>>
}
