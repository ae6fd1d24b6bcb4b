/**
 * Transcript tests that read like the conversation (docs/architecture.md#transcript-tests). `>`
 * is the person, `<` one bot message (indented lines continue it), `~ +2h` moves the clock,
 * `! remind` / `! expire` deliver the inactivity timers. Replies are rendered from the real `locales/id`, the WhatsApp way (a
 * numbered list). Every turn round-trips the session through JSON and the versioned schema, so
 * each transcript also proves restart safety. `…` in a bot message matches anything.
 *
 * Non-text inputs: `> [choice:send]`, `> [location:-7.98,112.63]`, `> [photo]`, `> [sticker]`.
 * @module
 */
import { expect } from 'vitest'
import { type ChatEffect, flowRegistry } from '../../src/conversation/registry.js'
import {
  type FlowRegistry,
  type Input,
  type Outcome,
  type ChatState,
  type Text,
  emptyChatState,
  parseChatState,
  runTurnWithData,
} from '../../src/engine/index.js'
import { addressedTo, fillOutcomes, renderReply } from '../../src/messaging/render.js'
import type { OutboundMessage } from '../../src/domain/messages.js'
import { testI18n } from './i18n.js'
import {
  type DataNeed,
  type Lookups,
  type Snapshot,
  emptySnapshot,
} from '../../src/domain/snapshot.js'
import { type RegionDirectory, buildRegionDirectory } from '../../src/domain/regions.js'
import { loadRegionRows } from '../../src/db/seed-regions.js'

export type TranscriptOptions = {
  at: string
  timeZone?: string
  session?: ChatState
  /**
   * Who is talking; by default someone unknown who has already consented, in the simulator (the
   * demo flow is offered: `tryout: false` for a real chat).
   */
  snapshot?: Partial<Snapshot>
  /** Answers a flow's data needs, as the runtime's queries would. */
  lookups?: (need: DataNeed) => Partial<Lookups>
  /**
   * What the appliers would return for the effects (a report's reference number), filling the
   * closing replies that name it; a name not given here reads `[name]`.
   */
  outcome?: Outcome
}

/**
 * The runtime's own list of flows (`src/conversation/registry.ts`), for the transcript tests
 * beside the flows, which may not import `conversation/` themselves.
 */
export { flowRegistry }

let directory: Promise<RegionDirectory> | undefined

/** The real Kabupaten Malang lists, read from the seed files once. */
export function testRegionDirectory(): Promise<RegionDirectory> {
  directory ??= loadRegionRows().then((levels) => buildRegionDirectory(levels.flat()))
  return directory
}

type Entry =
  | { kind: 'user'; raw: string }
  | { kind: 'bot'; text: string }
  | { kind: 'clock'; ms: number; raw: string }
  | { kind: 'timer'; timer: 'remind' | 'expire'; raw: string }

export type Transcript = {
  /** Runs the script and asserts the bot said what it shows. */
  expect: (script: string) => Promise<void>
  effects: ChatEffect[]
  session: ChatState
  now: Date
}

