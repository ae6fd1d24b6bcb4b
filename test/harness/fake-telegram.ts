/**
 * A strict fake of the Telegram Bot API (docs/design.md#testing: fakes only at the network edge,
 * and strict): a loopback `node:http` server answering `/bot<token>/<method>` with JSON or form
 * bodies. Every call is checked against the official schema in `telegram-bot-api.json` (unknown
 * method → 404, missing required parameter or wrong type → 400), plus the rules the schema states
 * in prose: text 1–4096 characters after HTML parsing, well-formed HTML, callback data 1–64 bytes,
 * exactly one action per inline button, editable messages only. It records every call, serves file
 * downloads, injects 429/500 failures, blocked chats and (optionally) flood limits, and offers
 * update builders whose output is checked against the schema's `Update`.
 * @module
 */
import { readFileSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

type SchemaField = { name: string; types: string[]; required: boolean }
type SchemaEntry = { name: string; fields?: SchemaField[]; subtypes?: string[] }
type Schema = { methods: Record<string, SchemaEntry>; types: Record<string, SchemaEntry> }

/** The official Bot API schema (methods and types with fields, types and required flags). */
export const botApiSchema = JSON.parse(
  readFileSync(new URL('./telegram-bot-api.json', import.meta.url), 'utf8')
) as Schema

type Json = Record<string, unknown>

/** A file sent in a multipart body and referenced as `attach://<name>` (an `InputFile`). */
class Upload {
  constructor(
    readonly bytes: Uint8Array,
    readonly filename: string
  ) {}
}

// ---------------------------------------------------------------- schema checks

/** Problems of `value` as a `types` alternative list at `path`; empty when it matches. */
function checkAlternatives(types: string[], value: unknown, path: string, depth: number): string[] {
  let first: string[] | undefined
  for (const type of types) {
    const problems = checkType(type, value, path, depth)
    if (problems.length === 0) return []
    first ??= problems
  }
  return first ?? [`${path}: no type`]
}

function checkType(type: string, value: unknown, path: string, depth: number): string[] {
  if (type.startsWith('Array of ')) {
    if (!Array.isArray(value)) return [`${path} must be an Array`]
    const inner = type.slice('Array of '.length)
    return value.flatMap((item, i) => checkType(inner, item, `${path}[${i}]`, depth + 1))
  }
  switch (type) {
    case 'Integer':
      return Number.isInteger(value) ? [] : [`${path} must be an Integer`]
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path} must be a Float`]
    case 'String':
      return typeof value === 'string' ? [] : [`${path} must be a String`]
    case 'Boolean':
    case 'True':
      return typeof value === 'boolean' ? [] : [`${path} must be a Boolean`]
    case 'InputFile':
      return value instanceof Upload ? [] : [`${path} must be an uploaded file (attach://…)`]
  }
  return checkObject(type, value, path, depth)
}

/** Checks an object against a schema type: required fields and the types of present fields. */
export function checkObject(typeName: string, value: unknown, path: string, depth = 0): string[] {
  const type = botApiSchema.types[typeName]
  if (!type) return [`${path}: unknown type ${typeName}`]
  if (type.subtypes) return checkAlternatives(type.subtypes, value, path, depth)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path} must be an object of type ${typeName}`]
  }
  if (depth > 12) return []
  const record = value as Json
  const problems: string[] = []
  for (const field of type.fields ?? []) {
    const present = record[field.name] !== undefined
    if (!present) {
      if (field.required) problems.push(`${path}.${field.name} is required`)
      continue
    }
    problems.push(
      ...checkAlternatives(field.types, record[field.name], `${path}.${field.name}`, depth + 1)
    )
  }
  return problems
}

// ---------------------------------------------------------------- types of the fake

export type FakeCall = {
  method: string
  params: Json
  /** The HTTP status the fake answered. */
  status: number
  /** Milliseconds since the fake started. */
  at: number
}

export type FakeMessage = {
  chatId: number
  messageId: number
  text?: string
  /** A photo's caption, as Telegram shows it. */
  caption?: string
  /** The file id of a sent photo (an upload is stored and gets one). */
  photo?: string
  /** A sent document: its file id (the bytes are in `fileBytes`), name and type. */
  document?: { fileId: string; fileName?: string; mimeType?: string }
  location?: { latitude: number; longitude: number }
  venue?: { title: string; address: string }
  replyMarkup?: Json
  method: string
}

export type FailureKind = { status: 429; retryAfter: number } | { status: 500 }

export type FloodLimits = {
  factor?: number
  botPerSecond?: number
  chatPerSecond?: number
  /**
   * A chat may get this many messages back to back (default `chatPerSecond`, i.e. so many in
   * any second): at most `chatBurst` in any `chatBurst / chatPerSecond` seconds, so the average
   * stays `chatPerSecond`.
   */
  chatBurst?: number
  groupPerMinute?: number
}

/** What the flood check saw: sends accepted under it, and refusals by the limit that refused. */
export type FloodStats = {
  accepted: number
  violations: { bot: number; chat: number; group: number }
  /** The most sends seen in one (scaled) bot window, a chat window and a group window. */
  peak: { bot: number; chat: number; group: number }
}

export type FakeTelegramOptions = {
  token?: string
  /**
   * Enforce Telegram's flood limits: at most `botPerSecond` sends (default 30) in any second,
   * `chatPerSecond` (default 1) to one chat, and `groupPerMinute` (default 20) to one group
   * (negative chat id). Windows are multiplied by `factor` (0.1: ten times as fast). A send over
   * a limit answers 429 with `retry_after` and is counted in `flood.violations`.
   */
  flood?: FloodLimits
  /** How long `getUpdates` holds a long poll at most (ms). */
  maxLongPollMs?: number
  /**
   * Every method answers this many milliseconds after the request arrived (a slow Bot API); the
   * flood check counts the arrival.
   */
  answerDelayMs?: number
}

export type FakeTelegram = {
  /** The Bot API root to give grammY (`client.apiRoot`). */
  apiRoot: string
  token: string
  /** What `getMe` answers; pass as `botInfo` to skip the call. */
  botInfo: BotUser
  calls: FakeCall[]
  /** Successful sends and edits' current state, in send order. */
  messages: FakeMessage[]
  /** The successful calls of one method (optionally to one chat). */
  callsOf: (method: string, chatId?: number) => FakeCall[]
  /** Messages the bot sent to a chat (their current text after edits). */
  sentTo: (chatId: number) => FakeMessage[]
  /**
   * The next `count` calls (of `method`, if given) fail like this; with `skip`, only after that
   * many matching calls succeeded (e.g. the third part of a long message fails).
   */
  failNext: (failure: FailureKind, count?: number, method?: string, skip?: number) => void
  /** The chat's user blocked the bot: every send to it answers 403. */
  block: (chatId: number) => void
  /** Stores a downloadable file; returns what a PhotoSize or Document references. */
  addFile: (
    bytes: Uint8Array,
    extension?: string
  ) => { file_id: string; file_unique_id: string; file_size: number }
  /** The bytes behind a file id (an uploaded photo, or one from `addFile`). */
  fileBytes: (fileId: string) => Uint8Array | undefined
  /** File downloads answer only after this many milliseconds (a slow file server). */
  slowFiles: (delayMs: number) => void
  /** Queues an update for `getUpdates` (long polling). */
  enqueueUpdate: (update: Json) => void
  webhook: () => Json | undefined
  /** Flood-limit counters (all zero without `flood`). */
  flood: FloodStats
  /** `performance.now()` when the fake started: `FakeCall.at` counts from here. */
  startedAt: number
  close: () => Promise<void>
}

type BotUser = {
  id: number
  is_bot: true
  first_name: string
  username: string
  can_join_groups: boolean
  can_read_all_group_messages: boolean
  supports_inline_queries: boolean
  can_connect_to_business: boolean
  has_main_web_app: boolean
  has_topics_enabled: boolean
  allows_users_to_create_topics: boolean
  can_manage_bots: boolean
  supports_join_request_queries: boolean
}

/** A well-formed token of the fake's bot. */
export const FAKE_TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijkl'

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters?: Json
  ) {
    super(description)
  }
}

const badRequest = (description: string) => new ApiFailure(400, `Bad Request: ${description}`)

const HTML_TAGS =
  /^<\/?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|span|blockquote|tg-emoji)(\s[^<>]*)?>/

/** The text Telegram would show for an HTML-mode text; throws like Telegram on bad markup. */
function parseHtml(text: string): string {
  let out = ''
  for (let i = 0; i < text.length;) {
    const char = text[i]!
    if (char === '<') {
      const tag = HTML_TAGS.exec(text.slice(i))
      if (!tag) throw badRequest(`can't parse entities: Unsupported start tag at byte offset ${i}`)
      i += tag[0].length
      continue
    }
    if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);/.exec(text.slice(i))
      if (!entity) {
        throw badRequest(`can't parse entities: Character '&' is reserved at byte offset ${i}`)
      }
      out += { lt: '<', gt: '>', amp: '&', quot: '"' }[entity[1]!] ?? '?'
      i += entity[0].length
      continue
    }
    if (char === '>') throw badRequest(`can't parse entities: Character '>' is reserved`)
    out += char
    i++
  }
  return out
}

