import type { OutboundMessage } from '../channels/types.js'
import type { Reply, Text } from '../engine/index.js'

/** Renders texts in the person's language; `i18n/index.ts` provides it. */
export type TextRenderer = { render: (text: Text) => string }

/** Turns an engine reply (keys and parameters) into the channel-neutral message to send. */
export function renderReply(i18n: TextRenderer, reply: Reply): OutboundMessage {
  const text = reply.texts.map((t) => i18n.render(t)).join('\n')
  const requestContact = reply.requestContact ? { requestContact: true } : {}
  if (!reply.choices || reply.choices.length === 0) return { text, ...requestContact }
  return {
    text,
    choices: reply.choices.map((c) => ({ id: c.id, label: i18n.render(c.label) })),
  }
}
