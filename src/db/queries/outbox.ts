import { and, asc, eq, inArray, lt, lte, notExists, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { ChannelName, OutboundMessage } from '../../channels/types.js'
import type { DbOrTx } from '../client.js'
import { outbox } from '../schema/index.js'

export type OutboxRow = typeof outbox.$inferSelect

export type EnqueueParams = {
  channel: ChannelName
  recipientId: string
  priority: number
  message: OutboundMessage
  conversationId?: number
  inboundId?: number
  turn?: number
}

/** Adds messages to the outbox, in order; the sender delivers them (DESIGN P6). */
export const enqueueMessages = async (db: DbOrTx, rows: EnqueueParams[]): Promise<number[]> => {
  if (rows.length === 0) return []
  const inserted = await db.insert(outbox).values(rows).returning({ id: outbox.id })
  return inserted.map((r) => r.id)
}

/** The messages that answered one inbound message, in order (for a duplicate request). */
export const listRepliesTo = async (db: DbOrTx, inboundId: number) =>
  db
    .select({ id: outbox.id, message: outbox.message })
    .from(outbox)
    .where(eq(outbox.inboundId, inboundId))
    .orderBy(asc(outbox.id))

export type ClaimParams = { channel: ChannelName; limit: number; leaseSeconds: number }

const earlier = alias(outbox, 'earlier')

/**
 * Claims the next messages of a channel for sending: queued and due, or `sending` with an expired
 * lease (a crashed sender), by priority then age. SKIP LOCKED lets several senders share a queue.
 * A message waits while an earlier one to the same person, of the same or a higher priority, is
 * backing off or being sent elsewhere, so a person reads their messages in order.
 */
export const claimOutbox = async (db: DbOrTx, params: ClaimParams): Promise<OutboxRow[]> => {
  const due = sql`((${outbox.status} = 'queued' and ${outbox.notBefore} <= now())
    or (${outbox.status} = 'sending' and ${outbox.leaseUntil} < now()))`
  const waiting = db
    .select({ one: sql`1` })
    .from(earlier)
    .where(
      and(
        eq(earlier.channel, outbox.channel),
        eq(earlier.recipientId, outbox.recipientId),
        lt(earlier.id, outbox.id),
        lte(earlier.priority, outbox.priority),
        sql`((${earlier.status} = 'queued' and ${earlier.notBefore} > now())
          or (${earlier.status} = 'sending' and ${earlier.leaseUntil} >= now()))`
      )
    )
  const claimable = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.channel, params.channel), due, notExists(waiting)))
    .orderBy(asc(outbox.priority), asc(outbox.id))
    .limit(params.limit)
    .for('update', { skipLocked: true })
  const claimed = await db
    .update(outbox)
    .set({
      status: 'sending',
      attempts: sql`${outbox.attempts} + 1`,
      leaseUntil: sql`now() + make_interval(secs => ${params.leaseSeconds})`,
    })
    .where(inArray(outbox.id, claimable))
    .returning()
  // RETURNING has no order of its own: restore the claim order.
  return claimed.sort((a, b) => a.priority - b.priority || a.id - b.id)
}

/** Gives a claimed message back untried (its turn comes after an earlier one that failed). */
export const releaseClaim = async (db: DbOrTx, id: number): Promise<void> => {
  await db
    .update(outbox)
    .set({ status: 'queued', attempts: sql`${outbox.attempts} - 1`, leaseUntil: null })
    .where(eq(outbox.id, id))
}

export const markSent = async (
  db: DbOrTx,
  params: { id: number; platformMessageId?: string }
): Promise<void> => {
  await db
    .update(outbox)
    .set({
      status: 'sent',
      platformMessageId: params.platformMessageId ?? null,
      sentAt: sql`now()`,
      leaseUntil: null,
      lastError: null,
    })
    .where(eq(outbox.id, params.id))
}

export type MarkFailedParams = { id: number; error: string; retryInMs?: number }

/** A failed attempt: queued again after `retryInMs`, or failed for good without it. */
export const markFailed = async (db: DbOrTx, params: MarkFailedParams): Promise<void> => {
  const retry = params.retryInMs !== undefined
  await db
    .update(outbox)
    .set({
      status: retry ? 'queued' : 'failed',
      lastError: params.error.slice(0, 500),
      leaseUntil: null,
      notBefore: retry
        ? sql`now() + make_interval(secs => ${params.retryInMs! / 1000})`
        : sql`${outbox.notBefore}`,
    })
    .where(eq(outbox.id, params.id))
}
