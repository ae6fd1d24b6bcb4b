/* global document, window, localStorage, sessionStorage, FileReader, fetch, setTimeout, clearTimeout, URLSearchParams */
/**
 * The web simulator's page script: wires the form, the chat log and the composer to the
 * simulator API. Bot messages come only from the inbox (polled every 2 s, and quickly right after
 * a send), so replies and unprompted messages show once each, in delivery order. Text is always
 * set with textContent. No build step, no dependency: the state logic is in `chat-state.js`.
 * @module
 */
import {
  DEMO_LOCATION,
  MAX_PHOTO_BYTES,
  addOutgoing,
  applyInbox,
  botItemsAfter,
  buildMessageBody,
  describeOutgoing,
  isValidSender,
  markFailed,
  missingReplies,
  multipleAnswer,
  parseCoordinates,
  randomId,
  restoreState,
  serializeState,
  toBubble,
} from './chat-state.js'

const API = '/api/v1/simulator'
const POLL_MS = 2000
const FAST_POLL_MS = 300
const REPLY_WAIT_MS = 10_000
const SEND_ATTEMPTS = 15
const PAGE_SIZE = 100

const KEYS = {
  from: 'kaderbot.simulator.from',
  phone: 'kaderbot.simulator.phone',
  token: 'kaderbot.simulator.token',
  chat: (from) => `kaderbot.simulator.chat.${from}`,
}

const TEXT = {
  unreachable: 'Server tidak dapat dihubungi. Mencoba lagi…',
  unauthorized: 'Token admin diperlukan atau salah. Isi token di Pengaturan.',
  simulatorOff: 'Simulator tidak aktif di server ini.',
  rejected: (detail) => `Pesan ditolak server: ${detail}`,
  serverError: (status) => `Server menjawab dengan galat ${status}. Coba lagi sebentar lagi.`,
  notSent: 'Pesan gagal terkirim.',
  replyLate: 'Balasan belum masuk. Pesan yang datang nanti tetap tampil.',
  badSender: 'ID pengirim hanya boleh berisi huruf, angka, dan . _ : @ + - (paling banyak 64).',
  locationPrompt: 'Koordinat lokasi (lintang, bujur). Contoh di Singosari sudah terisi:',
  badLocation: 'Koordinat tidak valid. Contoh: -7.8925, 112.6658',
  photoTooBig: 'Foto terlalu besar (paling besar 5 MB).',
  photoUnreadable: 'Foto tidak bisa dibaca.',
  as: (from) => `sebagai ${from}`,
  failed: 'Gagal terkirim',
  done: 'Selesai',
  download: (fileName) => `Unduh ${fileName}`,
  downloadFailed: 'Berkas tidak bisa diunduh.',
}

const $ = (id) => document.getElementById(id)
const elements = {
  settings: $('settings'),
  settingsForm: $('settings-form'),
  who: $('who'),
  from: $('from'),
  phone: $('phone'),
  tokenRow: $('token-row'),
  token: $('token'),
  newId: $('new-id'),
  messages: $('messages'),
  status: $('status'),
  composer: $('composer'),
  text: $('text'),
  location: $('location'),
  photo: $('photo'),
}

/** Web storage can be unavailable (private modes, blocked cookies): the page still works. */
const storage = {
  get: (store, key) => {
    try {
      return store.getItem(key)
    } catch {
      return null
    }
  },
  set: (store, key, value) => {
    try {
      if (value === '') store.removeItem(key)
      else store.setItem(key, value)
    } catch {
      // Not kept across reloads then.
    }
  },
}

let state = restoreState('', null)
let phone = ''
let token = ''
let polling = Promise.resolve()
let pollTimer
/** Each poll loop's number; only the latest one schedules the next poll. */
let loops = 0
/** The rendered messages by key, so a changed message replaces its element. */
const rendered = new Map()
/** Bumped when the sender changes, so answers for the previous one are dropped. */
let generation = 0

class ApiError extends Error {
  constructor(kind, status = 0, detail = '') {
    super(kind)
    this.kind = kind
    this.status = status
    this.detail = detail
  }
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  let response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    })
  } catch {
    throw new ApiError('unreachable')
  }
  const json = await response.json().catch(() => null)
  if (!response.ok) {
    const detail = json && typeof json.message === 'string' ? json.message : response.statusText
    throw new ApiError('http', response.status, detail)
  }
  return json
}

function setStatus(text) {
  elements.status.textContent = text
}

