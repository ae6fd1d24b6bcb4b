/**
 * The socket lifecycle on a real database: the reconnect policy per `DisconnectReason` (a new
 * socket at once after pairing, no reconnect loop on 440, wipe and re-pair on 401, capped backoff
 * otherwise), QR and pairing-code pairing, the socket options that keep a bot quiet, the auth
 * state round trip with Baileys' own `initAuthCreds`/`BufferJSON`, and (Postgres only) one socket
 * per number across two replicas through the advisory lock.
 */
import {
  BufferJSON,
  DisconnectReason,
  type SignalDataSet,
  initAuthCreds,
  proto,
} from '@whiskeysockets/baileys'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadAuthState } from '../../src/channels/whatsapp/auth-state.js'
import {
  PINNED_WA_VERSION,
  type WhatsAppAlert,
  type WhatsAppChannelDeps,
  createWhatsAppChannel,
} from '../../src/channels/whatsapp/channel.js'
import { decideReconnect } from '../../src/channels/whatsapp/reconnect.js'
import { createDb } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import { createWhatsAppAuthStore, createWhatsAppStore } from '../../src/db/queries/whatsapp.js'
import {
  type LeaderLockTarget,
  createWhatsAppLeaderLock,
} from '../../src/db/queries/whatsapp-lock.js'
import { waAuth } from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'
import { standInFactory, until } from '../harness/whatsapp.js'

const POLICY = { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 }

describe('decideReconnect', () => {
  test('each DisconnectReason', () => {
    expect(decideReconnect(DisconnectReason.restartRequired, 1)).toEqual({ action: 'restart_now' })
    expect(decideReconnect(DisconnectReason.connectionReplaced, 1)).toEqual({
      action: 'stop',
      reason: 'replaced',
    })
    expect(decideReconnect(DisconnectReason.loggedOut, 1)).toEqual({ action: 'repair' })
    expect(decideReconnect(DisconnectReason.forbidden, 1)).toEqual({
      action: 'stop',
      reason: 'forbidden',
    })
    for (const code of [
      DisconnectReason.connectionLost,
      DisconnectReason.connectionClosed,
      DisconnectReason.badSession,
      DisconnectReason.unavailableService,
      DisconnectReason.multideviceMismatch,
      undefined,
    ]) {
      expect(decideReconnect(code, 1, POLICY)).toEqual({ action: 'retry', delayMs: 1 })
    }
  })

  test('backoff doubles up to the cap, then gives up', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 5 }
    const delays = [1, 2, 3, 4, 5].map((n) => decideReconnect(408, n, policy))
    expect(delays.map((d) => (d.action === 'retry' ? d.delayMs : d.action))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ])
    expect(decideReconnect(408, 6, policy)).toEqual({ action: 'stop', reason: 'gave_up' })
  })
})

function channelOn(
  handle: DbHandle,
  overrides: Partial<WhatsAppChannelDeps> = {},
  lockTarget: LeaderLockTarget = { kind: 'single' }
) {
  const { factory, sockets } = standInFactory()
  const alerts: WhatsAppAlert[] = []
  const qrs: (string | undefined)[] = []
  const codes: string[] = []
  const channel = createWhatsAppChannel({
    handleInbound: async () => ({ duplicate: false }),
    store: createWhatsAppStore(handle.db, 'main'),
    authStore: createWhatsAppAuthStore(handle.db, 'main'),
    lock: createWhatsAppLeaderLock(lockTarget, 'main'),
    media: { put: async () => 'media:x', read: async () => new Uint8Array() },
    texts: { choiceHint: 'h', contactHint: 'c' },
    logger: silentLogger,
    alertAdmins: async (alert) => {
      alerts.push(alert)
    },
    onQr: (qr) => qrs.push(qr),
    onPairingCode: (code) => codes.push(code),
    dayOf: () => '2025-11-24',
    socketFactory: factory,
    resolveVersion: async () => PINNED_WA_VERSION,
    reconnect: POLICY,
    lockCheckMs: 60_000,
    ...overrides,
  })
  return { channel, sockets, alerts, qrs, codes }
}

const authRows = async (db: Db) => db.select({ key: waAuth.key }).from(waAuth)

