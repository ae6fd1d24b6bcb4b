/**
 * `npm start`: reads the environment once, starts the bot, and stops it cleanly on SIGINT/SIGTERM.
 * A wrong environment value stops start-up with one line naming the variable.
 * @module
 */
import nodeModule from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { createLogger } from './lib/logger.js'

/**
 * V8 compiles a WebAssembly function again with its optimising compiler once the function has run
 * "enough" (its tiering budget). PGlite's start-up runs much of Postgres a few times (catalog
 * loading, the first queries), which made V8 optimise thousands of functions used only then: on
 * this project's 2-core machine that compilation took about a third of the CPU before /healthz,
 * competing with the start-up itself, and kept their code in memory. Ten times the default budget
 * (1 800 000) optimises only what keeps running; per-query CPU under a steady load measured the
 * same. Set before the database opens: the budget is read when PGlite's module is instantiated.
 */
const WASM_TIERING_BUDGET = 18_000_000

/**
 * Node 22.1 and later keep the compiled code of the modules they load in a cache on disk (the
 * system's temporary directory), so a restart compiles less: it covers everything imported after
 * this call, the app itself (`kaderbot.ts`) and the packages it loads. Node 20 has no such cache.
 */
function enableCompileCache(): void {
  const withCache = nodeModule as { enableCompileCache?: () => unknown }
  withCache.enableCompileCache?.()
}

async function main(): Promise<void> {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`)
  enableCompileCache()
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  const logger = createLogger({ level: config.logLevel })
  // Opening PGlite's data directory takes about a second, most of it while the rest of the app is
  // still loading: started first, the two overlap. startKaderbot awaits it (and reports a
  // failure); the catch only keeps an early failure from counting as unhandled meanwhile.
  const database = openDatabase(config, logger)
  database.catch(() => undefined)
  const { startKaderbot } = await import('./kaderbot.js')
  const bot = await startKaderbot(config, { logger, database })
  console.log(`kaderbot siap di ${bot.url} (coba: POST ${bot.url}/api/v1/simulator/messages)`)
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: berhenti...`)
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error)
  process.exit(1)
})
