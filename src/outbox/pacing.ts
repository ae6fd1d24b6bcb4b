/**
 * Per-channel pacing (docs/design.md P6). The channel's rate (one bot, one number) is kept by
 * spacing starts evenly at the limit less a safety margin, so the platform never sees its limit
 * reached however long it takes to answer: a send counts from its start, not its answer, and the
 * rate holds with many sends in flight. Chats and group chats have sliding windows of "at most
 * `count` messages in any `windowMs`", where a send counts from its start until `windowMs` after it
 * finished, so a chat's short burst and its average are both kept also with a send in flight.
 * Pure: the clock is a parameter and so are the limits, so tests run a scaled-down version fast.
 * @module
 */
import type { PacingLimits, RateWindow } from '../channels/types.js'

export type { PacingLimits, RateWindow }

/** The share of the channel's rate kept free when the limits name none. */
export const DEFAULT_MARGIN = 0.05

/**
 * How early a start may come before its even slot, as a share of the spacing: a timer that fires
 * a little late does not cost the rate, and the platform's window still holds fewer than its limit.
 */
const SLOT_TOLERANCE = 0.25

/**
 * How late a start may be, as a share of the spacing, and still keep its slot. With the early
 * tolerance, at most `count x (1 - margin) + 1.75` starts fall in any window: 30 for Telegram.
 */
const CATCH_UP = 0.5

/** Milliseconds between two starts on the channel (0: no channel rate). */
export function spacingMs(limits: PacingLimits): number {
  if (!limits.total) return 0
  const margin = limits.margin ?? DEFAULT_MARGIN
  return limits.total.windowMs / (limits.total.count * (1 - margin))
}

/** The limits with every window stretched by `factor` (0.1: ten times as fast). */
export function scalePacing(limits: PacingLimits, factor: number): PacingLimits {
  const scale = (window: RateWindow | undefined) =>
    window && { count: window.count, windowMs: window.windowMs * factor }
  return {
    ...limits,
    ...(limits.total ? { total: scale(limits.total) } : {}),
    ...(limits.perChat ? { perChat: scale(limits.perChat) } : {}),
    ...(limits.perGroup ? { perGroup: scale(limits.perGroup) } : {}),
    ...(limits.perChatUnsolicited ? { perChatUnsolicited: scale(limits.perChatUnsolicited) } : {}),
  }
}

export type Pacer = {
  /**
   * Milliseconds until a message to `recipientId` may start: 0 now, `Infinity` when the only way
   * is to wait for a send in flight to finish. A live reply (`live`) is not held by the pace of
   * unsolicited messages.
   */
  delayFor: (recipientId: string, live?: boolean) => number
  /** Records that a send starts; call the returned function once it finished (either way). */
  begin: (recipientId: string) => () => void
  /** The platform asked to wait (429 `retry_after`): for this chat, or for all without one. */
  holdOff: (ms: number, recipientId?: string) => void
}

/** A sliding window: finished sends by finish time (ascending), and how many are in flight. */
class Window {
  private finished: number[] = []
  private inFlight = 0

  constructor(private readonly limit: RateWindow) {}

  private prune(now: number): void {
    let expired = 0
    while (expired < this.finished.length && this.finished[expired]! <= now - this.limit.windowMs)
      expired++
    if (expired > 0) this.finished.splice(0, expired)
  }

  delay(now: number): number {
    this.prune(now)
    const excess = this.finished.length + this.inFlight - this.limit.count + 1
    if (excess <= 0) return 0
    if (excess > this.finished.length) return Infinity
    return this.finished[excess - 1]! + this.limit.windowMs - now
  }

  start(): void {
    this.inFlight++
  }

  finish(now: number): void {
    this.inFlight--
    this.finished.push(now)
  }

  idle(now: number): boolean {
    this.prune(now)
    return this.inFlight === 0 && this.finished.length === 0
  }
}

/**
 * Even spacing of starts (a virtual schedule): each start takes the next slot, `gapMs` after the
 * previous one; a start may come a little before its slot, never earlier, and an idle spell gives
 * no burst afterwards.
 */
class Spacing {
  private nextSlot = -Infinity

  constructor(private readonly gapMs: number) {}

  delay(now: number): number {
    return Math.max(0, this.nextSlot - this.gapMs * SLOT_TOLERANCE - now)
  }

  start(now: number): void {
    // A start up to half a gap late keeps its slot (a timer that fired late, a busy event loop):
    // the next one may then come sooner, so the rate holds; a later start loses the time.
    const late = now - this.nextSlot
    this.nextSlot = (late <= this.gapMs * CATCH_UP ? this.nextSlot : now) + this.gapMs
  }
}

