/**
 * Loads what the flows of one turn may read: who is talking (recognised by chat
 * identity, or by the phone the messenger gave, which then links the identity), whether this chat
 * consented to the current notice, and whom to call for help. A flow's own data it declares
 * (`Flow.data`), loaded by `lookups.ts` as the turn reaches it.
 * @module
 */
import type { ChannelName } from '../domain/messages.js'
import { type ChatRead, readChat } from '../db/queries/chat-read.js'
import type { DbOrTx } from '../db/client.js'
import { linkIdentity } from '../db/queries/identities.js'
import { type Person, findPersonByPhone } from '../db/queries/people.js'
import { clearRecipientUnreachable } from '../db/queries/outbox.js'
import { releaseNotices } from '../messaging/notify.js'
import { consentState } from '../domain/consent.js'
import { type PersonSnapshot, salutationOf } from '../domain/people.js'
import type { RegionDirectory } from '../domain/regions.js'
import type { Snapshot } from '../domain/snapshot.js'

export type LoadSnapshotParams = {
  channel: ChannelName
  senderId: string
  /** E.164, when the platform gave it with this message. */
  phone?: string
  directory: RegionDirectory
  /** The programme's help line, for people without a supervisor (a setting). */
  helpLine: string
  /** The database holds the demo data (read once at start): the demo flow is offered anywhere. */
  demoData?: boolean
  /** The person and consent, when the turn's first statement read them (`openTurn`). */
  chat?: ChatRead
}

/** Channels that do not tell the bot the sender's phone number unless they share it. */
const PHONE_HIDDEN_CHANNELS: ReadonlySet<ChannelName> = new Set(['telegram'])

export async function loadSnapshot(tx: DbOrTx, params: LoadSnapshotParams): Promise<Snapshot> {
  const { channel, senderId, directory } = params
  // The usual case costs no statement here: the turn's first one read the chat (`openTurn`).
  const { person: known, consent } = params.chat ?? (await readChat(tx, { channel, senderId }))
  // A person who writes can be reached again (a refused send, Telegram's 403, marked them).
  if (known?.unreachable) {
    await clearRecipientUnreachable(tx, { channel, recipientId: senderId })
    await releaseNotices(tx, { personId: known.id, channel, senderId })
  }
  let person: Person | undefined = known
  let help = known?.help ?? null
  if (!person && params.phone) {
    person = await findPersonByPhone(tx, params.phone)
    if (person) {
      await linkIdentity(tx, { personId: person.id, channel, externalId: senderId })
      // First contact: a chat that already consented (Telegram asks for the phone after the
      // notice) gets the notices that waited for this person (docs/domain.md, decision 20).
      await releaseNotices(tx, { personId: person.id, channel, senderId })
      // Read as every turn reads it, now that the chat is linked: one rule for the help contact.
      help = (await readChat(tx, { channel, senderId })).person?.help ?? null
    }
  }
  const consentNow = consentState(consent)
  const snapshot: Snapshot = {
    person: person ? toSnapshot(person) : null,
    consented: consentNow === 'given',
    helpContact: params.helpLine,
    lookups: {},
    ...directory,
  }
  if (consentNow === 'refused') snapshot.refusedConsent = true
  if (channel === 'simulator' || params.demoData) snapshot.tryout = true
  if (!person && !params.phone && PHONE_HIDDEN_CHANNELS.has(channel)) snapshot.askPhone = true
  if (!person || person.status === 'rejected') return snapshot
  if (help) snapshot.helpContact = `${help.name}${help.phone ? ` (${help.phone})` : ''}`
  return snapshot
}

function toSnapshot(person: Person): PersonSnapshot {
  const { id, name, roles, regionCode, status, rejectionReason } = person
  return { id, name, roles, regionCode, status, salutation: salutationOf(person), rejectionReason }
}
