import { and, asc, eq, gt, inArray, isNotNull, not, or, sql } from 'drizzle-orm'
import type { ChannelName, OutboundMessage } from '../../domain/messages.js'
import { PRIORITY } from '../../domain/priorities.js'
import type { DbOrTx } from '../client.js'
import { fromDriverRow, rowsOf, toNumber } from '../raw.js'
import { cachedStatement, cachedStatements } from '../statement.js'
import {
  broadcastRecipients,
  broadcasts,
  channelIdentities,
  fires,
  outbox,
  people,
} from '../schema/index.js'
import { chatHasCurrentConsent } from './consent.js'

export type OutboxRow = typeof outbox.$inferSelect

/** A row the sender claimed: always addressed to a chat (only `waiting` rows have none). */
export type ClaimedOutboxRow = OutboxRow & { channel: ChannelName; recipientId: string }

/** Narrows a claimed row to its chat; a claimed row without one breaks the table's check. */
function addressed(row: OutboxRow): ClaimedOutboxRow {
  const { channel, recipientId } = row
  if (channel === null || recipientId === null) {
    throw new Error(`outbox row ${row.id} was claimed without a chat`)
  }
  return { ...row, channel, recipientId }
}

export type EnqueueParams = {
  channel: ChannelName
  recipientId: string
  priority: number
  message: OutboundMessage
  conversationId?: number
  inboundId?: number
  turn?: number
  /** Whom a reminder, nudge or broadcast is for: an opted-out person is then skipped. */
  personId?: number
}

/** Adds messages to the outbox, in order; the sender delivers them (docs/design.md P6). */
export const enqueueMessages = async (db: DbOrTx, rows: EnqueueParams[]): Promise<number[]> => {
  if (rows.length === 0) return []
  const inserted = await db.insert(outbox).values(rows).returning({ id: outbox.id })
  return inserted.map((r) => r.id)
}

export type HoldParams = {
  personId: number
  priority: number
  message: OutboundMessage
}

/**
 * Keeps notices for a person the bot cannot reach yet (docs/domain.md, decision 20): `waiting` rows
 * with no chat, which no sender claims, until `releaseWaiting` gives them one.
 */
export const holdMessages = async (db: DbOrTx, rows: HoldParams[]): Promise<number[]> => {
  if (rows.length === 0) return []
  const inserted = await db
    .insert(outbox)
    .values(rows.map((row) => ({ ...row, status: 'waiting' as const })))
    .returning({ id: outbox.id })
  return inserted.map((r) => r.id)
}

/**
 * Hands a person's waiting notices to the chat that can now reach them, due at once; the sender
 * delivers them oldest first (by id, after the turn's live replies). Resolves to how many.
 */
export const releaseWaiting = async (
  db: DbOrTx,
  params: { personId: number; channel: ChannelName; recipientId: string }
): Promise<number> => {
  const rows = await db
    .update(outbox)
    .set({
      status: 'queued',
      channel: params.channel,
      recipientId: params.recipientId,
      notBefore: sql`now()`,
    })
    .where(and(eq(outbox.personId, params.personId), eq(outbox.status, 'waiting')))
    .returning({ id: outbox.id })
  return rows.length
}

/** The messages that answered one inbound message, in order (for a duplicate request). */
export const listRepliesTo = async (db: DbOrTx, inboundId: number) =>
  db
    .select({ id: outbox.id, message: outbox.message })
    .from(outbox)
    .where(eq(outbox.inboundId, inboundId))
    .orderBy(asc(outbox.id))

export type ClaimParams = {
  channel: ChannelName
  limit: number
  leaseSeconds: number
  /** Only rows more urgent than this priority (a live reply overtaking a broadcast batch). */
  priorityBelow?: number
  /** Only rows of this priority or more urgent (topping up a running batch). */
  priorityAtMost?: number
  /**
   * A row is claimed only while fewer than this many earlier rows of its chat (of its priority or
   * more urgent) are unsent, claimed ones included (default: no cap): the rest of a busy chat
   * would only wait for its pacing, and must not fill the batch.
   */
  perChat?: number
}

