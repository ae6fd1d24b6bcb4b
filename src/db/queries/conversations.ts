import { type SQL, and, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { DbOrTx } from '../client.js'
import { fromDriverRow, rowsOf, toNumber } from '../raw.js'
import { conversations, fires, inboundMessages, outbox } from '../schema/index.js'
import { cachedStatement, cachedStatements } from '../statement.js'
import { type ChatRead, chatReadFromRow, chatReadSql } from './chat-read.js'
import type { PlanFireParams } from './fires.js'
import type { EnqueueParams } from './outbox.js'

export type ConversationRow = typeof conversations.$inferSelect

export type RecordInboundParams = {
  channel: ChannelName
  externalId: string
  senderId: string
  kind: string
  /** What the person typed (a text message only), kept until the retention job redacts it. */
  text?: string | null
  receivedAt: Date
  /** Set when the per-sender flood limit refused the message (recorded, not run). */
  throttledAt?: Date
  /** The conversation it belongs to (locked by the same transaction). */
  conversationId?: number
}

/**
 * Records an inbound message once; `undefined` means it was already processed (docs/design.md P5).
 */
export const recordInbound = async (
  db: DbOrTx,
  params: RecordInboundParams
): Promise<number | undefined> => {
  const rows = await db
    .insert(inboundMessages)
    .values(params)
    .onConflictDoNothing({ target: [inboundMessages.channel, inboundMessages.externalId] })
    .returning({ id: inboundMessages.id })
  return rows[0]?.id
}

/** Finds the inbound row of an already-processed message, for answering a duplicate. */
export const findInbound = async (
  db: DbOrTx,
  params: { channel: ChannelName; externalId: string }
) => {
  const rows = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.channel, params.channel),
        eq(inboundMessages.externalId, params.externalId)
      )
    )
  return rows[0]
}

export type LockConversationParams = {
  channel: ChannelName
  senderId: string
  emptyChatState: unknown
}

/**
 * Locks the person's conversation until the transaction ends (creating it first if needed), so
 * two messages of one person are processed one after the other, and records the message, already
 * linked: one statement on the webhook's hot path. The upsert's no-op update takes the row lock
 * (it conflicts with `FOR UPDATE`) and returns the latest committed state, also after waiting for
 * a concurrent turn. A duplicate (`inboundId` undefined) only waited for the lock (docs/design.md
 * P5).
 */
export const lockConversationAndRecordInbound = async (
  tx: DbOrTx,
  params: LockConversationParams & Omit<RecordInboundParams, 'conversationId' | 'throttledAt'>
): Promise<{ conversation: ConversationRow; inboundId: number | undefined }> => {
  const result = await tx.execute(sql`
    with conversation as (
      insert into ${conversations} (channel, sender_id, session)
      values (${params.channel}, ${params.senderId}, ${JSON.stringify(params.emptyChatState)}::jsonb)
      on conflict (channel, sender_id) do update set sender_id = excluded.sender_id
      returning *
    ), inbound as (
      insert into ${inboundMessages}
        (channel, external_id, sender_id, kind, text, received_at, conversation_id)
      select ${params.channel}, ${params.externalId}, ${params.senderId}, ${params.kind},
        ${params.text ?? null}, ${params.receivedAt.toISOString()}::timestamptz, conversation.id
      from conversation
      on conflict (channel, external_id) do nothing
      returning id
    )
    select conversation.*, (select id from inbound)::int8 as inbound_id from conversation`)
  const [row] = rowsOf<Record<string, unknown>>(result)
  if (!row) throw new Error('lockConversationAndRecordInbound: the upsert returned no row')
  return {
    conversation: fromDriverRow(conversations, row),
    inboundId: row.inbound_id === null ? undefined : toNumber(row.inbound_id),
  }
}

type OpenTurnValues = {
  channel: string
  senderId: string
  session: string
  externalId: string
  kind: string
  text: string | null
  receivedAt: string
}

