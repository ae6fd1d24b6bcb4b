/**
 * Names as people read them (docs/domain.md, decision 19): stored as typed, shown title-cased
 * without a typed form of address ("pak slamet" → "Slamet", "SITI AMINAH" → "Siti Aminah"), since
 * the bot puts its own Ibu/Bapak in front.
 * @module
 */

/** Joining words of Arabic names that stay lower case inside a name ("Ahmad bin Salim"). */
const LOWER_INSIDE = new Set(['bin', 'binti'])

/**
 * The name to show: leading forms of address (`typedTitles`, lower case: "pak", "bu", …) dropped
 * while another word remains, each word capitalised at its start and after "-" or "." ("S.Pd",
 * "Al-Fatih", "H."), never after an apostrophe ("Ma'ruf").
 */
export function displayName(typed: string, typedTitles: ReadonlySet<string> = new Set()): string {
  const words = typed.trim().split(/\s+/).filter(Boolean)
  while (words.length > 1 && typedTitles.has(words[0]!.toLowerCase().replace(/\.$/, ''))) {
    words.shift()
  }
  return words
    .map((word, i) => {
      const lower = word.toLocaleLowerCase('id-ID')
      if (i > 0 && LOWER_INSIDE.has(lower)) return lower
      return lower.replace(/(^|[-.])(\p{L})/gu, (_m, sep: string, letter: string) => {
        return sep + letter.toLocaleUpperCase('id-ID')
      })
    })
    .join(' ')
}
