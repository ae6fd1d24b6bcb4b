/**
 * Moving a deployment from the Baileys transport to the WhatsApp Cloud API. Both
 * transports use the channel `whatsapp`, but Baileys knows a chat by its JID
 * (`6281…@s.whatsapp.net`) or LID (`…@lid`) and the Cloud API by its `wa_id` (the number's digits).
 * Without the move every person is a stranger on the Cloud API: asked for consent again, their
 * draft left behind, and what is queued for them addressed to an id the Cloud API refuses.
 *
 * The move rewrites, for each chat whose `wa_id` is known (the phone stored on the identity, or
 * the number inside a phone JID), the chat identity, the conversation (session and drafts), the
 * consents and the messages still queued, and records that the number wrote to the bot. Everything
 * else is keyed by person and stays as it is.
 * It runs in one transaction and is idempotent: a second run finds nothing to move.
 * @module
 */
import { and, eq, inArray, like, sql } from 'drizzle-orm'
import type { Db, DbOrTx } from '../client.js'
import { channelIdentities, consents, conversations, outbox, waContacts } from '../schema/index.js'

/** What a move did, in counts (no ids or numbers: the report is printed). */
export type WhatsAppMoveReport = {
  /** Chat identities now keyed by their `wa_id`. */
  identities: number
  /** Identities dropped because the person had written on the Cloud API already. */
  merged: number
  /** Identities left as they were: their `wa_id` belongs to another person. */
  conflicts: number
  /** LID chats without a known phone: left; the person is recognised by phone when they write. */
  unmapped: number
  /** Conversations (session, drafts) moved to the `wa_id`. */
  conversations: number
  /** Conversations left behind because the `wa_id` already has one on the Cloud API. */
  conversationsKept: number
  /** Consent records moved. */
  consents: number
  /** Messages still queued (or claimed by a sender that stopped) readdressed. */
  queued: number
  /** Chats marked as having written to the bot (so reminders and announcements may reach them). */
  contacts: number
}

export type WhatsAppMoveParams = {
  now: Date
  /** The Cloud API's customer-service window (24 hours), which a Baileys message cannot open. */
  windowMs: number
}

const JID_SUFFIX = '@s.whatsapp.net'

/** The digits of a Baileys phone JID (`6281…:12@s.whatsapp.net` → `6281…`), else undefined. */
function numberOfJid(jid: string): string | undefined {
  if (!jid.endsWith(JID_SUFFIX)) return undefined
  const user = jid.slice(0, -JID_SUFFIX.length).split(':')[0]
  return user && /^\d{6,15}$/.test(user) ? user : undefined
}

/** A chat's `wa_id`: the identity's E.164 phone without `+`, else the number in its JID. */
export function waIdOf(chat: { externalId: string; phone: string | null }): string | undefined {
  const fromPhone = chat.phone?.replace(/^\+/, '')
  if (fromPhone && /^\d{6,15}$/.test(fromPhone)) return fromPhone
  return numberOfJid(chat.externalId)
}

