/**
 * The outbox sender (docs/design.md P6): per channel, while it holds that channel's lease (one
 * sender per channel across replicas), it claims queued rows fairly (by priority, then round-robin
 * over chats), skips what must not go out (opted-out people, unreachable chats: never a reply to
 * what a person wrote), hands each row to its channel within the channel's pacing, records the
 * outcome, and retries failures with exponential backoff until `maxAttempts`. A 429 waits
 * Telegram's `retry_after` and does not count as a failed try; 429s are counted apart, and a row
 * rate limited too often or for too long fails. Live replies go out at once: every commit that
 * queues a message wakes the sender, and a running batch takes the new rows in, ahead of less
 * urgent rows and of busy chats' later rows, so a reply never waits behind a broadcast or behind
 * another chat's pacing. Sends in flight grow with the platform's answer time, so a slow platform
 * still gets the paced rate. A slow poll catches retries that became due and rows left by a
 * crashed sender (`sending` past their lease). Every write after a claim is fenced by the claim's
 * attempt number, so a sender that lost a row to another one changes nothing.
 * @module
 */
import type { ChannelSender, DeliveryResult, PacingLimits } from '../channels/types.js'
import type { ChannelName, OutboundMessage } from '../domain/messages.js'
import type { Db } from '../db/client.js'
import {
  type ClaimedOutboxRow,
  type TimerMove,
  claimOutbox,
  expireChannelLeases,
  fairOrder,
  markFailed,
  markPartsSent,
  markRecipientUnreachable,
  markSentMany,
  releaseClaim,
  skipUnwanted,
} from '../db/queries/outbox.js'
import { PRIORITY } from '../domain/priorities.js'
import type { Logger } from '../lib/logger.js'
import { describeError } from '../lib/redact.js'
import { groupCommit } from '../lib/group-commit.js'
import { retryTransient } from '../lib/transient.js'
import { type ChannelLease, type LeaseFactory, soleLease } from './lease.js'
import {
  type Concurrency,
  type Pacer,
  createConcurrency,
  createPacer,
  spacingMs,
} from './pacing.js'

export type OutboxSenderDeps = {
  db: Db
  channels: ChannelSender[]
  logger: Logger
  batchSize?: number
  /** How long a claimed row is ours; after that another sender may retry it. */
  leaseSeconds?: number
  maxAttempts?: number
  /**
   * A 429 costs no attempt, so a chat that rate-limits forever would be retried forever: a row
   * fails at its `maxRateLimits`-th 429 (default 100), or at the first 429 that comes
   * `maxRateLimitedMs` or later after its first (default 24 h), whichever is first.
   */
  maxRateLimits?: number
  maxRateLimitedMs?: number
  /** Delay before retry number `attempt` (1-based). */
  backoffMs?: (attempt: number) => number
  pollIntervalMs?: number
  /**
   * Called with rows just recorded as delivered, several at once under load (the runtime starts
   * inactivity timers then, docs/design.md P9). A failure is logged; the rows stay sent. A hook
   * with `timerMoves` is not called: the timers it names move in the statement that records the
   * sends (for the rows whose claim held).
   */
  onDelivered?: DeliveryHook
  /** Per channel, limits that replace the channel's own (`null`: unpaced). */
  pacing?: Partial<Record<ChannelName, PacingLimits | null>>
  /** Per channel, sends in flight at once, replacing the channel's own (a benchmark's raised limits). */
  concurrency?: Partial<Record<ChannelName, number>>
  /** The one-sender-per-channel lease (default: always held, for a single process). */
  leases?: LeaseFactory
  /** The pacing clock in milliseconds (default `performance.now`). */
  paceClock?: () => number
  /** The wall clock for recorded times (default `new Date()`). */
  clock?: () => Date
  /** A row that pacing holds longer than this goes back to the queue with a not-before. */
  maxHoldMs?: number
  /**
   * After taking a channel's lease, how long until the rows the previous holder left in
   * `sending` are retried: long enough for a live previous holder to have noticed its loss
   * (default 2 s, twice the lease check).
   */
  takeoverGraceMs?: number
}

export type OutboxSender = {
  /** Starts draining `channel` (or every channel) soon; cheap to call often. */
  wake: (channel?: ChannelName) => void
  /** Sends everything due on a channel now; resolves with how many rows were handled. */
  drain: (channel: ChannelName) => Promise<number>
  /** Resolves when no drain is running. */
  idle: () => Promise<void>
  /** Whether this sender holds the channel's lease now. */
  holdsLease: (channel: ChannelName) => boolean
  start: () => void
  stop: () => Promise<void>
}

