/**
 * The options of a question as the choice parser sees them: the label rendered in the person's
 * language plus the synonyms and meaning the lexicon gives the label's key.
 * @module
 */
import { optionLexicon } from './lexicon.js'
import type { ChoiceCandidate, ChoiceClock } from './parse/choice.js'
import type { ChoiceOption, FlowContext } from './types.js'

/** Each option with its rendered label, its synonyms, its meaning and its day. */
export function candidatesOf(options: ChoiceOption[], ctx: FlowContext): ChoiceCandidate[] {
  return options.map((option) => {
    const key = Array.isArray(option.label.key) ? option.label.key[0] : option.label.key
    const { means, words } = optionLexicon(key ?? '')
    return {
      id: option.id,
      labels: [ctx.label(option.label), ...words],
      ...(means ? { means } : {}),
      ...(option.day ? { day: option.day } : {}),
    }
  })
}

/** The clock a reply's day words are read against. */
export function clockOf(ctx: FlowContext): ChoiceClock {
  return { now: ctx.now, timeZone: ctx.timeZone }
}