/** The most urgent priority (live replies), inlined in the claim so the planner sees it. */
const MOST_URGENT = sql.raw(String(PRIORITY.live))

/** Unsent rows only: the claim's queries then read the partial indexes of unsent rows. */
const UNSENT = sql.raw(`status in ('queued', 'sending')`)

/**
 * Claims the next messages of a channel for sending: queued and due, or `sending` with an expired
 * lease (a crashed sender), by priority then age, at most `perChat` unsent rows of one chat at a
 * time (a chat with many queued messages never fills a claim: another chat's first message comes
 * in the same claim), returned round-robin over chats within a priority. A message waits while
 * an earlier one to the same person, of the same or a higher priority, is backing off or being
 * sent elsewhere, and while a more urgent one to them is unsent, so a person reads their messages
 * in order. Reads only unsent rows (the partial indexes). SKIP LOCKED lets several senders share
 * a queue; a row another sender claimed meanwhile also fails the update's re-check and is left
 * alone.
 */
export const claimOutbox = async (db: DbOrTx, params: ClaimParams): Promise<ClaimedOutboxRow[]> => {
  const shape = `${params.priorityBelow === undefined ? '' : 'below'} ${params.priorityAtMost === undefined ? '' : 'atMost'}`
  const result = await claimStatements(db, shape, {
    channel: params.channel,
    perChat: params.perChat ?? params.limit,
    limit: params.limit,
    leaseSeconds: params.leaseSeconds,
    below: params.priorityBelow ?? null,
    atMost: params.priorityAtMost ?? null,
  })
  const claimed = rowsOf<Record<string, unknown>>(result).map((row) => fromDriverRow(outbox, row))
  return fairOrder(claimed.map(addressed))
}

/** `claimOutbox`'s statement, with or without each priority bound (`shape`). */
const claimStatements = cachedStatements<{
  channel: ChannelName
  perChat: number
  limit: number
  leaseSeconds: number
  below: number | null
  atMost: number | null
}>((shape) => {
  const v = (name: string) => sql.placeholder(name)
  const due = (t: string) =>
    sql.raw(`((${t}.status = 'queued' and ${t}.not_before <= now())
      or (${t}.status = 'sending' and ${t}.lease_until < now()))`)
  const below = shape.includes('below') ? sql`and o.priority < ${v('below')}` : sql``
  const atMost = shape.includes('atMost') ? sql`and o.priority <= ${v('atMost')}` : sql``
  const perChat = v('perChat')
  // Read in (priority, id) order from the partial index, stopping at `limit`. For each row one
  // index probe reads at most `perChat` earlier unsent rows of its chat: too many, or one of them
  // backing off or being sent, and the row is passed over. When fewer than `perChat` are read,
  // they are all there are, so the check is complete. (The LIMIT also keeps the planner from
  // turning the probe into a join over every unsent row.) A less urgent row also waits while its
  // chat has a more urgent one queued after it: a notice kept for a person and released at their
  // consent is older than the reply to their "halo", and must still go after it and after the
  // consent's own replies. Live rows, the most urgent, skip that probe.
  const fair = sql`select o.id from outbox o
    where o.channel = ${v('channel')} and o.${UNSENT} and ${due('o')} ${below} ${atMost}
      and (select count(*) < ${perChat} and not coalesce(bool_or(ahead.waits), false) from (
          select (e.status = 'queued' and e.not_before > now())
            or (e.status = 'sending' and e.lease_until >= now()) as waits
          from outbox e
          where e.channel = o.channel and e.recipient_id = o.recipient_id and e.${UNSENT}
            and e.id < o.id and e.priority <= o.priority
          limit ${perChat}) ahead)
      and (o.priority = ${MOST_URGENT} or not exists (
          select from outbox u
          where u.channel = o.channel and u.recipient_id = o.recipient_id and u.${UNSENT}
            and u.id > o.id and u.priority < o.priority))
    order by o.priority, o.id
    limit ${v('limit')}
    for update of o skip locked`
  // Materialized: the selection runs once, whatever plan the update gets (re-run per row, it
  // costs seconds on a few hundred rows).
  return sql`with fair as materialized (${fair})
    update outbox set status = 'sending', attempts = attempts + 1,
      lease_until = now() + make_interval(secs => ${v('leaseSeconds')})
    from fair
    where outbox.id = fair.id and ${due('outbox')}
    returning outbox.*`
})

