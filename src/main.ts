/**
 * `npm start`: reads the environment once, starts the bot, and stops it cleanly on SIGINT/SIGTERM.
 * A wrong environment value stops start-up with one line naming the variable.
 * @module
 */
import { ConfigError, loadConfig } from './config.js'
import { startKaderbot } from './kaderbot.js'

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
  const bot = await startKaderbot(config)
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
