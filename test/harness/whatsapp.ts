/**
 * A stand-in for a Baileys socket (no WhatsApp server exists here): its `ev` is Baileys' own event
 * emitter (`makeEventBuffer`), inbound messages are built with Baileys' `proto.WebMessageInfo`
 * plus the v7 key fields (`remoteJidAlt`) the real decoder adds, and closes carry a `Boom` with
 * the real `DisconnectReason` code. `sendMessage` is strict like the server: it refuses while the
 * socket is not open, to a JID that is not a person's, and content Baileys would not send; it
 * records what was accepted and answers with a real `proto.Message`.
 * @module
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Boom } from '@hapi/boom'
import {
  type UserFacingSocketConfig,
  type WAMessage,
  isLidUser,
  isPnUser,
  makeEventBuffer,
  proto,
} from '@whiskeysockets/baileys'
import {
  PINNED_WA_VERSION,
  type WhatsAppSocket,
  type WhatsAppSocketFactory,
  createWhatsAppChannel,
} from '../../src/channels/whatsapp/channel.js'
import { DEFAULT_HUMAN_PACING, type HumanPacing } from '../../src/channels/whatsapp/pacing.js'
import type { SendableContent } from '../../src/channels/whatsapp/sender.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import type { Db } from '../../src/db/client.js'
import { createWhatsAppAuthStore, createWhatsAppStore } from '../../src/db/queries/whatsapp.js'
import { createWhatsAppLeaderLock } from '../../src/db/queries/whatsapp-lock.js'
import { type OutboxSender, createOutboxSender } from '../../src/outbox/sender.js'
import { testI18n } from './i18n.js'
import { createRuntimeForTest, silentLogger } from './runtime.js'

export type SentRecord = { jid: string; content: SendableContent; id: string }

export type StandInSocket = WhatsAppSocket & {
  /** Baileys' own emitter, so tests can emit any event (`creds.update`, …). */
  ev: ReturnType<typeof makeEventBuffer>
  config: UserFacingSocketConfig
  sent: SentRecord[]
  ended: boolean
  pairingRequests: string[]
  /** Emits `connection.update` `{ connection: 'open' }`. */
  open: () => void
  /** Emits `{ connection: 'close' }` with a Boom of `statusCode`, as Baileys does. */
  close: (statusCode: number) => void
  showQr: (qr: string) => void
  /** Emits `messages.upsert`. */
  receive: (messages: WAMessage[], type?: 'notify' | 'append') => void
}

let sentCounter = 0

export function createStandInSocket(config: UserFacingSocketConfig): StandInSocket {
  const ev = makeEventBuffer(silentLogger)
  let isOpen = false
  const socket: StandInSocket = {
    config,
    sent: [],
    ended: false,
    pairingRequests: [],
    ev,
    async sendMessage(jid, content) {
      if (!isOpen || socket.ended) throw new Boom('Connection Closed', { statusCode: 428 })
      if (!isPnUser(jid) && !isLidUser(jid)) throw new Boom('not a user jid', { statusCode: 400 })
      const message = toProto(content)
      const id = `3EB0${(++sentCounter).toString(16).toUpperCase().padStart(16, '0')}`
      socket.sent.push({ jid, content, id })
      return { key: { remoteJid: jid, fromMe: true, id }, message } as WAMessage
    },
    async requestPairingCode(phone) {
      if (!/^[1-9][0-9]{7,14}$/.test(phone)) throw new Boom('bad phone', { statusCode: 400 })
      socket.pairingRequests.push(phone)
      return 'ABCD1234'
    },
    end() {
      socket.ended = true
      isOpen = false
    },
    async updateMediaMessage() {
      throw new Boom('no media server here', { statusCode: 404 })
    },
    open() {
      isOpen = true
      ev.emit('connection.update', { connection: 'open' })
    },
    close(statusCode) {
      isOpen = false
      ev.emit('connection.update', {
        connection: 'close',
        lastDisconnect: { error: new Boom('closed', { statusCode }), date: new Date() },
      })
    },
    showQr(qr) {
      ev.emit('connection.update', { qr })
    },
    receive(messages, type = 'notify') {
      ev.emit('messages.upsert', { messages, type })
    },
  }
  return socket
}

