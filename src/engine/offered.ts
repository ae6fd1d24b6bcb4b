/**
 * A typed answer to an unprompted message's options (a registration request's "Tinjau", a
 * reminder's "Laporkan hasil", a broadcast's button): no question holds those options, so the
 * runtime asks here whether the text picks one, as a tap on the button would.
 * @module
 */
import { detectCommand } from './commands.js'
import { matchChoice, namesOption } from './parse/choice.js'
import type { FlowRegistry } from './registry.js'

/** An option as the person saw it: its id and its label in their language. */
export type OfferedChoice = { id: string; label: string }

/** Longest reply that can be a pick; anything longer says something else. */
const MAX_PICK_CHARS = 60

/** Whether a text is short enough to be worth reading as a pick (before loading the options). */
export function mayPickOffered(text: string): boolean {
  const length = text.trim().length
  return length > 0 && length <= MAX_PICK_CHARS
}

/**
 * The id of the offered option a text picks: its number ("1"), its label ("tinjau") or a close
 * spelling; a command word (MENU, MULAI, LAPOR) only when it names the option outright.
 */
export function pickOffered(
  text: string,
  choices: OfferedChoice[],
  registry: Pick<FlowRegistry, 'byCommand'>
): string | undefined {
  if (!mayPickOffered(text) || choices.length === 0) return undefined
  const candidates = choices.map((choice) => ({ id: choice.id, labels: [choice.label] }))
  if (detectCommand(text, registry) && !namesOption(text, candidates)) return undefined
  const match = matchChoice(text, candidates)
  return match.kind === 'match' ? match.id : undefined
}
