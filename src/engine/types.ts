/**
 * The engine's vocabulary: what flows are made of and what one turn of talk returns.
 * Everything here is plain data or a pure function, so state survives `JSON.stringify`.
 * @module
 */
import type { Snapshot } from '../domain/snapshot.js'

/** A value that round-trips through JSON unchanged. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * A text to show, as an i18n key (or keys tried in order) and its parameters. A parameter may be
 * another `Text`, rendered first (a choice label inside a summary line), or an `OutcomeRef`.
 */
export type Text = { key: string | string[]; params?: Record<string, TextParam> }
export type TextParam = string | number | Text | OutcomeRef

/**
 * A parameter of a flow's closing reply that only the turn's appliers know (the reference number
 * a report was given): `{ outcome: 'reference' }` names a value of the turn's `Outcome`, filled
 * in after the effects were written and before the reply is rendered.
 */
export type OutcomeRef = { outcome: string }

/** What the appliers of one turn learned while writing its effects, by name. */
export type Outcome = Record<string, string | number>

/** Whether a parameter is an outcome to fill in rather than a nested text. */
export function isOutcomeRef(param: TextParam): param is OutcomeRef {
  return typeof param === 'object' && 'outcome' in param
}

/**
 * One option of a choice: `id` is stable data, `label` is what the person reads. `day`
 * (YYYY-MM-DD, the person's zone) lets a day word pick it ("besok" for tomorrow's session). The
 * option's synonyms and meaning come from `locales/id/lexicon.json`, by the label's key.
 */
export type ChoiceOption = { id: string; label: Text; day?: string }

/**
 * One bot message: lines joined by a newline, then the options (numbered or as buttons).
 * `requestContact`: the message asks for the person's own number (Telegram adds a one-tap button).
 */
export type Reply = {
  texts: Text[]
  choices?: ChoiceOption[]
  /** The person may pick several of the choices (a multiple-choice question). */
  multiple?: boolean
  requestContact?: boolean
}

/** What the person did, already channel-neutral. `timeout` comes from the scheduler. */
export type Input =
  | { type: 'text'; text: string }
  | { type: 'choice'; id: string }
  | { type: 'location'; lat: number; lng: number }
  | { type: 'photo'; ref: string }
  | {
      type: 'contact'
      phone: string
      /** The card holds the sender's own number (`false`: someone else's; absent: not known). */
      isSender?: boolean
    }
  | { type: 'unsupported'; kind: string }
  | { type: 'timeout'; kind: 'remind' | 'expire' }

/**
 * What a flow may read: the clock and the data the runtime loaded for it (goflow's assets).
 * `label` renders a text in the person's language, so typed labels can be matched.
 */
export type FlowContext = {
  now: Date
  timeZone: string
  label: (text: Text) => string
  snapshot: Snapshot
}

/**
 * What every effect is: a record named in the past tense by its `type` (docs/architecture.md,
 * "Adding a flow"). The engine knows no effect but its own (`EngineEffect`); each flow declares the
 * ones it produces, and the registry that pairs flows with their appliers derives the union.
 */
export type EffectBase = { type: string }

/** A finished flow's outcome: rows to write (effects) and the closing message. */
export type Completion<E extends EffectBase = EffectBase> = { effects: E[]; reply: Reply }
