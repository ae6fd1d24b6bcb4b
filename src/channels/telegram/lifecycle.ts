/**
 * How Telegram updates reach the bot once the server listens: a registered webhook (with the
 * command menu), or long polling; returns how to stop it.
 * @module
 */
import type { Logger } from '../../lib/logger.js'
import { MENU_COMMANDS, type TelegramChannel } from './bot.js'
import { describeTelegramError } from './sender.js'

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const

export type TelegramUpdatesParams = {
  telegram: TelegramChannel
  mode: 'webhook' | 'polling'
  /** The public base URL the webhook is registered under; without it no webhook is set. */
  publicUrl?: string
  webhookSecret?: string
  /** The description of a menu command (`/lapor`), in the bot's language. */
  describeCommand: (command: string) => string
  logger: Logger
}

/** Starts receiving updates; resolves to the function that stops polling (a no-op for webhooks). */
export async function startTelegramUpdates(
  params: TelegramUpdatesParams
): Promise<() => Promise<void>> {
  const { telegram, logger } = params
  const bot = telegram.bot
  const commands = MENU_COMMANDS.map((command) => ({
    command,
    description: params.describeCommand(command),
  }))
  if (params.mode === 'webhook') {
    if (!params.publicUrl) return async () => undefined
    try {
      await bot.init()
      await bot.api.setWebhook(`${params.publicUrl}/webhook/telegram`, {
        secret_token: params.webhookSecret,
        allowed_updates: [...ALLOWED_UPDATES],
      })
      await bot.api.setMyCommands(commands)
      logger.info('telegram webhook registered')
    } catch (error) {
      // The webhook keeps working if it was registered before; say so and carry on.
      logger.error({ error: describeTelegramError(error) }, 'telegram webhook setup failed')
    }
    return async () => undefined
  }
  await bot.api.setMyCommands(commands).catch((error: unknown) => {
    logger.error({ error: describeTelegramError(error) }, 'telegram commands setup failed')
  })
  const polling = bot.start({ allowed_updates: [...ALLOWED_UPDATES] }).catch((error: unknown) => {
    logger.error({ error: describeTelegramError(error) }, 'telegram polling stopped')
  })
  return async () => {
    if (bot.isRunning()) await bot.stop()
    await polling
  }
}
