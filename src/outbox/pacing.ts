/**
 * Per-channel pacing (docs/design.md P6): sliding windows of "at most `count` messages in any
 * `windowMs`" for the whole channel (one bot, one number), for each chat, and for each group chat.
 * Pure: the clock is a parameter and so are the limits, so tests run a scaled-down version fast.
 *
 * A send counts from when it starts, and stays counted until `windowMs` after it finished, so the
 * platform (which counts arrivals, somewhere in between) never sees more than the limit in any
 * window, also with several sends in flight.
 * @module
 */
import type { PacingLimits, RateWindow } from '../channels/types.js'

export type { PacingLimits, RateWindow }

/** The limits with every window stretched by `factor` (0.1: ten times as fast). */
export function scalePacing(limits: PacingLimits, factor: number): PacingLimits {
  const scale = (window: RateWindow | undefined) =>
    window && { count: window.count, windowMs: window.windowMs * factor }
  return {
    ...limits,
    ...(limits.total ? { total: scale(limits.total) } : {}),
    ...(limits.perChat ? { perChat: scale(limits.perChat) } : {}),
    ...(limits.perGroup ? { perGroup: scale(limits.perGroup) } : {}),
  }
}

export type Pacer = {
  /**
   * Milliseconds until a message to `recipientId` may start: 0 now, `Infinity` when the only way
   * is to wait for a send in flight to finish.
   */
  delayFor: (recipientId: string) => number
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

/** A pacer for one channel; without limits every delay is 0 (the simulator). */
export function createPacer(limits: PacingLimits, clock: () => number): Pacer {
  const total = limits.total ? new Window(limits.total) : undefined
  const chats = new Map<string, Window>()
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

  const windowsFor = (recipientId: string): Window[] => {
    const group = limits.isGroup?.(recipientId) === true
    return [
      total,
      windowOf(chats, limits.perChat, recipientId),
      group ? windowOf(groups, limits.perGroup, recipientId) : undefined,
    ].filter((window): window is Window => window !== undefined)
  }

  /** Forgets chats whose windows are empty, now and then, so memory follows the active chats. */
  const sweep = (now: number) => {
    if (++sinceSweep < 1000) return
    sinceSweep = 0
    for (const map of [chats, groups]) {
      for (const [id, window] of map) if (window.idle(now)) map.delete(id)
    }
    for (const [id, until] of heldUntil) if (until <= now) heldUntil.delete(id)
  }

  return {
    delayFor(recipientId) {
      const now = clock()
      const held = Math.max(allHeldUntil, heldUntil.get(recipientId) ?? 0) - now
      return Math.max(0, held, ...windowsFor(recipientId).map((window) => window.delay(now)))
    },
    begin(recipientId) {
      const windows = windowsFor(recipientId)
      for (const window of windows) window.start()
      let done = false
      return () => {
        if (done) return
        done = true
        const now = clock()
        for (const window of windows) window.finish(now)
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
