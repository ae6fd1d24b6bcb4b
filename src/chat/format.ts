/**
 * How the terminal chat shows a conversation: the transcript grammar of the tests (docs/architecture.md#transcript-tests),
 * so what scrolls by can be pasted into a test. `>` is the person, `<` one bot message with its
 * further lines indented, and the choices numbered the way WhatsApp shows them (`1. label`).
 * @module
 */
import type { MessageContent } from './client.js'

export type ShownMessage = { text: string; choices?: { id: string; label: string }[] }

/** A bot message as lines: the text, then its numbered choices. */
export function formatBotMessage(message: ShownMessage): string[] {
  const options = (message.choices ?? []).map((choice, i) => `${i + 1}. ${choice.label}`)
  const lines = [...message.text.split('\n'), ...options]
  return lines.map((line, i) => (i === 0 ? `< ${line}` : line === '' ? '' : `  ${line}`))
}

/** What the person sent, as a transcript line: text as typed, other inputs in brackets. */
export function formatUserInput(content: MessageContent): string {
  if ('text' in content) return `> ${content.text}`
  if ('choice' in content) return `> [choice:${content.choice}]`
  if ('location' in content) return `> [location:${content.location.lat},${content.location.lng}]`
  return '> [photo]'
}

/** A status line of the chat itself, set apart from the conversation. */
export function formatNotice(text: string): string[] {
  return text.split('\n').map((line) => `* ${line}`)
}
