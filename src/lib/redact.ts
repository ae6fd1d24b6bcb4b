/**
 * What counts as personal or secret in a log line (DESIGN P11), and a phone mask for the rare
 * place an admin needs a hint of which number was meant.
 * @module
 */

/**
 * Object keys whose values never reach the logs, matched by exact name at any depth the logger
 * covers (see `REDACT_DEPTH` in `logger.ts`). Log ids and kinds instead (`personId`, `flowId`).
 */
export const REDACTED_FIELDS = [
  // who someone is
  'name',
  'nama',
  'firstName',
  'lastName',
  'first_name',
  'last_name',
  'fullName',
  'username',
  'pushName',
  'nik',
  'email',
  'address',
  'alamat',
  // how to reach them (WhatsApp JIDs and Cloud API ids contain the phone number)
  'phone',
  'phoneNumber',
  'phone_number',
  'telepon',
  'contact',
  'vcard',
  'senderId',
  'remoteJid',
  'jid',
  'wa_id',
  // what they said or sent
  'text',
  'messageText',
  'caption',
  'body',
  'answers',
  'photo',
  'base64',
  // where they were
  'location',
  'lat',
  'lng',
  'latitude',
  'longitude',
  // secrets
  'token',
  'botToken',
  'adminToken',
  'accessToken',
  'secret',
  'webhookSecret',
  'appSecret',
  'verifyToken',
  'password',
  'authorization',
  'cookie',
  'set-cookie',
  'x-telegram-bot-api-secret-token',
  'databaseUrl',
] as const

/** One key of `REDACTED_FIELDS`. */
export type RedactedField = (typeof REDACTED_FIELDS)[number]

/** The text that replaces a redacted value in a log line. */
export const REDACTED = '[redacted]'

/**
 * Masks a phone number so a person can recognise it but not dial it:
 * `maskPhone('+6281234567890')` → `'+62812****7890'`. Shows the first five digits (country code and
 * operator prefix) and the last four; shorter numbers show only the last two; the mask never
 * reveals the length. Input without enough digits becomes `'****'`.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '')
  const plus = phone.trim().startsWith('+') ? '+' : ''
  if (digits.length >= 10) return `${plus}${digits.slice(0, 5)}****${digits.slice(-4)}`
  if (digits.length >= 6) return `****${digits.slice(-2)}`
  return '****'
}

/**
 * Removes the bound parameters that drizzle puts into a failed query's message
 * (`Failed query: …\nparams: Siti,+62812…`): they may be personal data (DESIGN P11).
 */
export function scrubErrorText(text: string): string {
  return text.replace(/(^|\n)(\s*)params: [^\n]*/g, `$1$2params: ${REDACTED}`)
}

/** A loggable, storable one-line description of anything thrown, with query parameters removed. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  return scrubErrorText(`${error.name}: ${error.message}`)
}
