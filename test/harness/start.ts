/**
 * A whole bot started per test (`startKaderbot`, real HTTP on 127.0.0.1): its own data dir holding
 * the run's migrated database (PGlite) or, when the suite runs on Postgres, its own database cloned
 * from the run's template; stopped and removed after each test.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import type { Config } from '../../src/config.js'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { type Kaderbot, type StartOptions, startKaderbot } from '../../src/kaderbot.js'
import { type TestDatabase, createTestDbUrl, hasPostgres, seedTestDataDir } from './db.js'
import { silentLogger } from './runtime.js'

export type StartedBot = {
  /**
   * Starts the bot with this test's data dir and database, port 0, silent logs, WIB, no simulator,
   * and `overrides`; it is stopped after the test unless stopped before.
   */
  start: (overrides: Partial<Config>, options?: StartOptions) => Promise<Kaderbot>
  /** Stops the running bot now (to look at what it leaves, or that it stops cleanly). */
  stop: () => Promise<void>
  /** Opens this test's database as the bot does: to set it up before, or read it after, a run. */
  openDb: () => Promise<DbHandle>
}

/** Registers the hooks of one started bot per test; `name` tells the temporary data dirs apart. */
export function useStartedBot(name: string): StartedBot {
  let dataDir: string
  let database: TestDatabase | undefined
  let bot: Kaderbot | undefined
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `kaderbot-${name}-`))
    database = hasPostgres ? await createTestDbUrl() : undefined
    await seedTestDataDir(dataDir)
  })
  afterEach(async () => {
    await bot?.stop()
    bot = undefined
    await database?.drop()
    await rm(dataDir, { recursive: true, force: true })
  })
  return {
    start: async (overrides, options = {}) => {
      const config: Config = {
        ...(database ? { databaseUrl: database.url } : {}),
        dataDir,
        port: 0,
        logLevel: 'silent',
        timeZone: 'Asia/Jakarta',
        simulatorEnabled: false,
        ...overrides,
      }
      bot = await startKaderbot(config, { logger: silentLogger, hostname: '127.0.0.1', ...options })
      return bot
    },
    stop: async () => {
      await bot?.stop()
      bot = undefined
    },
    openDb: () => createDb(database ? { databaseUrl: database.url } : { dataDir }),
  }
}
