/**
 * The words that work at any step (DOMAIN §6.3): MENU, BATAL, BANTUAN, KEMBALI, LEWATI, and the
 * flows' own trigger words. Commands are data; matching ignores case, a leading slash and a
 * Telegram `@botname` suffix, so `/lapor@kaderbot`, `LAPOR` and `lapor` are the same.
 * @module
 */
import type { FlowRegistry } from './registry.js'

export type Command =
  | { kind: 'menu' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'start'; flowId: string }

const GLOBAL_WORDS: Record<string, Command> = {
  menu: { kind: 'menu' },
  start: { kind: 'menu' },
  'menu utama': { kind: 'menu' },
  batal: { kind: 'cancel' },
  batalkan: { kind: 'cancel' },
  selesai: { kind: 'cancel' },
  cancel: { kind: 'cancel' },
  bantuan: { kind: 'help' },
  help: { kind: 'help' },
  tolong: { kind: 'help' },
  kembali: { kind: 'back' },
  back: { kind: 'back' },
  lewati: { kind: 'skip' },
  lewat: { kind: 'skip' },
  skip: { kind: 'skip' },
  '-': { kind: 'skip' },
}

/** The command a whole message stands for, if it is one. */
export function detectCommand(text: string, registry: FlowRegistry): Command | undefined {
  const word = commandWord(text)
  if (word === undefined) return undefined
  const global = GLOBAL_WORDS[word]
  if (global) return global
  const flow = registry.byCommand(word)
  return flow ? { kind: 'start', flowId: flow.id } : undefined
}

function commandWord(text: string): string | undefined {
  let t = text.trim().toLowerCase()
  if (t.length === 0 || t.length > 40) return undefined
  if (t.startsWith('/')) {
    // "/lapor@kaderbot extra words": the command is the first token, without the bot name.
    t = t.slice(1).split(/\s+/)[0]!.replace(/@\w+$/, '')
  }
  return t.replace(/[.!?]+$/, '').replace(/\s+/g, ' ')
}
