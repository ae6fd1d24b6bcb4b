/**
 * The impure shell around the engine (goflow's mailroom): one Postgres transaction per inbound
 * message records it (dedupe), loads and locks the conversation, runs the engine, writes the
 * effects, the new state, the outbox rows and the inactivity timers (docs/design.md P4-P7, P9).
 * @module
 */
import type { ChannelName, InboundMessage, OutboundMessage } from '../domain/messages.js'
import type { Db, DbOrTx } from '../db/client.js'
import type { ChatRead } from '../db/queries/chat-read.js'
import {
  type ConversationRow,
  findInbound,
  lockConversationAndRecordInbound,
  lockConversationById,
  openTurn,
  saveTurn,
} from '../db/queries/conversations.js'
import { type PlanFireParams, rescheduleFires } from '../db/queries/fires.js'
import { findLastUnpromptedChoices } from '../db/queries/whatsapp.js'
import { type TimerMove, findSentTurn, listRepliesTo } from '../db/queries/outbox.js'
import { PRIORITY, type Priority } from '../domain/priorities.js'
import {
  type FlowRegistry,
  type Input,
  InvalidChatStateError,
  type ChatState,
  emptyChatState,
  mayPickOffered,
  parseChatState,
  pickOffered,
  runTurnWithData,
} from '../engine/index.js'
import type { Logger } from '../lib/logger.js'
import type { RegionDirectory } from '../domain/regions.js'
import { type ChatEffect, applyEffects } from './registry.js'
import { withLookups } from './lookups.js'
import { loadSnapshot } from './snapshot.js'
import { type TextRenderer, addressedTo, fillOutcomes, renderReply } from '../messaging/render.js'
import { toInput } from './to-input.js'

/**
 * Inactivity settings (docs/design.md P4): a gentle reminder, then the draft is kept and the flow
 * closes.
 */
export type InactivitySettings = {
  reminderAfterMinutes: number
  expireAfterMinutes: number
  /** How late a missed timer may still run after a restart. */
  graceMinutes: number
}

export const DEFAULT_INACTIVITY: InactivitySettings = {
  reminderAfterMinutes: 120,
  expireAfterMinutes: 24 * 60,
  graceMinutes: 12 * 60,
}

export const CONVERSATION_FIRE_KINDS = {
  remind: 'conversation.remind',
  expire: 'conversation.expire',
} as const

export type ConversationTimeoutPayload = { conversationId: number; turn: number }

export type RuntimeDeps = {
  db: Db
  i18n: TextRenderer
  registry: FlowRegistry<ChatEffect>
  timeZone: string
  logger: Logger
  inactivity?: InactivitySettings
  /** Called after a commit that queued messages: on one channel, or on any (wakes the sender). */
  onQueued?: (channel?: ChannelName) => void
  /** The kecamatan and desa lists, loaded once at start. */
  directory: RegionDirectory
  /** Whom to contact for human help when a person has no supervisor (a setting). */
  helpLine: string
  /** The dashboard's base URL for login links (`PUBLIC_URL` or the server's); none: no links. */
  adminBaseUrl?: () => string | undefined
  /**
   * The database holds the demo data (`npm run seed:demo`, run while the bot is stopped), read
   * once at start: the demo flow (Kenalan) is then offered on every channel, not only the simulator.
   */
  demoData?: boolean
}

/**
 * `stale`: a button of a question answered since (an older message, a second tap) was pressed; it
 * is recorded and otherwise ignored, never read as the answer to the question asked now.
 */
export type HandleResult = { duplicate: boolean; replies: OutboundMessage[]; stale?: boolean }

export type Runtime = {
  handleInbound: (message: InboundMessage, now: Date) => Promise<HandleResult>
  handleTimeout: (
    tx: DbOrTx,
    kind: 'remind' | 'expire',
    payload: ConversationTimeoutPayload,
    now: Date
  ) => Promise<void>
  /**
   * Restarts each turn's inactivity timers from when its prompt reached the person (docs/design.md
   * P9), in one statement, on `db` when given (the outbox sender's own connections).
   */
  promptsDelivered: (prompts: DeliveredTurnPrompt[], db?: DbOrTx) => Promise<void>
  /** The timers `promptsDelivered` would move, each with its new due time (a key once). */
  timersOnDelivery: (prompts: DeliveredTurnPrompt[]) => { dedupeKey: string; dueAt: Date }[]
}

