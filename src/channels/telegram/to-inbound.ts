/**
 * Telegram `Update` → channel-neutral `InboundMessage` (docs/design.md P1). Pure: no network, no
 * clock (the receive time is passed in). Photos need their file fetched, so they come back as a
 * marker the adapter resolves; updates the bot does not serve (groups, channels) come back ignored.
 * @module
 */
import type { Message, Update } from 'grammy/types'
import { z } from 'zod'
import { normalizePhone } from '../../lib/phone.js'
import type { InboundContent, InboundMessage } from '../../domain/messages.js'
import { decodeChoice } from './render.js'

/** Why an update produces no inbound message. */
export type IgnoredReason =
  'group' | 'channel' | 'no_chat' | 'from_bot' | 'unsupported_update' | 'malformed'

export type IgnoredUpdate = { kind: 'ignored'; reason: IgnoredReason }

/** A photo: the adapter downloads `fileId` into the media store, then completes the message. */
export type PendingPhoto = {
  kind: 'photo'
  message: Omit<InboundMessage, 'content'>
  fileId: string
  fileSize?: number
}

export type ToInboundResult =
  { kind: 'message'; message: InboundMessage } | PendingPhoto | IgnoredUpdate

const ignored = (reason: IgnoredReason): IgnoredUpdate => ({ kind: 'ignored', reason })

const chatSchema = z.looseObject({ id: z.number().int(), type: z.string() })
const userSchema = z.looseObject({ id: z.number().int(), is_bot: z.boolean() })
const present = z.unknown().optional()

/** The fields of a message this module reads, with the types it relies on. */
const messageSchema = z.looseObject({
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().optional(),
  photo: z
    .array(
      z.looseObject({
        file_id: z.string(),
        width: z.number(),
        height: z.number(),
        file_size: z.number().optional(),
      })
    )
    .optional(),
  contact: z
    .looseObject({ phone_number: z.string(), user_id: z.number().int().optional() })
    .optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
})

/**
 * The parts of an `Update` this module reads (zod at the boundary): Telegram sends well-formed
 * updates, so anything else is ignored as malformed rather than half-read.
 */
const updateSchema = z.looseObject({
  update_id: z.number().int(),
  channel_post: present,
  edited_channel_post: present,
  callback_query: z
    .looseObject({
      from: userSchema,
      data: z.string().optional(),
      message: z.looseObject({ chat: chatSchema, message_id: z.number().int() }).optional(),
    })
    .optional(),
  edited_message: z.looseObject({ chat: chatSchema }).optional(),
  message: messageSchema.optional(),
})

/** Maps one update; `receivedAt` is when the webhook or poll delivered it. */
export function toInbound(update: Update, receivedAt: Date): ToInboundResult {
  if (!updateSchema.safeParse(update).success) return ignored('malformed')
  const base = (chatId: number) => ({
    channel: 'telegram' as const,
    externalId: String(update.update_id),
    senderId: String(chatId),
    receivedAt,
  })

  if (update.channel_post || update.edited_channel_post) return ignored('channel')

  if (update.callback_query) {
    const query = update.callback_query
    const chat = query.message?.chat
    if (chat && chat.type !== 'private') return ignored('group')
    if (query.from.is_bot) return ignored('from_bot')
    const id = query.data === undefined ? undefined : decodeChoice(query.data)
    // In a private chat the chat id is the user's id.
    const head = base(chat?.id ?? query.from.id)
    // A button of an older or newer data format: the person pressed it, so they get an answer.
    if (id === undefined) return unsupported(head, 'button')
    // The message the keyboard was on tells whether its question is still the one asked.
    const messageId = query.message ? { messageId: String(query.message.message_id) } : {}
    return { kind: 'message', message: { ...head, content: { type: 'choice', id, ...messageId } } }
  }

  if (update.edited_message) {
    const edited = update.edited_message
    if (edited.chat.type !== 'private') return ignored('group')
    return {
      kind: 'message',
      message: { ...base(edited.chat.id), content: { type: 'unsupported', kind: 'edited' } },
    }
  }

  const message = update.message
  if (!message) return ignored('unsupported_update')
  if (message.chat.type !== 'private') return ignored('group')
  if (message.from?.is_bot) return ignored('from_bot')

  const head = base(message.chat.id)
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) =>
      size.width * size.height > best.width * best.height ? size : best
    )
    return {
      kind: 'photo',
      message: head,
      fileId: largest.file_id,
      ...(largest.file_size === undefined ? {} : { fileSize: largest.file_size }),
    }
  }
  if (message.contact) {
    const phone = contactPhone(message.contact.phone_number)
    if (!phone) return unsupported(head, 'contact')
    const isSender =
      message.contact.user_id !== undefined && message.contact.user_id === message.from?.id
    return {
      kind: 'message',
      message: {
        ...head,
        ...(isSender ? { phone } : {}),
        content: { type: 'contact', phone, isSender },
      },
    }
  }
  return { kind: 'message', message: { ...head, content: contentOf(message) } }
}

function unsupported(head: Omit<InboundMessage, 'content'>, kind: string): ToInboundResult {
  return { kind: 'message', message: { ...head, content: { type: 'unsupported', kind } } }
}

/** Everything but photos and contacts. The order matters: an animation also has `document`. */
function contentOf(message: Message): InboundContent {
  if (message.text !== undefined) return { type: 'text', text: message.text }
  if (message.location) {
    return { type: 'location', lat: message.location.latitude, lng: message.location.longitude }
  }
  if (message.sticker) return { type: 'unsupported', kind: 'sticker' }
  if (message.voice || message.audio) return { type: 'unsupported', kind: 'voice' }
  if (message.animation) return { type: 'unsupported', kind: 'animation' }
  if (message.video || message.video_note) return { type: 'unsupported', kind: 'video' }
  if (message.document) return { type: 'unsupported', kind: 'document' }
  return { type: 'unsupported', kind: 'other' }
}

/**
 * Telegram writes contact numbers in international form, usually without the `+`
 * ("6281234567890"); a hand-made contact card may hold a local form ("0812…").
 */
function contactPhone(raw: string): string | undefined {
  const text = raw.trim()
  if (/^[1-9][0-9]{6,14}$/.test(text)) return normalizePhone(`+${text}`) ?? normalizePhone(text)
  return normalizePhone(text)
}
