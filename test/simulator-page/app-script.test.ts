/**
 * The page's own script (`/simulator/app.js`) run for real, against the real API on a test
 * database, on a minimal stand-in for the browser: only the elements the served page has (so a
 * lookup of a missing id fails), textContent for all text, events dispatched by the test. There is
 * no browser here; this proves the wiring: send, poll, one bubble per message, choice buttons.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { deliverToSimulator, listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createApp } from '../../src/http/app.js'
import type { OutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, giveConsent, silentLogger } from '../harness/runtime.js'
import { LOOPBACK } from '../harness/http.js'

type Listener = (event: { preventDefault: () => void }) => unknown

/** Just enough of an element for app.js; text only through textContent. */
class FakeElement {
  id = ''
  className = ''
  textContent = ''
  value = ''
  type = ''
  hidden = false
  open = true
  files: unknown[] = []
  dataset: Record<string, string> = {}
  attributes: Record<string, string> = {}
  children: FakeElement[] = []
  parent: FakeElement | undefined
  listeners: Record<string, Listener[]> = {}
  classList = { add: (name: string) => (this.className += ` ${name}`) }

  constructor(readonly tagName: string) {}
  addEventListener(type: string, listener: Listener) {
    ;(this.listeners[type] ??= []).push(listener)
  }
  async dispatch(type: string) {
    for (const listener of this.listeners[type] ?? []) await listener({ preventDefault() {} })
  }
  setAttribute(name: string, value: string) {
    this.attributes[name] = value
  }
  append(...nodes: FakeElement[]) {
    for (const node of nodes) {
      node.parent = this
      this.children.push(node)
    }
  }
  replaceChildren() {
    this.children = []
  }
  replaceWith(node: FakeElement) {
    const siblings = this.parent!.children
    node.parent = this.parent
    siblings[siblings.indexOf(this)] = node
  }
  scrollIntoView() {}
  focus() {}
  /** The text of this element and its descendants, as a reader would take it. */
  get allText(): string[] {
    return [this.textContent, ...this.children.flatMap((child) => child.allText)].filter(Boolean)
  }
}

class FakeStorage {
  private items = new Map<string, string>()
  getItem(key: string) {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value))
  }
  removeItem(key: string) {
    this.items.delete(key)
  }
}

/** Reads a stand-in file `{ name, size, base64 }` as a data URL, as the browser's would. */
class FakeFileReader {
  result: string | null = null
  error: Error | null = null
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  readAsDataURL(file: { base64: string }) {
    setTimeout(() => {
      this.result = `data:image/png;base64,${file.base64}`
      this.onload?.()
    })
  }
}

// The smallest valid PNG: 1x1 transparent pixel.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

let handle: TestDbHandle
let dataDir: string
let sender: OutboxSender
const elements = new Map<string, FakeElement>()
const localStorage = new FakeStorage()
let promptAnswer: string | null = null
const saved: Record<string, unknown> = {}
const GLOBALS = ['document', 'window', 'localStorage', 'sessionStorage', 'FileReader', 'fetch']

beforeAll(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-page-'))
  await giveConsent(handle.db, ['web-1', 'web-2'])
  const runtime = await createTestRuntime(handle.db)
  sender = runtime.sender
  const app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => undefined,
    simulator: {
      handleInbound: runtime.runtime.handleInbound,
      listInbox: (params) => listSimulatorInbox(handle.db, params),
      media: createMediaStore(dataDir),
    },
  })
  const page = await (await app.request('/simulator', undefined, LOOPBACK)).text()
  for (const [, id] of page.matchAll(/\sid="([^"]+)"/g)) {
    const element = new FakeElement('element')
    element.id = id!
    elements.set(id!, element)
  }
  elements.get('token-row')!.hidden = /id="token-row"[^>]*\shidden/.test(page)
  localStorage.setItem('kaderbot.simulator.from', 'web-1')

  for (const name of GLOBALS) saved[name] = (globalThis as Record<string, unknown>)[name]
  Object.assign(globalThis, {
    document: {
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: (tag: string) => new FakeElement(tag),
    },
    window: {
      matchMedia: () => ({ matches: false }),
      prompt: () => promptAnswer,
    },
    localStorage,
    sessionStorage: new FakeStorage(),
    FileReader: FakeFileReader,
    fetch: (path: string, init: RequestInit) => app.request(path, init, LOOPBACK),
  })
  // Served as is to browsers; importing it runs the page.
  await import('../../src/http/simulator-page/app.js' as string)
})

