/**
 * `POST /webhook/telegram` (docs/design.md#contracts): grammY's Hono adapter checks
 * `X-Telegram-Bot-Api-Secret-Token` in constant time (wrong or missing → 401, nothing processed)
 * and answers after the bot's middleware, i.e. after the update's transaction committed. A
 * transient database failure is thrown by the bot and answered 503, so Telegram delivers the
 * update again. The timeout guards against a stuck handler (a database that does not answer): it
 * answers 503 too, since nothing may have been committed; should the handler still commit, the
 * redelivery is recognised by its `update_id` and answered once. The timeout is ours, not
 * grammY's: grammY's leaves the late outcome of a timed-out update as an unhandled rejection,
 * which would stop the process. A body that is not JSON, or not an object with an integer
 * `update_id`, is answered 400 once the secret matched: Telegram never sends one, and a retry
 * would not help (the reliability suite's fuzz test).
 * @module
 */
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Update } from 'grammy/types'
import { z } from 'zod'
import { type Bot, BotError, webhookCallback } from 'grammy'
import { isTransientDbError } from '../../lib/transient.js'
import { jsonBodyLimit } from '../../lib/body-limit.js'
import { UNAVAILABLE } from '../errors.js'

export type TelegramWebhookDeps = {
  bot: Bot
  secretToken: string
  /** Safety net for a stuck handler (default 8 s, below Telegram's patience). */
  timeoutMilliseconds?: number
}

/**
 * Largest update body: a message holds at most 4096 characters (a caption 1024) with its
 * entities, and a quoted reply one more such message; a few KB in practice.
 */
export const MAX_UPDATE_BYTES = 256 * 1024

const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token'

/** The envelope every update has; the channel checks the rest of it field by field. */
const updateEnvelopeSchema = z.looseObject({ update_id: z.number().int() })

/** Reads the body as an update, or refuses it with 400 (read only once the secret matched). */
async function readUpdate(c: Context): Promise<Update> {
  let body: unknown
  try {
    body = JSON.parse(await c.req.text())
  } catch {
    throw new HTTPException(400, { res: c.json({ error: 'invalid_json' }, 400) })
  }
  const parsed = updateEnvelopeSchema.safeParse(body)
  if (!parsed.success) {
    throw new HTTPException(400, { res: c.json({ error: 'invalid_update' }, 400) })
  }
  return parsed.data as unknown as Update
}

/** grammY's Hono adapter, with the update read by `readUpdate` instead of `c.req.json()`. */
const honoAdapter = (c: Context) => {
  let resolveResponse: (response: Response) => void = () => undefined
  return {
    get update() {
      return readUpdate(c)
    },
    header: c.req.header(SECRET_HEADER),
    end: () => resolveResponse(c.body('')),
    respond: (json: string) => resolveResponse(c.json(json)),
    unauthorized: () => {
      c.status(401)
      resolveResponse(c.body(''))
    },
    handlerReturn: new Promise<Response>((resolve) => {
      resolveResponse = resolve
    }),
  }
}

export function telegramWebhookRoutes(deps: TelegramWebhookDeps): Hono {
  const app = new Hono()
  const handle = webhookCallback(deps.bot, honoAdapter, {
    secretToken: deps.secretToken,
    timeoutMilliseconds: Infinity,
  })
  const timeoutMs = deps.timeoutMilliseconds ?? 8000
  app.post('/', jsonBodyLimit(MAX_UPDATE_BYTES), async (c) => {
    const work = handle(c)
    // Settled either way: a late failure after the timeout is the bot's to log, never unhandled.
    work.catch(() => undefined)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    try {
      const result = await Promise.race([work, timedOut])
      if (result === 'timeout') return c.json(UNAVAILABLE, 503)
      return result
    } catch (error) {
      const cause = error instanceof BotError ? error.error : error
      if (isTransientDbError(cause)) return c.json(UNAVAILABLE, 503)
      throw error
    } finally {
      clearTimeout(timer)
    }
  })
  return app
}
