/**
 * One Cloud API webhook message → the content of an `InboundMessage`. Pure: no network, no clock.
 * A reply button, list row or template quick-reply becomes the choice it stands for (its id or
 * payload is our choice id), an image is returned as pending (the channel downloads it by media
 * id), and every kind the bot does not read becomes `unsupported` with the same kind names as the
 * Baileys transport, so the same friendly answers apply.
 * @module
 */
import { normalizePhone } from '../../lib/phone.js'
import type { InboundContent } from '../../domain/messages.js'
import type { CloudMessage } from './payload.js'

export type CloudInbound =
  | { kind: 'message'; content: InboundContent }
  | { kind: 'image'; mediaId: string; mimeType?: string }

/** The E.164 phone of a `wa_id` (digits with the country code), when it is a valid number. */
export function phoneOfWaId(waId: string): string | undefined {
  return /^\d{6,15}$/.test(waId) ? normalizePhone(`+${waId}`) : undefined
}

const UNSUPPORTED_KINDS: Record<string, string> = {
  audio: 'voice',
  voice: 'voice',
  sticker: 'sticker',
  video: 'video',
  document: 'document',
  reaction: 'reaction',
}

export function toCloudInbound(message: CloudMessage): CloudInbound {
  const unsupported = (kind: string): CloudInbound => ({
    kind: 'message',
    content: { type: 'unsupported', kind },
  })
  switch (message.type) {
    case 'text':
      return message.text
        ? { kind: 'message', content: { type: 'text', text: message.text.body } }
        : unsupported('other')
    case 'interactive': {
      const interactive = message.interactive
      const reply =
        interactive?.type === 'button_reply'
          ? interactive.button_reply
          : interactive?.type === 'list_reply'
            ? interactive.list_reply
            : undefined
      if (reply) return { kind: 'message', content: { type: 'choice', id: reply.id } }
      return unsupported('other')
    }
    case 'button': {
      // A template's quick-reply button. The bot sets each payload to the choice id it stands for
      // (templates.ts); without one the button's own text is what the person said.
      const text = message.button?.text
      const payload = message.button?.payload
      if (payload && payload !== text) {
        return { kind: 'message', content: { type: 'choice', id: payload } }
      }
      const said = text ?? payload
      return said
        ? { kind: 'message', content: { type: 'text', text: said } }
        : unsupported('other')
    }
    case 'location':
      return message.location
        ? {
            kind: 'message',
            content: {
              type: 'location',
              lat: message.location.latitude,
              lng: message.location.longitude,
            },
          }
        : unsupported('other')
    case 'image':
      return message.image
        ? {
            kind: 'image',
            mediaId: message.image.id,
            ...(message.image.mime_type ? { mimeType: message.image.mime_type } : {}),
          }
        : unsupported('other')
    case 'contacts': {
      const first = message.contacts?.[0]?.phones?.[0]
      const phone =
        (first?.wa_id ? phoneOfWaId(first.wa_id) : undefined) ??
        (first?.phone ? normalizePhone(first.phone) : undefined)
      if (!phone) return unsupported('contact')
      const sender = phoneOfWaId(message.from)
      return { kind: 'message', content: { type: 'contact', phone, isSender: phone === sender } }
    }
    default:
      return unsupported(UNSUPPORTED_KINDS[message.type] ?? 'other')
  }
}
