/**
 * The terminal chat's command-line options (`npm run chat -- --url … --from …`), parsed from the
 * arguments and the two environment variables the CLI passes in (`PORT`, `ADMIN_TOKEN`).
 * @module
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { CHAT_MESSAGES } from './messages.js'

export type ChatOptions = {
  /** Base URL of the kaderbot server, without a trailing slash. */
  url: string
  from: string
  phone?: string
  token?: string
  transcript: boolean
}

/** What the CLI reads from its environment; nothing else. */
export type ChatEnv = { PORT?: string; ADMIN_TOKEN?: string }

export type ParsedChatArgs =
  { kind: 'options'; options: ChatOptions } | { kind: 'help' } | { kind: 'error'; message: string }

/** The sender ids the simulator API accepts (same rule as its `from` schema). */
const SENDER_PATTERN = /^[\w.:@+-]{1,64}$/

/** Reads the options; a wrong one is an `error` result with one Indonesian line. */
export function parseChatArgs(args: string[], env: ChatEnv): ParsedChatArgs {
  let values
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        from: { type: 'string' },
        phone: { type: 'string' },
        token: { type: 'string' },
        transcript: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    return { kind: 'error', message: CHAT_MESSAGES.unknownOption((error as Error).message) }
  }
  if (values.help) return { kind: 'help' }

  const port = env.PORT?.trim() || '3000'
  const url = (values.url ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '')
  if (!isHttpUrl(url)) return { kind: 'error', message: CHAT_MESSAGES.badUrl(url) }
  const from = values.from?.trim() || `cli-${randomBytes(3).toString('hex')}`
  if (!SENDER_PATTERN.test(from)) return { kind: 'error', message: CHAT_MESSAGES.badFrom() }
  const token = values.token?.trim() || env.ADMIN_TOKEN?.trim() || undefined
  const phone = values.phone?.trim() || undefined
  return {
    kind: 'options',
    options: {
      url,
      from,
      transcript: values.transcript,
      ...(phone ? { phone } : {}),
      ...(token ? { token } : {}),
    },
  }
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}
