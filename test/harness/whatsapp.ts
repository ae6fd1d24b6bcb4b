/**
 * A stand-in for a Baileys socket (no WhatsApp server exists here): its `ev` is Baileys' own event
 * emitter (`makeEventBuffer`), inbound messages are built with Baileys' `proto.WebMessageInfo`
 * plus the v7 key fields (`remoteJidAlt`) the real decoder adds, and closes carry a `Boom` with
 * the real `DisconnectReason` code. `sendMessage` is strict like the server: it refuses while the
 * socket is not open, to a JID that is not a person's, and content Baileys would not send; it
 * records what was accepted and answers with a real `proto.Message`.
 * @module
 */
import { Boom } from '@hapi/boom'
import {
  type UserFacingSocketConfig,
  type WAMessage,
  isLidUser,
  isPnUser,
  makeEventBuffer,
  proto,
} from '@whiskeysockets/baileys'
import type { WhatsAppSocket, WhatsAppSocketFactory } from '../../src/channels/whatsapp/channel.js'
import { DEFAULT_PACING, type PacingLimits } from '../../src/channels/whatsapp/pacing.js'
import type { SendableContent } from '../../src/channels/whatsapp/sender.js'
import { silentLogger } from './runtime.js'

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
export const pacingWithoutGaps = (unsolicitedPerDay: number): PacingLimits => ({
  ...DEFAULT_PACING,
  perChatGapMs: 0,
  perChatJitterMs: 0,
  globalGapMs: 0,
  globalJitterMs: 0,
  unsolicitedPerDay,
})
