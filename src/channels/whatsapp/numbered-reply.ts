/**
 * Reading a reply to a numbered list the channel rendered itself (outside any conversation):
 * strictly a bare option number ("1", "1.", "1)") or the exact label, so a typed command such as
 * MENU or MULAI is never taken for a pick. Pure.
 * @module
 */
import type { InboundContent, OutboundChoice } from '../../domain/messages.js'

/** Longest reply that can be a pick; anything longer is a sentence. */
const MAX_PICK_CHARS = 60

/** The reply, when short enough to be a pick: trimmed, lower case, inner spaces collapsed. */
export function pickedFromList(text: string): string | undefined {
  const folded = text.trim().toLowerCase().replace(/\s+/g, ' ')
  return folded.length > 0 && folded.length <= MAX_PICK_CHARS ? folded : undefined
}

/** The option a folded reply picks by its number or its exact label, else `undefined`. */
export function pickChoice(folded: string, choices: OutboundChoice[]): OutboundChoice | undefined {
  const number = /^([0-9]{1,2})[.)]?$/.exec(folded)
  if (number) return choices[Number(number[1]) - 1]
  return choices.find((choice) => choice.label.trim().toLowerCase().replace(/\s+/g, ' ') === folded)
}

/**
 * A text typed in answer to an unprompted message's options (a reminder's "1. Laporkan hasil", or
 * its button) is that option picked, as a tap on Telegram: no conversation holds those options, so
 * the engine alone would read "1" against the main menu. `lastUnpromptedChoices` is asked only
 * when the text can be a pick.
 */
export async function asPickedChoice(
  content: InboundContent,
  lastUnpromptedChoices: () => Promise<OutboundChoice[] | undefined>
): Promise<InboundContent> {
  if (content.type !== 'text') return content
  const picked = pickedFromList(content.text)
  if (picked === undefined) return content
  const choices = await lastUnpromptedChoices()
  const chosen = choices && pickChoice(picked, choices)
  return chosen ? { type: 'choice', id: chosen.id } : content
}
