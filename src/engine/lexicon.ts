/**
 * The words people answer with, as data (`locales/id/lexicon.json`): yes/no/done/not-yet words in
 * Indonesian, Javanese and Madurese, small talk, command words, number and day words, and each
 * option's synonyms and meaning, keyed by the option label's i18n key. Loaded and checked once at
 * module level; the parsers only read it, so the engine stays pure.
 * @module
 */
import { z } from 'zod'
import data from '../../locales/id/lexicon.json' with { type: 'json' }

/** What a reply or an option means beyond its label: a yes, a no, a "sudah", a "belum". */
export const MEANINGS = ['yes', 'no', 'done', 'notYet'] as const
export type Meaning = (typeof MEANINGS)[number]

const words = z.array(z.string().min(1))
const numbers = z.record(z.string(), z.number())

const lexiconSchema = z.object({
  answers: z.object({
    yes: words,
    no: words,
    done: words,
    notYet: words,
    negatable: words,
    knowing: words,
    hedges: words,
  }),
  smallTalk: z.object({ greeting: words, salam: words, thanks: words, polite: words }),
  commands: z.object({
    menu: words,
    cancel: words,
    help: words,
    back: words,
    skip: words,
    privacy: words,
    stop: words,
    resume: words,
  }),
  choice: z.object({
    numberFillers: words,
    softWords: words,
    ordinals: numbers,
    multiSeparators: words,
    rangeWords: words,
    allWords: words,
    spellings: z.record(z.string(), z.string()),
  }),
  numbers: z.object({
    units: numbers,
    whole: numbers,
    teens: words,
    tens: words,
    decimalPoint: words,
  }),
  dates: z.object({ relativeDays: numbers, weekdays: numbers, months: numbers }),
  options: z.record(
    z.string(),
    z.object({ means: z.enum(MEANINGS).optional(), words: words.optional() })
  ),
})

export type Lexicon = z.infer<typeof lexiconSchema>

/** The Indonesian lexicon; a malformed file fails at start-up, never mid-conversation. */
export const lexicon: Lexicon = lexiconSchema.parse(data)

/** What the lexicon says about the option whose label is `labelKey`: its meaning and synonyms. */
export function optionLexicon(labelKey: string): { means?: Meaning; words: string[] } {
  const entry = lexicon.options[labelKey]
  return { means: entry?.means, words: entry?.words ?? [] }
}
