/**
 * The words that work at any step (docs/domain.md#chat-conventions): MENU, BATAL, BANTUAN, KEMBALI,
 * LEWATI, and the flows' own trigger words. Commands are data; matching ignores case, a leading
 * slash and a Telegram `@botname` suffix, so `/lapor@kaderbot`, `LAPOR` and `lapor` are the same.
 * The global words are in `locales/id/lexicon.json`.
 * @module
 */
import { lexicon } from './lexicon.js'
import type { FlowRegistry } from './registry.js'

export type Command =
  | { kind: 'menu' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'privacy' }
  | { kind: 'stop' }
  | { kind: 'resume' }
  | { kind: 'start'; flowId: string; arg?: string }

type GlobalKind = Exclude<Command, { kind: 'start' }>['kind']

// The global words by what they do (`locales/id/lexicon.json`).
const GLOBAL_WORDS = new Map<string, Command>(
  (Object.entries(lexicon.commands) as [GlobalKind, string[]][]).flatMap(([kind, words]) =>
    words.map((word): [string, Command] => [word, { kind }])
  )
)

/** A button that starts a flow, e.g. "Tinjau" under an approval request: `start:<flow>:<arg>`. */
export function startButtonId(flowId: string, arg?: string): string {
  return arg === undefined ? `start:${flowId}` : `start:${flowId}:${arg}`
}

/** The start command a pressed button stands for, if it is a start button. */
export function detectStartButton(id: string): Command | undefined {
  const match = /^start:([\w-]+)(?::(.+))?$/.exec(id)
  if (!match) return undefined
  return match[2] === undefined
    ? { kind: 'start', flowId: match[1]! }
    : { kind: 'start', flowId: match[1]!, arg: match[2] }
}

/** The command a whole message stands for, if it is one. */
export function detectCommand(
  text: string,
  registry: Pick<FlowRegistry, 'byCommand'>
): Command | undefined {
  const word = commandWord(text)
  if (word === undefined) return undefined
  const global = GLOBAL_WORDS.get(word)
  if (global) return global
  const flow = registry.byCommand(word)
  return flow ? { kind: 'start', flowId: flow.id } : undefined
}

/** No flows: only the global words. */
const NO_FLOWS: Pick<FlowRegistry, 'byCommand'> = { byCommand: () => undefined }

/** Whether a whole message is MULAI (resume), which after a declined notice also agrees to it. */
export function isResumeCommand(text: string): boolean {
  return detectCommand(text, NO_FLOWS)?.kind === 'resume'
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
