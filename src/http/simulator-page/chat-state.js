/**
 * The web simulator's chat state, free of the DOM so it runs in the browser and in unit tests
 * alike (`chat-state.d.ts` types it for the tests). The inbox is the single source of the bot's
 * messages: replies, reminders and approval requests are all read from
 * `GET /api/v1/simulator/inbox` in delivery order and deduplicated by id; the person's own
 * messages are added when sent. The state is plain JSON, kept per sender id in localStorage.
 * @module
 */

/** How many messages a saved conversation keeps (the oldest are dropped). */
export const MAX_ITEMS = 200

/** Where "Lokasi" points by default: the Singosari kecamatan office area (demo only). */
export const DEMO_LOCATION = Object.freeze({ lat: -7.8925, lng: 112.6658 })

/** Largest photo the simulator accepts (the API's MAX_PHOTO_BYTES). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024

/** The sender ids the simulator API accepts. */
const SENDER_PATTERN = /^[\w.:@+-]{1,64}$/

export function isValidSender(from) {
  return typeof from === 'string' && SENDER_PATTERN.test(from)
}

/** An empty conversation for `from`, reading the inbox from its start. */
export function createChatState(from) {
  return { from, cursor: '0', items: [] }
}

/** The later of two cursors; they are inbox ids, so numeric ones compare as numbers. */
export function laterCursor(current, next) {
  if (/^\d+$/.test(current) && /^\d+$/.test(next)) {
    return BigInt(next) > BigInt(current) ? next : current
  }
  return next
}

/** Adds one inbox page: returns the new state and the bot messages not seen before, in order. */
export function applyInbox(state, page) {
  const known = new Set(state.items.filter((item) => item.kind === 'bot').map((item) => item.id))
  const added = []
  for (const message of page.messages) {
    if (known.has(message.id)) continue
    known.add(message.id)
    added.push({
      kind: 'bot',
      id: message.id,
      at: message.at,
      text: message.text,
      choices: Array.isArray(message.choices) ? message.choices : [],
      ...(message.multiple === true ? { multiple: true } : {}),
      ...(message.document ? { document: message.document } : {}),
    })
  }
  return {
    state: {
      ...state,
      cursor: laterCursor(state.cursor, page.cursor),
      items: trim([...state.items, ...added]),
    },
    added,
  }
}

/** Adds a message the person sent (`text` describes it as their bubble shows it). */
export function addOutgoing(state, item) {
  return { ...state, items: trim([...state.items, { kind: 'user', failed: false, ...item }]) }
}

/** Marks a sent message as not delivered to the server. */
export function markFailed(state, id) {
  return {
    ...state,
    items: state.items.map((item) =>
      item.kind === 'user' && item.id === id ? { ...item, failed: true } : item
    ),
  }
}

function trim(items) {
  return items.length > MAX_ITEMS ? items.slice(items.length - MAX_ITEMS) : items
}

/** A message as the page shows it, without the DOM: side, text, time and numbered choices. */
export function toBubble(item, formatTime = defaultTimeFormat) {
  return {
    key: `${item.kind}:${item.id}`,
    side: item.kind === 'bot' ? 'left' : 'right',
    text: item.text,
    time: formatTime(item.at),
    failed: item.kind === 'user' && item.failed === true,
    multiple: item.kind === 'bot' && item.multiple === true,
    parts: textParts(item.text),
    choices: (item.kind === 'bot' ? item.choices : []).map((choice, i) => ({
      id: choice.id,
      label: choice.label,
      number: i + 1,
    })),
  }
}

/** A report number (`KJ-2511-000123`): shown whole, never broken at its hyphens. */
const REFERENCE = /[A-Z]{2}-\d{4}-\d{6}/g

/** The text cut into plain runs and report numbers, so the page keeps each number on one line. */
export function textParts(text) {
  const parts = []
  let last = 0
  for (const match of text.matchAll(REFERENCE)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), nowrap: false })
    parts.push({ text: match[0], nowrap: true })
    last = match.index + match[0].length
  }
  if (last < text.length || parts.length === 0)
    parts.push({ text: text.slice(last), nowrap: false })
  return parts
}

/** The answer to a multiple choice from the options tapped: their numbers, "1, 3". */
export function multipleAnswer(numbers) {
  return [...numbers].sort((a, b) => a - b).join(', ')
}

const TIME_FORMAT = new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit' })

function defaultTimeFormat(iso) {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '' : TIME_FORMAT.format(date)
}

/** The request body of `POST /api/v1/simulator/messages` for one content. */
export function buildMessageBody({ from, phone, id, content }) {
  const trimmedPhone = typeof phone === 'string' ? phone.trim() : ''
  return { from, ...(trimmedPhone ? { phone: trimmedPhone } : {}), id, ...content }
}

/** How the person's own bubble describes what they sent. */
export function describeOutgoing(content, detail = '') {
  if ('text' in content) return detail || content.text
  if ('choice' in content) return detail || content.choice
  if ('location' in content) return `📍 Lokasi: ${content.location.lat}, ${content.location.lng}`
  return detail ? `📷 Foto: ${detail}` : '📷 Foto'
}

/** `-7.98,112.63`, `-7.98, 112.63` or `-7.98 112.63`, within the globe; undefined otherwise. */
export function parseCoordinates(text) {
  const match = /^(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)$/.exec(String(text).trim())
  if (!match) return undefined
  const lat = Number(match[1])
  const lng = Number(match[2])
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined
  return { lat, lng }
}

/**
 * How many of a send's announced replies are not in the inbox yet, given the bot messages that
 * arrived since the send. Unprompted messages in between are ignored.
 */
export function missingReplies(replies, arrived) {
  const texts = arrived.map((item) => item.text)
  let missing = 0
  for (const reply of replies) {
    const at = texts.indexOf(reply.text)
    if (at === -1) missing += 1
    else texts.splice(at, 1)
  }
  return missing
}

/** The bot messages after the first `count` items of a conversation. */
export function botItemsAfter(state, count) {
  return state.items.slice(count).filter((item) => item.kind === 'bot')
}

/** The JSON kept in localStorage for a conversation. */
export function serializeState(state) {
  return JSON.stringify({ v: 1, ...state, items: trim(state.items) })
}

/** A saved conversation of `from`, or an empty one when nothing usable was saved. */
export function restoreState(from, json) {
  try {
    const saved = JSON.parse(json ?? 'null')
    if (
      saved &&
      saved.v === 1 &&
      saved.from === from &&
      typeof saved.cursor === 'string' &&
      Array.isArray(saved.items) &&
      saved.items.every(isItem)
    ) {
      return { from, cursor: saved.cursor, items: saved.items }
    }
  } catch {
    // Unreadable: start over from the inbox.
  }
  return createChatState(from)
}

function isItem(item) {
  return (
    item !== null &&
    typeof item === 'object' &&
    (item.kind === 'bot' || item.kind === 'user') &&
    typeof item.id === 'string' &&
    typeof item.at === 'string' &&
    typeof item.text === 'string' &&
    (item.kind === 'user' || Array.isArray(item.choices))
  )
}

/** A random id part; crypto.getRandomValues also works on plain http (not a secure context). */
export function randomId(bytes = 8) {
  const values = new Uint8Array(bytes)
  globalThis.crypto.getRandomValues(values)
  return Array.from(values, (value) => value.toString(16).padStart(2, '0')).join('')
}
