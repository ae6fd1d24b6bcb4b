/**
 * The application's structured logger: pino writing JSON lines, with personal data and secrets
 * censored by field name (docs/design.md P11).
 *
 * Limits, by design of pino's path-based redaction:
 * - A field is censored at the root of the logged object and under up to `REDACT_DEPTH` (4) levels
 *   of objects or arrays, e.g. `update.message.from.first_name` (3 levels deep) is censored, a
 *   sixth-level key is not. Log ids and kinds, not raw platform payloads.
 * - The message string (`log.info(obj, 'message')`) and `err.message` / `err.stack` are written as
 *   given: never interpolate a name, phone or message text into them. An error that carries
 *   personal data must keep it in a field (`error.phone`), which is censored like any other.
 * - Matching is by exact key: `name` is censored, `nameHint` is not.
 * - Every wildcard path costs time on every line (about 75 µs per line for a small object on the
 *   development machine); fine for a chatbot's volume, but do not log in tight loops.
 * @module
 */
import { pino } from 'pino'
import type { DestinationStream, Logger as PinoLogger } from 'pino'
import { REDACTED, REDACTED_FIELDS, scrubErrorValues } from './redact.js'

/** The logger every module receives; pino's own type, so `child()` and levels work as documented. */
export type Logger = PinoLogger

/** How many levels below the root a redacted field is still found (`*.*.*.*.phone`). */
export const REDACT_DEPTH = 4

/** Paths that are not a single field name at some depth. */
const EXTRA_REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'payload.text']

/** Writes `name` as a pino path segment: bare when it is an identifier, else `["x-y"]`. */
function segment(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`
}

/** Every pino redact path: each field at the root and under 1..`REDACT_DEPTH` wildcard levels. */
export function buildRedactPaths(
  fields: readonly string[] = REDACTED_FIELDS,
  depth = REDACT_DEPTH
): string[] {
  const paths: string[] = []
  for (const field of fields) {
    for (let level = 0; level <= depth; level++) {
      const path = `${'*.'.repeat(level).replace(/\.$/, '')}${segment(field)}`
      paths.push(path.startsWith('.') ? path.slice(1) : path)
    }
  }
  return [...paths, ...EXTRA_REDACT_PATHS]
}

/**
 * pino's error serializer with every query value removed (`scrubErrorValues`): bound parameters,
 * SQL literals and Postgres details, in the error and in its causes. Used for `err` and `error`;
 * a value that is not an error (a described error's string) is scrubbed as it is.
 */
function serializeError(error: unknown): unknown {
  const serialized =
    error instanceof Error ? (pino.stdSerializers.err(error) as unknown) : (error as unknown)
  return scrubErrorValues(serialized)
}

/** Options of `createLogger`: the level and, for tests, where the lines go (default stdout). */
export type CreateLoggerOptions = { level: string; destination?: DestinationStream }

/** Creates the application logger, redacting `REDACTED_FIELDS` to `REDACT_DEPTH` levels. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions = {
    level: options.level,
    redact: { paths: buildRedactPaths(), censor: REDACTED },
    serializers: { err: serializeError, error: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  return options.destination === undefined
    ? pino(loggerOptions)
    : pino(loggerOptions, options.destination)
}
