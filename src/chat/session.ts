/**
 * The terminal chat's loop (`npm run chat`), goflow's flowrunner for kaderbot: it reads lines,
 * sends each to the simulator API, and prints what the bot delivers. The inbox is the only source
 * of bot messages, polled every 2 s and right after each send, so replies and unprompted messages
 * (reminders, approval requests) show once each, in delivery order. Output goes through an
 * injected writer, so the loop runs the same in a terminal, behind a pipe and in tests.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile as readFileFromDisk } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'
import {
  type InboxMessage,
  type MessageContent,
  type SendResult,
  type SimulatorClient,
  SimulatorHttpError,
  SimulatorUnreachableError,
} from './client.js'
import { type Choice, parseChatLine } from './commands.js'
import { formatBotMessage, formatNotice, formatUserInput } from './format.js'
import { createInboxTracker } from './inbox.js'
import { CHAT_MESSAGES } from './messages.js'

export type ChatIo = {
  /** The lines typed or piped in, in order; the chat ends when they end. */
  lines: AsyncIterable<string>
  /** Prints whole lines. */
  print: (lines: string[]) => void
  /** A person at a terminal (prompt and greeting); false for piped input (lines are echoed). */
  interactive: boolean
  /** Ends `lines` early, when the chat cannot go on (no token, simulator off). */
  close?: () => void
  /** Called when the chat waits for the next line (a terminal shows its prompt). */
  ready?: () => void
}

export type ChatSessionDeps = {
  client: SimulatorClient
  io: ChatIo
  url: string
  from: string
  phone?: string
  /** Print the conversation as a transcript at the end. */
  transcript?: boolean
  readFile?: (path: string) => Promise<Buffer>
  newId?: () => string
  now?: () => number
  pollIntervalMs?: number
  retryIntervalMs?: number
  /** How long to wait for a send's replies to reach the inbox. */
  replyTimeoutMs?: number
  /** Stop retrying an unreachable server after this long; undefined: never. */
  giveUpAfterMs?: number
}

/** Inbox page size while catching up. */
const PAGE_SIZE = 100

/** The chat cannot go on: the reason has been printed. */
class ChatStoppedError extends Error {
  readonly code = 'CHAT_STOPPED' as const

  constructor() {
    super('chat stopped')
    this.name = 'ChatStoppedError'
  }
}

