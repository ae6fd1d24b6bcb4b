import type { IsOptional, Step, StepOptions } from '../flow.js'
import { matchChoice } from '../parse/choice.js'
import { parseYesNo } from '../parse/yes-no.js'
import type { ChoiceOption } from '../types.js'
import { makeStep } from './make-step.js'

const YES_NO_OPTIONS: ChoiceOption[] = [
  { id: 'yes', label: { key: 'common:yes' } },
  { id: 'no', label: { key: 'common:no' } },
]

/** Asks a yes/no question; Indonesian, Javanese and Madurese words, "1"/"2" and buttons work. */
export function askYesNo<const Id extends string, const O extends StepOptions<boolean>>(
  id: Id,
  options?: O
): Step<Id, boolean, IsOptional<O>> {
  return makeStep<boolean>({
    kind: 'yes_no',
    id,
    options,
    choices: () => YES_NO_OPTIONS,
    read(input, { ctx }) {
      if (input.type === 'choice') {
        return input.id === 'yes' || input.id === 'no'
          ? { ok: true, value: input.id === 'yes' }
          : { ok: false }
      }
      if (input.type !== 'text') return { ok: false }
      const word = parseYesNo(input.text)
      if (word !== undefined) return { ok: true, value: word }
      const candidates = YES_NO_OPTIONS.map((o) => ({ id: o.id, labels: [ctx.label(o.label)] }))
      const match = matchChoice(input.text, candidates)
      return match.kind === 'match' ? { ok: true, value: match.id === 'yes' } : { ok: false }
    },
    display: (value) => ({ key: value ? 'common:yes' : 'common:no' }),
  }) as Step<Id, boolean, IsOptional<O>>
}