/** A row fails at this many 429s (each one costs no attempt). */
export const DEFAULT_MAX_RATE_LIMITS = 100
/** A row still answered 429 this long after its first 429 fails. */
export const DEFAULT_MAX_RATE_LIMITED_MS = 24 * 3600_000

/** Rows of one chat in one claim when the channel paces no chat. */
const DEFAULT_PER_CHAT_CLAIM = 5
/** A running batch takes in at least this many new rows, however full it is. */
const TOP_UP_MIN = 10

export const defaultBackoffMs = (attempt: number): number =>
  Math.min(1000 * 2 ** (attempt - 1), 10 * 60_000)

type ChannelState = {
  sender: ChannelSender
  pacer: Pacer
  lease: ChannelLease
  /** Sends in flight allowed, sized to the answer times seen. */
  concurrency: Concurrency
  /** Rows of one chat in one claim: its burst; more would only wait for its pacing. */
  perChatClaim: number
  /** The lease was taken a grace period ago: free the previous holder's rows before a claim. */
  takeoverDue: boolean
  /** Something changed (a send finished, a wake, a lease change): a waiting batch looks again. */
  changed: Promise<void>
  kick: () => void
}

type Outcome = 'sent' | 'retry' | 'failed' | 'unreachable' | 'lost'

/** A row the platform accepted, and when. */
export type Delivered = { row: ClaimedOutboxRow; at: Date; platformMessageId?: string | undefined }

/** What follows a delivery: a call after the sends are recorded, or timers moved with them. */
export type DeliveryHook = ((delivered: Delivered[]) => Promise<void>) & {
  timerMoves?: (delivered: Delivered[]) => TimerMove[]
}

