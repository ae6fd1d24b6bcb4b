/**
 * Reads one number from a reply: digits in Indonesian notation, or number words in Indonesian,
 * Javanese or Madurese with "koma" for the decimal point. The words are data
 * (`locales/id/lexicon.json`).
 * @module
 */
import { lexicon } from '../lexicon.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'

const { numbers } = lexicon
// Indonesian, Javanese and Madurese digits: "dua", "loro", "duwa".
const UNITS = new Map(Object.entries(numbers.units))
// Numbers that are one word: "sepuluh", "sebelas", Javanese "rolas", "selawe".
const WHOLE_WORDS = new Map(Object.entries(numbers.whole))
// "dua belas" = 12, "dua puluh" = 20.
const TEENS = new Set(numbers.teens)
const TENS = new Set(numbers.tens)
// "dua tiga koma lima" = 23.5.
const DECIMAL_POINT = new Set(numbers.decimalPoint)

// Digits with '.' and ',' inside ("1.500,5"), or a run of letters.
const TOKEN = /-?\d+(?:[.,]\d+)*|\p{L}+/gu

/**
 * Reads the single number in a reply ("23,5 cm", "1.500", "dua puluh lima"); undefined when the
 * reply holds no number or more than one.
 */
export function parseNumber(text: string): number | undefined {
  const normalized = withDecimalDigits(normalizeText(text))
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

/** "23 koma 5" → "23,5": digits around a spoken decimal point. */
function withDecimalDigits(text: string): string {
  return text.replace(
    /(\d+) +(\p{L}+) +(\d+)/gu,
    (whole, integer: string, word: string, fraction: string) =>
      DECIMAL_POINT.has(word) ? `${integer},${fraction}` : whole
  )
}

/** Tells whether a word is a number word ("dua", "puluh", "sebelas", "selawe", "koma"). */
export function isNumberWord(word: string): boolean {
  return (
    UNITS.has(word) ||
    WHOLE_WORDS.has(word) ||
    TEENS.has(word) ||
    TENS.has(word) ||
    DECIMAL_POINT.has(word)
  )
}

/** Splits words written together: "duapuluh" → "dua puluh", "tigabelas" → "tiga belas". */
function splitJoinedWord(word: string): string[] {
  for (const suffix of [...TEENS, ...TENS]) {
    const head = word.slice(0, -suffix.length)
    if (word.endsWith(suffix) && UNITS.has(head)) return [head, suffix]
  }
  return [word]
}

/**
 * Reads a run of number words into the numbers it names: ["dua", "puluh", "lima"] → [25],
 * ["tiga", "empat"] → [3, 4]; around "koma" one number: "dua tiga koma lima" (digit by digit) and
 * "dua puluh tiga koma lima" are 23.5. Undefined when malformed ("puluh" alone, "koma" alone).
 */
function readNumberWords(words: string[]): number[] | undefined {
  const point = words.findIndex((word) => DECIMAL_POINT.has(word))
  if (point === -1) return readIntegerWords(words)
  const integer = wholeNumberOf(words.slice(0, point))
  const fraction = digitsOf(words.slice(point + 1))
  if (integer === undefined || fraction === undefined) return undefined
  return [Number(`${integer}.${fraction}`)]
}

/** One whole number in words ("dua puluh tiga"), or digits read one by one ("dua tiga"). */
function wholeNumberOf(words: string[]): number | undefined {
  const values = readIntegerWords(words)
  if (values?.length === 1) return values[0]
  const digits = digitsOf(words)
  return digits === undefined ? undefined : Number(digits)
}

/** Single digits read one by one ("dua lima" → "25"); undefined for anything else. */
function digitsOf(words: string[]): string | undefined {
  if (words.length === 0) return undefined
  const digits = words.map((word) => UNITS.get(word))
  return digits.every((digit) => digit !== undefined) ? digits.join('') : undefined
}

function readIntegerWords(words: string[]): number[] | undefined {
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
    if (next !== undefined && (TEENS.has(next) || TENS.has(next))) {
      if (unit === 0) return undefined
      if (TEENS.has(next)) {
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
