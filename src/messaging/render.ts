/**
 * Messages to people, shared by the conversation, broadcasts, the scheduler's jobs, the recap and
 * the dashboard: replies rendered for one person (Ibu/Bapak and their name), and the outcomes a
 * closing reply names filled in.
 * @module
 */
import type { OutboundMessage } from '../domain/messages.js'
import {
  type Outcome,
  type Reply,
  type Text,
  type TextParam,
  isOutcomeRef,
} from '../engine/index.js'
import type { Salutation } from '../domain/people.js'

/** Renders texts in the person's language; `i18n/index.ts` provides it. */
export type TextRenderer = { render: (text: Text) => string }

/** Turns an engine reply (keys and parameters) into the channel-neutral message to send. */
export function renderReply(i18n: TextRenderer, reply: Reply): OutboundMessage {
  const text = reply.texts.map((t) => i18n.render(t)).join('\n')
  const requestContact = reply.requestContact ? { requestContact: true } : {}
  if (!reply.choices || reply.choices.length === 0) return { text, ...requestContact }
  return {
    text,
    choices: reply.choices.map((c) => ({ id: c.id, label: i18n.render(c.label) })),
    ...(reply.multiple ? { multiple: true } : {}),
  }
}

/**
 * A reply names an outcome the turn's appliers did not give: the flow's closing reply and its
 * effect's applier disagree, a bug rather than bad input.
 */
export class MissingOutcomeError extends Error {
  readonly code = 'MISSING_OUTCOME' as const
  constructor(readonly outcome: string) {
    super(`no outcome named ${outcome}`)
    this.name = 'MissingOutcomeError'
  }
}

/**
 * Fills the `{ outcome: name }` parameters of a reply (nested texts and choice labels too) with
 * what the turn's appliers returned; a reply without any comes back as it was. A name the outcome
 * lacks is a `MissingOutcomeError`, unless `fallback` gives its value (the transcript tests').
 */
export function fillOutcomes(
  reply: Reply,
  outcome: Outcome,
  fallback?: (name: string) => string | number
): Reply {
  const fill = (text: Text): Text =>
    text.params ? { ...text, params: mapParams(text.params, fill, { outcome, fallback }) } : text
  const filled: Reply = { ...reply, texts: reply.texts.map(fill) }
  if (reply.choices) filled.choices = reply.choices.map((c) => ({ ...c, label: fill(c.label) }))
  return filled
}

/** Whom a message is for: the name as stored and Ibu/Bapak when known. */
export type Addressee = { name: string; salutation?: Salutation | null }

/**
 * A renderer for texts read by one person (docs/domain.md, decision 19): every text, nested ones
 * too, may say `{{sapaan}}` ("Ibu") and `{{sapaanNama}}` ("Ibu Sulastri", the name title-cased).
 * Without a person, or while Ibu/Bapak is unknown, `sapaan` is "Bapak/Ibu" (the i18n default).
 */
export function addressedTo(i18n: TextRenderer, person: Addressee | null): TextRenderer {
  if (!person) return i18n
  // Rendered once, on the first text, and passed on as words: a nested text in every text's
  // params would be rendered again for each of them, and make every text's cache key longer.
  let names: { sapaan: string; sapaanNama: string } | undefined
  const namesOf = () => {
    const sapaan: Text = { key: `common:address.${person.salutation ?? 'unknown'}` }
    // Until Ibu or Bapak is known the name stands alone ("Halo, Slamet!"), never a guess.
    const sapaanNama: Text = person.salutation
      ? { key: 'common:address.named', params: { salutation: sapaan, name: person.name } }
      : { key: 'common:address.nameOnly', params: { name: person.name } }
    return { sapaan: i18n.render(sapaan), sapaanNama: i18n.render(sapaanNama) }
  }
  const address = (text: Text): Text => ({
    ...text,
    params: { ...(names ??= namesOf()), ...mapTexts(text.params, address) },
  })
  return { render: (text) => i18n.render(address(text)) }
}

function mapTexts(
  params: Record<string, TextParam> | undefined,
  map: (text: Text) => Text
): Record<string, TextParam> {
  return mapParams(params ?? {}, map)
}

type Filling = { outcome: Outcome; fallback?: ((name: string) => string | number) | undefined }

/** Maps the nested texts of params; with a filling, fills the outcome references too. */
function mapParams(
  params: Record<string, TextParam>,
  map: (text: Text) => Text,
  filling?: Filling
): Record<string, TextParam> {
  const mapped: Record<string, TextParam> = {}
  for (const [name, value] of Object.entries(params)) {
    if (isOutcomeRef(value) && filling) {
      const filled = filling.outcome[value.outcome] ?? filling.fallback?.(value.outcome)
      if (filled === undefined) throw new MissingOutcomeError(value.outcome)
      mapped[name] = filled
    } else mapped[name] = typeof value === 'object' && !isOutcomeRef(value) ? map(value) : value
  }
  return mapped
}