const openTurnStatement = cachedStatement<OpenTurnValues>(() => {
  const channel = sql.placeholder('channel')
  const senderId = sql.placeholder('senderId')
  const chat = chatReadSql(channel, senderId)
  // `seen`: the conversation as this statement's snapshot has it. The upsert waits for a turn
  // that holds the lock and then sees its commit, but the reads of the same statement keep the
  // snapshot taken before the wait: unless the locked row is still the version seen (same
  // xmin), the upsert takes the lock and returns nothing, and the caller reads again.
  return sql`
    with seen as (
      select xmin from ${conversations} where channel = ${channel} and sender_id = ${senderId}
    ), conversation as (
      insert into ${conversations} (channel, sender_id, session)
      values (${channel}, ${senderId}, ${sql.placeholder('session')}::jsonb)
      on conflict (channel, sender_id) do update set sender_id = excluded.sender_id
        where ${conversations}.xmin = (select xmin from seen)
      returning *
    ), inbound as (
      insert into ${inboundMessages}
        (channel, external_id, sender_id, kind, text, received_at, conversation_id)
      select ${channel}, ${sql.placeholder('externalId')}, ${senderId}, ${sql.placeholder('kind')},
        ${sql.placeholder('text')}, ${sql.placeholder('receivedAt')}::timestamptz, conversation.id
      from conversation
      on conflict (channel, external_id) do nothing
      returning id
    )
    select conversation.*, (select id from inbound)::int8 as inbound_id, ${chat.columns}
    from conversation, ${chat.from}`
})

/**
 * `lockConversationAndRecordInbound` and, in the same statement, what every turn reads about the
 * chat (`ChatRead`): the turn's one statement before its writes. The reads count only when no
 * other turn of this conversation committed while this one waited for the lock; otherwise the
 * conversation is locked, nothing is recorded and `undefined` says to call
 * `lockConversationAndRecordInbound` (which then finds the lock held) and read the chat apart.
 */
export const openTurn = async (
  tx: DbOrTx,
  params: LockConversationParams & Omit<RecordInboundParams, 'conversationId' | 'throttledAt'>
): Promise<
  { conversation: ConversationRow; inboundId: number | undefined; chat: ChatRead } | undefined
> => {
  const result = await openTurnStatement(tx, {
    channel: params.channel,
    senderId: params.senderId,
    session: JSON.stringify(params.emptyChatState),
    externalId: params.externalId,
    kind: params.kind,
    text: params.text ?? null,
    receivedAt: params.receivedAt.toISOString(),
  })
  const [row] = rowsOf<Record<string, unknown>>(result)
  if (!row) return undefined
  return {
    conversation: fromDriverRow(conversations, row),
    inboundId: row.inbound_id === null ? undefined : toNumber(row.inbound_id),
    chat: chatReadFromRow(row),
  }
}

/** Locks a conversation by id; `undefined` when it no longer exists. */
export const lockConversationById = async (tx: DbOrTx, id: number) => {
  const rows = await tx.select().from(conversations).where(eq(conversations.id, id)).for('update')
  return rows[0]
}

export type SaveConversationParams = {
  id: number
  session: unknown
  activeFlowId: string | null
  turn: number
  now: Date
}

/** What one turn writes besides its effects: the new state, its replies, its timers. */
export type TurnWrites = {
  conversation: SaveConversationParams
  /** The turn's outbox rows, in the order they go out. */
  messages: EnqueueParams[]
  /** The previous turn's timers to drop and this turn's to plan (the two key sets disjoint). */
  timers?: { cancel: string[]; plan: PlanFireParams[] }
}

/**
 * A turn's writes in one statement (docs/design.md P4, P6, P9): the conversation's state, the
 * replies queued in order (ids follow the VALUES order, as a multi-row insert gives them), and
 * the inactivity timers replaced. Writable CTEs on separate tables, so no part sees another's
 * rows; the timers cancelled and planned never share a key (the insert would not see the delete).
 */
