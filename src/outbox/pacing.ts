/**
 * Per-channel pacing (docs/design.md P6), one mechanism for every limit. The platform counts a
 * send when it arrives, at some moment between its start and its answer. Each limit "at most
 * `count` in any `windowMs`" is kept by counting every send that may have arrived within the last
 * `windowMs`: from its start, while in flight (it may not have arrived yet, however long it
 * takes), and once answered until `windowMs` after the latest it can have arrived, its answer less
 * the platform's own part of an answer. That part is measured: the fastest of the latest answers,
 * less a small allowance for that answer's own way out. So a slow platform (300 ms answers, the
 * time spent after the arrival) costs no rate, a send held up on its way (a busy event loop, a
 * slow network) counts until it is answered, and a single slow answer holds one place, not the
 * rate. On top, the channel's starts are spaced evenly at its rate less a margin, so the count is
 * seldom what holds a send. Pure: the clock is a parameter and so are the limits, so tests run a
 * scaled-down version fast.
 * @module
 */
import type { PacingLimits, RateWindow } from '../channels/types.js'

export type { PacingLimits, RateWindow }

/** The share of the channel's rate kept free when the limits name none. */
export const DEFAULT_MARGIN = 0.05

/**
 * How early a start may come before its even slot, as a share of the spacing: a timer that fires
 * a little late does not cost the rate. The windows still hold the platform's count.
 */
const SLOT_TOLERANCE = 0.25

/** How late a start may be, as a share of the spacing, and still keep its slot. */
const CATCH_UP = 0.5

/** Answers the platform's part is measured over (the latest). */
const ANSWER_SAMPLES = 64
/**
 * The way out of the fastest answer, as a share of the shortest window (50 ms for Telegram): the
 * platform's own part of an answer is taken as the fastest answer less this. At 5% of the window
 * it costs no rate under a 5% margin. It assumes that among the latest answers one went out within
 * 50 ms of its start: true near the platform and with an event loop that is not blocked for every
 * send; a host whose every request takes longer on its way (a far data centre, a starved process)
 * is counted short by the difference, which the margin covers up to about 50 ms.
 */
const WAY_OUT_SHARE = 0.05
/**
 * The way out is never taken as less than this, whatever the window: a request's own way out (the
 * client's event loop, the socket) does not shrink with a shorter window, and a window scaled down
 * for a test must not be counted short by a few milliseconds of it.
 */
const WAY_OUT_MIN_MS = 50

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
   * Milliseconds until a message to `recipientId` may start: 0 now, `Infinity` when only an
   * answer to a send in flight can make room. A live reply (`live`) is not held by the pace of
   * unsolicited messages.
   */
  delayFor: (recipientId: string, live?: boolean) => number
  /** Records that a send starts; call the returned function once it finished (either way). */
  begin: (recipientId: string) => () => void
  /** The platform asked to wait (429 `retry_after`): for this chat, or for all without one. */
  holdOff: (ms: number, recipientId?: string) => void
  /**
   * The platform's own part of an answer (measured): an answered send arrived at least this long
   * before its answer.
   */
  platformPartMs: () => number
}

/**
 * The fastest of the latest answers less its way out: how long before its answer any send
 * arrived at least. Before an answer was seen, nothing (a send counts until its answer).
 */
class PlatformPart {
  private readonly samples: number[] = []
  private next = 0

  constructor(private readonly wayOutMs: number) {}

  observe(latencyMs: number): void {
    if (this.samples.length < ANSWER_SAMPLES) this.samples.push(latencyMs)
    else this.samples[this.next] = latencyMs
    this.next = (this.next + 1) % ANSWER_SAMPLES
  }

  ms(): number {
    if (this.samples.length === 0) return 0
    return Math.max(0, Math.min(...this.samples) - this.wayOutMs)
  }
}

/**
 * One limit's sends: how many are in flight, and for each answered one the latest it can have
 * arrived (ascending). A send counts while in flight and until `windowMs` after that moment.
 */