describe('WhatsApp socket lifecycle', () => {
  let handle: TestDbHandle
  beforeEach(async () => {
    handle = await createTestDb()
  })
  afterEach(async () => {
    await handle.close()
  })

  test('pairing by QR, then restartRequired opens a new socket at once; quiet socket options', async () => {
    const bot = channelOn(handle)
    await bot.channel.start()
    expect(bot.sockets).toHaveLength(1)
    const config = bot.sockets[0]!.config
    expect(config).toMatchObject({
      markOnlineOnConnect: false,
      syncFullHistory: false,
      version: PINNED_WA_VERSION,
    })
    expect(config.shouldSyncHistoryMessage?.({} as never)).toBe(false)
    expect(typeof config.getMessage).toBe('function')

    bot.sockets[0]!.showQr('2@qr-one')
    expect(bot.channel.currentQr()).toBe('2@qr-one')
    expect(bot.channel.status()).toBe('pairing')
    // The phone scanned: Baileys saves the creds, then asks for a restart (515).
    bot.sockets[0]!.ev.emit('creds.update', { registered: true })
    bot.sockets[0]!.close(DisconnectReason.restartRequired)
    await until(() => bot.sockets.length === 2)
    expect(bot.sockets[0]!.ended).toBe(true)
    bot.sockets[1]!.open()
    expect(bot.channel.status()).toBe('open')
    expect(bot.channel.currentQr()).toBeUndefined()
    expect(bot.qrs).toEqual(['2@qr-one', undefined])
    await until(async () => (await authRows(handle.db)).some((r) => r.key === 'creds'))
    expect(bot.alerts).toEqual([])
    await bot.channel.stop()
  })

  test('connectionReplaced (440) stops without reconnecting and alerts the admins', async () => {
    const bot = channelOn(handle)
    await bot.channel.start()
    bot.sockets[0]!.open()
    bot.sockets[0]!.close(DisconnectReason.connectionReplaced)
    await until(() => bot.alerts.length === 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(bot.sockets).toHaveLength(1)
    expect(bot.channel.status()).toBe('replaced')
    expect(bot.alerts).toEqual(['replaced'])
    expect(await bot.channel.sender.send('x@lid', { text: 'a' })).toMatchObject({ ok: false })
    await bot.channel.stop()
  })

  test('loggedOut (401) wipes the auth rows, alerts the admins and pairs afresh', async () => {
    const bot = channelOn(handle)
    await bot.channel.start()
    bot.sockets[0]!.ev.emit('creds.update', {})
    await until(async () => (await authRows(handle.db)).length > 0)
    const oldCreds = bot.sockets[0]!.config.auth.creds
    bot.sockets[0]!.open()
    bot.sockets[0]!.close(DisconnectReason.loggedOut)
    await until(() => bot.sockets.length === 2)
    expect(bot.alerts).toEqual(['logged_out'])
    expect(await authRows(handle.db)).toEqual([])
    const fresh = bot.sockets[1]!.config.auth.creds
    expect(fresh.registered).toBe(false)
    expect(Buffer.from(fresh.noiseKey.public).equals(Buffer.from(oldCreds.noiseKey.public))).toBe(
      false
    )
    bot.sockets[1]!.showQr('2@qr-new')
    expect(bot.channel.currentQr()).toBe('2@qr-new')
    await bot.channel.stop()
  })

  test('other closes back off, reset after open, and give up after the cap', async () => {
    const bot = channelOn(handle)
    await bot.channel.start()
    bot.sockets[0]!.open()
    bot.sockets[0]!.close(DisconnectReason.connectionLost)
    await until(() => bot.sockets.length === 2)
    expect(bot.channel.status()).toBe('reconnecting')
    bot.sockets[1]!.open()
    // After an open the count starts again: three more failures in a row are retried...
    for (let n = 1; n <= 3; n++) {
      bot.sockets.at(-1)!.close(DisconnectReason.timedOut)
      await until(() => bot.sockets.length === 2 + n)
    }
    // ...the fourth gives up and tells the admins.
    bot.sockets.at(-1)!.close(DisconnectReason.unavailableService)
    await until(() => bot.alerts.length === 1)
    expect(bot.alerts).toEqual(['gave_up'])
    expect(bot.channel.status()).toBe('gave_up')
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(bot.sockets).toHaveLength(5)
    await bot.channel.stop()
  })

  test('forbidden (403) stops and alerts', async () => {
    const bot = channelOn(handle)
    await bot.channel.start()
    bot.sockets[0]!.close(DisconnectReason.forbidden)
    await until(() => bot.alerts.length === 1)
    expect(bot.alerts).toEqual(['forbidden'])
    expect(bot.sockets).toHaveLength(1)
    await bot.channel.stop()
  })

  test('with WHATSAPP_PAIRING_PHONE a pairing code is requested instead of showing the QR', async () => {
    const bot = channelOn(handle, { pairingPhone: '+6281234567890' })
    await bot.channel.start()
    bot.sockets[0]!.showQr('2@qr')
    bot.sockets[0]!.showQr('2@qr-again')
    await until(() => bot.codes.length === 1)
    expect(bot.sockets[0]!.pairingRequests).toEqual(['6281234567890'])
    expect(bot.codes).toEqual(['ABCD1234'])
    expect(bot.channel.currentQr()).toBeUndefined()
    await bot.channel.stop()
  })

  test('auth state round trip with initAuthCreds and BufferJSON', async () => {
    const store = createWhatsAppAuthStore(handle.db, 'rt')
    const first = await loadAuthState(store)
    expect(first.existing).toBe(false)
    await first.saveCreds()
    const preKey = { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) }
    const session = new Uint8Array([9, 8, 7, 6])
    const syncKey = proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.from([7, 7]),
      timestamp: 1700000000,
    })
    await first.state.keys.set({
      'pre-key': { '1': preKey },
      session: { 'a.0': session },
      'app-state-sync-key': { AAAA: syncKey },
      'lid-mapping': { '6281234567890': '111222333444555' },
    } as SignalDataSet)

    const second = await loadAuthState(store)
    expect(second.existing).toBe(true)
    const creds = second.state.creds
    const expected = first.state.creds
    expect(creds.registrationId).toBe(expected.registrationId)
    expect(Buffer.from(creds.noiseKey.private).equals(Buffer.from(expected.noiseKey.private))).toBe(
      true
    )
    // Every field equal (jsonb keeps no key order, so compare as objects).
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value, BufferJSON.replacer))
    expect(plain(creds)).toEqual(plain(expected))
    const keys = second.state.keys
    const preKeys = await keys.get('pre-key', ['1', '2'])
    expect(Buffer.isBuffer(preKeys['1']!.public)).toBe(true)
    expect(Buffer.from(preKeys['1']!.private).equals(preKey.private)).toBe(true)
    expect(preKeys['2']).toBeUndefined()
    const sessions = await keys.get('session', ['a.0'])
    expect(Buffer.from(sessions['a.0']!).equals(Buffer.from(session))).toBe(true)
    const sync = await keys.get('app-state-sync-key', ['AAAA'])
    expect(sync['AAAA']).toBeInstanceOf(proto.Message.AppStateSyncKeyData)
    expect(Buffer.from(sync['AAAA']!.keyData!).equals(Buffer.from([7, 7]))).toBe(true)
    expect(await keys.get('lid-mapping', ['6281234567890'])).toEqual({
      '6281234567890': '111222333444555',
    })
    // A null value deletes the key.
    await keys.set({ 'pre-key': { '1': null } } as SignalDataSet)
    expect(await keys.get('pre-key', ['1'])).toEqual({})
    // A fresh initAuthCreds differs: the stored one was really read back. (Compared by the
    // 32-byte noise key: a registration id is 14 random bits and collides once in 16,380.)
    const fresh = initAuthCreds()
    expect(Buffer.from(fresh.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(
      false
    )
    await store.clear()
    expect((await loadAuthState(store)).existing).toBe(false)
  })
})

