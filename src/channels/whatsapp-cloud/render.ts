/**
 * `OutboundMessage` → the Cloud API message bodies it takes, in order. Pure. Choices become reply
 * buttons when there are at most 3 and every label fits a button title (20 characters), else a
 * list message when there are at most 10 and every label fits a row: a title of 24 characters, and
 * a longer label's rest (its parenthesis, or its last words) as the row's description of 72, else
 * the numbered list of the Baileys transport (the engine reads "1", "satu", the label…). A button
 * or row id is the choice id, so a tap comes back as that choice. Texts are escaped like on
 * Baileys (WhatsApp markup in names stays literal); a text longer than a message allows is split
 * at line breaks, the interactive part coming last. A photo is an image (uploaded by the sender)
 * captioned with the text when it fits, a document (a certificate's PDF) likewise, a location a
 * location message.
 * @module
 */
import type { OutboundMessage } from '../../domain/messages.js'
import { type WhatsAppTexts, escapeWhatsApp, renderOutbound } from '../whatsapp/render.js'

/** The Cloud API's limits (characters). */
export const LIMITS = {
  text: 4096,
  buttonBody: 1024,
  listBody: 4096,
  caption: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  sectionTitle: 24,
} as const

export type CloudTexts = WhatsAppTexts & {
  /** The label of the button that opens a list message (≤ 20 characters), e.g. "Lihat pilihan". */
  listButton: string
}

/** One message to send; `image` still names our stored photo (the sender uploads it). */
export type CloudSend =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'interactive'
      interactive:
        | {
            type: 'button'
            body: { text: string }
            action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] }
          }
        | {
            type: 'list'
            body: { text: string }
            action: {
              button: string
              sections: { title: string; rows: ListRow[] }[]
            }
          }
    }
  | { type: 'image'; ref: string; caption?: string }
  /** `ref` names our document (`certificate:…`): the sender uploads it and sends its media id. */
  | { type: 'document'; ref: string; fileName: string; mimeType: string; caption?: string }
  | {
      type: 'location'
      location: { latitude: number; longitude: number; name?: string; address?: string }
    }

/** One row of a list message; `description` is the smaller second line under the title. */
export type ListRow = { id: string; title: string; description?: string }

/** Characters as WhatsApp counts them (code points, not UTF-16 units). */
export const charCount = (text: string): number => [...text].length

/** Splits `text` into parts of at most `max` characters, at line breaks, else spaces, else anywhere. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = []
  let rest = [...text]
  while (rest.length > max) {
    const window = rest.slice(0, max + 1).join('')
    let cut = window.lastIndexOf('\n')
    if (cut <= 0) cut = window.lastIndexOf(' ')
    const head = cut > 0 ? [...window.slice(0, cut)] : rest.slice(0, max)
    parts.push(head.join('').trimEnd())
    rest = rest.slice(head.length)
    while (rest[0] === '\n' || rest[0] === ' ') rest.shift()
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest.join(''))
  return parts
}

const textSends = (body: string): CloudSend[] =>
  splitText(body, LIMITS.text).map((part) => ({
    type: 'text',
    text: { body: part, preview_url: false },
  }))

/**
 * A label as a list row's title and description: whole when it fits the title, else cut at a
 * space (before its parenthesis when that part fits: "PUS" over "(pasangan usia subur)"), the
 * rest as the description, so title, space and description read as the label. `undefined` when
 * the label cannot be shown whole in a row.
 */
export function rowText(label: string): { title: string; description?: string } | undefined {
  const text = label.trim()
  if (text === '') return undefined
  if (charCount(text) <= LIMITS.rowTitle) return { title: text }
  const head = [...text].slice(0, LIMITS.rowTitle + 1).join('')
  const parenthesis = head.indexOf(' (')
  const cut = parenthesis > 0 ? parenthesis : head.lastIndexOf(' ')
  if (cut <= 0) return undefined
  const title = text.slice(0, cut)
  const description = text.slice(cut + 1)
  return charCount(description) <= LIMITS.rowDescription ? { title, description } : undefined
}

type Interactive = Extract<CloudSend, { type: 'interactive' }>['interactive']