class Window {
  private arrived: number[] = []
  private inFlight = 0

  constructor(private readonly limit: RateWindow) {}

  private prune(now: number): void {
    let expired = 0
    while (expired < this.arrived.length && this.arrived[expired]! <= now - this.limit.windowMs)
      expired++
    if (expired > 0) this.arrived.splice(0, expired)
  }

  delay(now: number): number {
    this.prune(now)
    const excess = this.arrived.length + this.inFlight - this.limit.count + 1
    if (excess <= 0) return 0
    // Only an answer can make room: a send in flight may arrive any moment.
    if (excess > this.arrived.length) return Infinity
    return this.arrived[excess - 1]! + this.limit.windowMs - now
  }

  start(): void {
    this.inFlight++
  }

  /** The send was answered; it arrived at `latestArrival` at the latest. */
  finish(latestArrival: number): void {
    this.inFlight--
    let at = this.arrived.length
    while (at > 0 && this.arrived[at - 1]! > latestArrival) at--
    this.arrived.splice(at, 0, latestArrival)
  }

  idle(now: number): boolean {
    this.prune(now)
    return this.inFlight === 0 && this.arrived.length === 0
  }
}

/**
 * Even spacing of the channel's starts (a virtual schedule): each start takes the next slot,
 * `gapMs` after the previous one; a start may come a little before its slot, never earlier, and
 * an idle spell gives no burst afterwards.
 */
class Spacing {
  private nextSlot = -Infinity

  constructor(private readonly gapMs: number) {}

  delay(now: number): number {
    return Math.max(0, this.nextSlot - this.gapMs * SLOT_TOLERANCE - now)
  }

  start(now: number): void {
    // A start up to half a gap late keeps its slot (a timer that fired late, a busy event loop):
    // the next one may then come sooner, so the rate holds; a later start loses the time. The
    // channel's window keeps the platform's count whatever the catching up does.
    const late = now - this.nextSlot
    this.nextSlot = (late <= this.gapMs * CATCH_UP ? this.nextSlot : now) + this.gapMs
  }
}

/** A pacer for one channel; without limits every delay is 0 (the simulator). */
export function createPacer(limits: PacingLimits, clock: () => number): Pacer {
  const gap = spacingMs(limits)
  const shortest = Math.min(
    ...[limits.total, limits.perChat, limits.perGroup, limits.perChatUnsolicited].flatMap(
      (window) => (window ? [window.windowMs] : [])
    )
  )
  const platformPart = new PlatformPart(
    shortest === Infinity ? 0 : Math.max(WAY_OUT_MIN_MS, shortest * WAY_OUT_SHARE)
  )
  const spacing = gap > 0 ? new Spacing(gap) : undefined
  const channel = limits.total ? new Window(limits.total) : undefined
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
      const counted = live ? holding : [...holding, ...quiet]
      if (channel) counted.push(channel)
      return Math.max(
        0,
        held,
        spacing?.delay(now) ?? 0,
        ...counted.map((window) => window.delay(now))
      )
    },
    begin(recipientId) {
      const [holding, quiet] = windowsFor(recipientId)
      const windows = channel ? [channel, ...holding, ...quiet] : [...holding, ...quiet]
      const startedAt = clock()
      spacing?.start(startedAt)
      for (const window of windows) window.start()
      let done = false
      return () => {
        if (done) return
        done = true
        const now = clock()
        // The platform's part as measured before this answer: a held-up send is not its own proof.
        const latestArrival = Math.max(startedAt, now - platformPart.ms())
        platformPart.observe(now - startedAt)
        for (const window of windows) window.finish(latestArrival)
        sweep(now)
      }
    },
    holdOff(ms, recipientId) {
      const until = clock() + ms
      if (recipientId === undefined) allHeldUntil = Math.max(allHeldUntil, until)
      else heldUntil.set(recipientId, Math.max(heldUntil.get(recipientId) ?? 0, until))
    },
    platformPartMs: () => platformPart.ms(),
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
