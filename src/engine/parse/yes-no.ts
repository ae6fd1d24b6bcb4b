/**
 * Reads a yes or a no in Indonesian, Javanese or Madurese, and tells a "sudah" (done) and a
 * "belum" (not yet) apart from a plain yes and no. The words are data (`locales/id/lexicon.json`).
 * @module
 */
import { type Meaning, lexicon } from '../lexicon.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'

const { answers } = lexicon
const YES = new Set(answers.yes)
const NO = new Set(answers.no)
const DONE = new Set(answers.done)
const NOT_YET = new Set(answers.notYet)
// A no-word before one of these is a single no: "tidak setuju", "gak mau", "ora oke".
const NEGATABLE = new Set(answers.negatable)
// A no-word before one of these means "I don't know", not no: "tidak tahu", "ora ngerti".
const KNOWING = new Set(answers.knowing)
const HEDGES = new Set(answers.hedges)

/**
 * Reads a yes (true) or no (false) from a reply, ignoring polite words ("nggih bu", "tidak terima
 * kasih"); "sudah"/"sampun" count as yes and "belum"/"durung" as no. Undefined when there is
 * neither, both, or the person is unsure ("tidak tahu").
 */
export function parseYesNo(text: string): boolean | undefined {
  const meaning = parseMeaning(text)
  return meaning === undefined ? undefined : meaning === 'yes' || meaning === 'done'
}

/**
 * Reads what a reply means as an answer: `yes`, `no`, `done` ("sudah", "sampun", "wis") or
 * `notYet` ("belum", "durung", "dereng"); undefined when unclear or mixed.
 */
export function parseMeaning(text: string): Meaning | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined
  const words = normalized.split(/[^\p{L}\p{N}']+/u).filter((word) => word !== '')

  const found = new Set<Meaning>()
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ''
    const next = words[index + 1] ?? ''
    if (HEDGES.has(word)) return undefined
    const negative = isWord(NO, word) ? 'no' : isWord(NOT_YET, word) ? 'notYet' : undefined
    if (negative) {
      if (KNOWING.has(next)) return undefined
      if (isWord(NEGATABLE, next)) index++
      found.add(negative)
    } else if (isWord(DONE, word)) {
      found.add('done')
    } else if (isWord(YES, word)) {
      found.add('yes')
    }
  }
  const positive = found.has('yes') || found.has('done')
  const negative = found.has('no') || found.has('notYet')
  if (positive === negative) return undefined
  if (positive) return found.has('done') ? 'done' : 'yes'
  return found.has('notYet') ? 'notYet' : 'no'
}

/** Looks a word up as written, then with stretched letters shortened ("iyaaa", "okeee", "gakk"). */
function isWord(words: Set<string>, word: string): boolean {
  return words.has(word) || squeezedOf(words).has(squeeze(word))
}

const squeezedSets = new WeakMap<Set<string>, Set<string>>()

/** The set's words with stretched letters shortened, computed once per set. */
function squeezedOf(words: Set<string>): Set<string> {
  let squeezed = squeezedSets.get(words)
  if (squeezed === undefined) {
    squeezed = new Set([...words].map(squeeze))
    squeezedSets.set(words, squeezed)
  }
  return squeezed
}

function squeeze(word: string): string {
  return word.replace(/(.)\1+/gu, '$1')
}