/** A message text as Telegram checks it: not empty, at most 4096 characters after parsing. */
function checkText(params: Json, field = 'text'): string {
  const raw = params[field] as string
  const shown = params['parse_mode'] === 'HTML' ? parseHtml(raw) : raw
  if (params['parse_mode'] !== undefined && params['parse_mode'] !== 'HTML') {
    if (!['Markdown', 'MarkdownV2'].includes(params['parse_mode'] as string)) {
      throw badRequest('unsupported parse_mode')
    }
  }
  if (shown.trim().length === 0) throw badRequest('message text is empty')
  if (shown.length > 4096) throw badRequest('message is too long')
  return shown
}

/** A media caption as Telegram checks it: at most 1024 characters after parsing; the shown text. */
function checkCaption(params: Json): string | undefined {
  const raw = params['caption']
  if (raw === undefined) return undefined
  if (typeof raw !== 'string') throw badRequest('caption must be a String')
  const shown = params['parse_mode'] === 'HTML' ? parseHtml(raw) : raw
  if (shown.length > 1024) throw badRequest('message caption is too long')
  return shown
}

const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
]

function checkInlineKeyboard(markup: unknown): void {
  if (markup === undefined) return
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard
  if (!Array.isArray(rows)) return
  for (const row of rows as Json[][]) {
    for (const button of row) {
      const actions = BUTTON_ACTIONS.filter((name) => button[name] !== undefined)
      if (actions.length !== 1) throw badRequest("can't parse inline keyboard button")
      const data = button['callback_data']
      if (typeof data === 'string') {
        const bytes = Buffer.byteLength(data, 'utf8')
        if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID')
      }
      if (typeof button['text'] === 'string' && button['text'].length === 0) {
        throw badRequest('text buttons are unallowed in the inline keyboard')
      }
    }
  }
}

