import type { IsOptional, Step, StepOptions } from '../flow.js'
import { makeStep } from './make-step.js'

/** Asks for a photo; the answer is the runtime's reference to the stored file, never the bytes. */
export function askPhoto<const Id extends string, const O extends StepOptions<string>>(
  id: Id,
  options?: O
): Step<Id, string, IsOptional<O>> {
  return makeStep<string>({
    kind: 'photo',
    id,
    options,
    read: (input) => (input.type === 'photo' ? { ok: true, value: input.ref } : { ok: false }),
    display: () => ({ key: 'common:value.photo' }),
  }) as Step<Id, string, IsOptional<O>>
}
