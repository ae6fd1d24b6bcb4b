/**
 * Crash (reliability suite): the real server runs as a child process (`src/main.ts`,
 * Telegram webhook mode against the fake Bot API, the app's own Telegram pacing) while cadres type
 * their visit reports into the webhook and a broadcast to a few hundred cadres goes out. The server
 * is killed with SIGKILL in the middle of both and started again on the same database. Then every
 * update that was answered 200 is in `inbound_messages`, every conversation resumes and its report
 * lands, every broadcast recipient gets the message at least once, and only what was in flight at
 * the kill (at most one sender batch) goes out twice; the count is printed.
 * On PGlite the database is the embedded one under DATA_DIR; with TEST_DATABASE_URL a database of
 * its own on that server.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { SeededPerson } from '../../bench/seed.js'
import { createBroadcast } from '../../src/broadcasts/service.js'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { broadcastHandlers } from '../../src/scheduler/jobs/broadcasts.js'
import { type TestDatabase, createTestDbUrl, hasPostgres, seedTestDataDir } from '../harness/db.js'
import { type FakeTelegram, startFakeTelegram } from '../harness/fake-telegram.js'
import { testI18n } from '../harness/i18n.js'
import { silentLogger } from '../harness/runtime.js'
import { type ChildBot, freePort, startChildBot } from './harness/child-bot.js'
import {
  type KeptAfterKill,
  readKeptAfterKill,
  seedCrashWorld,
  telegramWebhookEnv,
} from './harness/scenario.js'
import {
  VISIT_SCRIPT,
  buildScripts,
  checkReplies,
  startLoad,
  waitUntil,
} from './harness/visit-load.js'

const SECRET = 'reliability_crash_secret'
/** Cadres typing a visit report during the crash. */
const USERS = 16
/** Further cadres who only receive the broadcast (the conversation cadres get it too). */
const BROADCAST_ONLY = 240
const TELEGRAM_BASE = 770_000_000
const BROADCAST_TEXT = 'Selamat pagi {nama}, posyandu bulan ini dimajukan ke hari Senin.'
const isBroadcast = (text: string) => text.includes('posyandu bulan ini dimajukan')
/** The outbox sender's batch (`createOutboxSender` default): the most that can be in flight. */
const SENDER_BATCH = 50

let dataDir: string
let database: TestDatabase | undefined
let fake: FakeTelegram | undefined
let bot: ChildBot | undefined

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-crash-'))
  database = hasPostgres ? await createTestDbUrl() : undefined
  await seedTestDataDir(dataDir)
})

afterEach(async () => {
  await bot?.kill9()
  bot = undefined
  await fake?.close()
  fake = undefined
  await database?.drop()
  database = undefined
  await rm(dataDir, { recursive: true, force: true })
})

const openDb = (): Promise<DbHandle> =>
  createDb(database ? { databaseUrl: database.url, poolMax: 2 } : { dataDir })