/** A conversation with the engine alone: pure, no database, milliseconds per turn. */
export function transcript(
  registry: FlowRegistry<ChatEffect>,
  options: TranscriptOptions
): Transcript {
  const timeZone = options.timeZone ?? 'Asia/Jakarta'
  const state: Transcript = {
    effects: [],
    session: options.session ?? emptyChatState(),
    now: parseAt(options.at),
    async expect(script) {
      const i18n = await testI18n(timeZone)
      let snapshot: Snapshot = {
        ...emptySnapshot(await testRegionDirectory()),
        consented: true,
        tryout: true,
        ...options.snapshot,
      }
      const entries = parseScript(script)
      const actual: string[] = []
      for (const entry of entries) {
        if (entry.kind === 'bot') continue
        if (entry.kind === 'clock') {
          state.now = new Date(state.now.getTime() + entry.ms)
          actual.push(entry.raw)
          continue
        }
        const input: Input =
          entry.kind === 'timer' ? { type: 'timeout', kind: entry.timer } : parseInput(entry.raw)
        actual.push(entry.kind === 'timer' ? entry.raw : `> ${entry.raw}`)
        const ctx = { now: state.now, timeZone, label: (t: Text) => i18n.render(t), snapshot }
        // The runtime's way: the engine pauses for the data its flows declare, answered here by
        // the test's lookups instead of queries.
        const turn = await runTurnWithData(
          registry,
          state.session,
          input,
          ctx,
          async (needs, current) => {
            snapshot = current
            for (const need of needs) {
              snapshot = {
                ...snapshot,
                lookups: { ...snapshot.lookups, ...options.lookups?.(need) },
              }
            }
            return snapshot
          }
        )
        // Restart safety: what the next turn sees is what a database would have returned.
        state.session = parseChatState(JSON.parse(JSON.stringify(turn.session)))
        state.effects.push(...(JSON.parse(JSON.stringify(turn.effects)) as ChatEffect[]))
        // The next turn reads the consent just recorded, as the runtime's snapshot would.
        for (const effect of turn.effects) {
          if (effect.type !== 'consent_answered') continue
          snapshot = { ...snapshot, consented: effect.given, refusedConsent: !effect.given }
        }
        const forPerson = addressedTo(i18n, snapshot.person)
        for (const reply of turn.replies) {
          const filled = fillOutcomes(reply, options.outcome ?? {}, (name) => `[${name}]`)
          const message = renderReply(forPerson, filled)
          // A placeholder left unfilled reaches the person as "{{value}}": never acceptable.
          expect(formatWhatsApp(message)).not.toMatch(/\{\{|\}\}/)
          actual.push(formatBot(message))
        }
      }
      const expected = entries.map((e) =>
        e.kind === 'bot' ? `< ${e.text}` : e.kind === 'user' ? `> ${e.raw}` : e.raw
      )
      expect(alignLoose(actual, expected).join('\n')).toEqual(expected.join('\n'))
    },
  }
  return state
}

/** Renders a message as WhatsApp shows it: the text, then the numbered options. */
export function formatWhatsApp(message: OutboundMessage): string {
  const options = (message.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)
  return [message.text, ...options].join('\n')
}

function formatBot(message: OutboundMessage): string {
  return `< ${formatWhatsApp(message)}`
}

function parseScript(script: string): Entry[] {
  const entries: Entry[] = []
  for (const rawLine of script.split('\n')) {
    const line = rawLine.trim()
    if (line.length === 0) continue
    if (line.startsWith('> ')) entries.push({ kind: 'user', raw: line.slice(2) })
    else if (line.startsWith('< ')) entries.push({ kind: 'bot', text: line.slice(2) })
    else if (line.startsWith('~ '))
      entries.push({ kind: 'clock', ms: parseDuration(line), raw: line })
    else if (line === '! remind' || line === '! expire') {
      entries.push({ kind: 'timer', timer: line.slice(2) as 'remind' | 'expire', raw: line })
    } else {
      const last = entries.at(-1)
      if (last?.kind !== 'bot') throw new Error(`Transcript line outside a bot message: ${line}`)
      last.text += `\n${line}`
    }
  }
  return entries
}

function parseInput(raw: string): Input {
  const special = /^\[(\w+)(?::(.*))?\]$/.exec(raw)
  if (!special) return { type: 'text', text: raw }
  const [, kind, arg] = special
  if (kind === 'choice') return { type: 'choice', id: arg! }
  if (kind === 'location') {
    const [lat, lng] = arg!.split(',').map(Number)
    return { type: 'location', lat: lat!, lng: lng! }
  }
  if (kind === 'photo') return { type: 'photo', ref: arg ?? 'media:test.jpg' }
  if (kind === 'contact') return { type: 'contact', phone: arg! }
  return { type: 'unsupported', kind: kind! }
}

function parseDuration(line: string): number {
  const match = /^~ \+(\d+)(m|h|d)$/.exec(line)
  if (!match) throw new Error(`Bad clock line: ${line}`)
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd']
  return Number(match[1]) * unit
}

function parseAt(at: string): Date {
  // "2025-11-24 08:00 WIB" → an instant; only WIB is needed by the tests.
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}) WIB$/.exec(at)
  if (!match) throw new Error(`Use "YYYY-MM-DD HH:MM WIB", got ${at}`)
  return new Date(`${match[1]}T${match[2]}:${match[3]}:00+07:00`)
}

/** Where an expected bot message uses `…`, accept the actual one if it matches that pattern. */
function alignLoose(actual: string[], expected: string[]): string[] {
  return actual.map((line, i) => {
    const want = expected[i]
    if (want === undefined || !want.includes('…')) return line
    const pattern = want
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*?')
    return new RegExp(`^${pattern}$`).test(line) ? want : line
  })
}