/** A pacer for one channel; without limits every delay is 0 (the simulator). */
export function createPacer(limits: PacingLimits, clock: () => number): Pacer {
  const gap = spacingMs(limits)
  const total = gap > 0 ? new Spacing(gap) : undefined
  // A hard cap under the spacing: sends in flight and finished within the window, at most the
  // rate less the margin. Timers that catch up and answers that come back together can bring
  // evenly spaced starts closer at the platform than they started; this keeps its window safe.
  const capped =
    gap > 0 && limits.total
      ? new Window({
          count: Math.max(
            1,
            Math.floor(limits.total.count * (1 - (limits.margin ?? DEFAULT_MARGIN)))
          ),
          windowMs: limits.total.windowMs,
        })
      : undefined
  const chats = new Map<string, Window>()
  const unsolicited = new Map<string, Window>()
  const groups = new Map<string, Window>()
  const heldUntil = new Map<string, number>()
  let allHeldUntil = 0
  let sinceSweep = 0

  const windowOf = (map: Map<string, Window>, limit: RateWindow | undefined, id: string) => {
    if (!limit) return undefined
    let window = map.get(id)
    if (!window) {
      window = new Window(limit)
      map.set(id, window)
    }
    return window
  }

  /** The windows a send to the chat counts in; a live reply is held only by the first two. */
  const windowsFor = (recipientId: string): [Window[], Window[]] => {
    const group = limits.isGroup?.(recipientId) === true
    const holding = [
      windowOf(chats, limits.perChat, recipientId),
      group ? windowOf(groups, limits.perGroup, recipientId) : undefined,
    ].filter((window): window is Window => window !== undefined)
    const quiet = windowOf(unsolicited, limits.perChatUnsolicited, recipientId)
    return [holding, quiet ? [quiet] : []]
  }

  /** Forgets chats whose windows are empty, now and then, so memory follows the active chats. */
  const sweep = (now: number) => {
    if (++sinceSweep < 1000) return
    sinceSweep = 0
    for (const map of [chats, unsolicited, groups]) {
      for (const [id, window] of map) if (window.idle(now)) map.delete(id)
    }
    for (const [id, until] of heldUntil) if (until <= now) heldUntil.delete(id)
  }

  return {
    delayFor(recipientId, live = false) {
      const now = clock()
      const held = Math.max(allHeldUntil, heldUntil.get(recipientId) ?? 0) - now
      const [holding, quiet] = windowsFor(recipientId)
      const windows = live ? holding : [...holding, ...quiet]
      return Math.max(
        0,
        held,
        total?.delay(now) ?? 0,
        capped?.delay(now) ?? 0,
        ...windows.map((window) => window.delay(now))
      )
    },
    begin(recipientId) {
      const [holding, quiet] = windowsFor(recipientId)
      const windows = [...holding, ...quiet]
      total?.start(clock())
      capped?.start()
      for (const window of windows) window.start()
      let done = false
      return () => {
        if (done) return
        done = true
        const now = clock()
        for (const window of windows) window.finish(now)
        capped?.finish(now)
        sweep(now)
      }
    },
    holdOff(ms, recipientId) {
      const until = clock() + ms
      if (recipientId === undefined) allHeldUntil = Math.max(allHeldUntil, until)
      else heldUntil.set(recipientId, Math.max(heldUntil.get(recipientId) ?? 0, until))
    },
  }
}

export type ConcurrencyOptions = {
  /** Sends in flight when answers are quick (the channel's `concurrency`). */
  base: number
  /** The bound, however slow the answers (the channel's `maxConcurrency`). */
  max: number
  /** Milliseconds between starts the pacing allows (0: no channel rate, the limit stays `base`). */
  spacingMs: number
}

/** Sends in flight sized to the answer time the channel shows, so the rate holds when it slows. */
export type Concurrency = {
  /** A send took this long from its start to its answer. */
  observe: (latencyMs: number) => void
  /** Sends allowed in flight now. */
  limit: () => number
}

/** Weight of the newest answer time in the running average. */
const LATENCY_WEIGHT = 0.2
/** Head room over the sends the average answer time needs, for answers slower than the average. */
const LATENCY_HEADROOM = 1.5

/**
 * Keeping the rate needs `answer time / spacing` sends in flight (Little's law); the limit is that
 * with head room, never below `base` nor above `max`.
 */
export function createConcurrency(options: ConcurrencyOptions): Concurrency {
  const base = Math.max(1, options.base)
  const max = Math.max(base, options.max)
  let average: number | undefined
  return {
    observe(latencyMs) {
      average = average === undefined ? latencyMs : average + LATENCY_WEIGHT * (latencyMs - average)
    },
    limit() {
      if (average === undefined || options.spacingMs <= 0) return base
      const needed = Math.ceil((average / options.spacingMs) * LATENCY_HEADROOM) + 1
      return Math.min(max, Math.max(base, needed))
    },
  }
}
