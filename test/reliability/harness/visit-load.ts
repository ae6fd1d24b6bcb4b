/**
 * The conversation load of the reliability tests: seeded Telegram cadres each type the visit
 * report (`VISIT_SCRIPT` of the benchmark, 11 updates) into `POST /webhook/telegram`, one update
 * after the other, and behave as Telegram does when the webhook does not answer 200 (an error
 * status, a reset connection, a server that is down): the same update, same `update_id`, again a
 * little later. Every attempt is recorded, so a test can tell what was acknowledged.
 * @module
 */
import { VISIT_SCRIPT } from '../../../bench/inbound.js'
import { createPoster } from '../../../bench/load.js'
import type { SeededPerson } from '../../../bench/seed.js'
import { textUpdate } from '../../harness/fake-telegram.js'

export { VISIT_SCRIPT }

export const WEBHOOK_PATH = '/webhook/telegram'

/** One cadre's updates, built (and schema-checked by the fake's builder) before the load. */
export type UserScript = {
  telegramId: number
  updates: { updateId: number; body: string }[]
}

/** One attempt to deliver an update: the HTTP status, or 0 when no answer came (reset, refused). */
export type Attempt = { telegramId: number; step: number; updateId: number; status: number }

export function buildScripts(cadres: readonly SeededPerson[]): UserScript[] {
  return cadres.map((cadre) => ({
    telegramId: cadre.telegramId,
    updates: VISIT_SCRIPT.map((step) => {
      const update = textUpdate({ id: cadre.telegramId, first_name: 'Kader' }, step.text)
      return { updateId: update['update_id'] as number, body: JSON.stringify(update) }
    }),
  }))
}

export type LoadOptions = {
  /** The bot's base URL (the same across restarts). */
  url: string
  secret: string
  /** Wait before delivering an update again after a failed attempt (Telegram backs off too). */
  retryMs?: number
  /** Wait between a user's acknowledged update and their next one (default none). */
  thinkMs?: number
  /** Called before each attempt; resolves when the user may go on (lets a test pause the load). */
  gate?: () => Promise<void>
}

export type Load = {
  attempts: Attempt[]
  /** Steps acknowledged (200) so far, over all users. */
  readonly acknowledged: number
  /** Resolves when every user got 200 for every update. */
  done: Promise<void>
  /** Stops the users after their current attempt (the test gives up). */
  stop: () => void
}

/** Starts every user's script at once; each goes on until all its updates were answered 200. */
export function startLoad(scripts: readonly UserScript[], options: LoadOptions): Load {
  const attempts: Attempt[] = []
  let acknowledged = 0
  let stopped = false
  const retryMs = options.retryMs ?? 200
  // Keep-alive sockets: one left over from a killed server fails its next request, which is retried.
  const poster = createPoster(
    options.url,
    { 'x-telegram-bot-api-secret-token': options.secret },
    scripts.length
  )
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const runUser = async (script: UserScript) => {
    for (const [step, update] of script.updates.entries()) {
      for (;;) {
        if (stopped) return
        await options.gate?.()
        const status = await poster.post(WEBHOOK_PATH, update.body).then(
          (posted) => posted.status,
          () => 0
        )
        attempts.push({ telegramId: script.telegramId, step, updateId: update.updateId, status })
        if (status === 200) break
        await sleep(retryMs)
      }
      acknowledged++
      if (options.thinkMs) await sleep(options.thinkMs)
    }
  }
  const done = Promise.all(scripts.map(runUser)).then(() => {
    poster.close()
  })
  return {
    attempts,
    get acknowledged() {
      return acknowledged
    },
    done,
    stop: () => {
      stopped = true
    },
  }
}

/**
 * Replies per chat checked against the script: `exact` when the chat got the script's replies in order,
 * each once; `duplicates` counts repeated messages (the same text again, as a resend after a crash
 * delivers it), `wrong` the chats whose replies, with repeats removed, are not the script.
 */
export function checkReplies(
  messages: readonly { chatId: number; text?: string }[],
  scripts: readonly UserScript[],
  isReply: (text: string) => boolean = () => true
): { exact: number; wrong: number[]; duplicates: number; missing: number } {
  const byChat = new Map<number, string[]>(scripts.map((s) => [s.telegramId, []]))
  for (const message of messages) {
    const text = message.text ?? ''
    if (isReply(text)) byChat.get(message.chatId)?.push(text)
  }
  let exact = 0
  let duplicates = 0
  let missing = 0
  const wrong: number[] = []
  for (const [chatId, texts] of byChat) {
    const distinct = [...new Set(texts)]
    duplicates += texts.length - distinct.length
    missing += Math.max(0, VISIT_SCRIPT.length - distinct.length)
    const inOrder =
      distinct.length === VISIT_SCRIPT.length &&
      distinct.every((text, i) => VISIT_SCRIPT[i]!.reply.test(text))
    if (!inOrder) wrong.push(chatId)
    else if (texts.length === distinct.length) exact++
  }
  return { exact, wrong, duplicates, missing }
}

/** Polls `check` until it returns true or `timeoutMs` passed; returns its last answer. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
