/**
 * `OutboundMessage` → the contents of one or more Baileys `sendMessage` calls. Pure. Choices become
 * a numbered list with a one-line hint, never buttons (unreliable on unofficial
 * clients); the engine accepts "1", "1.", "satu", the label or a close spelling (docs/design.md P1).
 * Texts are plain: every WhatsApp markup character in them (user values included) is neutralised,
 * and only the hint line is set in italics by the renderer itself. A photo goes out as an image
 * with the text as caption, a document (a certificate's PDF) likewise, a location as a location
 * message.
 * @module
 */
import type { OutboundMessage } from '../../domain/messages.js'

/** What the renderer adds in the person's language, rendered from `locales/` by the caller. */
export type WhatsAppTexts = {
  /** Under a numbered list: "Balas dengan angka." */
  choiceHint: string
  /** When a flow asks for the person's number: WhatsApp has no share-contact button. */
  contactHint: string
}

/** A sendable content; the subset of Baileys' `AnyMessageContent` the bot produces. */
export type WhatsAppContent =
  | { text: string }
  | { image: { ref: string }; caption?: string }
  | { document: { ref: string }; mimetype: string; fileName: string; caption?: string }
  | {
      location: {
        degreesLatitude: number
        degreesLongitude: number
        name?: string
        address?: string
      }
    }

/** WhatsApp's markup characters: *bold* _italic_ ~strike~ `code` ```mono```. */
const MARKUP = /([*_~`])/g

/** A zero-width space after a markup character keeps it from opening or closing a span. */
const ZERO_WIDTH_SPACE = '\u200b'

/** A web address: up to the next whitespace. */
const URL = /(https?:\/\/\S+)/

/**
 * Neutralises WhatsApp markup in a plain text (names, answers, anything a person wrote). Web
 * addresses are left whole: a zero-width space inside one breaks the link (a dashboard login
 * link's base64url token often holds `_`), and WhatsApp shows a link as a link.
 */
export function escapeWhatsApp(text: string): string {
  return text
    .split(URL)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(MARKUP, `$1${ZERO_WIDTH_SPACE}`)))
    .join('')
}

/** Sets an already escaped single line in italics. */
function italic(line: string): string {
  return `_${line}_`
}

/** Renders one outbound message as the sends it takes, in order. */
export function renderOutbound(message: OutboundMessage, texts: WhatsAppTexts): WhatsAppContent[] {
  const lines = [escapeWhatsApp(message.text)]
  const choices = message.choices ?? []
  if (choices.length > 0) {
    lines.push('', ...choices.map((choice, i) => `${i + 1}. ${escapeWhatsApp(choice.label)}`))
    lines.push('', italic(escapeWhatsApp(texts.choiceHint)))
  }
  // Telegram shows a share-contact button; WhatsApp has none, so a line asks to type the number
  // (choices, when present, take precedence).
  if (message.requestContact && choices.length === 0)
    lines.push('', italic(escapeWhatsApp(texts.contactHint)))
  const body = lines.join('\n')

  const out: WhatsAppContent[] = []
  const media = message.media
  if (media?.kind === 'photo') {
    out.push({ image: { ref: media.ref }, caption: body })
  } else if (media?.kind === 'document') {
    const { ref, mimeType: mimetype, fileName } = media
    out.push({ document: { ref }, mimetype, fileName, caption: body })
  } else {
    out.push({ text: body })
  }
  const location = message.location
  if (location && Number.isFinite(location.lat) && Number.isFinite(location.lng)) {
    out.push({
      location: {
        degreesLatitude: location.lat,
        degreesLongitude: location.lng,
        ...(location.name ? { name: location.name } : {}),
        ...(location.address ? { address: location.address } : {}),
      },
    })
  }
  return out
}
