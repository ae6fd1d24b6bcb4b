/**
 * WhatsApp pacing against bans (docs/design.md P6): messages leave one at a time, with
 * a minimum gap plus random jitter between any two messages (global) and a longer one between two
 * messages to the same chat. Bursts at machine speed are what gets unofficial numbers banned;
 * reports put WhatsApp's 429 at about 3 messages a second, so the defaults stay well below it.
 * The clock, the sleep and the randomness are parameters, so tests run a scaled-down version.
 * @module
 */

export type HumanPacing = {
  /** Least time between two messages to the same chat. */
  perChatGapMs: number
  /** Up to this much more, at random, per chat. */
  perChatJitterMs: number
  /** Least time between any two messages of the number. */
  globalGapMs: number
  /** Up to this much more, at random, globally. */
  globalJitterMs: number
  /** Messages nobody asked for (see `replyWindowMs`), per local day. */
  unsolicitedPerDay: number
  /** A message to a chat that wrote within this window answers it; later ones are unsolicited. */
  replyWindowMs: number
}

/** Conservative defaults: about one message a second overall, replies feel typed, not fired. */
export const DEFAULT_HUMAN_PACING: HumanPacing = {
  perChatGapMs: 1_500,
  perChatJitterMs: 1_500,
  globalGapMs: 700,
  globalJitterMs: 800,
  unsolicitedPerDay: 200,
  replyWindowMs: 24 * 60 * 60 * 1000,
}

export type HumanPacerDeps = {
  limits: HumanPacing
  clock: () => Date
  sleep: (ms: number) => Promise<void>
  /** A number in [0, 1) (default `Math.random`). */
  random?: () => number
}

export type HumanPacer = {
  /** Resolves when a message to `chatId` may leave; the slot is then taken. Calls are serialised. */
  take: (chatId: string) => Promise<void>
}

/** How many idle chats the pacer remembers before forgetting the ones whose gap has passed. */
const MAX_TRACKED_CHATS = 10_000

export function createHumanPacer(deps: HumanPacerDeps): HumanPacer {
  const random = deps.random ?? Math.random
  const { limits } = deps
  let nextGlobalAt = 0
  const nextChatAt = new Map<string, number>()
  let queue: Promise<void> = Promise.resolve()

  async function reserve(chatId: string): Promise<void> {
    const now = deps.clock().getTime()
    const at = Math.max(now, nextGlobalAt, nextChatAt.get(chatId) ?? 0)
    if (at > now) await deps.sleep(at - now)
    const sentAt = Math.max(at, deps.clock().getTime())
    nextGlobalAt = sentAt + limits.globalGapMs + random() * limits.globalJitterMs
    nextChatAt.set(chatId, sentAt + limits.perChatGapMs + random() * limits.perChatJitterMs)
    if (nextChatAt.size > MAX_TRACKED_CHATS) {
      for (const [id, next] of nextChatAt) if (next <= sentAt) nextChatAt.delete(id)
    }
  }

  return {
    take(chatId) {
      const turn = queue.then(() => reserve(chatId))
      queue = turn.catch(() => undefined)
      return turn
    },
  }
}