/** Explains an error in the status line; returns false when it is worth retrying. */
function explain(error) {
  if (!(error instanceof ApiError)) throw error
  if (error.kind === 'unreachable') {
    setStatus(TEXT.unreachable)
    return false
  }
  if (error.status === 401) {
    elements.tokenRow.hidden = false
    elements.settings.open = true
    setStatus(TEXT.unauthorized)
  } else if (error.status === 404) setStatus(TEXT.simulatorOff)
  else if (error.status === 400) setStatus(TEXT.rejected(error.detail))
  else setStatus(TEXT.serverError(error.status))
  return true
}

function save() {
  storage.set(localStorage, KEYS.chat(state.from), serializeState(state))
}

// --- rendering -------------------------------------------------------------------------------

/** A document the bot sent: a button that downloads it (with the token, as every API call). */
function renderDocument(file) {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'document'
  button.textContent = TEXT.download(file.fileName)
  button.addEventListener('click', async () => {
    const headers = token ? { authorization: `Bearer ${token}` } : {}
    const response = await fetch(file.url, { headers, cache: 'no-store' }).catch(() => undefined)
    if (!response || !response.ok) {
      setStatus(TEXT.downloadFailed)
      return
    }
    const link = document.createElement('a')
    link.href = URL.createObjectURL(await response.blob())
    link.download = file.fileName
    link.click()
    URL.revokeObjectURL(link.href)
  })
  return button
}

function renderItem(item) {
  const bubble = toBubble(item)
  const li = document.createElement('li')
  li.className = `message ${bubble.side === 'left' ? 'from-bot' : 'from-me'}`
  li.dataset.key = bubble.key

  const text = document.createElement('p')
  text.className = 'text'
  if (bubble.parts.every((part) => !part.nowrap)) text.textContent = bubble.text
  for (const part of bubble.parts.some((p) => p.nowrap) ? bubble.parts : []) {
    // A report number in a span of its own that does not wrap; the rest as it is.
    const span = document.createElement('span')
    if (part.nowrap) span.className = 'reference'
    span.textContent = part.text
    text.append(span)
  }
  li.append(text)

  if (bubble.choices.length > 0) li.append(renderChoices(bubble))
  if (item.kind === 'bot' && item.document) li.append(renderDocument(item.document))

  const meta = document.createElement('span')
  meta.className = 'meta'
  meta.textContent = bubble.failed ? `${TEXT.failed} · ${bubble.time}` : bubble.time
  li.append(meta)
  if (bubble.failed) li.classList.add('failed')

  const existing = rendered.get(bubble.key)
  if (existing) existing.replaceWith(li)
  else elements.messages.append(li)
  rendered.set(bubble.key, li)
  li.scrollIntoView({ block: 'end' })
}

/**
 * The options as buttons numbered as the bot numbers them ("1. Ya"). A single choice is sent on
 * tap; in a multiple choice each tap marks an option and "Selesai" sends their numbers.
 */
function renderChoices(bubble) {
  const group = document.createElement('div')
  group.className = 'choices'
  group.setAttribute('role', 'group')
  group.setAttribute('aria-label', 'Pilihan')
  const picked = new Map()
  const done = document.createElement('button')
  for (const choice of bubble.choices) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'choice'
    button.textContent = `${choice.number}. ${choice.label}`
    if (bubble.multiple) button.setAttribute('aria-pressed', 'false')
    button.addEventListener('click', () => {
      if (!bubble.multiple) {
        void send({ choice: choice.id }, describeOutgoing({ choice: choice.id }, choice.label))
        return
      }
      if (picked.has(choice.number)) picked.delete(choice.number)
      else picked.set(choice.number, choice.label)
      button.setAttribute('aria-pressed', String(picked.has(choice.number)))
      done.disabled = picked.size === 0
    })
    group.append(button)
  }
  if (bubble.multiple) {
    done.type = 'button'
    done.className = 'choice done'
    done.textContent = TEXT.done
    done.disabled = true
    done.addEventListener('click', () => {
      const text = multipleAnswer(picked.keys())
      const labels = [...picked.entries()].sort(([a], [b]) => a - b).map(([, label]) => label)
      void send({ text }, describeOutgoing({ text }, labels.join(', ')))
    })
    group.append(done)
  }
  return group
}

function renderAll() {
  elements.messages.replaceChildren()
  rendered.clear()
  state.items.forEach(renderItem)
  elements.who.textContent = TEXT.as(state.from)
}

// --- inbox -----------------------------------------------------------------------------------

/** Reads the inbox to its end; polls never overlap (each reads the cursor the last one left). */
function poll() {
  const run = polling.then(async () => {
    const mine = generation
    for (;;) {
      const query = new URLSearchParams({
        from: state.from,
        after: state.cursor,
        limit: String(PAGE_SIZE),
      })
      const page = await api('GET', `${API}/inbox?${query}`)
      if (mine !== generation) return
      const { state: next, added } = applyInbox(state, page)
      state = next
      if (added.length > 0) {
        save()
        added.forEach(renderItem)
      }
      if (page.messages.length < PAGE_SIZE) return
    }
  })
  polling = run.catch(() => undefined)
  return run
}

