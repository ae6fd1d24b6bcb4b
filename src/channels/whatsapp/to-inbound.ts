/**
 * A Baileys `WAMessage` → the parts of a channel-neutral `InboundMessage` (docs/design.md P1).
 * Pure: no network, no clock, no flow logic. Who wrote is returned as a `WhatsAppAddress` (LID and
 * phone) because the adapter resolves the stable chat id from the contacts store;
 * images need a download, so they come back as a marker the adapter completes. Own messages, status
 * broadcasts, newsletters, groups (unless enabled) and protocol noise come back ignored.
 * @module
 */
import {
  type WAMessage,
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  normalizeMessageContent,
  proto,
} from '@whiskeysockets/baileys'
import { z } from 'zod'
import { normalizePhone } from '../../lib/phone.js'
import type { InboundContent } from '../../domain/messages.js'

/** How WhatsApp addressed the sender: its LID JID, its phone JID, or both (v7 `remoteJidAlt`). */
export type WhatsAppAddress = {
  /** `…@lid`, normalised (no device part). */
  lid?: string
  /** `…@s.whatsapp.net`, normalised. */
  pnJid?: string
  /** E.164 phone of `pnJid`. */
  phone?: string
}

export type IgnoredReason =
  | 'from_me'
  | 'status'
  | 'newsletter'
  | 'broadcast'
  | 'group'
  | 'no_sender'
  | 'no_content'
  | 'protocol'

export type ToInboundResult =
  | { kind: 'ignored'; reason: IgnoredReason }
  | { kind: 'message'; externalId: string; sender: WhatsAppAddress; content: InboundContent }
  /** An image: the adapter downloads it into the media store, then builds the message. */
  | { kind: 'image'; externalId: string; sender: WhatsAppAddress }

export type ToInboundOptions = {
  /** Answer messages written in groups (off by default: the bot serves one person at a time). */
  groups?: boolean
}

/** The few fields of a message key the mapping reads, checked before use (a platform boundary). */
const keySchema = z.object({
  id: z.string().min(1),
  remoteJid: z.string().min(1),
  remoteJidAlt: z.string().min(1).nullish(),
  participant: z.string().min(1).nullish(),
  participantAlt: z.string().min(1).nullish(),
  fromMe: z.boolean().nullish(),
})

const ignored = (reason: IgnoredReason): ToInboundResult => ({ kind: 'ignored', reason })

/** Maps one message of a `messages.upsert` of type `notify`. */
export function toInbound(message: WAMessage, options: ToInboundOptions = {}): ToInboundResult {
  const parsed = keySchema.safeParse(message.key)
  if (!parsed.success) return ignored('no_sender')
  const key = parsed.data
  if (key.fromMe) return ignored('from_me')
  const chat = key.remoteJid
  if (isJidStatusBroadcast(chat)) return ignored('status')
  if (isJidNewsletter(chat)) return ignored('newsletter')
  if (isJidBroadcast(chat)) return ignored('broadcast')
  const inGroup = isJidGroup(chat) === true
  if (inGroup && !options.groups) return ignored('group')

  const sender = inGroup
    ? addressOf(key.participant, key.participantAlt)
    : addressOf(chat, key.remoteJidAlt)
  if (!sender.lid && !sender.pnJid) return ignored('no_sender')

  const content = normalizeMessageContent(message.message)
  if (!content) return ignored('no_content')
  const externalId = key.id
  const type = getContentType(content)
  if (type === 'imageMessage') return { kind: 'image', externalId, sender }
  const mapped = contentOf(content, sender)
  if (mapped === undefined) return ignored(type === 'protocolMessage' ? 'protocol' : 'no_content')
  return { kind: 'message', externalId, sender, content: mapped }
}

/** Splits the two JIDs WhatsApp gave into LID and phone, whichever order they came in. */
export function addressOf(jid?: string | null, alt?: string | null): WhatsAppAddress {
  const address: WhatsAppAddress = {}
  for (const raw of [jid, alt]) {
    if (!raw) continue
    const normalized = jidNormalizedUser(raw)
    if (isLidUser(normalized) && !address.lid) address.lid = normalized
    if (isPnUser(normalized) && !address.pnJid) {
      const user = jidDecode(normalized)?.user
      const phone = user ? normalizePhone(`+${user}`) : undefined
      address.pnJid = normalized
      if (phone) address.phone = phone
    }
  }
  return address
}

/** Everything but images; `undefined` for content that is not something a person said. */
function contentOf(content: proto.IMessage, sender: WhatsAppAddress): InboundContent | undefined {
  const unsupported = (kind: string): InboundContent => ({ type: 'unsupported', kind })
  if (typeof content.conversation === 'string') return { type: 'text', text: content.conversation }
  const extended = content.extendedTextMessage?.text
  if (typeof extended === 'string') return { type: 'text', text: extended }
  const location = content.locationMessage ?? content.liveLocationMessage
  if (location) {
    const lat = location.degreesLatitude
    const lng = location.degreesLongitude
    if (typeof lat === 'number' && typeof lng === 'number') return { type: 'location', lat, lng }
    return unsupported('other')
  }
  const card = content.contactMessage ?? content.contactsArrayMessage?.contacts?.[0]
  if (card) {
    const phone = vcardPhone(card.vcard ?? '')
    if (!phone) return unsupported('contact')
    return { type: 'contact', phone, isSender: phone === sender.phone }
  }
  if (content.audioMessage) return unsupported('voice')
  if (content.stickerMessage) return unsupported('sticker')
  if (content.videoMessage || content.ptvMessage) return unsupported('video')
  if (content.documentMessage || content.documentWithCaptionMessage) return unsupported('document')
  if (content.reactionMessage) return unsupported('reaction')
  if (content.editedMessage) return unsupported('edited')
  const protocol = content.protocolMessage
  if (protocol) {
    if (protocol.type === proto.Message.ProtocolMessage.Type.REVOKE) return unsupported('deleted')
    if (protocol.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
      return unsupported('edited')
    }
    return undefined
  }
  // A bare key distribution or another message with nothing a person wrote.
  const type = getContentType(content)
  if (
    type === undefined ||
    type === 'senderKeyDistributionMessage' ||
    type === 'messageContextInfo'
  )
    return undefined
  return unsupported('other')
}

/**
 * The first phone number of a vCard: WhatsApp puts the account's number in `waid=` (digits with
 * the country code); a hand-typed card has only the `TEL` value, in any local form.
 */
export function vcardPhone(vcard: string): string | undefined {
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL[;:]/i.test(line)) continue
    const waid = /waid=([0-9]{7,15})/i.exec(line)?.[1]
    if (waid) {
      const phone = normalizePhone(`+${waid}`)
      if (phone) return phone
    }
    const value = line.slice(line.indexOf(':') + 1).trim()
    const phone = normalizePhone(value)
    if (phone) return phone
  }
  return undefined
}