/** Builds a sender for the given channels; `start` takes the leases and begins polling. */
export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const batchSize = deps.batchSize ?? 50
  const leaseSeconds = deps.leaseSeconds ?? 60
  const maxAttempts = deps.maxAttempts ?? 5
  const maxRateLimits = deps.maxRateLimits ?? DEFAULT_MAX_RATE_LIMITS
  const maxRateLimitedMs = deps.maxRateLimitedMs ?? DEFAULT_MAX_RATE_LIMITED_MS
  const backoffMs = deps.backoffMs ?? defaultBackoffMs
  const maxHoldMs = deps.maxHoldMs ?? 2000
  const takeoverGraceMs = deps.takeoverGraceMs ?? 2000
  const paceClock = deps.paceClock ?? (() => performance.now())
  const clock = deps.clock ?? (() => new Date())
  const leases = deps.leases ?? soleLease
  const states = new Map<ChannelName, ChannelState>()
  for (const sender of deps.channels) {
    const override = deps.pacing?.[sender.channel]
    const limits = override === undefined ? (sender.pacing ?? {}) : (override ?? {})
    const fixed = deps.concurrency?.[sender.channel]
    const base = fixed ?? sender.concurrency ?? 1
    const state: ChannelState = {
      sender,
      pacer: createPacer(limits, paceClock),
      lease: leases(sender.channel),
      concurrency: createConcurrency({
        base,
        max: fixed ?? sender.maxConcurrency ?? base,
        spacingMs: spacingMs(limits),
      }),
      perChatClaim: limits.perChat?.count ?? DEFAULT_PER_CHAT_CLAIM,
      takeoverDue: false,
      changed: Promise.resolve(),
      kick: () => undefined,
    }
    renewSignal(state)
    states.set(sender.channel, state)
  }
  const running = new Map<ChannelName, Promise<number>>()
  const again = new Set<ChannelName>()
  /** Channels woken by new rows while a batch runs: the batch gives its unsent rows back. */
  const preempt = new Set<ChannelName>()
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  /**
   * Sends that came back are recorded together (group commit): one statement for all the sends
   * that finished while the previous record was being written, then one for their timers.
   */
  const recordSent = groupCommit(async (sent: Delivered[]) => {
    const moves = deps.onDelivered?.timerMoves?.(sent)
    const recorded = await retryTransient(() =>
      markSentMany(
        deps.db,
        sent.map(({ row, platformMessageId }) => ({
          id: row.id,
          attempts: row.attempts,
          platformMessageId,
        })),
        moves
      )
    )
    const delivered = sent.filter(({ row }) => recorded.has(row.id))
    if (deps.onDelivered && !moves && delivered.length > 0) {
      await deps.onDelivered(delivered).catch((error: unknown) => {
        deps.logger.warn({ err: error, rows: delivered.length }, 'delivery follow-up failed')
      })
    }
    return sent.map(({ row }) => recorded.has(row.id))
  })

  function renewSignal(state: ChannelState): void {
    state.changed = new Promise<void>((resolve) => {
      state.kick = () => {
        resolve()
        renewSignal(state)
      }
    })
  }

  const mayRun = (state: ChannelState) => !stopped && state.lease.held()

  /** Sends one row and records the outcome. */
  async function deliver(
    state: ChannelState,
    row: ClaimedOutboxRow,
    finish: () => void
  ): Promise<Outcome> {
    const claim = { id: row.id, attempts: row.attempts }
    const startedAt = paceClock()
    let result: DeliveryResult
    try {
      result = await state.sender.send(
        row.recipientId,
        row.message as OutboundMessage,
        {
          partsSent: row.partsSent,
          partSent: async (partsSent) => {
            await retryTransient(() => markPartsSent(deps.db, { ...claim, partsSent }))
          },
        },
        { priority: row.priority }
      )
    } catch (error) {
      result = { ok: false, retryable: true, error: describeError(error) }
    } finally {
      state.concurrency.observe(paceClock() - startedAt)
      finish()
    }
    const log = { outboxId: row.id, channel: row.channel, attempts: row.attempts }
    if (result.ok) {
      const recorded = await recordSent({
        row,
        at: clock(),
        platformMessageId: result.platformMessageId,
      })
      if (!recorded) {
        // Another sender took the row after our lease expired: it may go out twice (docs/design.md
        // P6).
        deps.logger.warn(log, 'outbox row sent after its claim was lost')
        return 'lost'
      }
      return 'sent'
    }
    if (result.retryAfterMs !== undefined) {
      state.pacer.holdOff(result.retryAfterMs, result.holdOffAll ? undefined : row.recipientId)
      // A wait of our own (no connection, a daily cap) is no rate limit: it is not counted.
      const rateLimitedAt = result.localWait ? undefined : clock()
      if (rateLimitedAt) {
        const rateLimits = row.rateLimits + 1
        const since = row.rateLimitedSince ?? rateLimitedAt
        if (
          rateLimits >= maxRateLimits ||
          rateLimitedAt.getTime() - since.getTime() >= maxRateLimitedMs
        ) {
          // Rate limited for good: the chat never lets this row through.
          const gaveUp = `gave up after ${rateLimits} rate limits (429) since ${since.toISOString()}`
          await retryTransient(() =>
            markFailed(deps.db, {
              ...claim,
              error: `${gaveUp}: ${result.error}`,
              rateLimitedAt,
            })
          )
          deps.logger.warn({ ...log, rateLimits }, 'delivery failed: rate limited too long')
          return 'failed'
        }
      }
      await retryTransient(() =>
        markFailed(deps.db, {
          ...claim,
          error: result.error,
          retryInMs: result.retryAfterMs,
          refundAttempt: true,
          ...(rateLimitedAt ? { rateLimitedAt } : {}),
        })
      )
      deps.logger.warn(
        { ...log, retryAfterMs: result.retryAfterMs },
        rateLimitedAt ? 'delivery rate limited' : 'delivery deferred'
      )
      return 'retry'
    }
    if (result.unreachable) {
      await retryTransient(() =>
        markRecipientUnreachable(deps.db, {
          channel: row.channel,
          recipientId: row.recipientId,
          at: clock(),
        })
      )
    }
    const retry = result.retryable && !result.unreachable && row.attempts < maxAttempts
    const retryInMs = retry ? backoffMs(row.attempts) : undefined
    await retryTransient(() => markFailed(deps.db, { ...claim, error: result.error, retryInMs }))
    deps.logger.warn({ ...log, retry }, 'delivery failed')
    if (result.unreachable) return 'unreachable'
    return retry ? 'retry' : 'failed'
  }

  /**
   * Sends one claimed batch within the channel's pacing, up to `concurrency` at once but never two
   * to the same chat, and each chat's rows in claim order. Resolves to the rows handled.
   */
  async function sendBatch(
    channel: ChannelName,
    state: ChannelState,
    rows: ClaimedOutboxRow[],
    claimedFull: boolean
  ) {
    const pending = [...rows]
    /** The last claim filled its limit: more rows are likely queued. */
    let more = claimedFull
    const inFlight = new Map<string, Promise<void>>()
    /** Chats whose earlier row will be retried or waits: their later rows go back, in order. */
    const held = new Set<string>()
    let handled = 0

    /** Sends waiting for the platform: what `concurrency` limits (a record is not a send). */
    let sending = 0
    const start = (row: ClaimedOutboxRow) => {
      const paced = state.pacer.begin(row.recipientId)
      sending++
      const finish = () => {
        paced()
        sending--
        // A slot is free while the chat still waits for its record: the next chat may go.
        state.kick()
      }
      const run = deliver(state, row, finish)
        .then((outcome) => {
          // Later rows to this chat wait for a retry; to an unreachable chat they come back and
          // are skipped unless they are replies.
          if (outcome === 'retry' || outcome === 'unreachable') held.add(row.recipientId)
          handled++
        })
        .catch((error: unknown) => {
          held.add(row.recipientId)
          deps.logger.error({ outboxId: row.id, channel, err: error }, 'outbox record failed')
        })
        .finally(() => {
          inFlight.delete(row.recipientId)
          // A reply that went out may have a follow-up that waited for it (same chat, in order,
          // queued meanwhile or passed over by the claim's cap per chat): look for it now rather
          // than after the batch.
          if (
            row.priority === PRIORITY.live &&
            !pending.some((other) => other.recipientId === row.recipientId)
          )
            preempt.add(channel)
          state.kick()
        })
      inFlight.set(row.recipientId, run)
    }

    while (pending.length > 0 || inFlight.size > 0) {
      // Taken before this round looks at anything: a change during its awaits still wakes it.
      const changed = state.changed
      if (!mayRun(state)) {
        // Give back what has not started; what is in flight finishes and is recorded.
        for (const row of pending.splice(0)) await retryTransient(() => releaseClaim(deps.db, row))
      } else if (
        (preempt.has(channel) || (more && pending.length < batchSize / 4)) &&
        !state.takeoverDue
      ) {
        // New rows were queued or came due, or the batch runs low while more are queued: they
        // join this batch in the fair order (a chat not in it goes before the busy chats' later
        // rows, a reply before a broadcast), so nobody waits for this batch's busy chats, and the
        // sends in flight never run dry between batches. Rows less urgent than all of the batch
        // wait for the next.
        const least =
          pending.length > 0 ? Math.max(...pending.map((row) => row.priority)) : undefined
        const limit = Math.max(batchSize - pending.length, TOP_UP_MIN)
        // A failed top-up (the database is away) leaves the batch as it is: what is claimed
        // and in flight is still sent and recorded; the next wake or poll looks again.
        const added = await claimBatch(channel, {
          ...(least === undefined ? {} : { priorityAtMost: least }),
          limit,
        }).catch((error: unknown) => {
          deps.logger.warn({ channel, err: error }, 'outbox top-up failed')
          return undefined
        })
        more = added?.claimed === limit
        if (added) {
          handled += added.skipped
          pending.splice(0, pending.length, ...fairOrder([...pending, ...added.rows]))
        }
      }
      let wait = Infinity
      const seen = new Set<string>()
      for (let i = 0; i < pending.length && sending < state.concurrency.limit();) {
        const row = pending[i]!
        const chat = row.recipientId
        if (held.has(chat)) {
          pending.splice(i, 1)
          await retryTransient(() => releaseClaim(deps.db, row))
          handled++
          continue
        }
        const first = !seen.has(chat) && !inFlight.has(chat)
        seen.add(chat)
        if (!first) {
          i++
          continue
        }
        const delay = state.pacer.delayFor(chat, row.priority === PRIORITY.live)
        if (delay === 0) {
          pending.splice(i, 1)
          start(row)
        } else if (delay !== Infinity && delay > maxHoldMs) {
          // A long wait (a busy group): back to the queue, not holding the batch.
          pending.splice(i, 1)
          held.add(chat)
          await retryTransient(() => releaseClaim(deps.db, row, delay))
        } else {
          wait = Math.min(wait, delay)
          i++
        }
      }
      if (pending.length === 0 && inFlight.size === 0) break
      await waitFor(changed, wait)
    }
    return handled
  }

  /** Waits `ms` (a pacing delay) or until `changed` resolves, whichever is first. */
  async function waitFor(changed: Promise<void>, ms: number): Promise<void> {
    if (ms === Infinity) return changed
    let timeout: NodeJS.Timeout | undefined
    await Promise.race([
      changed,
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, Math.max(1, Math.ceil(ms)))
      }),
    ])
    clearTimeout(timeout)
  }

  /** Claims a batch (fairly, see `claimOutbox`) and skips what must not go out. */
  async function claimBatch(
    channel: ChannelName,
    options: { priorityAtMost?: number; limit?: number } = {}
  ) {
    preempt.delete(channel)
    const rows = await claimOutbox(deps.db, {
      channel,
      limit: options.limit ?? batchSize,
      leaseSeconds,
      perChat: states.get(channel)?.perChatClaim ?? DEFAULT_PER_CHAT_CLAIM,
      ...(options.priorityAtMost === undefined ? {} : { priorityAtMost: options.priorityAtMost }),
    })
    // Replies are never skipped: no query when the batch holds nothing else.
    const skipped = rows.some((row) => row.priority > PRIORITY.live)
      ? new Set(await skipUnwanted(deps.db, { claims: rows, livePriority: PRIORITY.live }))
      : new Set<number>()
    return {
      claimed: rows.length,
      skipped: skipped.size,
      rows: rows.filter((row) => !skipped.has(row.id)),
    }
  }

  async function drainOnce(channel: ChannelName): Promise<number> {
    const state = states.get(channel)
    if (!state) return 0
    let handled = 0
    while (mayRun(state)) {
      if (state.takeoverDue) {
        state.takeoverDue = false
        await takeOver(channel)
      }
      const batch = await claimBatch(channel)
      if (batch.claimed === 0) return handled
      handled += batch.skipped
      handled += await sendBatch(channel, state, batch.rows, batch.claimed === batchSize)
    }
    return handled
  }

  function drain(channel: ChannelName): Promise<number> {
    const current = running.get(channel)
    if (current) {
      again.add(channel)
      return current
    }
    const run = (async () => {
      let total = 0
      try {
        do {
          again.delete(channel)
          total += await drainOnce(channel)
        } while (again.has(channel) && !stopped)
      } catch (error) {
        deps.logger.error({ channel, err: error }, 'outbox drain failed')
      } finally {
        // No await between the last check of `again` and this: a wake cannot fall in between.
        running.delete(channel)
      }
      return total
    })()
    running.set(channel, run)
    return run
  }

  /**
   * The previous holder's rows in `sending` are retried now, not when their leases run out. Runs
   * between batches (this sender then has no claim of its own), so only the old holder's rows
   * are freed.
   */
  async function takeOver(channel: ChannelName): Promise<void> {
    const freed = await expireChannelLeases(deps.db, channel)
    if (freed > 0)
      deps.logger.info({ channel, freed }, 'outbox rows of the previous sender retried')
  }

  /**
   * Drains without topping up a running batch (the poll, a lease gained): rows that came due wait
   * for the batch to run low or end, so a lease regained after an outage is taken over between
   * batches first.
   */
  function poke(channel?: ChannelName): void {
    if (stopped) return
    for (const name of channel ? [channel] : states.keys()) {
      void drain(name)
    }
  }

  function wake(channel?: ChannelName): void {
    if (stopped) return
    for (const name of channel ? [channel] : states.keys()) {
      if (running.has(name)) {
        preempt.add(name)
        states.get(name)?.kick()
      }
      void drain(name)
    }
  }

  return {
    wake,
    drain,
    async idle() {
      while (running.size > 0) await Promise.all(running.values())
    },
    holdsLease: (channel) => states.get(channel)?.lease.held() ?? false,
    start() {
      stopped = false
      for (const [channel, state] of states) {
        state.lease.start((held) => {
          state.kick()
          if (!held) return
          poke(channel)
          const takeover = setTimeout(() => {
            state.takeoverDue = true
            poke(channel)
          }, takeoverGraceMs)
          takeover.unref()
        })
      }
      timer = setInterval(() => poke(), deps.pollIntervalMs ?? 1000)
      timer.unref()
      poke()
    },
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      for (const state of states.values()) state.kick()
      await Promise.all(running.values())
      await Promise.all([...states.values()].map((state) => state.lease.stop()))
    },
  }
}
