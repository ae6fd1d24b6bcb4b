/**
 * `POST /webhook/telegram` (DESIGN contracts): grammY's Hono adapter checks
 * `X-Telegram-Bot-Api-Secret-Token` in constant time (wrong or missing → 401, nothing processed)
 * and answers after the bot's middleware, i.e. after the update's transaction committed. The
 * timeout only guards against a stuck handler: it answers 200 rather than inviting a redelivery.
 * @module
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { type Bot, webhookCallback } from 'grammy'

export type TelegramWebhookDeps = {
  bot: Bot
  secretToken: string
  /** Safety net for a stuck handler (default 8 s, below Telegram's patience). */
  timeoutMilliseconds?: number
}

export function telegramWebhookRoutes(deps: TelegramWebhookDeps): Hono {
  const app = new Hono()
  const handle = webhookCallback(deps.bot, 'hono', {
    secretToken: deps.secretToken,
    onTimeout: 'return',
    timeoutMilliseconds: deps.timeoutMilliseconds ?? 8000,
  })
  app.post('/', bodyLimit({ maxSize: 1024 * 1024 }), (c) => handle(c))
  return app
}
