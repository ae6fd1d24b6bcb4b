import type { InboundContent } from '../domain/messages.js'
import type { Input } from '../engine/index.js'

/** Half of a surrogate pair without its other half (not a character; UTF-8 cannot hold it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text as Postgres can store it: NUL removed (a `text` or `jsonb` value cannot hold it) and lone
 * surrogates replaced by U+FFFD, as a UTF-8 decoder would. Everything else people type (RTL
 * marks, zero-width joiners, emoji sequences) stays as written.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD')
}

/** Translates what a channel received into what the engine reads (docs/design.md P1). */
export function toInput(content: InboundContent): Input {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: storableText(content.text) }
    case 'choice':
      return { type: 'choice', id: storableText(content.id) }
    case 'location':
      return { type: 'location', lat: content.lat, lng: content.lng }
    case 'photo':
      return { type: 'photo', ref: content.ref }
    case 'contact':
      return content.isSender === undefined
        ? { type: 'contact', phone: content.phone }
        : { type: 'contact', phone: content.phone, isSender: content.isSender }
    case 'unsupported':
      return { type: 'unsupported', kind: content.kind }
  }
}
