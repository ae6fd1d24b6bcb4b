/**
 * `OutboundMessage` → the parameters of one or more `sendMessage` calls. Pure. Texts go out in HTML
 * parse mode with `&`, `<` and `>` escaped, so nothing a flow writes is read as markup. Choices
 * become an inline keyboard, one button per row, whose callback data is `v1|<choice id>` (at most
 * 64 bytes, Telegram's limit). A message with a choice id too long for that falls back to a
 * numbered list, which the engine accepts as typed answers. A message asking for the person's
 * phone gets a one-button reply keyboard that shares their contact. Texts longer than 4096
 * characters are split at line boundaries; the keyboard goes on the last part.
 * @module
 */
import type { OutboundMessage } from '../../domain/messages.js'

/** Telegram's limit for a message text, in characters after entity parsing. */
export const MAX_TEXT_LENGTH = 4096

/** Telegram's limit for `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64

const CALLBACK_PREFIX = 'v1|'

export type InlineButton = { text: string; callback_data: string }

/** A reply keyboard with one button that shares the person's own contact (onboarding). */
export type ContactKeyboard = {
  keyboard: { text: string; request_contact: true }[][]
  one_time_keyboard: true
  resize_keyboard: true
}

/** What `api.sendMessage(chatId, text, other)` receives, minus the chat id. */
export type SendMessageParams = {
  text: string
  parse_mode: 'HTML'
  reply_markup?: { inline_keyboard: InlineButton[][] } | ContactKeyboard
}

/** Escapes the three characters HTML parse mode reserves. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** `v1|<id>`, or `undefined` when that exceeds Telegram's 64 bytes. */
export function encodeChoice(id: string): string | undefined {
  const data = `${CALLBACK_PREFIX}${id}`
  return Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_DATA_BYTES && id.length > 0
    ? data
    : undefined
}

/** The choice id of a button's callback data, or `undefined` for data this bot did not write. */
export function decodeChoice(data: string): string | undefined {
  if (!data.startsWith(CALLBACK_PREFIX)) return undefined
  const id = data.slice(CALLBACK_PREFIX.length)
  return id.length > 0 ? id : undefined
}

/** Texts of the channel's own buttons, from `locales/`. */
export type RenderTexts = {
  /** The label of the "share my number" button (`request_contact`). */
  shareContact: string
}

/** Renders one outbound message as the sends it takes, in order. */
export function renderOutbound(message: OutboundMessage, texts?: RenderTexts): SendMessageParams[] {
  const choices = message.choices ?? []
  const encoded = choices.map((choice) => encodeChoice(choice.id))
  const asButtons = encoded.every((data) => data !== undefined)
  const text =
    choices.length > 0 && !asButtons
      ? [message.text, ...choices.map((choice, i) => `${i + 1}. ${choice.label}`)].join('\n')
      : message.text
  const parts = splitText(text).map((part): SendMessageParams => ({
    text: escapeHtml(part),
    parse_mode: 'HTML',
  }))
  if (choices.length > 0 && asButtons) {
    parts[parts.length - 1]!.reply_markup = {
      inline_keyboard: choices.map((choice, i) => [
        { text: choice.label, callback_data: encoded[i]! },
      ]),
    }
  } else if (choices.length === 0 && message.requestContact && texts) {
    // Telegram sends the person's own number with one tap; it is matched like a typed one.
    parts[parts.length - 1]!.reply_markup = {
      keyboard: [[{ text: texts.shareContact, request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    }
  }
  return parts
}

/**
 * Splits a text into parts whose escaped form fits one message: at line breaks when possible,
 * inside a line only when the line alone is too long (never inside a surrogate pair).
 */
export function splitText(text: string, limit = MAX_TEXT_LENGTH): string[] {
  if (escapeHtml(text).length <= limit) return [text]
  const parts: string[] = []
  let current = ''
  const push = () => {
    if (current.length > 0) parts.push(current)
    current = ''
  }
  for (const line of text.split('\n')) {
    const candidate = current.length === 0 ? line : `${current}\n${line}`
    if (escapeHtml(candidate).length <= limit) {
      current = candidate
      continue
    }
    push()
    if (escapeHtml(line).length <= limit) {
      current = line
      continue
    }
    let size = 0
    for (const char of line) {
      const width = escapeHtml(char).length
      if (size + width > limit) {
        push()
        size = 0
      }
      current += char
      size += width
    }
  }
  push()
  return parts.length > 0 ? parts : [text]
}

/** Telegram's limit for a photo caption, in characters after entity parsing. */
export const MAX_CAPTION_LENGTH = 1024

/** One Bot API call of an outbound message, in the order they go out. */
export type TelegramSend =
  | ({ method: 'sendMessage' } & SendMessageParams)
  | {
      method: 'sendPhoto'
      /** The media reference the message carries (`media:…`, a URL, or a Telegram file id). */
      photo: string
      caption?: string
      parse_mode?: 'HTML'
      reply_markup?: SendMessageParams['reply_markup']
    }
  | {
      method: 'sendDocument'
      /** The document reference (`certificate:…`): the sender uploads the file it names. */
      document: string
      fileName: string
      caption?: string
      parse_mode?: 'HTML'
      reply_markup?: SendMessageParams['reply_markup']
    }
  | { method: 'sendLocation'; latitude: number; longitude: number }
  | { method: 'sendVenue'; latitude: number; longitude: number; title: string; address: string }

/**
 * Every call one message takes: the photo or document first (with the text as its caption when it
 * fits), then the text in parts, then the map pin. The keyboard rides on the last call that
 * carries text.
 */
export function renderSends(message: OutboundMessage, labels?: RenderTexts): TelegramSend[] {
  const sends: TelegramSend[] = []
  const texts = message.text.trim().length > 0 ? renderOutbound(message, labels) : []
  const media = message.media
  if (media) {
    const file =
      media.kind === 'photo'
        ? ({ method: 'sendPhoto', photo: media.ref } as const)
        : ({ method: 'sendDocument', document: media.ref, fileName: media.fileName } as const)
    const only = texts.length === 1 ? texts[0] : undefined
    if (only && only.text.length <= MAX_CAPTION_LENGTH) {
      const { text: caption, ...rest } = only
      sends.push({ ...file, ...rest, caption })
      texts.length = 0
    } else {
      sends.push(file)
    }
  }
  sends.push(...texts.map((part) => ({ method: 'sendMessage' as const, ...part })))
  const place = message.location
  if (place) {
    sends.push(
      place.name && place.address
        ? {
            method: 'sendVenue',
            latitude: place.lat,
            longitude: place.lng,
            title: place.name,
            address: place.address,
          }
        : { method: 'sendLocation', latitude: place.lat, longitude: place.lng }
    )
  }
  return sends
}