export const saveTurn = async (tx: DbOrTx, writes: TurnWrites): Promise<void> => {
  const { conversation: state, messages, timers } = writes
  const cancel = timers?.cancel ?? []
  const plan = timers?.plan ?? []
  if (plan.some((row) => cancel.includes(row.dedupeKey))) {
    throw new Error('saveTurn: a timer key is both cancelled and planned')
  }
  const values: Record<string, unknown> = {
    session: JSON.stringify(state.session),
    activeFlowId: state.activeFlowId,
    turn: state.turn,
    now: state.now.toISOString(),
    id: state.id,
  }
  messages.forEach((m, i) => {
    values[`m${i}channel`] = m.channel
    values[`m${i}recipient`] = m.recipientId
    values[`m${i}priority`] = m.priority
    values[`m${i}message`] = JSON.stringify(m.message)
    values[`m${i}conversation`] = m.conversationId ?? null
    values[`m${i}inbound`] = m.inboundId ?? null
    values[`m${i}turn`] = m.turn ?? null
    values[`m${i}person`] = m.personId ?? null
  })
  cancel.forEach((key, i) => (values[`c${i}`] = key))
  plan.forEach((row, i) => {
    values[`p${i}kind`] = row.kind
    values[`p${i}key`] = row.dedupeKey
    values[`p${i}due`] = row.dueAt.toISOString()
    values[`p${i}grace`] = row.graceSeconds
    values[`p${i}payload`] = JSON.stringify(row.payload)
  })
  await saveTurnStatements(tx, `${messages.length} ${cancel.length} ${plan.length}`, values)
}

/** `saveTurn`'s statement for a shape (`messages cancelled planned`), its values named. */
const saveTurnStatements = cachedStatements<Record<string, unknown>>((shape) => {
  const [messages, cancel, plan] = shape.split(' ').map(Number) as [number, number, number]
  const v = (name: string) => sql.placeholder(name)
  const indexes = (n: number) => Array.from({ length: n }, (_, i) => i)
  const parts: SQL[] = [
    sql`saved as (
      update ${conversations}
      set session = ${v('session')}::jsonb, active_flow_id = ${v('activeFlowId')},
        turn = ${v('turn')}, updated_at = ${v('now')}::timestamptz
      where id = ${v('id')}
      returning id)`,
  ]
  if (messages > 0) {
    const rows = indexes(messages).map(
      (i) =>
        sql`(${v(`m${i}channel`)}, ${v(`m${i}recipient`)}, ${v(`m${i}priority`)}, ${v(`m${i}message`)}::jsonb, ${v(`m${i}conversation`)}::int8, ${v(`m${i}inbound`)}::int8, ${v(`m${i}turn`)}::int4, ${v(`m${i}person`)}::int8)`
    )
    parts.push(sql`queued as (
      insert into ${outbox}
        (channel, recipient_id, priority, message, conversation_id, inbound_id, turn, person_id)
      values ${sql.join(rows, sql`, `)})`)
  }
  if (cancel > 0) {
    parts.push(sql`cancelled as (
      delete from ${fires}
      where status = 'pending' and dedupe_key in (${sql.join(
        indexes(cancel).map((i) => v(`c${i}`)),
        sql`, `
      )}))`)
  }
  if (plan > 0) {
    const rows = indexes(plan).map(
      (i) =>
        sql`(${v(`p${i}kind`)}, ${v(`p${i}key`)}, ${v(`p${i}due`)}::timestamptz, ${v(`p${i}grace`)}::int4, ${v(`p${i}payload`)}::jsonb)`
    )
    parts.push(sql`planned as (
      insert into ${fires} (kind, dedupe_key, due_at, grace_seconds, payload)
      values ${sql.join(rows, sql`, `)}
      on conflict (dedupe_key) do nothing)`)
  }
  return sql`with ${sql.join(parts, sql`, `)} select 1`
})