/** A turn's prompt that reached the person, and when. */
export type DeliveredTurnPrompt = { conversationId: number; turn: number; at: Date }

type TurnOutput = { messages: OutboundMessage[]; notified: boolean }

type ProcessParams = {
  conversation: ConversationRow
  input: Input
  phone?: string
  now: Date
  priority: Priority
  inboundId?: number
  /** A person's input starts a new turn and new timers; a timer's own turn does not. */
  newTurn: boolean
  /** The person and consent, when the turn's first statement read them. */
  chat?: ChatRead
}

/** Builds the runtime; nothing runs until a message or a timer arrives. */
export function createRuntime(deps: RuntimeDeps): Runtime {
  const inactivity = deps.inactivity ?? DEFAULT_INACTIVITY
  const label = (text: Parameters<TextRenderer['render']>[0]) => deps.i18n.render(text)

  function readChatState(conversation: ConversationRow): ChatState {
    try {
      return parseChatState(conversation.session)
    } catch (error) {
      if (!(error instanceof InvalidChatStateError)) throw error
      // A corrupt or unknown state must not lock the person out: start over, keep the evidence.
      deps.logger.warn({ conversationId: conversation.id, err: error }, 'session reset')
      return emptyChatState()
    }
  }

  /**
   * A short text answering the unprompted message last sent to this chat ("1" or "tinjau" under a
   * registration request) is that option picked, as a tap on its button, on every channel. In the
   * middle of a flow the text answers the open question instead (which of the two reached the
   * chat last is a race between sends); the unprompted message's buttons can still be tapped.
   */
  async function withOfferedPick(
    tx: DbOrTx,
    params: ProcessParams,
    session: ChatState
  ): Promise<Input> {
    const { input, conversation } = params
    if (!params.newTurn || input.type !== 'text' || !mayPickOffered(input.text)) return input
    if (session.active) return input
    const offered = await findLastUnpromptedChoices(tx, conversation.senderId, conversation.channel)
    const id = offered && pickOffered(input.text, offered, deps.registry)
    return id ? { type: 'choice', id } : input
  }

  async function process(tx: DbOrTx, params: ProcessParams): Promise<TurnOutput> {
    const { conversation, now } = params
    const session = readChatState(conversation)
    const input = await withOfferedPick(tx, params, session)
    const snapshot = await loadSnapshot(tx, {
      channel: conversation.channel,
      senderId: conversation.senderId,
      phone: params.phone,
      directory: deps.directory,
      helpLine: deps.helpLine,
      demoData: deps.demoData,
      ...(params.chat ? { chat: params.chat } : {}),
    })
    // The engine pauses for the data its flows declare (the options of the next question) and
    // goes on once this transaction has loaded it.
    const turn = await runTurnWithData(
      deps.registry,
      session,
      input,
      { now, timeZone: deps.timeZone, label, snapshot },
      (needs, current) => withLookups(tx, current, needs, { now, timeZone: deps.timeZone })
    )
    const applied = await applyEffects(
      tx,
      turn.effects,
      {
        conversationId: conversation.id,
        channel: conversation.channel,
        senderId: conversation.senderId,
        phone: params.phone,
        personId: snapshot.person?.id,
        now,
      },
      {
        i18n: deps.i18n,
        directory: deps.directory,
        timeZone: deps.timeZone,
        adminBaseUrl: deps.adminBaseUrl?.(),
      }
    )
    const turnNo = params.newTurn ? conversation.turn + 1 : conversation.turn
    // Texts name the person as Ibu/Bapak and their name (docs/domain.md, decision 19).
    const forPerson = addressedTo(deps.i18n, snapshot.person)
    // The flow's closing reply names what the appliers returned (a report's reference number).
    const messages = [...turn.replies, ...applied.replies].map((reply) =>
      renderReply(forPerson, fillOutcomes(reply, applied.outcome))
    )
    // The turn's own writes in one statement.
    await saveTurn(tx, {
      conversation: {
        id: conversation.id,
        session: turn.session,
        activeFlowId: turn.session.active?.flowId ?? null,
        turn: turnNo,
        now,
      },
      messages: messages.map((message) => ({
        channel: conversation.channel,
        recipientId: conversation.senderId,
        priority: params.priority,
        message,
        conversationId: conversation.id,
        inboundId: params.inboundId,
        turn: turnNo,
      })),
      ...(params.newTurn
        ? { timers: nextTimers(conversation.id, conversation.turn, turnNo, turn.session, now) }
        : {}),
    })
    // Effects may have queued messages to other people, on any channel.
    return { messages, notified: turn.effects.length > 0 }
  }

  /** A new turn's inactivity timers replace the previous turn's; a closed flow has none. */
  function nextTimers(
    conversationId: number,
    previousTurn: number,
    turnNo: number,
    session: ChatState,
    now: Date
  ): { cancel: string[]; plan: PlanFireParams[] } {
    const cancel = timerKeys(conversationId, previousTurn)
    if (!session.active) return { cancel, plan: [] }
    const payload: ConversationTimeoutPayload = { conversationId, turn: turnNo }
    const [remindKey, expireKey] = timerKeys(conversationId, turnNo)
    const graceSeconds = inactivity.graceMinutes * 60
    return {
      cancel,
      plan: [
        {
          kind: CONVERSATION_FIRE_KINDS.remind,
          dedupeKey: remindKey!,
          dueAt: addMinutes(now, inactivity.reminderAfterMinutes),
          graceSeconds,
          payload,
        },
        {
          kind: CONVERSATION_FIRE_KINDS.expire,
          dedupeKey: expireKey!,
          dueAt: addMinutes(now, inactivity.expireAfterMinutes),
          graceSeconds,
          payload,
        },
      ],
    }
  }

  return {
    async handleInbound(message, now) {
      const input = toInput(message.content)
      const result = await deps.db.transaction(async (tx) => {
        // The conversation first: its lock orders this person's messages, and the inbound row
        // is then written once, already linked (a duplicate only waited for the lock). The same
        // statement reads the person and the consent, unless another turn of this person
        // committed while it waited: then the lock is held and the chat is read apart.
        const opening = {
          channel: message.channel,
          senderId: message.senderId,
          emptyChatState: emptyChatState(),
          externalId: message.externalId,
          kind: message.content.type,
          text: input.type === 'text' ? input.text : null,
          receivedAt: message.receivedAt,
        }
        const opened: { conversation: ConversationRow; inboundId?: number; chat?: ChatRead } =
          (await openTurn(tx, opening)) ?? (await lockConversationAndRecordInbound(tx, opening))
        const { conversation, inboundId, chat } = opened
        if (inboundId === undefined) return { duplicate: true, replies: [], notified: false }
        if (await answeredBefore(tx, message, conversation.turn)) {
          return { duplicate: false, replies: [], notified: false, stale: true }
        }
        const output = await process(tx, {
          conversation,
          input,
          phone: message.phone,
          now,
          priority: PRIORITY.live,
          inboundId,
          newTurn: true,
          ...(chat ? { chat } : {}),
        })
        return { duplicate: false, replies: output.messages, notified: output.notified }
      })
      if (result.duplicate) {
        deps.logger.info(
          { channel: message.channel, externalId: message.externalId },
          'duplicate inbound'
        )
        return { duplicate: true, replies: await previousReplies(deps.db, message) }
      }
      if ('stale' in result) return { duplicate: false, replies: [], stale: true }
      if (result.notified) deps.onQueued?.()
      else if (result.replies.length > 0) deps.onQueued?.(message.channel)
      return { duplicate: false, replies: result.replies }
    },

    async handleTimeout(tx, kind, payload, now) {
      const conversation = await lockConversationById(tx, payload.conversationId)
      // The person answered since this timer was planned: it no longer applies.
      if (!conversation || conversation.turn !== payload.turn) return
      const output = await process(tx, {
        conversation,
        input: { type: 'timeout', kind },
        now,
        priority: PRIORITY.reminder,
        newTurn: false,
      })
      if (output.notified) deps.onQueued?.()
      else if (output.messages.length > 0) deps.onQueued?.(conversation.channel)
    },

    async promptsDelivered(prompts, db = deps.db) {
      const dueAt = new Map(timersOnDelivery(prompts).map((t) => [t.dedupeKey, t.dueAt]))
      await rescheduleFires(db, { dedupeKeys: [...dueAt.keys()], dueAt: (key) => dueAt.get(key)! })
    },

    timersOnDelivery,
  }

  function timersOnDelivery(prompts: DeliveredTurnPrompt[]) {
    const dueAt = new Map<string, Date>()
    for (const { conversationId, turn, at } of prompts) {
      const [remindKey, expireKey] = timerKeys(conversationId, turn)
      dueAt.set(remindKey!, addMinutes(at, inactivity.reminderAfterMinutes))
      dueAt.set(expireKey!, addMinutes(at, inactivity.expireAfterMinutes))
    }
    return [...dueAt].map(([dedupeKey, due]) => ({ dedupeKey, dueAt: due }))
  }
}

