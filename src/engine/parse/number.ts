/**
 * Reads one number from a reply: digits in Indonesian notation or Indonesian number words.
 * @module
 */
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'

const UNITS = new Map<string, number>(
  Object.entries({
    nol: 0,
    kosong: 0,
    satu: 1,
    dua: 2,
    tiga: 3,
    empat: 4,
    lima: 5,
    enam: 6,
    tujuh: 7,
    delapan: 8,
    sembilan: 9,
  })
)

const WHOLE_WORDS = new Map<string, number>(
  Object.entries({ sepuluh: 10, sebelas: 11, seratus: 100 })
)

// "dua belas" = 12, "dua puluh" = 20.
const TEENS = 'belas'
const TENS = 'puluh'

// Digits with '.' and ',' inside ("1.500,5"), or a run of letters.
const TOKEN = /-?\d+(?:[.,]\d+)*|\p{L}+/gu

/**
 * Reads the single number in a reply ("23,5 cm", "1.500", "dua puluh lima"); undefined when the
 * reply holds no number or more than one.
 */
export function parseNumber(text: string): number | undefined {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return undefined

  const numbers: number[] = []
  let words: string[] = []
  const flushWords = (): boolean => {
    const values = readNumberWords(words)
    words = []
    if (values === undefined) return false
    numbers.push(...values)
    return true
  }

  for (const match of normalized.matchAll(TOKEN)) {
    const token = match[0]
    if (/\p{L}/u.test(token)) {
      const parts = splitJoinedWord(token)
      if (parts.every(isNumberWord)) {
        words.push(...parts)
        continue
      }
      if (!flushWords()) return undefined
      continue
    }
    if (!flushWords()) return undefined
    // A minus only counts at the start of a word: "1-3" is not 1 and -3.
    const minusAllowed = match.index === 0 || normalized[match.index - 1] === ' '
    const value = parseNumeral(minusAllowed ? token : token.replace(/^-/, ''))
    if (value === undefined) return undefined
    numbers.push(value)
  }
  if (!flushWords()) return undefined

  return numbers.length === 1 ? numbers[0] : undefined
}

/** Reads digits: '.' groups thousands when followed by groups of exactly 3 digits, else decimal. */
function parseNumeral(token: string): number | undefined {
  const negative = token.startsWith('-')
  const [integerPart = '', decimalPart, ...extra] = token.replace(/^-/, '').split(',')
  if (extra.length > 0) return undefined

  const groups = integerPart.split('.')
  let numeral: string
  if (groups.length === 1) {
    numeral = integerPart
  } else if (isThousandsGrouping(groups)) {
    numeral = groups.join('')
  } else if (groups.length === 2 && decimalPart === undefined) {
    numeral = integerPart
  } else {
    return undefined
  }
  if (decimalPart !== undefined) numeral = `${numeral}.${decimalPart}`

  const value = Number(numeral)
  if (!Number.isFinite(value)) return undefined
  return negative ? -value : value
}

function isThousandsGrouping(groups: string[]): boolean {
  const [head = '', ...rest] = groups
  return head.length <= 3 && !head.startsWith('0') && rest.every((group) => group.length === 3)
}

/** Tells whether a word is one of the Indonesian number words ("dua", "puluh", "sebelas"). */
export function isNumberWord(word: string): boolean {
  return UNITS.has(word) || WHOLE_WORDS.has(word) || word === TEENS || word === TENS
}

/** Splits words written together: "duapuluh" → "dua puluh", "tigabelas" → "tiga belas". */
function splitJoinedWord(word: string): string[] {
  for (const suffix of [TEENS, TENS]) {
    const head = word.slice(0, -suffix.length)
    if (word.endsWith(suffix) && UNITS.has(head)) return [head, suffix]
  }
  return [word]
}

/**
 * Reads a run of number words into the numbers it names: ["dua", "puluh", "lima"] → [25],
 * ["tiga", "empat"] → [3, 4]; undefined when malformed ("puluh" alone).
 */
function readNumberWords(words: string[]): number[] | undefined {
  const values: number[] = []
  let index = 0
  while (index < words.length) {
    const word = words[index] ?? ''
    const whole = WHOLE_WORDS.get(word)
    if (whole !== undefined) {
      values.push(whole)
      index++
      continue
    }
    const unit = UNITS.get(word)
    if (unit === undefined) return undefined
    const next = words[index + 1]
    if (next === TEENS || next === TENS) {
      if (unit === 0) return undefined
      if (next === TEENS) {
        values.push(10 + unit)
        index += 2
        continue
      }
      const ones = UNITS.get(words[index + 2] ?? '')
      const hasOnes = ones !== undefined && ones > 0
      values.push(unit * 10 + (hasOnes ? ones : 0))
      index += hasOnes ? 3 : 2
      continue
    }
    values.push(unit)
    index++
  }
  return values
}
