import type { IsOptional, Step, StepOptions } from '../flow.js'
import { makeStep } from './make-step.js'

export type Location = { lat: number; lng: number }

/** Asks for a shared location (the messenger's attachment), e.g. as visit evidence. */
export function askLocation<const Id extends string, const O extends StepOptions<Location>>(
  id: Id,
  options?: O
): Step<Id, Location, IsOptional<O>> {
  return makeStep<Location>({
    kind: 'location',
    id,
    options,
    read(input) {
      if (input.type !== 'location') return { ok: false }
      const { lat, lng } = input
      const valid = Math.abs(lat) <= 90 && Math.abs(lng) <= 180
      return valid ? { ok: true, value: { lat, lng } } : { ok: false }
    },
    display: () => ({ key: 'common:value.location' }),
  }) as Step<Id, Location, IsOptional<O>>
}
