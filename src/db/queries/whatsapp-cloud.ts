/**
 * The WhatsApp Cloud API channel's storage: the 24-hour window per person (`wa_contacts`, shared
 * with the Baileys transport, keyed here by the `wa_id`) and the status callbacks on outbox rows
 * (found by the `wamid` recorded as `platform_message_id`).
 * @module
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, DbOrTx } from '../client.js'
import { outbox, waContacts } from '../schema/index.js'
import { markRecipientUnreachable } from './outbox.js'
import { findLastUnpromptedChoices, updateWhatsAppIdentity } from './whatsapp.js'

/** A status callback (the channel's `CloudStatusUpdate`, met structurally). */
export type CloudStatusUpdate = {
  platformMessageId: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  error?: string
  code?: number
  recipientId?: string
  at: Date
}

/** Meta's "message undeliverable": the number cannot be reached (not on WhatsApp, old app…). */
const UNDELIVERABLE = 131026

/** Records that `waId` wrote at `at`: the contact is created, or its last time moved forward. */
export async function noteCloudInbound(db: DbOrTx, waId: string, at: Date): Promise<void> {
  await db
    .insert(waContacts)
    .values({ chatId: waId, firstInboundAt: at, lastInboundAt: at })
    .onConflictDoUpdate({
      target: waContacts.chatId,
      set: {
        lastInboundAt: sql`greatest(${waContacts.lastInboundAt}, excluded.last_inbound_at)`,
      },
    })
}

export async function cloudLastInboundAt(db: DbOrTx, waId: string): Promise<Date | undefined> {
  const rows = await db
    .select({ at: waContacts.lastInboundAt })
    .from(waContacts)
    .where(eq(waContacts.chatId, waId))
  return rows[0]?.at
}

/**
 * Which statuses a callback may replace: statuses only move forward (callbacks can arrive out of
 * order, a `read` before its `delivered`), and a `failed` callback fails a row that was sent.
 */
const FROM: Record<CloudStatusUpdate['status'], ('sent' | 'delivered')[]> = {
  sent: [],
  delivered: ['sent'],
  read: ['sent', 'delivered'],
  failed: ['sent', 'delivered'],
}

/** Moves the WhatsApp outbox row sent as `platformMessageId`; true when a row changed. */
export async function updateCloudStatus(db: DbOrTx, update: CloudStatusUpdate): Promise<boolean> {
  const from = FROM[update.status]
  if (from.length === 0) return false
  const rows = await db
    .update(outbox)
    .set({
      status: update.status,
      ...(update.status === 'failed'
        ? { lastError: `status failed ${update.error ?? ''}`.trim().slice(0, 500) }
        : {}),
    })
    .where(
      and(
        eq(outbox.channel, 'whatsapp'),
        eq(outbox.platformMessageId, update.platformMessageId),
        inArray(outbox.status, from)
      )
    )
    .returning({ id: outbox.id, recipientId: outbox.recipientId })
  // Like a synchronous 131026: later reminders and broadcasts are skipped until they write again.
  const row = rows[0]
  // A row matched by its channel always has its chat (only waiting rows have none).
  if (row?.recipientId && update.status === 'failed' && update.code === UNDELIVERABLE) {
    await markRecipientUnreachable(db, {
      channel: 'whatsapp',
      recipientId: row.recipientId,
      at: update.at,
    })
  }
  return rows.length > 0
}

/** The Cloud channel's `CloudStore`. */
export function createCloudStore(db: Db) {
  return {
    noteInbound: (waId: string, _phone: string | undefined, at: Date) =>
      noteCloudInbound(db, waId, at),
    lastInboundAt: (waId: string) => cloudLastInboundAt(db, waId),
    updateStatus: (update: CloudStatusUpdate) => updateCloudStatus(db, update),
    /** Stores the phone on the person's WhatsApp identity, once the runtime linked it. */
    updateIdentity: (waId: string, phone: string) => updateWhatsAppIdentity(db, waId, { phone }),
    /** The choices of the newest message sent to `waId`, when it was unprompted. */
    lastUnpromptedChoices: (waId: string) => findLastUnpromptedChoices(db, waId),
  }
}
