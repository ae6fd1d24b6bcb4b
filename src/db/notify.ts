/**
 * @module LISTEN/NOTIFY helpers shared by both drivers (used to wake the outbox sender across
 * replicas, docs/design.md P6).
 */
import { type SQL, sql } from 'drizzle-orm'

/**
 * What NOTIFY needs of a database or transaction (`DbOrTx` fits); stated here so that
 * `client.ts`, which uses these helpers, is not imported back.
 */
export type SqlExecutor = { execute: (query: SQL) => PromiseLike<unknown> }

/** Channel names are plain lower-case identifiers, so both drivers spell them identically. */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Postgres rejects NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999

/** Thrown for a channel name or payload that NOTIFY would reject or spell differently per driver. */
export class InvalidNotificationError extends Error {
  readonly code = 'INVALID_NOTIFICATION' as const

  constructor(message: string) {
    super(message)
    this.name = 'InvalidNotificationError'
  }
}

/** Checks a LISTEN/NOTIFY channel name (`[a-z_][a-z0-9_]*`, at most 63 characters). */
export function assertChannelName(channel: string): void {
  if (!CHANNEL_NAME.test(channel)) {
    throw new InvalidNotificationError(
      `Invalid channel name "${channel}": use lower-case letters, digits and _ (max 63)`
    )
  }
}

/**
 * Sends `payload` on `channel` with `pg_notify`; inside a transaction it is delivered only when the
 * transaction commits, so enqueue-and-wake can be one atomic step.
 */
export async function notifyChannel(
  db: SqlExecutor,
  channel: string,
  payload: string
): Promise<void> {
  assertChannelName(channel)
  if (Buffer.byteLength(payload, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new InvalidNotificationError(`NOTIFY payload too long (max ${MAX_PAYLOAD_BYTES} bytes)`)
  }
  await db.execute(sql`select pg_notify(${channel}, ${payload})`)
}