/** Form values are strings; Telegram reads them as the declared type (JSON for objects). */
function coerceFormValue(types: string[], raw: string): unknown {
  if (types.includes('String') && types.length === 1) return raw
  if ((types.includes('Integer') || types.includes('Float')) && /^-?[0-9]+(\.[0-9]+)?$/.test(raw)) {
    return Number(raw)
  }
  if (types.includes('Boolean') && /^(true|false)$/.test(raw)) return raw === 'true'
  if (types.includes('String')) return raw
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return raw
  }
}

type MultipartPart = { name: string; filename?: string; data: Buffer }

/**
 * Reads a multipart/form-data body as Telegram does: leniently about header spacing and quoting
 * (grammY writes `content-disposition:form-data;name="x"`), strictly about the boundaries.
 */
function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2]
  if (!boundary) throw badRequest('multipart body without boundary')
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: MultipartPart[] = []
  let start = body.indexOf(delimiter)
  if (start === -1) throw badRequest('invalid multipart body')
  for (;;) {
    start += delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') return parts
    start += 2 // CRLF after the delimiter
    const next = body.indexOf(delimiter, start)
    if (next === -1) throw badRequest('invalid multipart body')
    const part = body.subarray(start, next - 2) // the CRLF before the next delimiter
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd === -1) throw badRequest('invalid multipart part')
    const headers = part.subarray(0, headerEnd).toString('utf8')
    const disposition = /content-disposition\s*:\s*form-data\s*;([^\r\n]*)/i.exec(headers)?.[1]
    const name =
      disposition &&
      /name\s*=\s*"?([^";]+)"?/i.exec(disposition.replace(/filename\s*=\s*"?[^";]*"?/i, ''))?.[1]
    if (!name) throw badRequest('multipart part without a name')
    const filename = disposition && /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1]
    parts.push({ name, ...(filename ? { filename } : {}), data: part.subarray(headerEnd + 4) })
    start = next
  }
}

// ---------------------------------------------------------------- the server