/** What Baileys' `generateWAMessageContent` makes of the content, checked strictly. */
function toProto(content: SendableContent): proto.Message {
  if ('text' in content) {
    if (content.text.length === 0) throw new Boom('empty text', { statusCode: 400 })
    return proto.Message.fromObject({ extendedTextMessage: { text: content.text } })
  }
  if ('image' in content) {
    if (!Buffer.isBuffer(content.image) || content.image.length === 0) {
      throw new Boom('image must be a non-empty Buffer', { statusCode: 400 })
    }
    return proto.Message.fromObject({
      imageMessage: { caption: content.caption ?? '', mimetype: 'image/jpeg' },
    })
  }
  if ('document' in content) {
    // Baileys uploads what it is given and sends a documentMessage with these fields.
    if (!Buffer.isBuffer(content.document) || content.document.length === 0) {
      throw new Boom('document must be a non-empty Buffer', { statusCode: 400 })
    }
    if (!content.mimetype || !content.fileName) {
      throw new Boom('document needs a mimetype and a fileName', { statusCode: 400 })
    }
    return proto.Message.fromObject({
      documentMessage: {
        caption: content.caption ?? '',
        mimetype: content.mimetype,
        fileName: content.fileName,
        fileLength: content.document.length,
      },
    })
  }
  const { degreesLatitude, degreesLongitude } = content.location
  if (Math.abs(degreesLatitude) > 90 || Math.abs(degreesLongitude) > 180) {
    throw new Boom('bad location', { statusCode: 400 })
  }
  return proto.Message.fromObject({ locationMessage: content.location })
}

/** A socket factory that keeps every stand-in it made, newest last. */
export function standInFactory(): { factory: WhatsAppSocketFactory; sockets: StandInSocket[] } {
  const sockets: StandInSocket[] = []
  return {
    sockets,
    factory: (config) => {
      const socket = createStandInSocket(config)
      sockets.push(socket)
      return socket
    },
  }
}

/** A person as WhatsApp v7 addresses them: LID chat with the phone JID as `remoteJidAlt`. */
export type WaPerson = { phone: string; lid?: string }

let messageCounter = 0

export type WaMessageOptions = {
  id?: string
  fromMe?: boolean
  /** Address by phone JID only (older contacts), no LID. */
  pnOnly?: boolean
  /** Override the chat JID (groups, status, newsletters). */
  remoteJid?: string
  participant?: string
}

/** An inbound `WAMessage` as Baileys' decoder emits it, content built by `proto`. */
export function waMessage(
  from: WaPerson,
  message: proto.IMessage,
  options: WaMessageOptions = {}
): WAMessage {
  const pnJid = `${from.phone.replace(/^\+/, '')}@s.whatsapp.net`
  const lidJid = from.lid ? `${from.lid}@lid` : undefined
  const id = options.id ?? `WA${(++messageCounter).toString().padStart(10, '0')}`
  const info = proto.WebMessageInfo.fromObject({
    key: { remoteJid: lidJid ?? pnJid, fromMe: options.fromMe ?? false, id },
    message,
    messageTimestamp: 1_764_000_000,
    pushName: 'Tester',
  })
  const remoteJid = options.remoteJid ?? (options.pnOnly || !lidJid ? pnJid : lidJid)
  // The real decoder builds the key as a plain object with the v7 alternate JID.
  const key = {
    remoteJid,
    remoteJidAlt: options.remoteJid || options.pnOnly || !lidJid ? undefined : pnJid,
    fromMe: options.fromMe ?? false,
    id,
    ...(options.participant ? { participant: options.participant } : {}),
    addressingMode: remoteJid.endsWith('@lid') ? 'lid' : 'pn',
  }
  return Object.assign(info, { key }) as WAMessage
}

export const waText = (from: WaPerson, text: string, options?: WaMessageOptions) =>
  waMessage(from, { conversation: text }, options)