/** Buttons or a list for the choices, or `undefined` when they fit neither. */
function interactiveFor(
  body: string,
  choices: NonNullable<OutboundMessage['choices']>,
  texts: CloudTexts
): { interactive: Interactive; bodyLimit: number } | undefined {
  if (choices.length === 0) return undefined
  const fits = (titleMax: number, idMax: number) =>
    choices.every(
      (c) =>
        c.label.trim() !== '' &&
        charCount(c.label) <= titleMax &&
        c.id !== '' &&
        charCount(c.id) <= idMax
    )
  if (choices.length <= LIMITS.buttons && fits(LIMITS.buttonTitle, LIMITS.buttonId)) {
    return {
      bodyLimit: LIMITS.buttonBody,
      interactive: {
        type: 'button',
        body: { text: body },
        action: {
          buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.label } })),
        },
      },
    }
  }
  const button = [...texts.listButton].slice(0, LIMITS.listButton).join('')
  const rows = choices.map((c): ListRow | null => {
    const text = rowText(c.label)
    return text && c.id !== '' && charCount(c.id) <= LIMITS.rowId ? { id: c.id, ...text } : null
  })
  if (choices.length <= LIMITS.rows && rows.every((row): row is ListRow => row !== null)) {
    return {
      bodyLimit: LIMITS.listBody,
      interactive: {
        type: 'list',
        body: { text: body },
        action: {
          button,
          sections: [
            {
              title: [...button].slice(0, LIMITS.sectionTitle).join(''),
              rows,
            },
          ],
        },
      },
    }
  }
  return undefined
}

/** Renders one outbound message as the Cloud API messages it takes, in order. */
export function renderCloud(message: OutboundMessage, texts: CloudTexts): CloudSend[] {
  const choices = message.choices ?? []
  const body = escapeWhatsApp(message.text)
  const interactive = interactiveFor(body, choices, texts)
  const out: CloudSend[] = []
  if (!interactive) {
    // The Baileys rendering: numbered choices with a hint, a contact hint, a caption.
    for (const content of renderOutbound(message, texts)) {
      if ('text' in content) out.push(...textSends(content.text))
      else if ('image' in content) {
        const caption = content.caption ?? ''
        if (charCount(caption) <= LIMITS.caption) {
          out.push({ type: 'image', ref: content.image.ref, ...(caption ? { caption } : {}) })
        } else {
          out.push({ type: 'image', ref: content.image.ref }, ...textSends(caption))
        }
      } else if ('document' in content) {
        const { fileName, mimetype: mimeType } = content
        const file = { type: 'document' as const, ref: content.document.ref, fileName, mimeType }
        const caption = content.caption ?? ''
        if (charCount(caption) <= LIMITS.caption) {
          out.push({ ...file, ...(caption ? { caption } : {}) })
        } else {
          out.push(file, ...textSends(caption))
        }
      } else {
        out.push({
          type: 'location',
          location: {
            latitude: content.location.degreesLatitude,
            longitude: content.location.degreesLongitude,
            ...(content.location.name ? { name: content.location.name } : {}),
            ...(content.location.address ? { address: content.location.address } : {}),
          },
        })
      }
    }
    return out
  }
  const media = message.media
  if (media?.kind === 'photo') out.push({ type: 'image', ref: media.ref })
  if (media?.kind === 'document') {
    const { ref, fileName, mimeType } = media
    out.push({ type: 'document', ref, fileName, mimeType })
  }
  const parts = splitText(body.trim() === '' ? '…' : body, interactive.bodyLimit)
  for (const part of parts.slice(0, -1)) out.push(...textSends(part))
  out.push({
    type: 'interactive',
    interactive: { ...interactive.interactive, body: { text: parts.at(-1)! } },
  })
  const location = message.location
  if (location && Number.isFinite(location.lat) && Number.isFinite(location.lng)) {
    out.push({
      type: 'location',
      location: {
        latitude: location.lat,
        longitude: location.lng,
        ...(location.name ? { name: location.name } : {}),
        ...(location.address ? { address: location.address } : {}),
      },
    })
  }
  return out
}