/**
 * The claim order (RETURNING has none of its own): by priority, then each chat's first row, each
 * chat's second row..., then age.
 */
export function fairOrder<T extends { id: number; priority: number; recipientId: string }>(
  rows: T[]
): T[] {
  const byAge = [...rows].sort((a, b) => a.id - b.id)
  const turn = new Map<T, number>()
  const seen = new Map<string, number>()
  for (const row of byAge) {
    const key = `${row.priority} ${row.recipientId}`
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    turn.set(row, n)
  }
  return byAge.sort((a, b) => a.priority - b.priority || turn.get(a)! - turn.get(b)! || a.id - b.id)
}

/**
 * A claim: the row and the attempt number it was claimed with. Every write after the claim is
 * fenced by both, so a sender that lost its claim (its lease expired and another sender took the
 * row) changes nothing; the functions resolve to whether the write took effect.
 */
export type Claim = {
  id: number
  /** The attempt number the row was claimed with; without it the write is not fenced. */
  attempts?: number
}

const claimed = (claim: Claim) =>
  claim.attempts === undefined
    ? eq(outbox.id, claim.id)
    : and(
        eq(outbox.id, claim.id),
        eq(outbox.status, 'sending'),
        eq(outbox.attempts, claim.attempts)
      )

/**
 * Gives a claimed message back untried: its turn comes after an earlier one that failed, pacing
 * holds it for longer than a batch should wait (`notBeforeInMs`), or the sender is stopping.
 */
export const releaseClaim = async (
  db: DbOrTx,
  claim: Claim,
  notBeforeInMs?: number
): Promise<boolean> => {
  const rows = await db
    .update(outbox)
    .set({
      status: 'queued',
      attempts: sql`${outbox.attempts} - 1`,
      leaseUntil: null,
      ...(notBeforeInMs === undefined
        ? {}
        : { notBefore: sql`now() + make_interval(secs => ${notBeforeInMs / 1000})` }),
    })
    .where(claimed(claim))
    .returning({ id: outbox.id })
  return rows.length > 0
}

export const markSent = async (
  db: DbOrTx,
  params: Claim & { platformMessageId?: string | null }
): Promise<boolean> => (await markSentMany(db, [params])).has(params.id)

/** A pending timer moved to a new due time when the outbox row `outboxId` was recorded as sent. */
export type TimerMove = { outboxId: number; dedupeKey: string; dueAt: Date }

const markSentStatement = cachedStatement<{ sent: string; moves: string }>(
  () => sql`with sent as (
      update ${outbox}
      set status = 'sent', platform_message_id = claim.platform_message_id, sent_at = now(),
        lease_until = null, last_error = null
      from jsonb_to_recordset(${sql.placeholder('sent')}::jsonb)
        as claim(id bigint, attempts int, platform_message_id text)
      where ${outbox}.id = claim.id
        and (claim.attempts is null
          or (${outbox}.status = 'sending' and ${outbox}.attempts = claim.attempts))
      returning ${outbox}.id
    ), moved as (
      update ${fires} set due_at = move.due_at
      from (
        select distinct on (m.dedupe_key) m.dedupe_key, m.due_at
        from jsonb_to_recordset(${sql.placeholder('moves')}::jsonb)
          as m(n int, outbox_id bigint, dedupe_key text, due_at timestamptz)
        where m.outbox_id in (select id from sent)
        order by m.dedupe_key, m.n desc) move
      where ${fires}.status = 'pending' and ${fires}.dedupe_key = move.dedupe_key
    )
    select id from sent`
)

