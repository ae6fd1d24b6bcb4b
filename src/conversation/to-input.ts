import type { InboundContent } from '../channels/types.js'
import type { Input } from '../engine/index.js'

/** Translates what a channel received into what the engine reads (DESIGN P1). */
export function toInput(content: InboundContent): Input {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text }
    case 'choice':
      return { type: 'choice', id: content.id }
    case 'location':
      return { type: 'location', lat: content.lat, lng: content.lng }
    case 'photo':
      return { type: 'photo', ref: content.ref }
    case 'contact':
      return { type: 'contact', phone: content.phone }
    case 'unsupported':
      return { type: 'unsupported', kind: content.kind }
  }
}
