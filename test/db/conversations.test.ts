/**
 * The webhook's hot statement: the conversation locked (created on first contact) and the message
 * recorded in one statement, read back exactly as the query builder reads the row.
 */
import { eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { findLatestConsent, recordConsent } from '../../src/db/queries/consent.js'
import { lockConversationAndRecordInbound, openTurn } from '../../src/db/queries/conversations.js'
import { findPersonByIdentity, linkIdentity } from '../../src/db/queries/identities.js'
import { upsertPersonByPhone } from '../../src/db/queries/people.js'
import { conversations, inboundMessages } from '../../src/db/schema/index.js'
import { rowsOf } from '../../src/db/raw.js'
import { NOTICE_VERSION } from '../../src/domain/consent.js'
import { hasPostgres, useTestDb } from '../harness/db.js'

const ctx = useTestDb()

const message = (externalId: string) => ({
  channel: 'telegram' as const,
  senderId: '7001',
  emptyChatState: { v: 1, drafts: {} },
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

/** Siti, a cadre of Wonorejo whose Telegram chat is `7001`, and her kecamatan's supervisor. */
async function seedSiti() {
  const { person: supervisor } = await upsertPersonByPhone(ctx.db, {
    name: 'Rina Wati',
    phone: '+6281200000009',
    roles: ['supervisor'],
    regionCode: '35.07.24',
  })
  const { person: siti } = await upsertPersonByPhone(ctx.db, {
    name: 'Siti Rahayu',
    phone: '+6281200000004',
    roles: ['kader'],
    regionCode: '35.07.24.2001',
  })
  await linkIdentity(ctx.db, { personId: siti.id, channel: 'telegram', externalId: '7001' })
  return { siti, supervisor }
}

describe('openTurn', () => {
  test('locks and records as lockConversationAndRecordInbound, and reads the person and consent', async () => {
    const { supervisor } = await seedSiti()
    const stranger = await openTurn(ctx.db, { ...message('u-0'), senderId: '7002' })
    expect(stranger!.chat).toEqual({ person: undefined, consent: undefined })

    await recordConsent(ctx.db, {
      channel: 'telegram',
      senderId: '7001',
      noticeVersion: NOTICE_VERSION,
      given: true,
      at: new Date('2025-11-24T00:59:00Z'),
    })
    const first = await openTurn(ctx.db, message('u-1'))
    const [stored] = await ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, first!.conversation.id))
    expect(first!.conversation).toEqual(stored)
    expect(first!.inboundId).toEqual(expect.any(Number))
    // The person reads back as the query builder reads her (dates, roles), with her help contact.
    const { help, unreachable, ...person } = first!.chat.person!
    expect(person).toEqual(
      await findPersonByIdentity(ctx.db, { channel: 'telegram', externalId: '7001' })
    )
    expect(help).toEqual({ name: supervisor.name, phone: supervisor.phone })
    expect(unreachable).toBe(false)
    expect(first!.chat.consent).toEqual({ given: true, noticeVersion: NOTICE_VERSION })

    const again = await openTurn(ctx.db, message('u-1'))
    expect(again!.inboundId).toBeUndefined()
    expect(again!.conversation.id).toBe(first!.conversation.id)
    expect(await ctx.db.select().from(inboundMessages)).toHaveLength(2)
  })
})

// Two transactions at once need two connections, which only a real server has.
describe.runIf(hasPostgres)('openTurn after waiting for the lock (Postgres)', () => {
  test('reads nothing stale: it holds the lock, records nothing and says to read again', async () => {
    await seedSiti()
    await openTurn(ctx.db, message('u-1'))
    let release = () => undefined as void
    const held = new Promise<void>((resolve) => (release = resolve))
    let signalLocked = () => undefined as void
    const locked = new Promise<void>((resolve) => (signalLocked = resolve))
    // The previous turn: holds the conversation and records the consent the next turn must see.
    const previous = ctx.db.transaction(async (tx) => {
      await lockConversationAndRecordInbound(tx, message('u-2'))
      await recordConsent(tx, {
        channel: 'telegram',
        senderId: '7001',
        noticeVersion: NOTICE_VERSION,
        given: true,
        at: new Date('2025-11-24T01:00:01Z'),
      })
      signalLocked()
      await held
    })
    await locked
    const next = ctx.db.transaction(async (tx) => {
      const opened = await openTurn(tx, message('u-3'))
      // Locked though not returned: another connection cannot take the row.
      const taken = await ctx.db.execute(sql`select id from conversations for update nowait`).then(
        () => true,
        () => false
      )
      const reopened = await lockConversationAndRecordInbound(tx, message('u-3'))
      const consent = await findLatestConsent(tx, { channel: 'telegram', senderId: '7001' })
      return { opened, taken, reopened, consent }
    })
    await waitForLockWait()
    release()
    await previous
    const { opened, taken, reopened, consent } = await next
    expect(opened).toBeUndefined()
    expect(taken).toBe(false)
    expect(reopened.inboundId).toEqual(expect.any(Number))
    expect(consent?.given).toBe(true)
    const inbound = await ctx.db.select().from(inboundMessages).orderBy(inboundMessages.id)
    expect(inbound.map((row) => row.externalId)).toEqual(['u-1', 'u-2', 'u-3'])
  })
})

/** Resolves once a backend of this database waits for a lock. */
async function waitForLockWait(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const waiting = await ctx.db.execute(
      sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
    )
    if (rowsOf(waiting).length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('no backend waited for the lock')
}
