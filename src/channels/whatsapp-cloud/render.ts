/**
 * `OutboundMessage` → the Cloud API message bodies it takes, in order. Pure. Choices become reply
 * buttons when there are at most 3 and every label fits a button title (20 characters), else a
 * list message when there are at most 10 and every label fits a row title (24 characters), else
 * the numbered list of the Baileys transport (the engine reads "1", "satu", the label…). A button
 * or row id is the choice id, so a tap comes back as that choice. Texts are escaped like on
 * Baileys (WhatsApp markup in names stays literal); a text longer than a message allows is split
 * at line breaks, the interactive part coming last. A photo is an image (uploaded by the sender)
 * captioned with the text when it fits, a location a location message.
 * @module
 */
import type { OutboundMessage } from '../types.js'
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
              sections: { title: string; rows: { id: string; title: string }[] }[]
            }
          }
    }
  | { type: 'image'; ref: string; caption?: string }
  | {
      type: 'location'
      location: { latitude: number; longitude: number; name?: string; address?: string }
    }

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
  if (choices.length <= LIMITS.rows && fits(LIMITS.rowTitle, LIMITS.rowId)) {
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
              rows: choices.map((c) => ({ id: c.id, title: c.label })),
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
  if (message.media?.kind === 'photo') out.push({ type: 'image', ref: message.media.ref })
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