/** A vCard as WhatsApp writes it for a shared contact. */
export function vcard(name: string, phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '')
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:;${name};;;`,
    `FN:${name}`,
    `TEL;type=CELL;type=VOICE;waid=${digits}:+${digits}`,
    'END:VCARD',
  ].join('\n')
}

/** Resolves when `check` holds (async handlers of emitted events). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Pacing with no gaps or jitter (tests not about pacing), allowing `unsolicitedPerDay` a day. */
export const pacingWithoutGaps = (unsolicitedPerDay: number): HumanPacing => ({
  ...DEFAULT_HUMAN_PACING,
  perChatGapMs: 0,
  perChatJitterMs: 0,
  globalGapMs: 0,
  globalJitterMs: 0,
  unsolicitedPerDay,
})

// === The whole bot on WhatsApp (flow tests)

/** How WhatsApp shows one sent content: its text, a photo's caption, or `[location]`. */
export function shownText(record: SentRecord): string {
  const { content } = record
  if ('text' in content) return content.text
  if ('image' in content || 'document' in content) return content.caption ?? ''
  return '[location]'
}

export type WhatsAppBotOptions = {
  /** The bot's clock (the channel stamps every inbound with it); 24 Nov 2025 08.00 WIB unless given. */
  now?: () => Date
  /** The dashboard's base URL for MASUK links. */
  adminBaseUrl?: string
}

export type WhatsAppBot = Awaited<ReturnType<typeof createWhatsAppBot>>

/**
 * The runtime, outbox and WhatsApp channel wired as `kaderbot.ts` wires them, on the stand-in
 * socket (opened), with pacing gaps off. `say` emits one upsert and resolves with what WhatsApp
 * shows in reply once it went out; `flush` sends what jobs queued and returns what each chat got.
 */
export async function createWhatsAppBot(db: Db, options: WhatsAppBotOptions = {}) {
  const clock = options.now ?? (() => new Date('2025-11-24T01:00:00Z'))
  const i18n = await testI18n()
  const dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wa-flows-'))
  const wiring: { sender?: OutboxSender } = {}
  const runtime = await createRuntimeForTest(db, {
    i18n,
    onQueued: (channel) => wiring.sender?.wake(channel),
    ...(options.adminBaseUrl ? { adminBaseUrl: () => options.adminBaseUrl } : {}),
  })
  let handled = 0
  const media = createMediaStore(dataDir)
  const { factory, sockets } = standInFactory()
  const channel = createWhatsAppChannel({
    handleInbound: async (message, now) => {
      const result = await runtime.handleInbound(message, now)
      handled += 1
      return result
    },
    store: createWhatsAppStore(db, 'test'),
    authStore: createWhatsAppAuthStore(db, 'test'),
    lock: createWhatsAppLeaderLock({ kind: 'single' }, 'test'),
    media: { put: media.put, read: (ref) => readFile(media.pathOf(ref)) },
    texts: {
      choiceHint: i18n.render({ key: 'whatsapp:choiceHint' }),
      contactHint: i18n.render({ key: 'whatsapp:contactHint' }),
    },
    logger: silentLogger,
    alertAdmins: async () => undefined,
    dayOf: (now) => now.toISOString().slice(0, 10),
    socketFactory: factory,
    resolveVersion: async () => PINNED_WA_VERSION,
    pacing: pacingWithoutGaps(100),
    clock,
    lockCheckMs: 60_000,
  })
  const sender = createOutboxSender({ db, channels: [channel.sender], logger: silentLogger })
  wiring.sender = sender
  await channel.start()
  const socket = (): StandInSocket => sockets.at(-1)!
  socket().open()

  /** What went out from `from` on, per chat JID. */
  const sentSince = (from: number) => socket().sent.slice(from)

  return {
    channel,
    sender,
    socket,
    i18n,
    /**
     * Emits one upsert and resolves with the texts WhatsApp shows in reply in the sender's chat,
     * in order (what went to other chats meanwhile is left to `flush`'s caller to look at).
     */
    async receive(message: WAMessage): Promise<string[]> {
      const before = handled
      const sentBefore = socket().sent.length
      socket().receive([message])
      await until(() => handled > before)
      await sender.idle()
      const chats = [message.key.remoteJid, message.key.remoteJidAlt]
      return sentSince(sentBefore)
        .filter((record) => chats.includes(record.jid))
        .map(shownText)
    },
    say(from: WaPerson, text: string): Promise<string[]> {
      return this.receive(waText(from, text))
    },
    /** Everything WhatsApp shows in one chat so far, oldest first. */
    inbox(jid: string): string[] {
      return socket()
        .sent.filter((record) => record.jid === jid)
        .map(shownText)
    },
    /** Sends what was queued outside a conversation (jobs, effects); returns each chat's texts. */
    async flush(): Promise<Map<string, string[]>> {
      const sentBefore = socket().sent.length
      sender.wake('whatsapp')
      await sender.idle()
      const byChat = new Map<string, string[]>()
      for (const record of sentSince(sentBefore)) {
        byChat.set(record.jid, [...(byChat.get(record.jid) ?? []), shownText(record)])
      }
      return byChat
    },
    async stop(): Promise<void> {
      await sender.idle()
      await channel.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
