/**
 * The benchmark harness (`npm run bench`) end to end with tiny numbers: it proves each benchmark
 * drives the real paths and that its verification counts what landed. Correctness only: no
 * timing is asserted (speed is what the benchmark itself reports). With `TEST_DATABASE_URL` the
 * database benchmarks run on a throwaway database on that server, else on PGlite.
 */
import { describe, expect, test } from 'vitest'
import { benchBroadcast } from '../../bench/broadcast.js'
import { VISIT_SCRIPT, benchInbound } from '../../bench/inbound.js'
import { runClosedLoop } from '../../bench/load.js'
import { GRAMMY_SCRIPT, benchOutside } from '../../bench/outside.js'
import { parseBenchArgs, tableRows, verified } from '../../bench/run.js'
import { benchScheduler } from '../../bench/scheduler.js'
import { benchStartup } from '../../bench/startup.js'
import { formatTable, percentile, summarize } from '../../bench/stats.js'

const serverUrl = process.env.TEST_DATABASE_URL
const quiet = () => undefined
const onServer = serverUrl ? { serverUrl } : {}

describe('the benchmark harness with tiny numbers', () => {
  test('inbound: every cadre completes the visit report through the webhook, every row and reply is checked', async () => {
    const result = await benchInbound({
      users: 4,
      concurrency: 3,
      warmupUsers: 1,
      log: quiet,
      ...onServer,
    })
    const updates = 4 * VISIT_SCRIPT.length
    expect(result.verified).toEqual({
      reportRows: 5,
      expectedReportRows: 5,
      repliesDelivered: 5 * VISIT_SCRIPT.length,
      expectedReplies: 5 * VISIT_SCRIPT.length,
      wrongReplies: 0,
      outboxNotSent: 0,
      ok: true,
    })
    expect(result.inbound).toMatchObject({ requests: updates, non200: 0 })
    expect(result.inbound.replyDeliveryMs.count).toBe(updates)
    expect(result.httpCeiling).toMatchObject({ requests: updates, non200: 0 })
    expect(result.dbCeiling).toMatchObject({ requests: updates, non200: 0 })
    expect(result.logLines.error).toBe(0)
    // One more cadre's report through the runtime on a counting connection.
    expect(result.perUpdate.repliesMatched).toBe(true)
    expect(result.perUpdate.queries.perStep).toHaveLength(VISIT_SCRIPT.length)
    expect(result.perUpdate.queries.perStep.every((n) => n > 0)).toBe(true)
    expect(result.perUpdate.transactions.mean).toBeGreaterThanOrEqual(1)
    expect(verified({ inbound: result })).toBe(true)
    expect(formatTable(tableRows({ inbound: result }))).toMatch(/≥ 25% \(stretch 40%\)/)
  }, 240_000)

  test('outside: the bot in its own process completes every report in closed loop and webhook-paced, replies timed at the fake', async () => {
    const result = await benchOutside({
      users: 3,
      concurrency: 2,
      warmupUsers: 1,
      headOfLine: false,
      log: quiet,
      ...onServer,
    })
    const updates = 3 * VISIT_SCRIPT.length
    for (const run of [result.kaderbot.closedLoop, result.kaderbot.webhookPaced]) {
      expect(run).toMatchObject({ requests: updates, non200: 0 })
      expect(run.replyMs.count).toBe(updates)
      expect(run.lostReplies).toBe(0)
      // A reply leaves after its update arrived, through the outbox.
      expect(run.replyMs.p50).toBeGreaterThan(0)
      expect(run.cpuMsPerUpdate.bot).toBeGreaterThanOrEqual(0)
    }
    // Both runs' reports landed (3 users each, warm-up users not counted) and every reply matched.
    expect(result.kaderbot.closedLoop.verified).toEqual({
      rows: 6,
      expectedRows: 6,
      wrongChats: 0,
      ok: true,
    })
    expect(result.httpCeiling).toMatchObject({ requests: updates, non200: 0 })
    expect(result.dbCeiling).toMatchObject({ requests: updates, non200: 0 })
    if (serverUrl) {
      // The hand-written grammY bot ran its 6-update report against the same server.
      expect(result.grammy?.closedLoop).toMatchObject({
        requests: 3 * GRAMMY_SCRIPT.length,
        non200: 0,
        verified: { rows: 3, expectedRows: 3, wrongChats: 0, ok: true },
      })
      expect(result.ratios.toGrammy).toBeGreaterThan(0)
      expect(result.kaderbot.closedLoop.cpuMsPerUpdate.database).not.toBeNull()
    } else {
      expect(result.grammy).toBeUndefined()
      expect(result.ratios.toGrammy).toBeNull()
    }
    expect(verified({ outside: result })).toBe(true)
    expect(formatTable(tableRows({ outside: result }))).toMatch(
      /≥ 1\.5× grammY|needs --database-url/
    )
  }, 300_000)

  test('scheduler: every participant gets both reminders of every session, once', async () => {
    const result = await benchScheduler({
      participants: 6,
      sessions: 2,
      cohortSize: 3,
      log: quiet,
      ...onServer,
    })
    expect(result).toMatchObject({ cohorts: 2, sessionsPerCohort: 2 })
    expect(result.verified).toEqual({
      reminders: 6 * 2 * 2,
      expectedReminders: 24,
      duplicateReminders: 0,
      firesNotDone: 0,
      ok: true,
    })
    // Four sessions with two reminders each; the ticks that ran them were counted.
    expect(result.reminderTicks.ticks).toBeGreaterThan(0)
    expect(result.reminderTicks.queries.total).toBeGreaterThan(0)
    expect(result.idleTicks.queries.max).toBeGreaterThan(0)
  }, 120_000)

  test('broadcast: the fan-out reaches every recipient once, within the scaled flood limits', async () => {
    const result = await benchBroadcast({
      recipients: 12,
      floodFactor: 0.05,
      log: quiet,
      ...onServer,
    })
    expect(result).toMatchObject({
      recipients: 12,
      permittedPerSecond: 600,
      tooManyRequests: 0,
      duplicates: 0,
      losses: 0,
      outboxNotSent: 0,
    })
  }, 120_000)

  test('startup: the built npm start answers /healthz on a fresh DATA_DIR and again after a restart', async () => {
    const result = await benchStartup({ restarts: 1, log: quiet })
    expect(result.firstStartMs).toBeGreaterThan(0)
    expect(result.restartMs).toHaveLength(1)
    expect(result.baselineMs).toBeGreaterThan(0)
    // The built bot's resident memory was read while it sat idle.
    expect(result.idleRssMiB.first).toBeGreaterThan(10)
    expect(result.idleRssMiB.restartMedian).toBeGreaterThan(10)
  }, 240_000)
})

describe('bench helpers', () => {
  test('flags scale the run down and default to the issue’s numbers', () => {
    expect(parseBenchArgs([], {})).toMatchObject({
      only: ['outside', 'inbound', 'scheduler', 'startup', 'broadcast'],
      users: 2000,
      concurrency: 50,
      warmup: 100,
      participants: 300,
      sessions: 30,
      recipients: 10_000,
    })
    const small = parseBenchArgs(['--users', '200', '--only', 'inbound'], {
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
    })
    expect(small).toMatchObject({
      users: 200,
      warmup: 10,
      only: ['inbound'],
      databaseUrl: 'postgres://x@127.0.0.1/db',
    })
    expect(() => parseBenchArgs(['--users', '0'])).toThrow(/--users/)
    expect(() => parseBenchArgs(['--only', 'everything'])).toThrow(/--only/)
  })

  test('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 })
    expect(summarize([]).p50).toBeNaN()
  })

  test('the closed loop never runs more than `concurrency` at once and runs every item', async () => {
    let running = 0
    let most = 0
    const done: number[] = []
    await runClosedLoop([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      done.push(item)
      running--
    })
    expect(most).toBe(3)
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
  })
})
