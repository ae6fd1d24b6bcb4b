/**
 * The Telegram channel: a grammY `Bot` whose one middleware maps each update to an
 * `InboundMessage` and hands it to the runtime, which commits one transaction (docs/design.md P5);
 * the webhook answers only after that. Button presses are always answered, and the pressed keyboard
 * is replaced by the chosen label; a press on the keyboard of a question answered since (an older
 * message, a second tap) is answered with a short note and changes nothing. A failure of the update itself (a poisoned update) is logged without
 * personal data and acknowledged, because grammY does not route webhook errors to `bot.catch` and a
 * 500 would make Telegram redeliver it forever. A transient database failure is the
 * opposite: nothing was committed, so it is thrown, the webhook answers 500 and Telegram delivers
 * the update again (the `update_id` dedupe makes that safe). A photo is fetched within a time
 * bound, so a slow download never holds the webhook past Telegram's patience.
 * @module
 */
import { autoRetry } from '@grammyjs/auto-retry'
import { Api, Bot, type Context } from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import type { Logger } from '../../lib/logger.js'
import { describeError } from '../../lib/redact.js'
import type { ChannelSender } from '../types.js'
import type { InboundMessage } from '../../domain/messages.js'
import { isTransientDbError } from '../../lib/transient.js'
import { MAX_TEXT_LENGTH, decodeChoice, escapeHtml } from './render.js'
import {
  type TelegramSenderOptions,
  createTelegramSender,
  describeTelegramError,
} from './sender.js'
import type { ReadDocument } from '../documents.js'
import { type PendingPhoto, toInbound } from './to-inbound.js'

/** Where downloaded photos go (the conversation media store satisfies it). */
export type TelegramMediaStore = {
  put: (bytes: Uint8Array, extension: string) => Promise<string>
  /** Where a stored reference is on disk (to send a stored photo). */
  pathOf?: (ref: string) => string
  /** Reads a document a message carries (`certificate:…`), to upload it. */
  readDocument?: ReadDocument
}

/** The user-facing texts the channel itself writes, rendered from `locales/` by the caller. */
export type TelegramTexts = {
  /** Appended to a message whose button was pressed, e.g. "✓ Ya". */
  chosen: (label: string) => string
  /** The "share my number" button of a message asking for the phone (`request_contact`). */
  shareContact?: string
  /** The short note on a pressed button of a question already answered. */
  answered?: string
}

export type TelegramChannelDeps = {
  token: string
  apiRoot: string
  /** Skips `getMe` when given (tests, or a cached value). */
  botInfo?: UserFromGetMe
  handleInbound: (
    message: InboundMessage,
    now: Date
  ) => Promise<{ duplicate: boolean; stale?: boolean }>
  media: TelegramMediaStore
  texts: TelegramTexts
  logger: Logger
  clock?: () => Date
  /** How long fetching a photo may take before it counts as unreadable (default 5 s). */
  photoTimeoutMs?: number
  /** Pacing and concurrency of the outbox sender (tests scale them). */
  sender?: Omit<TelegramSenderOptions, 'mediaPath'>
}

export type TelegramChannel = {
  bot: Bot
  /** The outbox's sender for this channel (its own `Api`, without auto-retry). */
  sender: ChannelSender
}

/** Largest photo the bot downloads (Telegram's compressed photos are far smaller). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024

/** Auto-retry bounds for the calls made while answering an update: a short wait, never the
 * webhook held for long. */
const RETRY_BOUNDS = { maxRetryAttempts: 3, maxDelaySeconds: 5 }