describe('crash: kill -9 in the middle of conversations and a broadcast', () => {
  test('every acknowledged update is kept, conversations resume, the broadcast reaches everyone, duplicates stay within one batch', async () => {
    const started = performance.now()
    // --- set-up: cadres with Telegram identities and consent, a family per desa, a broadcast
    // fanned out into the outbox (its fire run here, as the scheduler's tick would) ---
    let cadres: SeededPerson[]
    let reporters: SeededPerson[]
    {
      const handle = await openDb()
      try {
        const now = new Date()
        ;({ cadres, reporters } = await seedCrashWorld(handle.db, {
          reporters: USERS,
          listeners: BROADCAST_ONLY,
          telegramBase: TELEGRAM_BASE,
          now,
        }))
        const i18n = await testI18n()
        await createBroadcast(handle.db, {
          author: { source: 'api' },
          segment: { roles: ['kader'] },
          text: BROADCAST_TEXT,
          now,
          timeZone: 'Asia/Jakarta',
        })
        await runDueFires(
          {
            db: handle.db,
            handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }),
            logger: silentLogger,
          },
          now
        )
      } finally {
        await handle.close()
      }
    }
    const recipients = cadres.map((c) => c.telegramId)
    const scripts = buildScripts(reporters)
    const total = USERS * VISIT_SCRIPT.length
    const setupMs = performance.now() - started

    fake = await startFakeTelegram()
    const port = await freePort()
    const env = telegramWebhookEnv({
      dataDir,
      ...(database ? { databaseUrl: database.url } : {}),
      fake,
      secret: SECRET,
      publicUrl: `http://127.0.0.1:${port}`,
    })
    bot = await startChildBot(env, port)
    const broadcastSent = () => fake!.messages.filter((m) => isBroadcast(m.text ?? '')).length

    // --- the load, then the kill in the middle of it ---
    const load = startLoad(scripts, { url: bot.url, secret: SECRET, thinkMs: 300, retryMs: 200 })
    let killedAt: { attempts: number; acknowledged: number; broadcast: number; messages: number }
    let restartMs: number
    try {
      const midway = await waitUntil(
        () => load.acknowledged >= total * 0.35 && broadcastSent() >= 20,
        120_000
      )
      expect(midway, `the load did not get going:\n${bot.output()}`).toBe(true)
      await bot.kill9()
      killedAt = {
        attempts: load.attempts.length,
        acknowledged: load.acknowledged,
        broadcast: broadcastSent(),
        messages: fake.messages.length,
      }
      // The kill fell in the middle of both: conversations unfinished, broadcast not through.
      expect(killedAt.acknowledged).toBeLessThan(total)
      expect(killedAt.broadcast).toBeLessThan(recipients.length)

      // --- restart on the same database; the cadres' Telegram keeps redelivering meanwhile ---
      const restartStarted = performance.now()
      bot = await startChildBot(env, port)
      restartMs = performance.now() - restartStarted
      const finished = await Promise.race([
        load.done.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 120_000)),
      ])
      expect(finished, `the conversations did not finish after the restart:\n${bot.output()}`).toBe(
        true
      )
      // Every reply and every broadcast message delivered (the new sender takes over the rows
      // the killed one had claimed).
      const delivered = await waitUntil(
        () =>
          checkReplies(fake!.messages, scripts, (text) => !isBroadcast(text)).missing === 0 &&
          new Set(fake!.messages.filter((m) => isBroadcast(m.text ?? '')).map((m) => m.chatId))
            .size === recipients.length,
        120_000,
        250
      )
      expect(delivered, `not everything was delivered after the restart:\n${bot.output()}`).toBe(
        true
      )
    } finally {
      load.stop()
    }
    await bot.stop()
    bot = undefined

    // --- what the database kept ---
    const handle = await openDb()
    let kept: KeptAfterKill
    try {
      kept = await readKeptAfterKill(handle.db)
    } finally {
      await handle.close()
    }
    const { inboundIds, visitsPerCadre, unsent } = kept

    // Every update answered 200 (before the kill or after) is in the database, each once.
    const acknowledged = new Set(
      load.attempts.filter((a) => a.status === 200).map((a) => String(a.updateId))
    )
    const acknowledgedBeforeKill = new Set(
      load.attempts
        .slice(0, killedAt.attempts)
        .filter((a) => a.status === 200)
        .map((a) => String(a.updateId))
    )
    const stored = new Set(inboundIds)
    expect([...acknowledgedBeforeKill].filter((id) => !stored.has(id))).toEqual([])
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([])
    expect(inboundIds.length).toBe(stored.size)
    expect(stored.size).toBe(total)
    // Every conversation resumed: each cadre's report landed, once.
    expect(visitsPerCadre).toHaveLength(USERS)
    expect(visitsPerCadre.every((row) => Number(row['n']) === 1)).toBe(true)
    expect(unsent).toBe(0)

    // Replies in order for every cadre; the broadcast at least once for every recipient.
    const replies = checkReplies(fake.messages, scripts, (text) => !isBroadcast(text))
    expect(replies.wrong).toEqual([])
    const perRecipient = new Map<number, number>()
    for (const message of fake.messages) {
      if (isBroadcast(message.text ?? ''))
        perRecipient.set(message.chatId, (perRecipient.get(message.chatId) ?? 0) + 1)
    }
    expect(recipients.filter((id) => !perRecipient.has(id))).toEqual([])
    const broadcastDuplicates = [...perRecipient.values()].reduce((sum, n) => sum + n - 1, 0)
    const duplicates = replies.duplicates + broadcastDuplicates
    const unanswered = load.attempts.filter((a) => a.status !== 200).length
    console.info(
      `[reliability] crash (${hasPostgres ? 'postgres' : 'pglite'}): killed after ${killedAt.acknowledged}/${total} updates ` +
        `acknowledged and ${killedAt.broadcast}/${recipients.length} broadcast messages sent; restart to /healthz ${Math.round(restartMs)} ms; ` +
        `${unanswered} delivery attempts unanswered and redelivered; duplicates: ${duplicates} ` +
        `(${replies.duplicates} replies, ${broadcastDuplicates} broadcast; bound ${SENDER_BATCH}); ` +
        `set-up ${Math.round(setupMs)} ms, whole test ${Math.round(performance.now() - started)} ms`
    )
    // Only messages in flight at the kill may go twice: at most one sender batch.
    expect(duplicates).toBeLessThanOrEqual(SENDER_BATCH)
  }, 420_000)
})
