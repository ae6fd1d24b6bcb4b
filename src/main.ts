/**
 * `npm start`: reads the environment once, starts the bot, and stops it cleanly on SIGINT/SIGTERM.
 * A wrong environment value stops start-up with one line naming the variable.
 * @module
 */
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { createLogger } from './lib/logger.js'

async function main(): Promise<void> {
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
