/**
 * Text normalization shared by all input parsers.
 * @module
 */

/** Replies longer than this are not parsed at all: no one types a number or a date that long. */
export const MAX_INPUT_LENGTH = 500

// Punctuation, symbols and emoji (with their joiners, variation selectors and keycap marks).
const SURROUNDING = /^(?:[\p{P}\p{S}\p{Extended_Pictographic}]|\u200d|\ufe0f|\u20e3)$/u

// A leading '-' is a minus sign ("-2"); a trailing apostrophe ends Madurese "ta'".
const KEEP_LEADING = new Set(['-'])
const KEEP_TRAILING = new Set(["'"])

/**
 * Normalizes a reply for matching: Unicode NFKC, lowercase, curly apostrophes made straight,
 * whitespace trimmed and collapsed, and surrounding punctuation, symbols and emoji removed.
 */
export function normalizeText(text: string): string {
  const chars = Array.from(
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/\s+/g, ' ')
      .trim()
  )
  let start = 0
  let end = chars.length
  while (start < end && isStrippable(chars[start], KEEP_LEADING)) start++
  while (end > start && isStrippable(chars[end - 1], KEEP_TRAILING)) end--
  return chars.slice(start, end).join('').trim()
}

function isStrippable(char: string | undefined, keep: Set<string>): boolean {
  if (char === undefined || keep.has(char)) return false
  return char === ' ' || SURROUNDING.test(char)
}
