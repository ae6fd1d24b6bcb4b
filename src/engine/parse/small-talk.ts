/**
 * Recognises small talk: a greeting ("halo", "selamat pagi", "sugeng enjing"), an Islamic salam
 * ("assalamualaikum") or thanks ("terima kasih", "matur nuwun", "sakalangkong"), with polite words
 * around them. The words are data (`locales/id/lexicon.json`).
 * @module
 */
import { lexicon } from '../lexicon.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'

export const SMALL_TALK_KINDS = ['greeting', 'salam', 'thanks'] as const
export type SmallTalk = (typeof SMALL_TALK_KINDS)[number]

const { smallTalk } = lexicon
const POLITE = new Set(smallTalk.polite)
// Longest phrases first, so "selamat pagi" is taken before "pagi".
const PHRASES = SMALL_TALK_KINDS.flatMap((kind) =>
  smallTalk[kind].map((phrase) => ({ kind, words: fold(phrase).split(' ') }))
).sort((a, b) => b.words.length - a.words.length)

/** Longest small talk worth reading; a longer message says something else too. */
const MAX_SMALL_TALK_WORDS = 8

/**
 * The kind of small talk a whole message is, or undefined when it says anything else. Thanks win
 * over a greeting ("halo, makasih ya"), a salam over a plain greeting.
 */
export function parseSmallTalk(text: string): SmallTalk | undefined {
  if (text.length > MAX_INPUT_LENGTH) return undefined
  const words = fold(text)
    .split(' ')
    .filter((word) => word !== '')
  if (words.length === 0 || words.length > MAX_SMALL_TALK_WORDS) return undefined
  const kinds = new Set<SmallTalk>()
  let index = 0
  while (index < words.length) {
    const phrase = PHRASES.find(({ words: needle }) =>
      needle.every((word, offset) => words[index + offset] === word)
    )
    if (phrase) {
      kinds.add(phrase.kind)
      index += phrase.words.length
    } else if (POLITE.has(words[index] ?? '')) {
      index++
    } else {
      return undefined
    }
  }
  return SMALL_TALK_KINDS.slice()
    .reverse()
    .find((kind) => kinds.has(kind))
}

/** Lower case, apostrophes dropped, punctuation and emoji turned into spaces. */
function fold(text: string): string {
  return normalizeText(text)
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}