/** Moves every Baileys chat to its Cloud API `wa_id`; see the module comment. */
export async function moveWhatsAppChatsToCloud(
  db: Db,
  params: WhatsAppMoveParams
): Promise<WhatsAppMoveReport> {
  const report: WhatsAppMoveReport = {
    identities: 0,
    merged: 0,
    conflicts: 0,
    unmapped: 0,
    conversations: 0,
    conversationsKept: 0,
    consents: 0,
    queued: 0,
    contacts: 0,
  }
  await db.transaction(async (tx) => {
    report.contacts = await carryContacts(tx, params)
    const baileysIds = like(channelIdentities.externalId, '%@%')
    const identities = await tx
      .select({
        id: channelIdentities.id,
        personId: channelIdentities.personId,
        externalId: channelIdentities.externalId,
        phone: channelIdentities.phone,
      })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.channel, 'whatsapp'), baileysIds))
      .orderBy(channelIdentities.id)
      .for('update')
    for (const identity of identities) {
      const waId = waIdOf(identity)
      if (!waId) {
        report.unmapped++
        continue
      }
      const [taken] = await tx
        .select({ personId: channelIdentities.personId })
        .from(channelIdentities)
        .where(
          and(eq(channelIdentities.channel, 'whatsapp'), eq(channelIdentities.externalId, waId))
        )
      if (taken && taken.personId !== identity.personId) {
        report.conflicts++
        continue
      }
      if (taken) {
        await tx.delete(channelIdentities).where(eq(channelIdentities.id, identity.id))
        report.merged++
      } else {
        await tx
          .update(channelIdentities)
          .set({ externalId: waId })
          .where(eq(channelIdentities.id, identity.id))
        report.identities++
      }
      await moveChat(tx, identity.externalId, waId, report)
    }
    // Chats nobody is linked to yet (a stranger registering, or one who refused the notice).
    const strangers = await tx
      .selectDistinct({ senderId: conversations.senderId })
      .from(conversations)
      .where(
        and(
          eq(conversations.channel, 'whatsapp'),
          like(conversations.senderId, `%${JID_SUFFIX}`),
          sql`not exists (select 1 from ${channelIdentities} where ${channelIdentities.channel} = 'whatsapp' and ${channelIdentities.externalId} = ${conversations.senderId})`
        )
      )
    for (const { senderId } of strangers) {
      const waId = numberOfJid(senderId)
      if (waId) await moveChat(tx, senderId, waId, report)
    }
  })
  return report
}

/**
 * Marks the `wa_id` of every Baileys chat that wrote as having written (docs/domain.md, decision
 * 10: bulk messages only to those), keeping the Baileys rows for a move back. The last time it
 * wrote is carried only up to the start of the window: the Cloud API's 24-hour window opens with a
 * message the Cloud API received, so until they write again reminders go as templates.
 */
async function carryContacts(tx: DbOrTx, params: WhatsAppMoveParams): Promise<number> {
  const contacts = await tx
    .select({
      chatId: waContacts.chatId,
      phone: waContacts.phone,
      firstInboundAt: waContacts.firstInboundAt,
      lastInboundAt: waContacts.lastInboundAt,
    })
    .from(waContacts)
    .where(like(waContacts.chatId, '%@%'))
  const windowStart = new Date(params.now.getTime() - params.windowMs)
  let carried = 0
  for (const contact of contacts) {
    const waId = waIdOf({ externalId: contact.chatId, phone: contact.phone })
    if (!waId) continue
    const lastInboundAt = contact.lastInboundAt < windowStart ? contact.lastInboundAt : windowStart
    const rows = await tx
      .insert(waContacts)
      .values({ chatId: waId, firstInboundAt: contact.firstInboundAt, lastInboundAt })
      .onConflictDoUpdate({
        target: waContacts.chatId,
        set: {
          firstInboundAt: sql`least(${waContacts.firstInboundAt}, excluded.first_inbound_at)`,
        },
      })
      .returning({ chatId: waContacts.chatId })
    carried += rows.length
  }
  return carried
}

/** Moves one chat's conversation, consents and queued messages from `from` to `to`. */
async function moveChat(tx: DbOrTx, from: string, to: string, report: WhatsAppMoveReport) {
  const [existing] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channel, 'whatsapp'), eq(conversations.senderId, to)))
  const moved = existing
    ? []
    : await tx
        .update(conversations)
        .set({ senderId: to })
        .where(and(eq(conversations.channel, 'whatsapp'), eq(conversations.senderId, from)))
        .returning({ id: conversations.id })
  if (existing) {
    const [left] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.channel, 'whatsapp'), eq(conversations.senderId, from)))
    if (left) report.conversationsKept++
  }
  report.conversations += moved.length
  const consented = await tx
    .update(consents)
    .set({ senderId: to })
    .where(and(eq(consents.channel, 'whatsapp'), eq(consents.senderId, from)))
    .returning({ id: consents.id })
  report.consents += consented.length
  const queued = await tx
    .update(outbox)
    .set({ recipientId: to })
    .where(
      and(
        eq(outbox.channel, 'whatsapp'),
        eq(outbox.recipientId, from),
        inArray(outbox.status, ['queued', 'sending'])
      )
    )
    .returning({ id: outbox.id })
  report.queued += queued.length
}
