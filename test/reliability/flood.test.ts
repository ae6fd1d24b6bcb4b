/**
 * A flood of forged WhatsApp webhooks (reliability suite): a separate process posts bodies with a
 * wrong `X-Hub-Signature-256` as fast as its connections allow, against a started bot on
 * loopback that logs at `info` to a file (synchronous writes, as to stdout in production). The
 * refusals are logged as a count a minute, not a line each, and `/healthz` keeps answering
 * within 1 s throughout. Bounded in time (a few seconds of flood) and in connections.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createLogger } from '../../src/lib/logger.js'
import { CLOUD_SECRETS } from '../harness/whatsapp-cloud.js'
import { type FakeGraph, startFakeGraph } from '../harness/fake-graph.js'
import { useStartedBot } from '../harness/start.js'
import { floodForgedWebhooks } from './harness/flood.js'

const FLOOD_MS = 6000
const CONCURRENCY = 32
/** Generous for a shared 2-core machine; a line per refusal wrote thousands. */
const MAX_LOG_LINES = 40
const MAX_HEALTHZ_MS = 1000

let graph: FakeGraph
let logDir: string
beforeEach(async () => {
  graph = await startFakeGraph()
  logDir = await mkdtemp(join(tmpdir(), 'kaderbot-flood-log-'))
})
afterEach(async () => {
  await graph.close()
  await rm(logDir, { recursive: true, force: true })
})

const medianOf = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

type LogLine = { msg: string; kind?: string; count?: number }

describe('a flood of forged WhatsApp webhooks', () => {
  const started = useStartedBot('flood')

  test(
    'is logged as a count per kind, and /healthz answers within 1 s throughout',
    { timeout: 240_000 },
    async () => {
      const logFile = join(logDir, 'bot.log')
      const logger = createLogger({
        level: 'info',
        destination: pino.destination({ dest: logFile, sync: true }),
      })
      const bot = await started.start(
        {
          whatsapp: {
            transport: 'cloud',
            token: graph.token,
            phoneNumberId: graph.phoneNumberId,
            appSecret: CLOUD_SECRETS.appSecret,
            verifyToken: CLOUD_SECRETS.verifyToken,
            apiRoot: graph.apiRoot,
          },
        },
        { logger }
      )
      const probeHealthz = async () => {
        const t0 = performance.now()
        const status = await fetch(`${bot.url}/healthz`).then(
          (r) => r.status,
          () => 0
        )
        return { status, ms: performance.now() - t0 }
      }
      // The machine's own pace without the flood, for comparison (shared CI machines are slow).
      const baseline: { status: number; ms: number }[] = []
      for (let i = 0; i < 10; i++) {
        baseline.push(await probeHealthz())
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const linesAtStart = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).length

      const flood = floodForgedWebhooks(bot.url, {
        concurrency: CONCURRENCY,
        durationMs: FLOOD_MS,
      })
      let flooding = true
      void flood.finally(() => (flooding = false))
      // Once the flood is under way, /healthz every 100 ms until it ends.
      await new Promise((resolve) => setTimeout(resolve, 500))
      const healthz: { status: number; ms: number }[] = []
      while (flooding) {
        healthz.push(await probeHealthz())
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const result = await flood
      const floodLog = await readFile(logFile, 'utf8')
      const duringFlood = floodLog.split('\n').filter(Boolean).length - linesAtStart
      await started.stop()
      const lines = (await readFile(logFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine)
      const refusedLines = lines.filter((line) => line.msg === 'requests refused')
      const refused = result.statuses['401'] ?? 0
      const slowest = Math.max(...healthz.map((h) => h.ms))
      const median = medianOf(healthz.map((h) => h.ms))
      const baselineSlowest = Math.max(...baseline.map((h) => h.ms))
      console.info(
        `[reliability] flood: ${result.sent} forged webhooks in ${Math.round(result.ms)} ms ` +
          `(${Math.round((result.sent * 1000) / result.ms)}/s, ${CONCURRENCY} connections), ` +
          `statuses ${JSON.stringify(result.statuses)}; ${duringFlood} log lines during the flood ` +
          `(${floodLog.length} bytes in all); /healthz ${healthz.length} probes, median ` +
          `${Math.round(median)} ms, slowest ${Math.round(slowest)} ms (without the flood: median ` +
          `${Math.round(medianOf(baseline.map((h) => h.ms)))} ms, slowest ${Math.round(baselineSlowest)} ms); refusal lines ` +
          JSON.stringify(refusedLines.map(({ kind, count }) => ({ kind, count })))
      )
      // Enough refusals that a line each would be far past the bound.
      expect(refused).toBeGreaterThan(5 * MAX_LOG_LINES)
      expect(Object.keys(result.statuses)).toEqual(['401'])
      expect(duringFlood).toBeLessThan(MAX_LOG_LINES)
      // Every refusal is counted, under its kind, in a few aggregated lines.
      const counted = refusedLines
        .filter((line) => line.kind === 'whatsapp_signature')
        .reduce((sum, line) => sum + (line.count ?? 0), 0)
      expect(counted).toBe(refused)
      expect(healthz.length).toBeGreaterThan(5)
      expect(healthz.every((h) => h.status === 200)).toBe(true)
      expect(median).toBeLessThan(MAX_HEALTHZ_MS)
      // The flood adds less than a second to the slowest probe the machine gives without it.
      expect(slowest).toBeLessThan(MAX_HEALTHZ_MS + baselineSlowest)
    }
  )
})
