/**
 * The WhatsApp channel over Baileys (a paired device): holds the number's leader
 * lock, opens one socket with the auth state from Postgres, follows `connection.update` per
 * `DisconnectReason`, maps each `messages.upsert` of type `notify` to an `InboundMessage` for the
 * runtime (one transaction each, docs/design.md P5), and exposes the ban-aware `ChannelSender`. The
 * socket is made by an injected factory, so tests drive the adapter with a stand-in emitting
 * Baileys' own event shapes.
 * @module
 */
import {
  type AuthenticationState,
  type BaileysEventEmitter,
  type ConnectionState,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
  type WAVersion,
  downloadMediaMessage,
  fetchLatestBaileysVersion,
  fetchLatestWaWebVersion,
  makeCacheableSignalKeyStore,
  makeWASocket,
  proto,
} from '@whiskeysockets/baileys'
import type { Logger } from '../../lib/logger.js'
import type { ReadDocument } from '../documents.js'
import type { ChannelSender } from '../types.js'
import type { InboundContent, InboundMessage } from '../../domain/messages.js'
import { decodeAuthValue, loadAuthState } from './auth-state.js'
import { DEFAULT_HUMAN_PACING, type HumanPacing, createHumanPacer } from './pacing.js'
import { DEFAULT_RECONNECT, type ReconnectPolicy, decideReconnect } from './reconnect.js'
import { asPickedChoice } from './numbered-reply.js'
import type { WhatsAppTexts } from './render.js'
import {
  type WhatsAppSendSocket,
  createWhatsAppSender,
  describeWhatsAppError,
  statusCodeOf,
} from './sender.js'
import type { AuthKeyValueStore, WhatsAppLeaderLock, WhatsAppStore } from './store.js'
import { toInbound } from './to-inbound.js'

/** The part of a Baileys socket the channel uses; a real `WASocket` satisfies it. */
export type WhatsAppSocket = WhatsAppSendSocket & {
  ev: Pick<BaileysEventEmitter, 'on' | 'off' | 'removeAllListeners'>
  requestPairingCode: (phoneNumber: string) => Promise<string>
  end: (error: Error | undefined) => unknown
  updateMediaMessage: (message: WAMessage) => Promise<WAMessage>
}

export type WhatsAppSocketFactory = (config: UserFacingSocketConfig) => WhatsAppSocket

/** Why the admins are told on another channel. */
export type WhatsAppAlert = 'logged_out' | 'replaced' | 'forbidden' | 'gave_up'

export type WhatsAppStatus =
  | 'stopped'
  | 'standby'
  | 'connecting'
  | 'pairing'
  | 'open'
  | 'reconnecting'
  | 'replaced'
  | 'forbidden'
  | 'gave_up'

