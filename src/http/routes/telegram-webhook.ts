/**
 * `POST /webhook/telegram` (DESIGN contracts): grammY's Hono adapter checks
 * `X-Telegram-Bot-Api-Secret-Token` in constant time (wrong or missing → 401, nothing processed)
 * and answers after the bot's middleware, i.e. after the update's transaction committed. A
 * transient database failure is thrown by the bot and answered 500, so Telegram delivers the
 * update again. The timeout guards against a stuck handler (a database that does not answer): it
 * answers 500 too, since nothing may have been committed; should the handler still commit, the
 * redelivery is recognised by its `update_id` and answered once.
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
    onTimeout: 'throw',
    timeoutMilliseconds: deps.timeoutMilliseconds ?? 8000,
  })
  app.post('/', bodyLimit({ maxSize: 1024 * 1024 }), (c) => handle(c))
  return app
}
