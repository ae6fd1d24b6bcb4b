/**
 * The real node-cron wiring (`startScheduler`) with a one-second schedule on a real database: the
 * tick reads the wall clock, runs a fire missed within its grace period once, and stops cleanly.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { planFires } from '../../src/db/queries/fires.js'
import { fires } from '../../src/db/schema/index.js'
import type { FireHandler, TickResult } from '../../src/scheduler/fires.js'
import { type Scheduler, startScheduler } from '../../src/scheduler/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(20)
  }
}

let handle: TestDbHandle
let scheduler: Scheduler | undefined
// The worker's first PGlite database builds the snapshot the others are cloned from: build it
// before the clock-bound tests start, not inside them.
beforeAll(async () => {
  await (await createTestDb()).close()
})
beforeEach(async () => {
  handle = await createTestDb()
})
afterEach(async () => {
  await scheduler?.stop()
  scheduler = undefined
  await handle.close()
})

describe('startScheduler', () => {
  test('a tick every second runs a missed fire within its grace once, however often it ticks', async () => {
    const dueAt = new Date(Date.now() - 30_000)
    await planFires(handle.db, [
      { kind: 'test.ping', dedupeKey: 'missed', dueAt, graceSeconds: 300, payload: {} },
    ])
    const runs: { id: number; now: Date }[] = []
    const handler: FireHandler = async (_tx, fire, now) => {
      runs.push({ id: fire.id, now })
    }
    const ticks: TickResult[] = []

    scheduler = startScheduler({
      db: handle.db,
      handlers: { 'test.ping': handler },
      logger: silentLogger,
      timeZone: 'Asia/Jakarta',
      schedule: '* * * * * *',
      onTick: (result) => ticks.push(result),
    })
    await waitFor(() => runs.length > 0 && ticks.length >= 2)
    await scheduler.stop()

    expect(runs).toHaveLength(1)
    expect(ticks[0]).toEqual({ done: 1, skipped: 0, failed: 0 })
    expect(ticks.slice(1).every((t) => t.done + t.skipped + t.failed === 0)).toBe(true)
    // The tick hands over the real instant, not the Jakarta wall clock read as UTC (7 h off).
    expect(Math.abs(runs[0]!.now.getTime() - Date.now())).toBeLessThan(5000)
    const [fire] = await handle.db.select().from(fires).where(eq(fires.dedupeKey, 'missed'))
    expect(fire).toMatchObject({ status: 'done', finishedAt: runs[0]!.now })
  })

  test('stop ends the ticks and waits for a running one', async () => {
    let slowRunning = false
    let slowFinished = false
    await planFires(handle.db, [
      {
        kind: 'test.slow',
        dedupeKey: 'slow',
        dueAt: new Date(Date.now() - 1000),
        graceSeconds: 300,
        payload: {},
      },
    ])
    const ticks: TickResult[] = []

    scheduler = startScheduler({
      db: handle.db,
      handlers: {
        'test.slow': async () => {
          slowRunning = true
          await sleep(300)
          slowFinished = true
        },
      },
      logger: silentLogger,
      timeZone: 'Asia/Jakarta',
      schedule: '* * * * * *',
      onTick: (result) => ticks.push(result),
    })
    await waitFor(() => slowRunning)
    await scheduler.stop()

    expect(slowFinished).toBe(true)
    const [fire] = await handle.db.select().from(fires).where(eq(fires.dedupeKey, 'slow'))
    expect(fire).toMatchObject({ status: 'done' })
    const ticksAtStop = ticks.length
    await sleep(1200)
    expect(ticks).toHaveLength(ticksAtStop)
  })
})