export type WhatsAppChannelDeps = {
  handleInbound: (message: InboundMessage, now: Date) => Promise<{ duplicate: boolean }>
  store: WhatsAppStore
  authStore: AuthKeyValueStore
  lock: WhatsAppLeaderLock
  media: {
    put: (bytes: Uint8Array, extension: string) => Promise<string>
    read: (ref: string) => Promise<Uint8Array>
    /** Reads a document a message carries (`certificate:…`). */
    readDocument?: ReadDocument
  }
  texts: WhatsAppTexts
  logger: Logger
  /** Tells the admins on another channel (through the outbox) that WhatsApp needs a human. */
  alertAdmins: (alert: WhatsAppAlert) => Promise<void>
  /** A new QR to scan (print it, serve it); `undefined` once paired. */
  onQr?: (qr: string | undefined) => void
  /** A pairing code to type on the phone (when `pairingPhone` is set). */
  onPairingCode?: (code: string) => void
  /** Pair by code for this number (E.164) instead of a QR. */
  pairingPhone?: string
  /** The local calendar day (YYYY-MM-DD) of an instant, for the daily cap. */
  dayOf: (now: Date) => string
  socketFactory?: WhatsAppSocketFactory
  /** Fetches an image message's bytes (default Baileys' `downloadMediaMessage`). */
  downloadImage?: (message: WAMessage, socket: WhatsAppSocket) => Promise<Uint8Array>
  /** The WA Web version to announce (default: fetched at start, else the pinned fallback). */
  resolveVersion?: () => Promise<WAVersion>
  pacing?: HumanPacing
  reconnect?: ReconnectPolicy
  /** Answer messages written in groups (default off). */
  groups?: boolean
  /** How long sent messages are kept for `getMessage` (default 6 hours). */
  sentTtlMs?: number
  /** How often a standby replica tries the lock, and the holder checks it (default 10 s). */
  lockCheckMs?: number
  clock?: () => Date
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export type WhatsAppChannel = {
  sender: ChannelSender
  /** Takes the lock when free and connects; a standby replica keeps trying in the background. */
  start: () => Promise<void>
  stop: () => Promise<void>
  status: () => WhatsAppStatus
  /** The QR to scan while pairing, else `undefined`. */
  currentQr: () => string | undefined
  /**
   * Whether this replica holds the number's lock (and so the socket). The outbox sends WhatsApp
   * rows only on this replica: its lease for the channel follows this (`onLockChange`).
   */
  holdsLock: () => boolean
  /** Calls `listener` with the current state, then on every gain and loss of the lock. */
  onLockChange: (listener: (held: boolean) => void) => void
  /** Serves Baileys' retry requests from the kept messages (exposed for tests). */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>
}

/** The WA Web version rc14 ships, used when neither version lookup answers. */
export const PINNED_WA_VERSION: WAVersion = [2, 3000, 1043857760]

/** Largest image the bot downloads. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024

export const DEFAULT_SENT_TTL_MS = 6 * 60 * 60 * 1000

/** How often the process's RSS is logged while the socket runs (Baileys' caches grow). */
const RSS_LOG_EVERY_MS = 10 * 60_000
/** Above this RSS the log line is a warning. */
const RSS_WARN_BYTES = 1024 * 1024 * 1024

/** The current WA Web version, else Baileys' latest known one, else the pin. */
export async function resolveWaVersion(): Promise<WAVersion> {
  for (const lookup of [fetchLatestWaWebVersion, fetchLatestBaileysVersion]) {
    try {
      const result = await lookup({ signal: AbortSignal.timeout(10_000) })
      if (!result.error) return result.version
    } catch {
      // Try the next source.
    }
  }
  return PINNED_WA_VERSION
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannel {
  const clock = deps.clock ?? (() => new Date())
  const sleep = deps.sleep ?? defaultSleep
  const logger = deps.logger.child({ channel: 'whatsapp' })
  // Baileys' own logs may quote JIDs (phone numbers): keep them out of the application log.
  const baileysLogger = deps.logger.child({ module: 'baileys' }, { level: 'silent' })
  const factory = deps.socketFactory ?? ((config) => makeWASocket(config))
  const pacing = deps.pacing ?? DEFAULT_HUMAN_PACING
  const policy = deps.reconnect ?? DEFAULT_RECONNECT
  const sentTtlMs = deps.sentTtlMs ?? DEFAULT_SENT_TTL_MS
  const lockCheckMs = deps.lockCheckMs ?? 10_000

  let status: WhatsAppStatus = 'stopped'
  let socket: WhatsAppSocket | undefined
  let open = false
  let qr: string | undefined
  let attempts = 0
  let connecting: Promise<void> | undefined
  let version: WAVersion | undefined
  let lockTimer: NodeJS.Timeout | undefined
  let retryTimer: NodeJS.Timeout | undefined
  let stopped = true
  let rssLoggedAt = 0
  let lockHeld = false
  /** The inbound messages being handled, in order (awaited by `stop`). */
  let inbound: Promise<void> = Promise.resolve()
  const lockListeners: ((held: boolean) => void)[] = []

  function setLockHeld(held: boolean): void {
    if (held === lockHeld) return
    lockHeld = held
    for (const listener of lockListeners) listener(held)
  }

  const sender = createWhatsAppSender({
    socket: () => (open ? socket : undefined),
    store: deps.store,
    pacer: createHumanPacer({ limits: pacing, clock, sleep, random: deps.random }),
    limits: pacing,
    texts: deps.texts,
    readMedia: deps.media.read,
    ...(deps.media.readDocument ? { readDocument: deps.media.readDocument } : {}),
    clock,
    dayOf: deps.dayOf,
    sentTtlMs,
  })

  async function getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined
    const raw = await deps.store.findSent(key.id, new Date(clock().getTime() - sentTtlMs))
    if (raw === undefined) return undefined
    return proto.Message.fromObject(decodeAuthValue<object>(raw))
  }

  function setQr(next: string | undefined): void {
    qr = next
    deps.onQr?.(next)
  }

  function closeSocket(): void {
    const current = socket
    socket = undefined
    open = false
    if (!current) return
    current.ev.removeAllListeners(undefined as never)
    try {
      current.end(undefined)
    } catch {
      // Already closed.
    }
  }

  /** Opens one socket; a second call while one is being opened joins it (one socket per number). */
  function connect(): Promise<void> {
    connecting ??= openSocket().finally(() => {
      connecting = undefined
    })
    return connecting
  }

  async function openSocket(): Promise<void> {
    if (stopped) return
    closeSocket()
    status = status === 'reconnecting' ? 'reconnecting' : 'connecting'
    const { state, saveCreds } = await loadAuthState(deps.authStore)
    version ??= await (deps.resolveVersion ?? resolveWaVersion)()
    const auth: AuthenticationState = {
      creds: state.creds,
      keys: makeCacheableSignalKeyStore(state.keys, baileysLogger),
    }
    const sock = factory({
      auth,
      version,
      logger: baileysLogger,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      getMessage,
    })
    socket = sock
    let pairingRequested = false
    sock.ev.on('creds.update', () => {
      saveCreds().catch((error: unknown) => {
        logger.error({ error: describeWhatsAppError(error) }, 'whatsapp creds not saved')
      })
    })
    sock.ev.on('connection.update', (update) => {
      if (socket !== sock) return
      if (update.qr && !state.creds.registered) {
        status = 'pairing'
        if (deps.pairingPhone) {
          if (!pairingRequested) {
            pairingRequested = true
            void requestPairingCode(sock, deps.pairingPhone)
          }
        } else {
          setQr(update.qr)
        }
      }
      if (update.connection === 'open') onOpen()
      if (update.connection === 'close') void onClose(update)
    })
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (socket !== sock || type !== 'notify') return
      // One after another, in arrival order, also across upserts.
      inbound = inbound.then(() => handleMessages(sock, messages))
    })
  }

  async function requestPairingCode(sock: WhatsAppSocket, phone: string): Promise<void> {
    try {
      const code = await sock.requestPairingCode(phone.replace(/[^0-9]/g, ''))
      deps.onPairingCode?.(code)
    } catch (error) {
      logger.error({ error: describeWhatsAppError(error) }, 'whatsapp pairing code failed')
    }
  }

  function onOpen(): void {
    open = true
    attempts = 0
    status = 'open'
    if (qr !== undefined) setQr(undefined)
    logger.info('whatsapp connected')
  }

  async function onClose(update: Partial<ConnectionState>): Promise<void> {
    const code = statusCodeOf(update.lastDisconnect?.error)
    closeSocket()
    if (stopped) return
    attempts += 1
    const decision = decideReconnect(code, attempts, policy)
    logger.warn({ code, attempts, action: decision.action }, 'whatsapp connection closed')
    switch (decision.action) {
      case 'restart_now':
        attempts = 0
        await connect()
        return
      case 'retry':
        status = 'reconnecting'
        retryTimer = setTimeout(() => {
          retryTimer = undefined
          void connect().catch(onConnectError)
        }, decision.delayMs)
        return
      case 'repair':
        // The phone unlinked the bot: wipe the account's keys, then pair afresh (new QR/code).
        attempts = 0
        await deps.authStore.clear()
        await alert('logged_out')
        await connect()
        return
      case 'stop':
        status = decision.reason
        await alert(decision.reason)
        return
    }
  }

  function onConnectError(error: unknown): void {
    logger.error({ error: describeWhatsAppError(error) }, 'whatsapp connect failed')
  }

  async function alert(kind: WhatsAppAlert): Promise<void> {
    try {
      await deps.alertAdmins(kind)
    } catch (error) {
      logger.error({ alert: kind, error: describeWhatsAppError(error) }, 'admin alert failed')
    }
  }

  /** In order: a person's messages arrive in order, and each is one transaction. */
  async function handleMessages(sock: WhatsAppSocket, messages: WAMessage[]): Promise<void> {
    for (const message of messages) {
      const messageId = message.key.id
      try {
        await handleMessage(sock, message)
      } catch (error) {
        logger.error({ messageId, error: describeWhatsAppError(error) }, 'whatsapp message failed')
      }
    }
  }

  async function handleMessage(sock: WhatsAppSocket, message: WAMessage): Promise<void> {
    const now = clock()
    const mapped = toInbound(message, { groups: deps.groups ?? false })
    if (mapped.kind === 'ignored') {
      logger.debug({ messageId: message.key.id, reason: mapped.reason }, 'message ignored')
      return
    }
    const contact = await deps.store.noteInbound(mapped.sender, now)
    const content: InboundContent =
      mapped.kind === 'image'
        ? await withImage(sock, message)
        : await asPickedChoice(mapped.content, () =>
            deps.store.lastUnpromptedChoices(contact.chatId)
          )
    const phone = contact.phone ?? mapped.sender.phone
    const inbound: InboundMessage = {
      channel: 'whatsapp',
      externalId: mapped.externalId,
      senderId: contact.chatId,
      ...(phone ? { phone } : {}),
      receivedAt: now,
      content,
    }
    await deps.handleInbound(inbound, now)
    await deps.store.updateIdentity(contact.chatId, {
      ...(phone ? { phone } : {}),
      ...((contact.lid ?? mapped.sender.lid) ? { lid: contact.lid ?? mapped.sender.lid } : {}),
    })
  }

  /** Downloads an image into the media store; one that cannot be read counts as a document. */
  async function withImage(sock: WhatsAppSocket, message: WAMessage): Promise<InboundContent> {
    try {
      const image = message.message?.imageMessage ?? undefined
      const declared = Number(image?.fileLength ?? 0)
      if (declared > MAX_IMAGE_BYTES) throw new Error('image too large')
      const download =
        deps.downloadImage ??
        (async (msg: WAMessage, s: WhatsAppSocket) =>
          downloadMediaMessage(
            msg,
            'buffer',
            {},
            { logger: baileysLogger, reuploadRequest: s.updateMediaMessage }
          ))
      const bytes = await download(message, sock)
      if (bytes.length > MAX_IMAGE_BYTES) throw new Error('image too large')
      const mime = image?.mimetype ?? ''
      const extension = /png/i.test(mime) ? 'png' : /webp/i.test(mime) ? 'webp' : 'jpg'
      return { type: 'photo', ref: await deps.media.put(bytes, extension) }
    } catch (error) {
      logger.warn(
        { messageId: message.key.id, error: describeWhatsAppError(error) },
        'image download failed'
      )
      return { type: 'unsupported', kind: 'document' }
    }
  }

  /** Standby: try the lock; holder: check it is still ours, else hand over. */
  async function checkLock(): Promise<void> {
    if (stopped) return
    if (status === 'standby') {
      if (await deps.lock.tryAcquire()) {
        logger.info('whatsapp lock taken')
        setLockHeld(true)
        status = 'connecting'
        await connect()
      }
    } else if (!(await deps.lock.stillHeld())) {
      logger.warn('whatsapp lock lost: standing by')
      closeSocket()
      status = 'standby'
      setLockHeld(false)
    }
  }

  /** Watches memory: one line every ten minutes while connected, a warning when it is high. */
  function watchRss(): void {
    const now = Date.now()
    if (!open || now - rssLoggedAt < RSS_LOG_EVERY_MS) return
    rssLoggedAt = now
    const rss = process.memoryUsage.rss()
    const entry = { rssMb: Math.round(rss / (1024 * 1024)) }
    if (rss > RSS_WARN_BYTES) logger.warn(entry, 'whatsapp process memory high')
    else logger.info(entry, 'whatsapp process memory')
  }

  function scheduleLockCheck(): void {
    lockTimer = setTimeout(() => {
      watchRss()
      void checkLock()
        .catch(onConnectError)
        .finally(() => {
          if (!stopped) scheduleLockCheck()
        })
    }, lockCheckMs)
    lockTimer.unref()
  }

  return {
    sender,
    getMessage,
    status: () => status,
    currentQr: () => qr,
    holdsLock: () => lockHeld,
    onLockChange(listener) {
      lockListeners.push(listener)
      listener(lockHeld)
    },
    async start() {
      if (!stopped) return
      stopped = false
      status = 'standby'
      await checkLock()
      if (status === 'standby') logger.info('whatsapp lock held elsewhere: standing by')
      scheduleLockCheck()
    },
    async stop() {
      stopped = true
      if (lockTimer) clearTimeout(lockTimer)
      if (retryTimer) clearTimeout(retryTimer)
      await connecting?.catch(() => undefined)
      closeSocket()
      await inbound
      status = 'stopped'
      setLockHeld(false)
      await deps.lock.release()
    },
  }
}