/** Runs one chat until the input ends or `/keluar`; returns the process exit code. */
export async function runChatSession(deps: ChatSessionDeps): Promise<number> {
  const { client, io } = deps
  // Take the iterator now: readline drops the lines it reads before someone iterates.
  const lines = io.lines[Symbol.asyncIterator]()
  const now = deps.now ?? Date.now
  const newId = deps.newId ?? (() => `cli-${randomUUID()}`)
  const readFile = deps.readFile ?? readFileFromDisk
  const pollIntervalMs = deps.pollIntervalMs ?? 2000
  const retryIntervalMs = deps.retryIntervalMs ?? 2000
  const replyTimeoutMs = deps.replyTimeoutMs ?? 10_000
  const stop = new AbortController()

  const tracker = createInboxTracker()
  /** Every bot message shown so far, in delivery order. */
  const shown: InboxMessage[] = []
  const transcript: string[] = []
  let choices: readonly Choice[] = []
  let down = false
  let failure: ChatStoppedError | undefined

  const notice = (text: string) => io.print(formatNotice(text))
  const sleep = (ms: number) => delay(ms, undefined, { signal: stop.signal }).catch(() => undefined)

  function reachable(ok: boolean): void {
    if (ok && down) notice(CHAT_MESSAGES.reconnected())
    if (!ok && !down) notice(CHAT_MESSAGES.serverDown(deps.url))
    down = !ok
  }

  /** Turns an HTTP refusal that no retry can fix into a stop, with its reason printed once. */
  function fatal(error: unknown): never {
    if (error instanceof SimulatorHttpError && (error.status === 401 || error.status === 404)) {
      if (!failure) {
        notice(error.status === 401 ? CHAT_MESSAGES.unauthorized() : CHAT_MESSAGES.simulatorOff())
        failure = new ChatStoppedError()
        stop.abort()
        io.close?.()
      }
      throw failure
    }
    throw error
  }

  /** Calls the server until it answers, saying once that it is down and once that it is back. */
  async function withRetry<T>(call: () => Promise<T>): Promise<T> {
    const since = now()
    for (;;) {
      try {
        const result = await call()
        reachable(true)
        return result
      } catch (error) {
        if (!(error instanceof SimulatorUnreachableError)) fatal(error)
        reachable(false)
        if (stop.signal.aborted) throw failure ?? new ChatStoppedError()
        if (deps.giveUpAfterMs !== undefined && now() - since >= deps.giveUpAfterMs) {
          notice(CHAT_MESSAGES.gaveUp(deps.url))
          failure = new ChatStoppedError()
          throw failure
        }
        await sleep(retryIntervalMs)
      }
    }
  }

  function show(message: InboxMessage): void {
    shown.push(message)
    if (message.choices?.length) choices = message.choices
    const lines = formatBotMessage(message)
    transcript.push(...lines)
    io.print(lines)
  }

  /** Reads the inbox from the cursor to its end; polls never overlap (each reads the last cursor). */
  let polling: Promise<void> = Promise.resolve()
  function poll(display = true): Promise<void> {
    const run = polling.then(async () => {
      for (;;) {
        const page = await client.inbox({
          from: deps.from,
          after: tracker.cursor,
          limit: PAGE_SIZE,
        })
        const fresh = tracker.accept(page)
        if (display) fresh.forEach(show)
        if (page.messages.length < PAGE_SIZE) return
      }
    })
    polling = run.catch(() => undefined)
    return run
  }

  async function pollInBackground(): Promise<void> {
    while (!stop.signal.aborted) {
      await sleep(pollIntervalMs)
      if (stop.signal.aborted) return
      try {
        await poll()
        reachable(true)
      } catch (error) {
        if (error instanceof SimulatorUnreachableError) reachable(false)
        else if (error instanceof SimulatorHttpError && [401, 404].includes(error.status)) {
          try {
            fatal(error)
          } catch {
            return
          }
        }
      }
    }
  }

  /** Waits until the replies a send announced have been read from the inbox (and shown). */
  async function awaitReplies(result: SendResult, mark: number): Promise<void> {
    const deadline = now() + replyTimeoutMs
    let pause = 50
    for (;;) {
      await poll().catch((error: unknown) => {
        if (!(error instanceof SimulatorUnreachableError)) fatal(error)
      })
      const texts = shown.slice(mark).map((message) => message.text)
      const missing = result.replies.filter((reply) => {
        const at = texts.indexOf(reply.text)
        if (at === -1) return true
        texts.splice(at, 1)
        return false
      })
      if (missing.length === 0) return
      if (now() >= deadline || stop.signal.aborted) {
        notice(CHAT_MESSAGES.replyLate())
        return
      }
      await sleep(pause)
      pause = Math.min(pause * 2, 500)
    }
  }

  async function send(content: MessageContent): Promise<void> {
    // One id for all attempts: a retry after a lost answer is processed once (docs/design.md P5).
    const id = newId()
    const mark = shown.length
    const line = formatUserInput(content)
    transcript.push(line)
    let result: SendResult
    try {
      result = await withRetry(() =>
        client.send({ from: deps.from, phone: deps.phone, id, content })
      )
    } catch (error) {
      transcript.splice(transcript.lastIndexOf(line), 1)
      if (error instanceof SimulatorHttpError && error.status === 400) {
        notice(CHAT_MESSAGES.rejected(error.detail))
        return
      }
      if (error instanceof SimulatorHttpError && error.status >= 500) {
        notice(CHAT_MESSAGES.serverError(error.status))
        return
      }
      throw error
    }
    await awaitReplies(result, mark)
  }

  async function handle(line: string): Promise<'go_on' | 'quit'> {
    const action = parseChatLine(line, choices)
    switch (action.kind) {
      case 'nothing':
        return 'go_on'
      case 'quit':
        return 'quit'
      case 'error':
        notice(action.message)
        return 'go_on'
      case 'send':
        await send(action.content)
        return 'go_on'
      case 'photo': {
        let bytes: Buffer
        try {
          bytes = await readFile(action.path)
        } catch {
          notice(CHAT_MESSAGES.photoUnreadable(action.path))
          return 'go_on'
        }
        await send({ photo: { base64: bytes.toString('base64') } })
        return 'go_on'
      }
    }
  }

  let background: Promise<void> | undefined
  try {
    if (io.interactive) notice(CHAT_MESSAGES.welcome(deps.url, deps.from))
    // Start at the end of the inbox: earlier messages belong to an earlier session.
    await withRetry(() => poll(false))
    background = pollInBackground()
    io.ready?.()
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line = next.value
      if (!io.interactive && line.trim() !== '') io.print([`> ${line}`])
      if ((await handle(line)) === 'quit') break
      io.ready?.()
    }
  } catch (error) {
    if (!(error instanceof ChatStoppedError)) throw error
  } finally {
    stop.abort()
    await lines.return?.()
    await background
  }
  if (deps.transcript && transcript.length > 0) {
    io.print(['', CHAT_MESSAGES.transcriptHeader(), ...transcript])
  }
  return failure ? 1 : 0
}
