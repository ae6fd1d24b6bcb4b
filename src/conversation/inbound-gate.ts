/**
 * The per-sender gate in front of `handleInbound`: one chat sending 50
 * messages a second is slowed without starving anyone else.
 *
 * - **One turn at a time per chat.** A chat's messages run one after another, in arrival order, in
 *   this process; the ones waiting hold no database connection (the conversation row lock alone
 *   would serialise them too, but each waiter would hold a pooled connection meanwhile, so one
 *   flooding chat could take the whole pool).
 * - **A token bucket per chat** (default 30 messages at once, then 3 a second): beyond it a
 *   message is *recorded, not run*. Its inbound row is written with its text and `throttled_at`
 *   (so nothing a person typed is silently lost: support sees it, the retention job treats it as
 *   any other text), the webhook is answered 200 (a redelivery loop would only prolong the flood),
 *   and the chat gets one friendly "terlalu cepat, kirim ulang" notice per minute at most.
 *
 * A real person never reaches the limit by typing or tapping buttons; forwarding a batch of more
 * than thirty messages at once would, and is told to resend. The state is in memory and per process: with several
 * replicas each one limits what it receives, and Postgres's row lock keeps a chat's turns apart.
 * @module
 */
import type { ChannelName, InboundMessage } from '../domain/messages.js'
import type { Db } from '../db/client.js'
import { recordInbound } from '../db/queries/conversations.js'
import { enqueueMessages } from '../db/queries/outbox.js'
import { PRIORITY } from '../domain/priorities.js'
import type { Logger } from '../lib/logger.js'
import { type TextRenderer, renderReply } from '../messaging/render.js'
import type { HandleResult, Runtime } from './runtime.js'
import { toInput } from './to-input.js'

export type InboundGateLimits = {
  /** Messages a chat may send at once (the bucket's size). */
  burst: number
  /** Messages a second the bucket refills with. */
  perSecond: number
  /** Least time between two "terlalu cepat" notices to one chat. */
  noticeEveryMs: number
}

export const DEFAULT_GATE_LIMITS: InboundGateLimits = {
  burst: 30,
  perSecond: 3,
  noticeEveryMs: 60_000,
}

export type InboundGateDeps = {
  db: Db
  i18n: TextRenderer
  logger: Logger
  handleInbound: Runtime['handleInbound']
  /** Wakes the outbox sender after a notice was queued. */
  onQueued?: (channel?: ChannelName) => void
  limits?: Partial<InboundGateLimits>
  /** Milliseconds clock of the buckets (default `performance.now`). */
  clock?: () => number
}

export type InboundGate = {
  handleInbound: Runtime['handleInbound']
  /** Chats with state in memory (waiting turns or a bucket not yet full). */
  size: () => number
}

type SenderState = {
  tokens: number
  refilledAt: number
  /** The last turn queued for this chat; the next one starts after it. */
  tail: Promise<unknown>
  waiting: number
  noticeAt: number | undefined
}

/** Above this many chats in memory, idle ones are swept on the next message. */
const SWEEP_ABOVE = 10_000

export function createInboundGate(deps: InboundGateDeps): InboundGate {
  const limits = { ...DEFAULT_GATE_LIMITS, ...deps.limits }
  const clock = deps.clock ?? (() => performance.now())
  const senders = new Map<string, SenderState>()

  const refill = (state: SenderState, at: number) => {
    const earned = ((at - state.refilledAt) / 1000) * limits.perSecond
    state.tokens = Math.min(limits.burst, state.tokens + earned)
    state.refilledAt = at
  }

  const isIdle = (state: SenderState, at: number) => {
    refill(state, at)
    return state.waiting === 0 && state.tokens >= limits.burst
  }

  const sweep = (at: number) => {
    for (const [key, state] of senders) if (isIdle(state, at)) senders.delete(key)
  }

  /** Records a refused message (text kept) and, at most once a minute, tells the chat. */
  async function throttle(
    message: InboundMessage,
    now: Date,
    state: SenderState,
    at: number
  ): Promise<HandleResult> {
    const input = toInput(message.content)
    const previousNotice = state.noticeAt
    const notify = previousNotice === undefined || at - previousNotice >= limits.noticeEveryMs
    // Taken before the write, so refused messages arriving meanwhile do not notify again.
    if (notify) state.noticeAt = at
    const reply = renderReply(deps.i18n, { texts: [{ key: 'common:tooFast' }] })
    const record = deps.db.transaction(async (tx) => {
      const inboundId = await recordInbound(tx, {
        channel: message.channel,
        externalId: message.externalId,
        senderId: message.senderId,
        kind: message.content.type,
        text: input.type === 'text' ? input.text : null,
        receivedAt: message.receivedAt,
        throttledAt: now,
      })
      if (inboundId === undefined) return false
      if (notify) {
        await enqueueMessages(tx, [
          {
            channel: message.channel,
            recipientId: message.senderId,
            priority: PRIORITY.live,
            message: reply,
            inboundId,
          },
        ])
      }
      return true
    })
    const recorded = await record.catch((error: unknown) => {
      if (notify) state.noticeAt = previousNotice
      throw error
    })
    if (!recorded) {
      if (notify) state.noticeAt = previousNotice
      return { duplicate: true, replies: [] }
    }
    // Once per notice at warn; a flood's other messages at debug, so the log does not flood too.
    deps.logger[notify ? 'warn' : 'debug'](
      { channel: message.channel, externalId: message.externalId, notified: notify },
      'inbound throttled'
    )
    if (!notify) return { duplicate: false, replies: [] }
    deps.onQueued?.(message.channel)
    return { duplicate: false, replies: [reply] }
  }

  return {
    size: () => senders.size,
    async handleInbound(message, now) {
      const at = clock()
      const key = `${message.channel}:${message.senderId}`
      let state = senders.get(key)
      if (!state) {
        if (senders.size >= SWEEP_ABOVE) sweep(at)
        state = {
          tokens: limits.burst,
          refilledAt: at,
          tail: Promise.resolve(),
          waiting: 0,
          noticeAt: undefined,
        }
        senders.set(key, state)
      }
      refill(state, at)
      if (state.tokens < 1) return throttle(message, now, state, at)
      state.tokens -= 1

      const current = state
      current.waiting += 1
      const turn = current.tail.then(() => deps.handleInbound(message, now))
      current.tail = turn.catch(() => undefined)
      try {
        return await turn
      } finally {
        current.waiting -= 1
        if (isIdle(current, clock()) && senders.get(key) === current) senders.delete(key)
      }
    },
  }
}
