/**
 * The WhatsApp channel's storage (its `WhatsAppStore` and `AuthKeyValueStore`) on Postgres and
 * PGlite: contacts keyed by a stable chat id, the daily cap of unsolicited messages, sent
 * messages kept for `getMessage`, and the Baileys auth rows of one number.
 * @module
 */
import { and, arrayContains, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { ChannelName, OutboundChoice, OutboundMessage } from '../../domain/messages.js'
import type { Db, DbOrTx } from '../client.js'
import {
  channelIdentities,
  outbox,
  people,
  waAuth,
  waContacts,
  waDailyCounts,
  waSentMessages,
} from '../schema/index.js'
import { enqueueMessages } from './outbox.js'
import { chatHasCurrentConsent } from './consent.js'

/**
 * How WhatsApp addressed a sender (the channel's `WhatsAppAddress`; db/ does not import channels,
 * so the channel's store types are met structurally, checked where `kaderbot.ts` wires them).
 */
export type WhatsAppAddress = { lid?: string; pnJid?: string; phone?: string }

/** A chat that wrote to the bot; its chat id is the `senderId` of its inbound messages. */
export type WhatsAppContact = {
  chatId: string
  lid: string | null
  phone: string | null
  lastInboundAt: Date
}

const contactColumns = {
  chatId: waContacts.chatId,
  lid: waContacts.lid,
  phone: waContacts.phone,
  lastInboundAt: waContacts.lastInboundAt,
}

/** The contact whose chat id, LID or phone matches the address; the oldest if several do. */
async function findContactByAddress(
  db: DbOrTx,
  address: WhatsAppAddress
): Promise<WhatsAppContact | undefined> {
  const matches = [
    ...(address.lid ? [eq(waContacts.chatId, address.lid), eq(waContacts.lid, address.lid)] : []),
    ...(address.pnJid ? [eq(waContacts.chatId, address.pnJid)] : []),
    ...(address.phone ? [eq(waContacts.phone, address.phone)] : []),
  ]
  if (matches.length === 0) return undefined
  const rows = await db
    .select(contactColumns)
    .from(waContacts)
    .where(or(...matches))
    .orderBy(waContacts.firstInboundAt)
    .limit(1)
  return rows[0]
}

/**
 * Records that `address` wrote at `at` and returns its contact (see `WhatsAppStore.noteInbound`).
 * A LID or phone already held by another contact is not moved (unique), the chat id never
 * changes, so a conversation survives WhatsApp switching a contact from phone to LID addressing.
 */
export async function noteWhatsAppInbound(
  db: Db,
  address: WhatsAppAddress,
  at: Date
): Promise<WhatsAppContact> {
  const chatId = address.lid ?? address.pnJid
  if (!chatId) throw new TypeError('noteWhatsAppInbound: the address has no JID')
  return db.transaction(async (tx) => {
    // Serialise first contacts of the same person (two messages arriving together).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`wa_contact:${chatId}`}))`)
    let contact = await findContactByAddress(tx, address)
    if (!contact) {
      await tx
        .insert(waContacts)
        .values({ chatId, firstInboundAt: at, lastInboundAt: at })
        .onConflictDoNothing()
      contact = { chatId, lid: null, phone: null, lastInboundAt: at }
    }
    const lid = contact.lid ?? (await freeValue(tx, 'lid', address.lid))
    const phone = contact.phone ?? (await freeValue(tx, 'phone', address.phone))
    const [updated] = await tx
      .update(waContacts)
      .set({
        lid,
        phone,
        lastInboundAt: sql`greatest(${waContacts.lastInboundAt}, ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(waContacts.chatId, contact.chatId))
      .returning(contactColumns)
    return updated ?? contact
  })
}

/** `value` when no contact holds it in `column` yet, else `null`. */
async function freeValue(
  db: DbOrTx,
  column: 'lid' | 'phone',
  value: string | undefined
): Promise<string | null> {
  if (!value) return null
  const target = column === 'lid' ? waContacts.lid : waContacts.phone
  const taken = await db
    .select({ chatId: waContacts.chatId })
    .from(waContacts)
    .where(eq(target, value))
  return taken.length === 0 ? value : null
}

export async function findWhatsAppContact(
  db: DbOrTx,
  chatId: string
): Promise<WhatsAppContact | undefined> {
  const rows = await db.select(contactColumns).from(waContacts).where(eq(waContacts.chatId, chatId))
  return rows[0]
}

/** Stores phone and LID on the WhatsApp identity `chatId`, if the runtime linked one. */
export async function updateWhatsAppIdentity(
  db: DbOrTx,
  chatId: string,
  address: WhatsAppAddress
): Promise<void> {
  const set = {
    ...(address.phone ? { phone: address.phone } : {}),
    ...(address.lid ? { lid: address.lid } : {}),
  }
  if (Object.keys(set).length === 0) return
  await db
    .update(channelIdentities)
    .set(set)
    .where(and(eq(channelIdentities.channel, 'whatsapp'), eq(channelIdentities.externalId, chatId)))
}

/** Atomically counts one unsolicited message of `day` unless `cap` is reached. */
export async function takeWhatsAppUnsolicited(
  db: DbOrTx,
  params: { sessionId: string; day: string; cap: number }
): Promise<boolean> {
  if (params.cap <= 0) return false
  const rows = await db
    .insert(waDailyCounts)
    .values({ sessionId: params.sessionId, day: params.day, unsolicited: 1 })
    .onConflictDoUpdate({
      target: [waDailyCounts.sessionId, waDailyCounts.day],
      set: { unsolicited: sql`${waDailyCounts.unsolicited} + 1` },
      setWhere: sql`${waDailyCounts.unsolicited} < ${params.cap}`,
    })
    .returning({ unsolicited: waDailyCounts.unsolicited })
  return rows.length > 0
}

/** The `WhatsAppStore` of one number (`sessionId`). */
export function createWhatsAppStore(db: Db, sessionId: string) {
  return {
    noteInbound: (address: WhatsAppAddress, at: Date) => noteWhatsAppInbound(db, address, at),
    findContact: (chatId: string) => findWhatsAppContact(db, chatId),
    updateIdentity: (chatId: string, address: WhatsAppAddress) =>
      updateWhatsAppIdentity(db, chatId, address),
    takeUnsolicited: (day: string, cap: number) =>
      takeWhatsAppUnsolicited(db, { sessionId, day, cap }),
    async saveSent(sent: { messageId: string; remoteJid: string; message: unknown; sentAt: Date }) {
      await db
        .insert(waSentMessages)
        .values({ sessionId, ...sent })
        .onConflictDoUpdate({
          target: [waSentMessages.sessionId, waSentMessages.messageId],
          set: { message: sql`excluded.message`, sentAt: sql`excluded.sent_at` },
        })
    },
    async findSent(messageId: string, notBefore: Date): Promise<unknown> {
      const rows = await db
        .select({ message: waSentMessages.message, sentAt: waSentMessages.sentAt })
        .from(waSentMessages)
        .where(
          and(eq(waSentMessages.sessionId, sessionId), eq(waSentMessages.messageId, messageId))
        )
      const row = rows[0]
      return row && row.sentAt.getTime() >= notBefore.getTime() ? row.message : undefined
    },
    async pruneSent(before: Date): Promise<number> {
      const rows = await db
        .delete(waSentMessages)
        .where(and(eq(waSentMessages.sessionId, sessionId), lt(waSentMessages.sentAt, before)))
        .returning({ id: waSentMessages.messageId })
      return rows.length
    },
    lastUnpromptedChoices: (chatId: string) => findLastUnpromptedChoices(db, chatId),
  }
}

/** The part of a stored outbox message a numbered reply is read against. */
const sentChoicesSchema = z.object({
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
})

/** Sent rows looked at, newest queued first: a reminder may go out just after a later reply. */
const RECENT_SENT_ROWS = 5

/**
 * The choices of the newest message sent to a chat (WhatsApp unless `channel` says otherwise),
 * when it was unprompted (no conversation: a reminder, a request to review); else `undefined`.
 */
export async function findLastUnpromptedChoices(
  db: DbOrTx,
  chatId: string,
  channel: ChannelName = 'whatsapp'
): Promise<OutboundChoice[] | undefined> {
  const recent = await db
    .select({
      message: outbox.message,
      conversationId: outbox.conversationId,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(
      and(
        eq(outbox.channel, channel),
        eq(outbox.recipientId, chatId),
        inArray(outbox.status, ['sent', 'delivered', 'read'])
      )
    )
    .orderBy(desc(outbox.id))
    .limit(RECENT_SENT_ROWS)
  const last = recent.reduce<(typeof recent)[number] | undefined>(
    (newest, row) =>
      !newest || (row.sentAt?.getTime() ?? 0) > (newest.sentAt?.getTime() ?? 0) ? row : newest,
    undefined
  )
  if (!last || last.conversationId !== null) return undefined
  const parsed = sentChoicesSchema.safeParse(last.message)
  const choices = parsed.success ? parsed.data.choices : undefined
  return choices && choices.length > 0 ? choices : undefined
}

/**
 * How an auth value sits in `wa_auth.value`: wrapped, because drizzle's `jsonb` parses a bare
 * JSON string again on read (a LID mapping "111…" would come back as a number).
 */
type StoredAuthValue = { v: unknown }

/** The Baileys auth rows of one number, for `loadAuthState`. */
export function createWhatsAppAuthStore(db: Db, sessionId: string) {
  return {
    async read(keys: string[]): Promise<Map<string, unknown>> {
      const out = new Map<string, unknown>()
      if (keys.length === 0) return out
      const rows = await db
        .select({ key: waAuth.key, value: waAuth.value })
        .from(waAuth)
        .where(and(eq(waAuth.sessionId, sessionId), inArray(waAuth.key, keys)))
      for (const row of rows) out.set(row.key, (row.value as StoredAuthValue).v)
      return out
    },
    async write(puts: { key: string; value: unknown }[], deletes: string[]): Promise<void> {
      await db.transaction(async (tx) => {
        if (deletes.length > 0) {
          await tx
            .delete(waAuth)
            .where(and(eq(waAuth.sessionId, sessionId), inArray(waAuth.key, deletes)))
        }
        if (puts.length > 0) {
          await tx
            .insert(waAuth)
            .values(puts.map((p) => ({ sessionId, key: p.key, value: { v: p.value } })))
            .onConflictDoUpdate({
              target: [waAuth.sessionId, waAuth.key],
              set: { value: sql`excluded.value`, updatedAt: sql`now()` },
            })
        }
      })
    },
    async clear(): Promise<void> {
      await db.delete(waAuth).where(eq(waAuth.sessionId, sessionId))
    },
  }
}

/**
 * Queues `message` to every active admin on their chat identities outside WhatsApp (the channel
 * the alert is about); returns how many messages were queued.
 */
export async function enqueueAdminAlert(
  db: DbOrTx,
  params: { message: OutboundMessage; priority: number }
): Promise<number> {
  const recipients = await db
    .select({ channel: channelIdentities.channel, externalId: channelIdentities.externalId })
    .from(channelIdentities)
    .innerJoin(people, eq(people.id, channelIdentities.personId))
    .where(
      and(
        ne(channelIdentities.channel, 'whatsapp'),
        eq(people.status, 'active'),
        arrayContains(people.roles, ['admin']),
        // Nothing reaches a chat without consent (docs/domain.md, decision 21).
        chatHasCurrentConsent(channelIdentities.channel, channelIdentities.externalId)
      )
    )
  const ids = await enqueueMessages(
    db,
    recipients.map((r) => ({
      channel: r.channel,
      recipientId: r.externalId,
      priority: params.priority,
      message: params.message,
    }))
  )
  return ids.length
}