/**
 * Records several sends at once (one statement: the sender's group commit under load); resolves
 * to the ids whose claim still held. Each row is fenced by its own claim, as in `markSent`. In
 * the same statement, `moves` of the rows whose claim held move their pending timers (a key
 * moved twice takes its last move).
 */
export const markSentMany = async (
  db: DbOrTx,
  claims: (Claim & { platformMessageId?: string | null })[],
  moves: TimerMove[] = []
): Promise<Set<number>> => {
  if (claims.length === 0) return new Set()
  const sent = JSON.stringify(
    claims.map((claim) => ({
      id: claim.id,
      attempts: claim.attempts ?? null,
      platform_message_id: claim.platformMessageId ?? null,
    }))
  )
  const timers = JSON.stringify(
    moves.map((move, n) => ({
      n,
      outbox_id: move.outboxId,
      dedupe_key: move.dedupeKey,
      due_at: move.dueAt.toISOString(),
    }))
  )
  const rows = rowsOf<{ id: unknown }>(await markSentStatement(db, { sent, moves: timers }))
  return new Set(rows.map((row) => toNumber(row.id)))
}

/** Records that the first `partsSent` parts of a long message went out (a retry sends the rest). */
export const markPartsSent = async (
  db: DbOrTx,
  params: Claim & { partsSent: number }
): Promise<boolean> => {
  const rows = await db
    .update(outbox)
    .set({ partsSent: params.partsSent })
    .where(claimed(params))
    .returning({ id: outbox.id })
  return rows.length > 0
}

export type MarkFailedParams = Claim & {
  error: string
  retryInMs?: number
  /** A rate limit (429) is no failure of the message: the attempt does not count. */
  refundAttempt?: boolean
  /**
   * The attempt was rate limited (429) at this time: counted in `rate_limits`, and the first
   * one's time kept in `rate_limited_since`, so the sender can give up on a chat that never
   * stops answering 429.
   */
  rateLimitedAt?: Date
}

/** The first time a row was rate limited: kept, or this one. */
const firstRateLimit = (instant: Date) =>
  sql`coalesce(${outbox.rateLimitedSince}, ${instant.toISOString()}::timestamptz)`

/** A failed attempt: queued again after `retryInMs`, or failed for good without it. */
export const markFailed = async (db: DbOrTx, params: MarkFailedParams): Promise<boolean> => {
  const retry = params.retryInMs !== undefined
  const rows = await db
    .update(outbox)
    .set({
      status: retry ? 'queued' : 'failed',
      lastError: params.error.slice(0, 500),
      leaseUntil: null,
      ...(retry && params.refundAttempt ? { attempts: sql`${outbox.attempts} - 1` } : {}),
      ...(params.rateLimitedAt
        ? {
            rateLimits: sql`${outbox.rateLimits} + 1`,
            rateLimitedSince: firstRateLimit(params.rateLimitedAt),
          }
        : {}),
      notBefore: retry
        ? sql`now() + make_interval(secs => ${params.retryInMs! / 1000})`
        : sql`${outbox.notBefore}`,
    })
    .where(claimed(params))
    .returning({ id: outbox.id })
  return rows.length > 0
}

export type SkipReason = 'opted_out' | 'no_consent' | 'unreachable' | 'cancelled'

/**
 * Skips the claimed rows above `livePriority` that must not go out: to a person who opted out
 * (BERHENTI), for a person (`person_id`: a reminder, nudge, broadcast or notice, not the chat's own
 * conversation) to a chat without consent to the current notice (docs/domain.md, decision 21), of a
 * broadcast cancelled while it was being sent (a row that was claimed when it was cancelled and
 * came back to the queue), or to a chat the channel reported unreachable.
 * Replies to what a person wrote are never skipped. Resolves to the skipped rows' ids.
 */