/**
 * A pressed button whose message was the reply of an earlier turn than the conversation's
 * current one: the person has answered since (typed, or pressed once already).
 */
async function answeredBefore(
  tx: DbOrTx,
  message: InboundMessage,
  currentTurn: number
): Promise<boolean> {
  const content = message.content
  if (content.type !== 'choice' || content.messageId === undefined) return false
  const turn = await findSentTurn(tx, {
    channel: message.channel,
    recipientId: message.senderId,
    platformMessageId: content.messageId,
  })
  return turn !== undefined && turn < currentTurn
}

/** The dedupe keys of one turn's inactivity timers: reminder, then expiry. */
export function timerKeys(conversationId: number, turn: number): string[] {
  return [`conv:${conversationId}:${turn}:remind`, `conv:${conversationId}:${turn}:expire`]
}

async function previousReplies(db: Db, message: InboundMessage): Promise<OutboundMessage[]> {
  const inbound = await findInbound(db, {
    channel: message.channel,
    externalId: message.externalId,
  })
  if (!inbound) return []
  const rows = await listRepliesTo(db, inbound.id)
  return rows.map((r) => r.message as OutboundMessage)
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000)
}

/** A message the sender delivered, as far as inactivity timers care. */
export type DeliveredPrompt = {
  row: { id: number; priority: number; conversationId: number | null; turn: number | null }
  at: Date
}

