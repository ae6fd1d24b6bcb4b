/**
 * @module kaderbot for the outside benchmark's throughput runs: `src/main.ts`'s start-up (the
 * environment through `loadConfig`, `startKaderbot`, SIGTERM stops it), with two changes the
 * benchmark needs and says it made: the outbox's Telegram pacing is off with 32 sends in flight
 * (the fake Bot API's flood limits are off too, as for the grammY bot, which does not pace), and
 * the per-sender flood limit is off (scripted users answer at machine speed). The head-of-line run
 * starts `node dist/main.js` itself, production pacing and all.
 */
import { loadConfig } from '../src/config.js'
import { startKaderbot } from '../src/kaderbot.js'
import { createLogger } from '../src/lib/logger.js'

const config = loadConfig(process.env)
const bot = await startKaderbot(config, {
  hostname: '127.0.0.1',
  logger: createLogger({ level: config.logLevel }),
  outboxPacing: { telegram: null },
  outboxConcurrency: { telegram: 32 },
  inboundLimits: null,
})
process.on('SIGTERM', () => {
  bot.stop().then(
    () => process.exit(0),
    () => process.exit(1)
  )
})
