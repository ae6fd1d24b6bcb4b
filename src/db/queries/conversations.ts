import { and, eq, sql } from 'drizzle-orm'
import type { ChannelName } from '../../channels/types.js'
import type { DbOrTx } from '../client.js'
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

/** Records an inbound message once; `undefined` means it was already processed (DESIGN P5). */
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
 * Returns the conversation row locked until the transaction ends, creating it first if needed, so
 * two messages of one person are processed one after the other. One statement: the upsert's
 * no-op update takes the row lock (it conflicts with `FOR UPDATE`) and returns the latest
 * committed state, also after waiting for a concurrent turn.
 */
export const lockConversation = async (
  tx: DbOrTx,
  params: LockConversationParams
): Promise<ConversationRow> => {
  const rows = await tx
    .insert(conversations)
    .values({ channel: params.channel, senderId: params.senderId, session: params.emptySession })
    .onConflictDoUpdate({
      target: [conversations.channel, conversations.senderId],
      set: { senderId: sql`excluded.sender_id` },
    })
    .returning()
  return rows[0]!
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
