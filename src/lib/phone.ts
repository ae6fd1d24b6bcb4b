/**
 * Phone numbers as the bot stores them: E.164 (`+6281234567890`, docs/design.md#contracts). Parsing
 * is libphonenumber-js with its full ("max") metadata, which knows the length of each Indonesian
 * operator prefix, so a mobile number one digit short is refused rather than stored.
 * @module
 */
import type { CountryCode } from 'libphonenumber-js/max'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * The characters people use when they write a number by hand or in a spreadsheet: digits, spaces,
 * `+`, `-`, `.`, `/` and brackets. Anything else (letters, `ext`, `#`) means the cell is not a
 * plain phone number, and it is refused instead of letting the parser pick digits out of text.
 */
const PHONE_CHARACTERS = /^[0-9+\-.()/\s]+$/

/**
 * Turns a phone number as people write it into E.164, or `undefined` when it is not a valid
 * number: `normalizePhone('0812-3456-7890')` → `'+6281234567890'`. Accepts local forms with a
 * trunk zero ("0812 3456 7890", "(0341) 123456"), the country code with or without `+`
 * ("62812…", "+62 812…", even "+62 0812…"), and numbers of other countries written with `+`.
 */
export function normalizePhone(
  input: string,
  defaultCountry: CountryCode = 'ID'
): string | undefined {
  const text = input.trim()
  if (!PHONE_CHARACTERS.test(text)) return undefined
  const phone = parsePhoneNumberFromString(text, defaultCountry)
  if (!phone?.isValid()) return undefined
  return phone.number
}
