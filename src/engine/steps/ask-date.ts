import type { z } from 'zod'
import type { IsOptional, Step, StepOptions } from '../flow.js'
import { type DatePreference, parseDate } from '../parse/date.js'
import { checkSchema, makeStep } from './make-step.js'

export type AskDateOptions = StepOptions<string> & {
  /** How a date without a year or a bare weekday is read. */
  prefer?: DatePreference
  schema?: z.ZodType<string>
}

/** Asks for a calendar date ("hari ini", "kemarin", "24/11", "24 Nov 2025"), kept as YYYY-MM-DD. */
export function askDate<const Id extends string, const O extends AskDateOptions>(
  id: Id,
  options?: O
): Step<Id, string, IsOptional<O>> {
  return makeStep<string>({
    kind: 'date',
    id,
    options,
    read(input, { ctx }) {
      if (input.type !== 'text') return { ok: false }
      const value = parseDate(input.text, {
        now: ctx.now,
        timeZone: ctx.timeZone,
        prefer: options?.prefer ?? 'nearest',
      })
      return value === undefined ? { ok: false } : checkSchema(options?.schema, value)
    },
    display: (value) => ({ key: 'common:value.date', params: { value } }),
  }) as Step<Id, string, IsOptional<O>>
}
