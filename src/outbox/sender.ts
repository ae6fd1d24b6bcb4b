/**
 * The outbox sender (DESIGN P6): claims queued rows per channel by priority with SKIP LOCKED,
 * hands each to its channel, records the outcome, and retries failures with exponential backoff
 * until `maxAttempts`. Live replies go out at once because every commit that queues a message
 * wakes it; a slow poll catches retries that became due and rows left by a crashed sender.
 * Later issues add per-channel pacing and a cross-replica lease on top of this loop.
 * @module
 */
import type { ChannelName, ChannelSender, OutboundMessage } from '../channels/types.js'
import type { Db } from '../db/client.js'
import {
  type OutboxRow,
  claimOutbox,
  markFailed,
  markSent,
  releaseClaim,
} from '../db/queries/outbox.js'
import type { Logger } from '../lib/logger.js'
import { describeError } from '../lib/redact.js'

export type OutboxSenderDeps = {
  db: Db
  channels: ChannelSender[]
  logger: Logger
  batchSize?: number
  /** How long a claimed row is ours; after that another sender may retry it. */
  leaseSeconds?: number
  maxAttempts?: number
  /** Delay before retry number `attempt` (1-based). */
  backoffMs?: (attempt: number) => number
  pollIntervalMs?: number
  /** Called after a row was delivered (the runtime starts inactivity timers then, DESIGN P9). */
  onDelivered?: (row: OutboxRow, deliveredAt: Date) => Promise<void>
}

export type OutboxSender = {
  /** Starts draining `channel` (or every channel) soon; cheap to call often. */
  wake: (channel?: ChannelName) => void
  /** Sends everything due on a channel now; resolves with how many rows were handled. */
  drain: (channel: ChannelName) => Promise<number>
  /** Resolves when no drain is running. */
  idle: () => Promise<void>
  start: () => void
  stop: () => Promise<void>
}

export const defaultBackoffMs = (attempt: number): number =>
  Math.min(1000 * 2 ** (attempt - 1), 10 * 60_000)

/** Builds a sender for the given channels; `start` begins polling, `wake` drains at once. */
export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const batchSize = deps.batchSize ?? 50
  const leaseSeconds = deps.leaseSeconds ?? 60
  const maxAttempts = deps.maxAttempts ?? 5
  const backoffMs = deps.backoffMs ?? defaultBackoffMs
  const byChannel = new Map(deps.channels.map((c) => [c.channel, c]))
  const running = new Map<ChannelName, Promise<number>>()
  const again = new Set<ChannelName>()
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  /** Sends one row and records the outcome; `false` when it will be retried later. */
  async function deliver(sender: ChannelSender, row: OutboxRow): Promise<boolean> {
    let result
    try {
      result = await sender.send(row.recipientId, row.message as OutboundMessage)
    } catch (error) {
      result = { ok: false as const, retryable: true, error: describeError(error) }
    }
    if (result.ok) {
      await markSent(deps.db, { id: row.id, platformMessageId: result.platformMessageId })
      await deps.onDelivered?.(row, new Date())
      return true
    }
    const retry = result.retryable && row.attempts < maxAttempts
    const retryInMs = retry ? (result.retryAfterMs ?? backoffMs(row.attempts)) : undefined
    await markFailed(deps.db, { id: row.id, error: result.error, retryInMs })
    deps.logger.warn(
      { outboxId: row.id, channel: row.channel, attempts: row.attempts, retry },
      'delivery failed'
    )
    return !retry
  }

  async function drainOnce(channel: ChannelName): Promise<number> {
    const sender = byChannel.get(channel)
    if (!sender) return 0
    let handled = 0
    for (;;) {
      const rows = await claimOutbox(deps.db, { channel, limit: batchSize, leaseSeconds })
      if (rows.length === 0) return handled
      // In claim order: per recipient, messages leave in the order they were queued, and after
      // a failure that will be retried, that recipient's later messages wait for it.
      const waiting = new Set<string>()
      for (const row of rows) {
        if (waiting.has(row.recipientId)) await releaseClaim(deps.db, row.id)
        else if (!(await deliver(sender, row))) waiting.add(row.recipientId)
      }
      handled += rows.length
    }
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

  function wake(channel?: ChannelName): void {
    if (stopped) return
    for (const name of channel ? [channel] : byChannel.keys()) void drain(name)
  }

  return {
    wake,
    drain,
    async idle() {
      while (running.size > 0) await Promise.all(running.values())
    },
    start() {
      stopped = false
      timer = setInterval(() => wake(), deps.pollIntervalMs ?? 1000)
      timer.unref()
      wake()
    },
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      await Promise.all(running.values())
    },
  }
}
