/**
 * @module Benchmark 4, embedded PGlite start-up: `node dist/main.js` (what `npm start` runs once
 * `prestart` built it; built here first) spawned as a child process in a fresh temporary DATA_DIR,
 * timed from spawn to the first `GET /healthz` 200; then stopped with SIGTERM and started again on
 * the same DATA_DIR (restart). Each start's resident memory is read 2 s after /healthz answered
 * (idle). The baseline is the same spawn of a bare Hono app (`hello-server.js`): Node and the HTTP
 * server without the bot. Beside each wall time, the CPU the child used until /healthz answered
 * (all its threads, from /proc): on a shared machine the wall time mostly measures the others' load,
 * the CPU time much less so.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort, percentile, round } from './stats.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const POLL_MS = 20
const START_TIMEOUT_MS = 120_000

export type StartupOptions = {
  restarts: number
  log: (line: string) => void
}

export type StartupResult = {
  /** Spawn to the first /healthz 200 in a fresh DATA_DIR (migrations, regions seeded). */
  firstStartMs: number
  /** Each restart on the same DATA_DIR, and their median. */
  restartMs: number[]
  restartMedianMs: number
  /** The bare Node + Hono spawn (plain JavaScript), median of as many runs as restarts. */
  baselineMs: number
  /** The part of first start / restarts spent inside `startKaderbot` (database, seed, wiring). */
  insideFirstMs: number
  insideRestartMedianMs: number
  /** CPU time (user + system, all threads) the child used until /healthz answered. */
  firstStartCpuMs: number
  restartCpuMedianMs: number
  /** Resident memory 2 s after /healthz answered, at the first start and at the restarts (MiB). */
  idleRssMiB: { first: number; restartMedian: number }
  ratios: { firstToBaseline: number; restartToBaseline: number }
}

/**
 * A started child: spawn to 200, the CPU it used until then, and the bot's own `startMs` (its
 * "kaderbot started" log line).
 */
export type Started = { child: ChildProcess; ms: number; cpuMs: number; insideMs: number }

/** Builds `dist/` as `prestart` does, so the starts below time the same code `npm start` runs. */
export async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build.js'], { cwd: ROOT })
}

/** A child's resident memory (`VmRSS` of /proc, MiB) once it sat idle for `afterMs`. */
async function idleRss(child: ChildProcess, afterMs = 2000): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, afterMs))
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return round(kib / 1024, 1)
}

/** Clock ticks of /proc/<pid>/stat: USER_HZ, 100 on Linux. */
const TICK_MS = 10

/** A child's CPU time so far (utime + stime of /proc/<pid>/stat, ms), NaN when unreadable. */
async function cpuMsOf(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '')
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

/**
 * Spawns `node …nodeArgs` on `port` (a free one unless given) and polls `/healthz` until it
 * answers 200.
 */
export async function startAndWait(
  nodeArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  port?: number
): Promise<Started> {
  port ??= await freePort()
  const script = nodeArgs.at(-1) ?? ''
  const started = performance.now()
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let insideMs = Number.NaN
  let stdout = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    for (let end = stdout.indexOf('\n'); end !== -1; end = stdout.indexOf('\n')) {
      const line = stdout.slice(0, end)
      stdout = stdout.slice(end + 1)
      insideMs = startMsOf(line) ?? insideMs
    }
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000)
  })
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  for (;;) {
    if (exited) throw new Error(`${script} exited before /healthz answered: ${stderr}`)
    if (performance.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL')
      throw new Error(`${script} did not answer /healthz within ${START_TIMEOUT_MS} ms`)
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`)
      await response.arrayBuffer()
      if (response.status === 200) {
        const ms = round(performance.now() - started, 0)
        return { child, ms, cpuMs: await cpuMsOf(child), insideMs }
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** The `startMs` of the bot's "kaderbot started" log line (pino JSON), if `line` is it. */
function startMsOf(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const entry = JSON.parse(line) as { msg?: string; startMs?: number }
    return entry.msg === 'kaderbot started' ? entry.startMs : undefined
  } catch {
    return undefined
  }
}

/** SIGTERM and wait for the exit (the PGlite lock file is released on a clean stop). */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** Only what the child needs: no inherited DATABASE_URL or channel settings. */
function childEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    DATA_DIR: dataDir,
    // Info: the "kaderbot started" line carries the time spent inside startKaderbot.
    LOG_LEVEL: 'info',
  }
}

export async function benchStartup(options: StartupOptions): Promise<StartupResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-bench-startup-'))
  try {
    await buildDist()
    const baselines: number[] = []
    for (let i = 0; i < Math.max(1, options.restarts); i++) {
      const hello = await startAndWait(['bench/hello-server.js'], childEnv(dataDir))
      baselines.push(hello.ms)
      await stop(hello.child)
    }
    const baselineMs = percentile(baselines, 50)
    options.log(`startup: bare Node + Hono ${baselineMs} ms`)

    const first = await startAndWait(['dist/main.js'], childEnv(dataDir))
    const firstRss = await idleRss(first.child)
    await stop(first.child)
    options.log(
      `startup: first start ${first.ms} ms (CPU ${first.cpuMs} ms), idle RSS ${firstRss} MiB`
    )
    const restartMs: number[] = []
    const restartCpuMs: number[] = []
    const insideRestartMs: number[] = []
    const restartRss: number[] = []
    for (let i = 0; i < options.restarts; i++) {
      const again = await startAndWait(['dist/main.js'], childEnv(dataDir))
      restartMs.push(again.ms)
      restartCpuMs.push(again.cpuMs)
      insideRestartMs.push(again.insideMs)
      restartRss.push(await idleRss(again.child))
      await stop(again.child)
    }
    const restartMedianMs = percentile(restartMs, 50)
    const restartCpuMedianMs = percentile(restartCpuMs, 50)
    options.log(`startup: restart median ${restartMedianMs} ms (CPU ${restartCpuMedianMs} ms)`)
    return {
      firstStartMs: first.ms,
      restartMs,
      restartMedianMs,
      baselineMs,
      insideFirstMs: first.insideMs,
      insideRestartMedianMs: percentile(insideRestartMs, 50),
      firstStartCpuMs: first.cpuMs,
      restartCpuMedianMs,
      idleRssMiB: { first: firstRss, restartMedian: percentile(restartRss, 50) },
      ratios: {
        firstToBaseline: round(first.ms / baselineMs, 2),
        restartToBaseline: round(restartMedianMs / baselineMs, 2),
      },
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}
