/**
 * Reads a yes or a no in Indonesian, Javanese or Madurese.
 * @module
 */
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'

const YES = new Set([
  // Indonesian
  'ya',
  'iya',
  'iyaa',
  'y',
  'yes',
  'ok',
  'oke',
  'okay',
  'okey',
  'sip',
  'siap',
  'benar',
  'betul',
  'bener',
  'boleh',
  'setuju',
  'mau',
  // Javanese
  'inggih',
  'nggih',
  'enggih',
  'iyo',
  'yo',
  // Madurese
  'engghi',
  'enggi',
  'iyeh',
])

const NO = new Set([
  // Indonesian
  'tidak',
  'tdk',
  'tak',
  'gak',
  'ga',
  'gk',
  'nggak',
  'ngga',
  'enggak',
  'engga',
  'ndak',
  'nda',
  'no',
  'n',
  'bukan',
  'jangan',
  'belum',
  // Javanese
  'mboten',
  'boten',
  'ora',
  'emoh',
  // Madurese
  'bhunten',
  'bunten',
  'enjek',
  "ta'",
])

// A no-word before one of these is a single no: "tidak setuju", "gak mau", "ora oke".
const NEGATABLE = new Set([
  'mau',
  'setuju',
  'boleh',
  'benar',
  'betul',
  'bener',
  'siap',
  'ok',
  'oke',
  'okay',
])

// A no-word before one of these means "I don't know", not no: "tidak tahu", "ora ngerti".
const KNOWING = new Set(['tahu', 'tau', 'ngerti', 'paham', 'yakin', 'ingat', 'inget', 'weruh'])
const HEDGES = new Set(['mungkin', 'entah', 'bingung', 'ragu', 'lupa', 'kurang'])

/**
 * Reads a yes (true) or no (false) from a reply, ignoring polite words ("nggih bu", "tidak terima
 * kasih"); undefined when there is neither, both, or the person is unsure ("tidak tahu").
 */
export function parseYesNo(text: string): boolean | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined
  const words = normalized.split(/[^\p{L}\p{N}']+/u).filter((word) => word !== '')

  let yes = false
  let no = false
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ''
    const next = words[index + 1] ?? ''
    if (HEDGES.has(word)) return undefined
    if (isWord(NO, word)) {
      if (KNOWING.has(next)) return undefined
      if (isWord(NEGATABLE, next)) index++
      no = true
    } else if (isWord(YES, word)) {
      yes = true
    }
  }
  return yes === no ? undefined : yes
}

/** Looks a word up as written, then with stretched letters shortened ("iyaaa", "okeee", "gakk"). */
function isWord(words: Set<string>, word: string): boolean {
  if (words.has(word)) return true
  const shortened = squeeze(word)
  for (const candidate of words) {
    if (squeeze(candidate) === shortened) return true
  }
  return false
}

function squeeze(word: string): string {
  return word.replace(/(.)\1+/gu, '$1')
}