/** The turn prompts among delivered messages: live replies of a conversation's turn. */
function turnPrompts(delivered: DeliveredPrompt[]): (DeliveredTurnPrompt & { outboxId: number })[] {
  return delivered.flatMap(({ row, at }) =>
    row.priority === PRIORITY.live && row.conversationId !== null && row.turn !== null
      ? [{ conversationId: row.conversationId, turn: row.turn, at, outboxId: row.id }]
      : []
  )
}

/**
 * The sender's `onDelivered`: a turn's live reply that reached the person restarts that turn's
 * inactivity timers from then (docs/design.md P9); reminders and broadcasts restart nothing. The
 * sender moves the timers (`timerMoves`) in the statement that records the sends; called, it
 * moves them in a statement of its own.
 */
export function restartTimersOnDelivery(
  runtime: Pick<Runtime, 'promptsDelivered' | 'timersOnDelivery'>,
  db?: DbOrTx
): ((delivered: DeliveredPrompt[]) => Promise<void>) & {
  timerMoves: (delivered: DeliveredPrompt[]) => TimerMove[]
} {
  const restart = async (delivered: DeliveredPrompt[]) => {
    const prompts = turnPrompts(delivered)
    if (prompts.length > 0) await runtime.promptsDelivered(prompts, db)
  }
  return Object.assign(restart, {
    timerMoves: (delivered: DeliveredPrompt[]) =>
      turnPrompts(delivered).flatMap((prompt) =>
        runtime.timersOnDelivery([prompt]).map((timer) => ({ ...timer, outboxId: prompt.outboxId }))
      ),
  })
}