async function pollLoop() {
  clearTimeout(pollTimer)
  const loop = ++loops
  try {
    await poll()
    if (elements.status.textContent === TEXT.unreachable) setStatus('')
  } catch (error) {
    explain(error)
  }
  if (loop === loops) pollTimer = setTimeout(pollLoop, POLL_MS)
}

async function awaitReplies(replies, mark) {
  const deadline = Date.now() + REPLY_WAIT_MS
  while (missingReplies(replies, botItemsAfter(state, mark)) > 0) {
    if (Date.now() >= deadline) {
      setStatus(TEXT.replyLate)
      return
    }
    await sleep(FAST_POLL_MS)
    await poll().catch(() => undefined)
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// --- sending ---------------------------------------------------------------------------------

async function send(content, description) {
  // One id for every attempt: a retry after a lost answer is processed once.
  const id = `web-${randomId()}`
  const mine = generation
  state = addOutgoing(state, { id, at: new Date().toISOString(), text: description })
  const mark = state.items.length
  save()
  renderItem(state.items[state.items.length - 1])
  const body = buildMessageBody({ from: state.from, phone, id, content })
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await api('POST', `${API}/messages`, body)
      setStatus('')
      if (mine === generation) await awaitReplies(result.replies ?? [], mark)
      return
    } catch (error) {
      const final = explain(error) || attempt >= SEND_ATTEMPTS
      if (!final) {
        await sleep(POLL_MS)
        continue
      }
      if (mine !== generation) return
      if (error.kind === 'unreachable') setStatus(TEXT.notSent)
      state = markFailed(state, id)
      save()
      const item = state.items.find((entry) => entry.kind === 'user' && entry.id === id)
      if (item) renderItem(item)
      return
    }
  }
}

function readPhoto(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '')
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

// --- settings --------------------------------------------------------------------------------

function switchSender(from) {
  generation += 1
  state = restoreState(from, storage.get(localStorage, KEYS.chat(from)))
  storage.set(localStorage, KEYS.from, from)
  renderAll()
  void pollLoop()
}

function applySettings() {
  const from = elements.from.value.trim()
  if (!isValidSender(from)) {
    setStatus(TEXT.badSender)
    elements.from.focus()
    return false
  }
  phone = elements.phone.value.trim()
  token = elements.token.value.trim()
  storage.set(localStorage, KEYS.phone, phone)
  storage.set(sessionStorage, KEYS.token, token)
  setStatus('')
  if (from !== state.from) switchSender(from)
  return true
}

function start() {
  const savedFrom = storage.get(localStorage, KEYS.from)
  const from = isValidSender(savedFrom) ? savedFrom : `web-${randomId(3)}`
  phone = storage.get(localStorage, KEYS.phone) ?? ''
  token = storage.get(sessionStorage, KEYS.token) ?? ''
  elements.from.value = from
  elements.phone.value = phone
  elements.token.value = token
  // A returning tester knows the settings; a phone screen needs the room for the chat.
  if (savedFrom || window.matchMedia('(max-width: 40rem)').matches) elements.settings.open = false

  elements.settingsForm.addEventListener('submit', (event) => {
    event.preventDefault()
    if (applySettings()) elements.settings.open = false
  })
  for (const input of [elements.from, elements.phone, elements.token]) {
    input.addEventListener('change', () => applySettings())
  }
  elements.newId.addEventListener('click', () => {
    elements.from.value = `web-${randomId(3)}`
    applySettings()
  })

  elements.composer.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = elements.text.value
    if (text.trim() === '') return
    elements.text.value = ''
    void send({ text }, describeOutgoing({ text }))
  })

  elements.location.addEventListener('click', () => {
    const answer = window.prompt(TEXT.locationPrompt, `${DEMO_LOCATION.lat}, ${DEMO_LOCATION.lng}`)
    if (answer === null) return
    const location = parseCoordinates(answer)
    if (!location) {
      setStatus(TEXT.badLocation)
      return
    }
    void send({ location }, describeOutgoing({ location }))
  })

  elements.photo.addEventListener('change', async () => {
    const file = elements.photo.files?.[0]
    elements.photo.value = ''
    if (!file) return
    if (file.size > MAX_PHOTO_BYTES) {
      setStatus(TEXT.photoTooBig)
      return
    }
    let base64
    try {
      base64 = await readPhoto(file)
    } catch {
      setStatus(TEXT.photoUnreadable)
      return
    }
    void send({ photo: { base64 } }, describeOutgoing({ photo: { base64 } }, file.name))
  })

  switchSender(from)
}

start()
