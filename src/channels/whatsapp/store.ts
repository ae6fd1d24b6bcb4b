/**
 * What the WhatsApp channel needs from storage, injected so the channel never imports the
 * database (docs/architecture.md#dependency-rules); `db/queries/whatsapp.ts` implements it on Postgres and PGlite.
 * @module
 */
import type { OutboundChoice } from '../../domain/messages.js'
import type { WhatsAppAddress } from './to-inbound.js'

/** A chat that wrote to the bot: its stable chat id (the `senderId` of its inbound messages). */
export type WhatsAppContact = {
  chatId: string
  lid: string | null
  phone: string | null
  lastInboundAt: Date
}

export type WhatsAppStore = {
  /**
   * Finds the contact one of the address's JIDs already belongs to (or creates it, keyed by the
   * LID when there is one), fills in the JID it did not know, records the time and returns it.
   */
  noteInbound: (address: WhatsAppAddress, at: Date) => Promise<WhatsAppContact>
  findContact: (chatId: string) => Promise<WhatsAppContact | undefined>
  /** Stores the phone and LID on the person's chat identity, once the runtime linked it. */
  updateIdentity: (chatId: string, address: WhatsAppAddress) => Promise<void>
  /** Takes one unsolicited message of `day`'s cap; `false` when the cap is reached. */
  takeUnsolicited: (day: string, cap: number) => Promise<boolean>
  /** Keeps a sent message (BufferJSON-encoded `proto.IMessage`) for `getMessage`. */
  saveSent: (sent: {
    messageId: string
    remoteJid: string
    message: unknown
    sentAt: Date
  }) => Promise<void>
  /** A kept message sent at or after `notBefore`, or `undefined`. */
  findSent: (messageId: string, notBefore: Date) => Promise<unknown>
  /** Deletes kept messages sent before `before`; returns how many. */
  pruneSent: (before: Date) => Promise<number>
  /**
   * The choices of the newest message sent to the chat when that message was unprompted (a
   * reminder or request with a button, not a reply within a conversation), else `undefined`.
   */
  lastUnpromptedChoices: (chatId: string) => Promise<OutboundChoice[] | undefined>
}

/** The raw auth rows of one WhatsApp number: JSON values by key, written atomically per batch. */
export type AuthKeyValueStore = {
  read: (keys: string[]) => Promise<Map<string, unknown>>
  /** Upserts `puts` and deletes `deletes` in one transaction. */
  write: (puts: { key: string; value: unknown }[], deletes: string[]) => Promise<void>
  /** Deletes every row (after `loggedOut`: the next start pairs afresh). */
  clear: () => Promise<void>
}

/**
 * One WhatsApp socket per number across replicas (docs/design.md P8): a Postgres session advisory
 * lock on a dedicated connection; only the holder connects.
 */
export type WhatsAppLeaderLock = {
  /** Takes the lock if free; `true` when this process holds it (again). */
  tryAcquire: () => Promise<boolean>
  /** Whether the lock is still held (its connection alive); `false` means another may take it. */
  stillHeld: () => Promise<boolean>
  release: () => Promise<void>
}
