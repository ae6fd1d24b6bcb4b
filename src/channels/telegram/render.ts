/**
 * `OutboundMessage` → the parameters of one or more `sendMessage` calls. Pure. Texts go out in HTML
 * parse mode with `&`, `<` and `>` escaped, so nothing a flow writes is read as markup. Choices
 * become an inline keyboard, one button per row, whose callback data is `v1|<choice id>` (at most
 * 64 bytes, Telegram's limit). A message with a choice id too long for that falls back to a
 * numbered list, which the engine accepts as typed answers. Texts longer than 4096 characters are
 * split at line boundaries; the keyboard goes on the last part.
 * @module
 */
import type { OutboundMessage } from '../types.js'

/** Telegram's limit for a message text, in characters after entity parsing. */
export const MAX_TEXT_LENGTH = 4096

/** Telegram's limit for `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64

const CALLBACK_PREFIX = 'v1|'

export type InlineButton = { text: string; callback_data: string }

/** What `api.sendMessage(chatId, text, other)` receives, minus the chat id. */
export type SendMessageParams = {
  text: string
  parse_mode: 'HTML'
  reply_markup?: { inline_keyboard: InlineButton[][] }
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

/** Renders one outbound message as the sends it takes, in order. */
export function renderOutbound(message: OutboundMessage): SendMessageParams[] {
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