// Two replicas need two connections to one server; PGlite has a single session.
describe.runIf(hasPostgres)('one socket per number across replicas (Postgres)', () => {
  test('only the lock holder connects; the standby takes over when the holder dies', async () => {
    const database = await createTestDbUrl()
    const a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 3 })
    const b = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 3 })
    try {
      const target = { kind: 'postgres' as const, databaseUrl: database.url }
      const lockA = createWhatsAppLeaderLock(target, 'main')
      const lockB = createWhatsAppLeaderLock(target, 'main')
      expect(await lockA.tryAcquire()).toBe(true)
      expect(await lockA.tryAcquire()).toBe(true)
      expect(await lockB.tryAcquire()).toBe(false)
      expect(await lockA.stillHeld()).toBe(true)
      // Another number is another lock.
      const other = createWhatsAppLeaderLock(target, 'second')
      expect(await other.tryAcquire()).toBe(true)
      await other.release()
      await lockA.release()
      expect(await lockA.stillHeld()).toBe(false)

      const replicaA = channelOn(a, { lockCheckMs: 20 }, target)
      const replicaB = channelOn(b, { lockCheckMs: 20 }, target)
      // The outbox's WhatsApp lease follows the socket's lock.
      const leaseB: boolean[] = []
      replicaB.channel.onLockChange((held) => leaseB.push(held))
      await replicaA.channel.start()
      await replicaB.channel.start()
      expect(replicaA.channel.holdsLock()).toBe(true)
      expect(replicaB.channel.holdsLock()).toBe(false)
      expect(replicaA.sockets).toHaveLength(1)
      expect(replicaB.sockets).toHaveLength(0)
      expect(replicaB.channel.status()).toBe('standby')
      await new Promise((resolve) => setTimeout(resolve, 80))
      expect(replicaB.sockets).toHaveLength(0)
      // Replica A stops (or dies: its lock connection closes), Postgres releases the lock, B
      // takes over.
      await replicaA.channel.stop()
      await until(() => replicaB.sockets.length === 1)
      expect(replicaB.channel.status()).not.toBe('standby')
      expect(replicaA.channel.holdsLock()).toBe(false)
      expect(leaseB).toEqual([false, true])
      await replicaB.channel.stop()
    } finally {
      await a.close()
      await b.close()
      await database.drop()
    }
  })

  test('the holder notices a lost lock connection and stands by', async () => {
    const database = await createTestDbUrl()
    const a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 3 })
    const killer = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 1 })
    try {
      const target = { kind: 'postgres' as const, databaseUrl: database.url }
      const replica = channelOn(a, { lockCheckMs: 20 }, target)
      await replica.channel.start()
      expect(replica.sockets).toHaveLength(1)
      await killer.db.execute(
        `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and classid = 7281006`
      )
      await until(() => replica.sockets[0]!.ended)
      expect(replica.channel.status()).toBe('standby')
      // The lock is free again, so the same replica takes it back and reconnects.
      await until(() => replica.sockets.length === 2)
      await replica.channel.stop()
    } finally {
      await a.close()
      await killer.close()
      await database.drop()
    }
  })
})