/** Starts the fake on a free loopback port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? FAKE_TOKEN
  const botId = Number(token.split(':')[0])
  const botInfo: BotUser = {
    id: botId,
    is_bot: true,
    first_name: 'Kaderbot',
    username: 'kaderbot_test_bot',
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  }
  const started = performance.now()
  const calls: FakeCall[] = []
  const messages: FakeMessage[] = []
  const lastMessageId = new Map<number, number>()
  const blocked = new Set<number>()
  const answeredQueries = new Set<string>()
  const files = new Map<string, { bytes: Uint8Array; path: string; uniqueId: string }>()
  const failures: { failure: FailureKind; method?: string }[] = []
  /** Matching calls that still succeed before `failures` of that method apply. */
  const skips: { method?: string; left: number }[] = []
  const updates: Json[] = []
  const pollWaiters = new Set<() => void>()
  const floodStats: FloodStats = {
    accepted: 0,
    violations: { bot: 0, chat: 0, group: 0 },
    peak: { bot: 0, chat: 0, group: 0 },
  }
  const sendTimes = { bot: [] as number[], perChat: new Map<number, number[]>() }
  let webhook: Json | undefined
  let fileCounter = 0
  let fileDelayMs = 0

  function addFile(bytes: Uint8Array, extension = 'jpg') {
    fileCounter++
    const fileId = `file-${fileCounter}`
    const uniqueId = `unique-${fileCounter}`
    files.set(fileId, { bytes, path: `photos/file_${fileCounter}.${extension}`, uniqueId })
    return { file_id: fileId, file_unique_id: uniqueId, file_size: bytes.length }
  }

  const chatIdOf = (params: Json): number => {
    const id = params['chat_id']
    const chatId = typeof id === 'string' ? Number(id) : (id as number)
    if (!Number.isInteger(chatId)) throw badRequest('chat not found')
    return chatId
  }

  const chatFor = (chatId: number) =>
    chatId > 0
      ? { id: chatId, type: 'private', first_name: 'Pengguna' }
      : { id: chatId, type: 'group', title: 'Grup' }

  function ensureReachable(chatId: number): void {
    if (blocked.has(chatId)) throw new ApiFailure(403, 'Forbidden: bot was blocked by the user')
  }

  /** Sliding windows at the time a send arrives; a send over a limit is refused and counted. */
  function checkFlood(chatId: number): void {
    if (!options.flood) return
    const factor = options.flood.factor ?? 1
    const now = performance.now()
    const chatBurst = options.flood.chatBurst ?? options.flood.chatPerSecond ?? 1
    const botWindow = 1000 * factor
    const chatWindow = ((1000 * chatBurst) / (options.flood.chatPerSecond ?? 1)) * factor
    const groupWindow = 60_000 * factor
    const group = chatId < 0
    sendTimes.bot = sendTimes.bot.filter((t) => now - t < botWindow)
    const chatTimes = (sendTimes.perChat.get(chatId) ?? []).filter(
      (t) => now - t < (group ? groupWindow : chatWindow)
    )
    const inChatWindow = chatTimes.filter((t) => now - t < chatWindow)
    const refuse = (kind: keyof FloodStats['violations'], oldest: number, windowMs: number) => {
      floodStats.violations[kind]++
      const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000))
      throw new ApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, {
        retry_after: retryAfter,
      })
    }
    const botLimit = options.flood.botPerSecond ?? 30
    const chatLimit = chatBurst
    const groupLimit = options.flood.groupPerMinute ?? 20
    if (sendTimes.bot.length >= botLimit) refuse('bot', sendTimes.bot[0]!, botWindow)
    if (inChatWindow.length >= chatLimit) refuse('chat', inChatWindow[0]!, chatWindow)
    if (group && chatTimes.length >= groupLimit) refuse('group', chatTimes[0]!, groupWindow)
    sendTimes.bot.push(now)
    chatTimes.push(now)
    sendTimes.perChat.set(chatId, chatTimes)
    floodStats.accepted++
    floodStats.peak.bot = Math.max(floodStats.peak.bot, sendTimes.bot.length)
    floodStats.peak.chat = Math.max(floodStats.peak.chat, inChatWindow.length + 1)
    if (group) floodStats.peak.group = Math.max(floodStats.peak.group, chatTimes.length)
  }

  function newMessage(chatId: number, method: string, extra: Json): Json {
    const messageId = (lastMessageId.get(chatId) ?? 0) + 1
    lastMessageId.set(chatId, messageId)
    const stored: FakeMessage = { chatId, messageId, method }
    if (typeof extra['text'] === 'string') stored.text = extra['text']
    if (typeof extra['caption'] === 'string') stored.caption = extra['caption']
    if (Array.isArray(extra['photo']))
      stored.photo = (extra['photo'] as Json[])[0]!['file_id'] as string
    if (extra['document']) {
      const document = extra['document'] as Json
      stored.document = {
        fileId: document['file_id'] as string,
        ...(typeof document['file_name'] === 'string' ? { fileName: document['file_name'] } : {}),
        ...(typeof document['mime_type'] === 'string' ? { mimeType: document['mime_type'] } : {}),
      }
    }
    if (extra['location']) stored.location = extra['location'] as FakeMessage['location']
    if (extra['venue']) {
      const venue = extra['venue'] as Json
      stored.venue = { title: venue['title'] as string, address: venue['address'] as string }
    }
    if (extra['reply_markup']) stored.replyMarkup = extra['reply_markup'] as Json
    messages.push(stored)
    return {
      message_id: messageId,
      from: {
        id: botInfo.id,
        is_bot: true,
        first_name: botInfo.first_name,
        username: botInfo.username,
      },
      chat: chatFor(chatId),
      date: Math.floor(Date.now() / 1000),
      ...extra,
    }
  }

  function editable(params: Json): FakeMessage {
    if (params['inline_message_id'] !== undefined)
      throw badRequest('inline messages are not supported by the fake')
    if (params['chat_id'] === undefined || params['message_id'] === undefined) {
      throw badRequest('message identifier is not specified')
    }
    const chatId = chatIdOf(params)
    ensureReachable(chatId)
    const found = messages.find((m) => m.chatId === chatId && m.messageId === params['message_id'])
    if (!found) throw badRequest('message to edit not found')
    return found
  }

  function editedResult(message: FakeMessage): Json {
    return {
      message_id: message.messageId,
      from: {
        id: botInfo.id,
        is_bot: true,
        first_name: botInfo.first_name,
        username: botInfo.username,
      },
      chat: chatFor(message.chatId),
      date: Math.floor(Date.now() / 1000),
      edit_date: Math.floor(Date.now() / 1000),
      ...(message.text === undefined ? {} : { text: message.text }),
      ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
    }
  }

  const sameMarkup = (a: unknown, b: unknown) =>
    JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

  const handlers: Record<string, (params: Json) => unknown | Promise<unknown>> = {
    getMe: () => botInfo,
    sendMessage: (params) => {
      const chatId = chatIdOf(params)
      const text = checkText(params)
      checkInlineKeyboard(params['reply_markup'])
      ensureReachable(chatId)
      checkFlood(chatId)
      return newMessage(chatId, 'sendMessage', {
        text,
        ...(params['reply_markup'] ? { reply_markup: params['reply_markup'] } : {}),
      })
    },
    sendPhoto: (params) => {
      const chatId = chatIdOf(params)
      const caption = checkCaption(params)
      checkInlineKeyboard(params['reply_markup'])
      ensureReachable(chatId)
      checkFlood(chatId)
      let photo = params['photo'] as string | Upload
      if (photo instanceof Upload) {
        if (photo.bytes.length === 0) throw badRequest('file must be non-empty')
        photo = addFile(photo.bytes).file_id
      } else if (!files.has(photo) && !/^https?:\/\//.test(photo)) {
        throw badRequest('wrong file identifier/HTTP URL specified')
      }
      return newMessage(chatId, 'sendPhoto', {
        photo: [{ file_id: photo, file_unique_id: `u-${photo}`, width: 800, height: 600 }],
        ...(caption === undefined ? {} : { caption }),
        ...(params['reply_markup'] ? { reply_markup: params['reply_markup'] } : {}),
      })
    },
    sendDocument: (params) => {
      const chatId = chatIdOf(params)
      const caption = checkCaption(params)
      checkInlineKeyboard(params['reply_markup'])
      ensureReachable(chatId)
      checkFlood(chatId)
      let document = params['document'] as string | Upload
      let fileName: string | undefined
      if (document instanceof Upload) {
        // Uploads are up to 50 MB; the name comes from the multipart part.
        if (document.bytes.length === 0) throw badRequest('file must be non-empty')
        if (document.bytes.length > 50 * 1024 * 1024)
          throw new ApiFailure(413, 'Request Entity Too Large')
        fileName = document.filename
        document = addFile(document.bytes, fileName.split('.').pop() ?? 'bin').file_id
      } else if (!files.has(document) && !/^https?:\/\//.test(document)) {
        throw badRequest('wrong file identifier/HTTP URL specified')
      }
      const file = files.get(document)
      const isPdf =
        file !== undefined && Buffer.from(file.bytes.subarray(0, 5)).toString() === '%PDF-'
      return newMessage(chatId, 'sendDocument', {
        document: {
          file_id: document,
          file_unique_id: `u-${document}`,
          ...(fileName ? { file_name: fileName } : {}),
          ...(isPdf ? { mime_type: 'application/pdf' } : {}),
          ...(file ? { file_size: file.bytes.length } : {}),
        },
        ...(caption === undefined ? {} : { caption }),
        ...(params['reply_markup'] ? { reply_markup: params['reply_markup'] } : {}),
      })
    },
    sendLocation: (params) => {
      const chatId = chatIdOf(params)
      const latitude = params['latitude'] as number
      const longitude = params['longitude'] as number
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw badRequest('wrong location')
      ensureReachable(chatId)
      checkFlood(chatId)
      return newMessage(chatId, 'sendLocation', { location: { latitude, longitude } })
    },
    sendVenue: (params) => {
      const chatId = chatIdOf(params)
      const latitude = params['latitude'] as number
      const longitude = params['longitude'] as number
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw badRequest('wrong location')
      const title = params['title'] as string
      const address = params['address'] as string
      if (title.length === 0 || address.length === 0)
        throw badRequest('venue title or address empty')
      ensureReachable(chatId)
      checkFlood(chatId)
      const location = { latitude, longitude }
      return newMessage(chatId, 'sendVenue', { location, venue: { location, title, address } })
    },
    editMessageText: (params) => {
      const message = editable(params)
      const text = checkText(params)
      checkInlineKeyboard(params['reply_markup'])
      if (message.text === text && sameMarkup(message.replyMarkup, params['reply_markup'])) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'
        )
      }
      message.text = text
      if (params['reply_markup']) message.replyMarkup = params['reply_markup'] as Json
      else delete message.replyMarkup
      return editedResult(message)
    },
    editMessageReplyMarkup: (params) => {
      const message = editable(params)
      checkInlineKeyboard(params['reply_markup'])
      if (sameMarkup(message.replyMarkup, params['reply_markup'])) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'
        )
      }
      if (params['reply_markup']) message.replyMarkup = params['reply_markup'] as Json
      else delete message.replyMarkup
      return editedResult(message)
    },
    answerCallbackQuery: (params) => {
      const id = params['callback_query_id'] as string
      if (answeredQueries.has(id)) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid')
      }
      answeredQueries.add(id)
      if (typeof params['text'] === 'string' && params['text'].length > 200)
        throw badRequest('MESSAGE_TOO_LONG')
      return true
    },
    getFile: (params) => {
      const file = files.get(params['file_id'] as string)
      if (!file) throw badRequest('invalid file_id')
      return {
        file_id: params['file_id'],
        file_unique_id: file.uniqueId,
        file_size: file.bytes.length,
        file_path: file.path,
      }
    },
    setWebhook: (params) => {
      const url = params['url'] as string
      if (url !== '' && !/^https?:\/\//.test(url))
        throw badRequest('bad webhook: invalid webhook URL specified')
      const secret = params['secret_token']
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret as string)) {
        throw badRequest('secret token contains unallowed characters')
      }
      webhook = params
      return true
    },
    deleteWebhook: () => {
      webhook = undefined
      return true
    },
    getWebhookInfo: () => ({
      url: (webhook?.['url'] as string | undefined) ?? '',
      has_custom_certificate: false,
      pending_update_count: updates.length,
    }),
    setMyCommands: (params) => {
      const commands = params['commands'] as Json[]
      if (commands.length > 100) throw badRequest('too many commands')
      for (const command of commands) {
        if (!/^[a-z0-9_]{1,32}$/.test(command['command'] as string))
          throw badRequest('command is invalid')
        const description = command['description'] as string
        if (description.length < 1 || description.length > 256)
          throw badRequest('command description is invalid')
      }
      return true
    },
    getUpdates: async (params) => {
      if (webhook) {
        throw new ApiFailure(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
      }
      const offset = (params['offset'] as number | undefined) ?? 0
      const pending = () => updates.filter((u) => (u['update_id'] as number) >= offset)
      if (offset > 0) updates.splice(0, updates.length, ...pending())
      if (pending().length === 0 && ((params['timeout'] as number | undefined) ?? 0) > 0) {
        const waitMs = Math.min(
          ((params['timeout'] as number) ?? 0) * 1000,
          options.maxLongPollMs ?? 200
        )
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer)
            pollWaiters.delete(done)
            resolve()
          }
          const timer = setTimeout(done, waitMs)
          pollWaiters.add(done)
        })
      }
      return pending().slice(0, (params['limit'] as number | undefined) ?? 100)
    },
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  async function parseParams(req: IncomingMessage, url: URL, entry: SchemaEntry): Promise<Json> {
    const body = await readBody(req)
    const type = req.headers['content-type'] ?? ''
    const fields = new Map((entry.fields ?? []).map((f) => [f.name, f]))
    const fromForm = (pairs: Iterable<[string, string]>): Json => {
      const out: Json = {}
      for (const [key, raw] of pairs) {
        const field = fields.get(key)
        out[key] = field ? coerceFormValue(field.types, raw) : raw
      }
      return out
    }
    const params: Json = fromForm(url.searchParams.entries())
    if (body.length === 0) return params
    if (type.includes('application/json')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        throw badRequest('invalid JSON body')
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw badRequest('JSON body must be an object')
      }
      return { ...params, ...(parsed as Json) }
    }
    if (type.includes('application/x-www-form-urlencoded')) {
      return { ...params, ...fromForm(new URLSearchParams(body.toString('utf8')).entries()) }
    }
    if (type.includes('multipart/form-data')) {
      const uploads = new Map<string, Upload>()
      const values: [string, string][] = []
      for (const part of parseMultipart(body, type)) {
        if (part.filename === undefined) values.push([part.name, part.data.toString('utf8')])
        else uploads.set(part.name, new Upload(new Uint8Array(part.data), part.filename))
      }
      const fields = fromForm(values)
      for (const [key, value] of Object.entries(fields)) {
        const attach = typeof value === 'string' ? /^attach:\/\/(.+)$/.exec(value) : null
        if (!attach) continue
        const upload = uploads.get(attach[1]!)
        if (!upload) throw badRequest(`file ${attach[1]} is not attached`)
        fields[key] = upload
      }
      return { ...params, ...fields }
    }
    throw badRequest(`unsupported content type (the fake reads JSON, form and multipart bodies)`)
  }

  function validate(entry: SchemaEntry, params: Json): void {
    for (const field of entry.fields ?? []) {
      const value = params[field.name]
      if (value === undefined) {
        if (field.required) throw badRequest(`parameter "${field.name}" is required`)
        continue
      }
      const problems = checkAlternatives(field.types, value, field.name, 0)
      if (problems.length > 0) {
        const what =
          field.name === 'reply_markup'
            ? "can't parse reply keyboard markup JSON object"
            : `invalid parameter ${problems[0]}`
        throw badRequest(what)
      }
    }
  }

  function takeFailure(method: string): FailureKind | undefined {
    const skip = skips.find((k) => k.left > 0 && (k.method === undefined || k.method === method))
    if (skip) {
      skip.left--
      return undefined
    }
    const index = failures.findIndex((f) => f.method === undefined || f.method === method)
    if (index === -1) return undefined
    return failures.splice(index, 1)[0]!.failure
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const send = (status: number, body: Json, method = '', params: Json = {}) => {
      calls.push({ method, params, status, at: Math.round(performance.now() - started) })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname)
    if (fileMatch) {
      const file = [...files.values()].find((f) => f.path === fileMatch[2])
      if (fileMatch[1] !== token || !file) {
        res.writeHead(404).end()
        return
      }
      if (fileDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, fileDelayMs))
      if (res.destroyed) return
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(Buffer.from(file.bytes))
      return
    }
    const match = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname)
    if (!match || match[1] !== token) {
      await readBody(req)
      send(401, { ok: false, error_code: 401, description: 'Unauthorized' }, match?.[2] ?? '')
      return
    }
    const method = match[2]!
    const entry = botApiSchema.methods[method]
    if (!entry) {
      await readBody(req)
      send(404, { ok: false, error_code: 404, description: 'Not Found' }, method)
      return
    }
    let params: Json = {}
    try {
      params = await parseParams(req, url, entry)
      validate(entry, params)
      const failure = takeFailure(method)
      if (failure?.status === 429) {
        throw new ApiFailure(429, `Too Many Requests: retry after ${failure.retryAfter}`, {
          retry_after: failure.retryAfter,
        })
      }
      if (failure?.status === 500) throw new ApiFailure(500, 'Internal Server Error')
      const handler = handlers[method]
      if (!handler) throw badRequest(`method ${method} is not implemented by the fake`)
      const result = await handler(params)
      if (options.answerDelayMs) await new Promise((r) => setTimeout(r, options.answerDelayMs))
      send(200, { ok: true, result: result as unknown }, method, params)
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error
      send(
        error.status,
        {
          ok: false,
          error_code: error.status,
          description: error.description,
          ...(error.parameters ? { parameters: error.parameters } : {}),
        },
        method,
        params
      )
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,
    messages,
    callsOf: (method, chatId) =>
      calls.filter(
        (c) =>
          c.method === method &&
          c.status === 200 &&
          (chatId === undefined || Number(c.params['chat_id']) === chatId)
      ),
    sentTo: (chatId) => messages.filter((m) => m.chatId === chatId),
    failNext: (failure, count = 1, method, skip = 0) => {
      if (skip > 0) skips.push({ method, left: skip })
      for (let i = 0; i < count; i++) failures.push({ failure, method })
    },
    block: (chatId) => blocked.add(chatId),
    addFile,
    fileBytes: (fileId) => files.get(fileId)?.bytes,
    slowFiles: (delayMs) => {
      fileDelayMs = delayMs
    },
    enqueueUpdate: (update) => {
      updates.push(update)
      for (const wake of [...pollWaiters]) wake()
    },
    webhook: () => webhook,
    flood: floodStats,
    startedAt: started,
    close: async () => {
      for (const wake of [...pollWaiters]) wake()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// ---------------------------------------------------------------- update builders

let nextUpdateId = 700_000_000
let nextMessageId = 1_000
let nextQueryId = 1

type UserLike = { id: number; first_name?: string; username?: string }

const userOf = (user: UserLike) => ({
  id: user.id,
  is_bot: false,
  first_name: user.first_name ?? 'Siti',
  ...(user.username ? { username: user.username } : {}),
  language_code: 'id',
})

const privateChat = (user: UserLike) => ({
  id: user.id,
  type: 'private',
  first_name: user.first_name ?? 'Siti',
})

/** Throws when an update does not satisfy the schema's `Update` (and nested required fields). */
export function assertValidUpdate(update: Json): Json {
  const problems = checkObject('Update', update, 'update')
  if (problems.length > 0) throw new Error(`invalid Update: ${problems.join('; ')}`)
  return update
}

type BuildOptions = { updateId?: number; date?: number }

function message(from: UserLike, fields: Json, options: BuildOptions = {}, chat?: Json): Json {
  return {
    message_id: nextMessageId++,
    from: userOf(from),
    chat: chat ?? privateChat(from),
    date: options.date ?? 1_764_000_000,
    ...fields,
  }
}

function update(kind: string, payload: Json, options: BuildOptions): Json {
  return assertValidUpdate({ update_id: options.updateId ?? nextUpdateId++, [kind]: payload })
}

/** A text (or command, with its `bot_command` entity) in a private chat. */
export function textUpdate(from: UserLike, text: string, options: BuildOptions = {}): Json {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text)
  const entities = command
    ? [{ type: 'bot_command', offset: 0, length: command[0].length }]
    : undefined
  return update(
    'message',
    message(from, { text, ...(entities ? { entities } : {}) }, options),
    options
  )
}

/** A press of an inline button on `message` (a message the bot sent, from `fake.sentTo`). */
export function callbackUpdate(
  from: UserLike,
  data: string,
  sent: { messageId: number; text?: string; replyMarkup?: Json },
  options: BuildOptions = {}
): Json {
  const botUser = {
    id: Number(FAKE_TOKEN.split(':')[0]),
    is_bot: true,
    first_name: 'Kaderbot',
    username: 'kaderbot_test_bot',
  }
  return update(
    'callback_query',
    {
      id: `cbq-${nextQueryId++}`,
      from: userOf(from),
      chat_instance: `ci-${from.id}`,
      data,
      message: {
        message_id: sent.messageId,
        from: botUser,
        chat: privateChat(from),
        date: options.date ?? 1_764_000_000,
        ...(sent.text === undefined ? {} : { text: sent.text }),
        ...(sent.replyMarkup ? { reply_markup: sent.replyMarkup } : {}),
      },
    },
    options
  )
}

/** A shared contact card; `userId` defaults to the sender's own id (their own number). */
export function contactUpdate(
  from: UserLike,
  phoneNumber: string,
  contact: { userId?: number | null; firstName?: string } = {},
  options: BuildOptions = {}
): Json {
  const userId = contact.userId === undefined ? from.id : contact.userId
  return update(
    'message',
    message(
      from,
      {
        contact: {
          phone_number: phoneNumber,
          first_name: contact.firstName ?? from.first_name ?? 'Siti',
          ...(userId === null ? {} : { user_id: userId }),
        },
      },
      options
    ),
    options
  )
}

/** A sticker. */
export function stickerUpdate(from: UserLike, options: BuildOptions = {}): Json {
  const sticker = {
    file_id: 'sticker-1',
    file_unique_id: 'sticker-u-1',
    type: 'regular',
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
    emoji: '👍',
  }
  return update('message', message(from, { sticker }, options), options)
}

/** A voice note. */
export function voiceUpdate(from: UserLike, options: BuildOptions = {}): Json {
  const voice = { file_id: 'voice-1', file_unique_id: 'voice-u-1', duration: 3 }
  return update('message', message(from, { voice }, options), options)
}

/** A location pin. */
export function locationUpdate(
  from: UserLike,
  latitude: number,
  longitude: number,
  options: BuildOptions = {}
): Json {
  return update('message', message(from, { location: { latitude, longitude } }, options), options)
}

/** An edit of an earlier text. */
export function editedUpdate(from: UserLike, text: string, options: BuildOptions = {}): Json {
  return update(
    'edited_message',
    message(from, { text, edit_date: (options.date ?? 1_764_000_000) + 60 }, options),
    options
  )
}

/** A photo with the given sizes (from `fake.addFile`), smallest first as Telegram sends them. */
export function photoUpdate(
  from: UserLike,
  sizes: {
    file_id: string
    file_unique_id: string
    file_size: number
    width: number
    height: number
  }[],
  options: BuildOptions = {}
): Json {
  return update('message', message(from, { photo: sizes }, options), options)
}

/** A text in a group chat (negative chat id). */
export function groupUpdate(from: UserLike, text: string, options: BuildOptions = {}): Json {
  const chat = { id: -1_000_000_000 - from.id, type: 'supergroup', title: 'Grup Kader' }
  return update('message', message(from, { text }, options, chat), options)
}
