/**
 * What counts as personal or secret in a log line (docs/design.md P11), and a phone mask for the
 * rare place an admin needs a hint of which number was meant.
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
 * Fields of a thrown database error that carry a query's values: drizzle's `params`, postgres.js's
 * `parameters` and `args` (enumerable in its debug mode), and Postgres's `detail`, which quotes a
 * row's key values (`Key (phone)=(+62…) already exists.`). A logged error keeps none of them.
 */
export const ERROR_VALUE_FIELDS: ReadonlySet<string> = new Set([
  'params',
  'parameters',
  'args',
  'detail',
])

/** Text patterns of error messages that quote a value, each with the part that stays. */
const VALUE_PATTERNS: [RegExp, string][] = [
  // drizzle: `Failed query: …\nparams: Siti,+62812…`
  [/(^|\n)(\s*)params: [^\n]*/g, `$1$2params: ${REDACTED}`],
  // Postgres: `invalid input syntax for type integer: "Siti"`, `… for enum role: "x"`
  [/(invalid input [^:\n]*: )"[^\n]*"/g, `$1"${REDACTED}"`],
  // Postgres: `Key (phone)=(+62812…) already exists.` when a detail was folded into a message
  [/(Key \([^)\n]*\)=)\([^\n]*\)/g, `$1(${REDACTED})`],
]

/** Replaces the string literals of SQL text (`'Siti'`, with `''` escapes) by a placeholder. */
export function scrubSqlLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, `'${REDACTED}'`)
}

/**
 * Removes the values a failed query's error text may carry (docs/design.md P11): drizzle's bound
 * parameters (`params: …`), the string literals of the failed query's SQL, and the values Postgres
 * quotes in its messages.
 */
export function scrubErrorText(text: string): string {
  const scrubbed = VALUE_PATTERNS.reduce((out, [pattern, kept]) => out.replace(pattern, kept), text)
  return scrubbed.replace(/(Failed query: )([^\n]*)/g, (_, label: string, sql: string) => {
    return `${label}${scrubSqlLiterals(sql)}`
  })
}

/**
 * A serialized error (or any logged value) with every query value removed: the fields of
 * `ERROR_VALUE_FIELDS` at any depth replaced, SQL in `query` fields without literals, and every
 * string scrubbed by `scrubErrorText`.
 */
export function scrubErrorValues(value: unknown, key?: string): unknown {
  if (key !== undefined && ERROR_VALUE_FIELDS.has(key) && value !== undefined && value !== null) {
    return REDACTED
  }
  if (typeof value === 'string') {
    const text = scrubErrorText(value)
    return key === 'query' ? scrubSqlLiterals(text) : text
  }
  if (Array.isArray(value)) return value.map((item) => scrubErrorValues(item))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, scrubErrorValues(item, name)])
    )
  }
  return value
}

/** A loggable, storable one-line description of anything thrown, with query values removed. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  return scrubErrorText(`${error.name}: ${error.message}`)
}
