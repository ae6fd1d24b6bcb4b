/**
 * What every applier receives and returns (see `index.ts` for the registry and its contract).
 * @module
 */
import type { ChannelName } from '../../domain/messages.js'
import type { DbOrTx } from '../../db/client.js'
import type { RegionDirectory } from '../../domain/regions.js'
import type { Outcome, Reply } from '../../engine/index.js'
import type { TextRenderer } from '../../messaging/render.js'

/** Who and when: the turn that produced the effects. */
export type EffectScope = {
  conversationId: number
  channel: ChannelName
  senderId: string
  phone?: string
  /** The recognised person, absent for a chat nobody registered yet. */
  personId?: number
  now: Date
}

/** The scope of a turn by a recognised person: what `forPerson` appliers receive. */
export type PersonScope = EffectScope & { personId: number }

export type ApplyDeps = {
  i18n: TextRenderer
  directory: RegionDirectory
  timeZone: string
  /** The dashboard's base URL for login links; absent: no links can be made. */
  adminBaseUrl?: string
}

/**
 * Writes one effect inside the turn's transaction; resolves to its outcome (data such as the
 * reference number it allocated, which the flow's closing reply names as `{ outcome: name }`), to
 * replies of its own that follow the turn's, or to nothing.
 */
export type Applier<E extends { type: string }, S extends EffectScope = EffectScope> = (
  tx: DbOrTx,
  effect: E,
  scope: S,
  deps: ApplyDeps
) => Promise<Outcome | Reply[] | void>

/**
 * An effect that only a recognised person's flow produces arrived from a chat without one: the
 * flow's `allowed` let someone in it should not have, a bug rather than bad input.
 */
export class EffectWithoutPersonError extends Error {
  readonly code = 'EFFECT_WITHOUT_PERSON' as const
  constructor(readonly effectType: string) {
    super(`${effectType} applied for a chat without a person`)
    this.name = 'EffectWithoutPersonError'
  }
}

/**
 * A record an effect names (a session, a family, a visit of the same turn) does not exist: the
 * flow offered only existing ones, so this is a bug or a race with a deletion.
 */
export class EffectTargetMissingError extends Error {
  readonly code = 'EFFECT_TARGET_MISSING' as const
  constructor(
    readonly effectType: string,
    readonly target: string
  ) {
    super(`${effectType}: no ${target}`)
    this.name = 'EffectTargetMissingError'
  }
}

/** An applier that needs the person of the turn: it receives a scope that has one. */
export function forPerson<E extends { type: string }>(apply: Applier<E, PersonScope>): Applier<E> {
  return (tx, effect, scope, deps) => {
    const { personId } = scope
    if (personId === undefined) throw new EffectWithoutPersonError(effect.type)
    return apply(tx, effect, { ...scope, personId }, deps)
  }
}
