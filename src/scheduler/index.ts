/**
 * node-cron wiring only: a tick every minute in `TZ_NAME` reads the clock and runs
 * the due fires. node-cron has no cross-replica lock; the fires table is the lock (docs/design.md
 * P7).
 * @module
 */
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from '../lib/logger.js'
import { type RunDueFiresDeps, type TickResult, runDueFires } from './fires.js'

export type SchedulerDeps = RunDueFiresDeps & {
  logger: Logger
  timeZone: string
  /** Cron expression of the tick; seconds allowed. Default: every minute. */
  schedule?: string
  /** Called after every tick, for tests and metrics. */
  onTick?: (result: TickResult) => void
}

export type Scheduler = { stop: () => Promise<void> }

/** Starts the tick; the callback is the one place that reads the wall clock for fires. */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  let current: Promise<unknown> = Promise.resolve()
  const task: ScheduledTask = cron.schedule(
    deps.schedule ?? '* * * * *',
    async (context) => {
      const tick = runDueFires(deps, context.date)
      current = tick
      try {
        const result = await tick
        if (result.done + result.skipped + result.failed > 0) deps.logger.info(result, 'fires run')
        deps.onTick?.(result)
      } catch (error) {
        deps.logger.error({ err: error }, 'scheduler tick failed')
      }
    },
    {
      name: 'fires-tick',
      timezone: deps.timeZone,
      noOverlap: true,
      logger: {
        info: (message) => deps.logger.debug({ source: 'node-cron' }, message),
        warn: (message) => deps.logger.warn({ source: 'node-cron' }, message),
        error: (message) =>
          deps.logger.error({ source: 'node-cron', err: message }, 'node-cron error'),
        debug: (message) => deps.logger.debug({ source: 'node-cron', err: message }, 'node-cron'),
      },
    }
  )
  return {
    async stop() {
      await task.destroy()
      await current.catch(() => undefined)
    },
  }
}
