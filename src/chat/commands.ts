/**
 * What one typed line means in the terminal chat: plain text for the bot, or one of the chat's
 * own commands (`/pilih N`, `/lokasi lat,lng`, `/foto path`, `/keluar`). Other slash words
 * (`/menu`, `/lapor`, …) are the bot's commands and go to it as text.
 * @module
 */
import type { MessageContent } from './client.js'
import { CHAT_MESSAGES } from './messages.js'

export type Choice = { id: string; label: string }

export type ChatAction =
  | { kind: 'send'; content: MessageContent }
  | { kind: 'photo'; path: string }
  | { kind: 'quit' }
  | { kind: 'nothing' }
  | { kind: 'error'; message: string }

/** Where `/lokasi` without coordinates is: the Singosari kecamatan office area (demo only). */
export const DEMO_LOCATION = { lat: -7.8925, lng: 112.6658 } as const

/**
 * Reads one line. `choices` are those of the latest bot message that had any, which `/pilih N`
 * presses by number, as a person taps an option in a list.
 */
export function parseChatLine(line: string, choices: readonly Choice[]): ChatAction {
  const trimmed = line.trim()
  if (trimmed === '') return { kind: 'nothing' }
  const match = /^\/(pilih|lokasi|foto|keluar)(?:\s+(.*))?$/i.exec(trimmed)
  if (!match) return { kind: 'send', content: { text: line } }
  const command = match[1]!.toLowerCase()
  const arg = (match[2] ?? '').trim()
  switch (command) {
    case 'keluar':
      return { kind: 'quit' }
    case 'pilih': {
      if (!/^\d+$/.test(arg)) return { kind: 'error', message: CHAT_MESSAGES.choiceUsage() }
      if (choices.length === 0) return { kind: 'error', message: CHAT_MESSAGES.noChoices() }
      const choice = choices[Number(arg) - 1]
      if (!choice) return { kind: 'error', message: CHAT_MESSAGES.choiceOutOfRange(choices.length) }
      return { kind: 'send', content: { choice: choice.id } }
    }
    case 'lokasi': {
      const location = arg === '' ? { ...DEMO_LOCATION } : parseCoordinates(arg)
      if (!location) return { kind: 'error', message: CHAT_MESSAGES.locationUsage() }
      return { kind: 'send', content: { location } }
    }
    default:
      if (arg === '') return { kind: 'error', message: CHAT_MESSAGES.photoUsage() }
      return { kind: 'photo', path: arg }
  }
}

/** `-7.98,112.63`, `-7.98, 112.63` or `-7.98 112.63`, within the globe; undefined otherwise. */
export function parseCoordinates(text: string): { lat: number; lng: number } | undefined {
  const match = /^(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)$/.exec(text.trim())
  if (!match) return undefined
  const lat = Number(match[1])
  const lng = Number(match[2])
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined
  return { lat, lng }
}
