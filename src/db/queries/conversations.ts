import { and, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../domain/messages.js'
import type { DbOrTx } from '../client.js'
import { fromDriverRow, rowsOf, toNumber } from '../raw.js'
import { conversations, inboundMessages } from '../schema/index.js'

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
  emptySession: unknown
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
      values (${params.channel}, ${params.senderId}, ${JSON.stringify(params.emptySession)}::jsonb)
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

export const saveConversation = async (db: DbOrTx, params: SaveConversationParams) => {
  await db
    .update(conversations)
    .set({
      session: params.session,
      activeFlowId: params.activeFlowId,
      turn: params.turn,
      updatedAt: sql`${params.now.toISOString()}::timestamptz`,
    })
    .where(eq(conversations.id, params.id))
}