export const skipUnwanted = async (
  db: DbOrTx,
  params: { claims: Claim[]; livePriority: number }
): Promise<number[]> => {
  if (params.claims.length === 0) return []
  const optedOut = db
    .select({ one: sql`1` })
    .from(people)
    .where(and(eq(people.id, outbox.personId), isNotNull(people.optedOutAt)))
  const unreachable = db
    .select({ one: sql`1` })
    .from(channelIdentities)
    .where(
      and(
        eq(channelIdentities.channel, outbox.channel),
        eq(channelIdentities.externalId, outbox.recipientId),
        isNotNull(channelIdentities.unreachableAt)
      )
    )
  const cancelled = db
    .select({ one: sql`1` })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(and(eq(broadcastRecipients.outboxId, outbox.id), eq(broadcasts.status, 'cancelled')))
  const noConsent = and(
    isNotNull(outbox.personId),
    not(chatHasCurrentConsent(outbox.channel, outbox.recipientId))
  )!
  const rows = await db
    .update(outbox)
    .set({
      status: 'skipped',
      leaseUntil: null,
      skipReason: sql`case when exists ${optedOut} then 'opted_out'
        when ${noConsent} then 'no_consent'
        when exists ${cancelled} then 'cancelled' else 'unreachable' end`,
    })
    .where(
      and(
        inArray(
          outbox.id,
          params.claims.map((claim) => claim.id)
        ),
        eq(outbox.status, 'sending'),
        gt(outbox.priority, params.livePriority),
        or(sql`exists ${optedOut}`, noConsent, sql`exists ${unreachable}`, sql`exists ${cancelled}`)
      )
    )
    .returning({ id: outbox.id })
  return rows.map((row) => row.id)
}

/** The channel reported this chat unreachable (Telegram 403: the person blocked the bot). */
export const markRecipientUnreachable = async (
  db: DbOrTx,
  params: { channel: ChannelName; recipientId: string; at: Date }
): Promise<void> => {
  await db
    .update(channelIdentities)
    .set({ unreachableAt: params.at })
    .where(
      and(
        eq(channelIdentities.channel, params.channel),
        eq(channelIdentities.externalId, params.recipientId)
      )
    )
}

/** They wrote to us again: the chat is reachable. Cheap when nothing is marked. */
export const clearRecipientUnreachable = async (
  db: DbOrTx,
  params: { channel: ChannelName; recipientId: string }
): Promise<void> => {
  await db
    .update(channelIdentities)
    .set({ unreachableAt: null })
    .where(
      and(
        eq(channelIdentities.channel, params.channel),
        eq(channelIdentities.externalId, params.recipientId),
        isNotNull(channelIdentities.unreachableAt)
      )
    )
}

/**
 * Ends the leases of every row a channel's previous sender was sending: the new lease holder
 * calls it between its own batches, once the old holder can no longer be sending, so those rows
 * are retried at once rather than when their leases run out. Resolves to how many it freed.
 */
export const expireChannelLeases = async (db: DbOrTx, channel: ChannelName): Promise<number> => {
  const rows = await db
    .update(outbox)
    .set({ leaseUntil: sql`now() - interval '1 millisecond'` })
    .where(
      and(
        eq(outbox.channel, channel),
        eq(outbox.status, 'sending'),
        sql`${outbox.leaseUntil} >= now()`
      )
    )
    .returning({ id: outbox.id })
  return rows.length
}

/**
 * The conversation turn whose reply was this platform message in this chat (a keyboard a person
 * pressed), or `undefined` when no reply of a turn carries that id (a reminder, an unknown id).
 */
export async function findSentTurn(
  db: DbOrTx,
  params: { channel: ChannelName; recipientId: string; platformMessageId: string }
): Promise<number | undefined> {
  const rows = await db
    .select({ turn: outbox.turn })
    .from(outbox)
    .where(
      and(
        eq(outbox.channel, params.channel),
        eq(outbox.platformMessageId, params.platformMessageId),
        eq(outbox.recipientId, params.recipientId),
        isNotNull(outbox.turn),
        isNotNull(outbox.conversationId)
      )
    )
    .limit(1)
  return rows[0]?.turn ?? undefined
}