afterAll(async () => {
  // The page polls forever: park it on a request that never answers, then close the database.
  ;(globalThis as Record<string, unknown>).fetch = () => new Promise(() => undefined)
  await new Promise((resolve) => setTimeout(resolve, 2500))
  for (const name of GLOBALS) (globalThis as Record<string, unknown>)[name] = saved[name]
  await sender.idle()
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

const el = (id: string) => elements.get(id)!
const bubbles = () =>
  el('messages').children.map((li) => ({
    side: li.className.includes('from-bot') ? 'bot' : 'me',
    text: li.children[0]!.textContent,
    choices: li.children.find((child) => child.className === 'choices')?.children ?? [],
  }))

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not in time; bubbles: ${JSON.stringify(bubbles())}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function type(text: string) {
  el('text').value = text
  await el('composer').dispatch('submit')
}

describe('the page script', () => {
  test('chats: bubbles on both sides, choices as buttons, unprompted messages once', async () => {
    expect(el('who').textContent).toBe('sebagai web-1')
    expect(el('settings').open).toBe(false)

    await type('kenalan')
    await until(() => bubbles().length === 2)
    await type('Siti')
    await until(() => bubbles().length === 4)
    const roles = bubbles()[3]!
    // Numbered as the bot numbers them, so a typed "2" and a tap read the same.
    expect(roles.choices.map((button) => button.textContent)).toEqual([
      '1. Kader KB (PPKBD/Sub-PPKBD)',
      '2. Peserta pelatihan ibu muda',
      '3. Petugas DPPKB',
      '4. Lainnya',
    ])
    await roles.choices[1]!.dispatch('click')
    await until(() => bubbles().length === 6)

    // A message the person did not trigger arrives with the next poll (every 2 s).
    await deliverToSimulator(handle.db, {
      recipientId: 'web-1',
      message: { text: 'Pengingat: pelatihan besok pukul 08.00.\nSampai jumpa!' },
    })
    await until(() => bubbles().length === 7, 5000)
    await new Promise((resolve) => setTimeout(resolve, 2100)) // another poll: nothing twice

    expect(bubbles().map(({ side, text }) => `${side}: ${text}`)).toEqual([
      'me: kenalan',
      'bot: Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
      'me: Siti',
      'bot: Bapak/Ibu sebagai apa?',
      'me: Peserta pelatihan ibu muda',
      'bot: Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.',
      'bot: Pengingat: pelatihan besok pukul 08.00.\nSampai jumpa!',
    ])
    expect(el('status').textContent).toBe('')
    const savedChat = JSON.parse(localStorage.getItem('kaderbot.simulator.chat.web-1')!) as {
      items: unknown[]
    }
    expect(savedChat.items).toHaveLength(7)
  }, 30_000)

  test('sends a location from the prompt, and refuses coordinates off the globe', async () => {
    const before = bubbles().length
    promptAnswer = '100, 1'
    await el('location').dispatch('click')
    expect(el('status').textContent).toBe('Koordinat tidak valid. Contoh: -7.8925, 112.6658')
    expect(bubbles()).toHaveLength(before)
    promptAnswer = '-7.98, 112.63'
    await el('location').dispatch('click')
    await until(() => bubbles().length === before + 2)
    expect(bubbles()[before]).toMatchObject({ side: 'me', text: '📍 Lokasi: -7.98, 112.63' })
    expect(bubbles()[before + 1]!.side).toBe('bot')
  })

  test('sends a picked photo as base64, and refuses one over 5 MB', async () => {
    const before = bubbles().length
    el('photo').files = [{ name: 'besar.jpg', size: 6 * 1024 * 1024, base64: '' }]
    await el('photo').dispatch('change')
    expect(el('status').textContent).toBe('Foto terlalu besar (paling besar 5 MB).')
    expect(bubbles()).toHaveLength(before)
    el('photo').files = [{ name: 'rumah.png', size: 68, base64: PNG_BASE64 }]
    await el('photo').dispatch('change')
    await until(() => bubbles().length === before + 2)
    expect(bubbles()[before]).toMatchObject({ side: 'me', text: '📷 Foto: rumah.png' })
    expect(bubbles()[before + 1]!.side).toBe('bot')
  })

  test('another sender id starts its own conversation; the first one comes back', async () => {
    const first = bubbles().map(({ text }) => text)
    el('from').value = 'ada spasi'
    await el('from').dispatch('change')
    expect(el('status').textContent).toMatch(/^ID pengirim hanya boleh/)
    el('from').value = 'web-2'
    await el('from').dispatch('change')
    expect(el('who').textContent).toBe('sebagai web-2')
    expect(bubbles()).toEqual([])
    await type('kenalan')
    await until(() => bubbles().length === 2)
    el('from').value = 'web-1'
    await el('from').dispatch('change')
    expect(bubbles().map(({ text }) => text)).toEqual(first)
  })
})