export function createTelegramChannel(deps: TelegramChannelDeps): TelegramChannel {
  const clock = deps.clock ?? (() => new Date())
  const logger = deps.logger
  const bot = new Bot(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  })
  bot.api.config.use(autoRetry(RETRY_BOUNDS))
  const rawApi = new Api(deps.token, { apiRoot: deps.apiRoot })
  // Only long polling reaches this (a webhook error becomes a 500): without it, grammY
  // would stop polling at a database hiccup. Polling has no redelivery, so the update is lost.
  bot.catch((error) => {
    logger.error(
      { updateId: error.ctx.update.update_id, error: describeError(error.error) },
      'telegram update lost'
    )
  })

  bot.use(async (ctx) => {
    const updateId = ctx.update.update_id
    let note: string | undefined
    try {
      note = await handleUpdate(ctx)
    } catch (error) {
      if (isTransientDbError(error)) {
        logger.warn({ updateId, error: describeError(error) }, 'telegram update deferred')
        throw error
      }
      logger.error({ updateId, error: describeTelegramError(error) }, 'telegram update failed')
    } finally {
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery(note ? { text: note } : undefined).catch((error: unknown) => {
          logger.warn({ updateId, error: describeTelegramError(error) }, 'callback answer failed')
        })
      }
    }
  })

  /** Hands the update to the runtime; resolves with a note for the button press, if any. */
  async function handleUpdate(ctx: Context): Promise<string | undefined> {
    const now = clock()
    const mapped = toInbound(ctx.update, now)
    if (mapped.kind === 'ignored') {
      logger.debug({ updateId: ctx.update.update_id, reason: mapped.reason }, 'update ignored')
      return
    }
    const message = mapped.kind === 'photo' ? await withPhoto(ctx, mapped) : mapped.message
    const result = await deps.handleInbound(message, now)
    if (result.stale) return deps.texts.answered
    if (!result.duplicate && ctx.callbackQuery) await markPressed(ctx)
    return undefined
  }

  /** Downloads the photo into the media store; an unreadable file counts as a document. */
  async function withPhoto(ctx: Context, pending: PendingPhoto): Promise<InboundMessage> {
    try {
      if ((pending.fileSize ?? 0) > MAX_PHOTO_BYTES) throw new Error('photo too large')
      const signal = AbortSignal.timeout(deps.photoTimeoutMs ?? 5000)
      // Without grammY's retries: a slow or failing file server must not hold the webhook.
      const file = await rawApi.getFile(
        pending.fileId,
        signal as Parameters<typeof rawApi.getFile>[1]
      )
      if (!file.file_path) throw new Error('no file path')
      const url = `${deps.apiRoot}/file/bot${deps.token}/${file.file_path}`
      const response = await fetch(url, { signal })
      if (!response.ok) throw new Error(`download status ${response.status}`)
      const bytes = new Uint8Array(await response.arrayBuffer())
      if (bytes.length > MAX_PHOTO_BYTES) throw new Error('photo too large')
      const extension = /\.(png|webp)$/i.exec(file.file_path)?.[1]?.toLowerCase() ?? 'jpg'
      const ref = await deps.media.put(bytes, extension)
      return { ...pending.message, content: { type: 'photo', ref } }
    } catch (error) {
      logger.warn(
        { updateId: ctx.update.update_id, error: describeTelegramError(error) },
        'photo download failed'
      )
      return { ...pending.message, content: { type: 'unsupported', kind: 'document' } }
    }
  }

  /** Replaces the pressed keyboard with "✓ <label>" under the question. */
  async function markPressed(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery
    const message = query?.message
    if (!query?.data || !message || message.date === 0) return
    const id = decodeChoice(query.data)
    const buttons = 'reply_markup' in message ? message.reply_markup?.inline_keyboard : undefined
    const label = buttons?.flat().find((button) => {
      return 'callback_data' in button && button.callback_data === query.data
    })?.text
    if (id === undefined || label === undefined) return
    const original = 'text' in message ? message.text : undefined
    try {
      const text = original === undefined ? undefined : `${original}\n\n${deps.texts.chosen(label)}`
      if (text !== undefined && text.length <= MAX_TEXT_LENGTH) {
        await ctx.api.editMessageText(message.chat.id, message.message_id, escapeHtml(text), {
          parse_mode: 'HTML',
        })
      } else {
        await ctx.api.editMessageReplyMarkup(message.chat.id, message.message_id)
      }
    } catch (error) {
      logger.warn(
        { updateId: ctx.update.update_id, error: describeTelegramError(error) },
        'keyboard edit failed'
      )
    }
  }

  const senderApi = new Api(deps.token, { apiRoot: deps.apiRoot })
  const sender = createTelegramSender(senderApi, {
    ...deps.sender,
    ...(deps.texts.shareContact ? { texts: { shareContact: deps.texts.shareContact } } : {}),
    ...(deps.media.pathOf ? { mediaPath: deps.media.pathOf } : {}),
    ...(deps.media.readDocument ? { readDocument: deps.media.readDocument } : {}),
  })
  return { bot, sender }
}

/** The commands shown in Telegram's menu, in order; descriptions come from `locales/`. */
export const MENU_COMMANDS = ['lapor', 'riwayat', 'menu', 'bantuan', 'batal', 'daftar'] as const
