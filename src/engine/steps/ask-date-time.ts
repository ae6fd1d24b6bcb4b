import type { IsOptional, Step, StepOptions } from '../flow.js'
import type { DatePreference } from '../parse/date.js'
import { parseDateTime } from '../parse/date-time.js'
import { makeStep } from './make-step.js'

export type AskDateTimeOptions = StepOptions<string> & { prefer?: DatePreference }

/** Asks for a moment ("besok 07.00", "24/11 pukul 08.00"), kept as an ISO instant. */
export function askDateTime<const Id extends string, const O extends AskDateTimeOptions>(
  id: Id,
  options?: O
): Step<Id, string, IsOptional<O>> {
  return makeStep<string>({
    kind: 'date_time',
    id,
    options,
    read(input, { ctx }) {
      if (input.type !== 'text') return { ok: false }
      const value = parseDateTime(input.text, {
        now: ctx.now,
        timeZone: ctx.timeZone,
        prefer: options?.prefer ?? 'future',
      })
      return value === undefined ? { ok: false } : { ok: true, value: value.toISOString() }
    },
    display: (value) => ({ key: 'common:value.dateTime', params: { value } }),
  }) as Step<Id, string, IsOptional<O>>
}
