/**
 * The webhook's hot statement: the conversation locked (created on first contact) and the message
 * recorded in one statement, read back exactly as the query builder reads the row.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { lockConversationAndRecordInbound } from '../../src/db/queries/conversations.js'
import { conversations, inboundMessages } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'

const ctx = useTestDb()

const message = (externalId: string) => ({
  channel: 'telegram' as const,
  senderId: '7001',
  emptySession: { v: 1, drafts: {} },
  externalId,
  kind: 'text',
  text: 'lapor',
  receivedAt: new Date('2025-11-24T01:00:00.123Z'),
})

describe('lockConversationAndRecordInbound', () => {
  test('creates the conversation on first contact, then finds it; each message recorded once', async () => {
    const first = await lockConversationAndRecordInbound(ctx.db, message('u-1'))
    const [stored] = await ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, first.conversation.id))
    // The raw row reads back as the query builder reads it: numbers, dates, the parsed session.
    expect(first.conversation).toEqual(stored)
    expect(first.conversation.createdAt).toBeInstanceOf(Date)
    expect(first.conversation.session).toEqual({ v: 1, drafts: {} })
    expect(first.inboundId).toEqual(expect.any(Number))

    const second = await lockConversationAndRecordInbound(ctx.db, message('u-2'))
    expect(second.conversation.id).toBe(first.conversation.id)
    expect(second.inboundId).toBeGreaterThan(first.inboundId!)

    const again = await lockConversationAndRecordInbound(ctx.db, message('u-1'))
    expect(again.inboundId).toBeUndefined()
    const inbound = await ctx.db.select().from(inboundMessages).orderBy(inboundMessages.id)
    expect(inbound.map((row) => [row.externalId, row.conversationId, row.text])).toEqual([
      ['u-1', first.conversation.id, 'lapor'],
      ['u-2', first.conversation.id, 'lapor'],
    ])
    expect(inbound[0]!.receivedAt).toEqual(new Date('2025-11-24T01:00:00.123Z'))
  })
})
