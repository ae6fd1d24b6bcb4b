/**
 * @module `npm run bench`: runs the benchmarks (bench/README.md), prints one table with each figure
 * beside its goal, and writes everything to `bench/results/<timestamp>.json`. Every speed is
 * also given as a ratio to a baseline measured in the same run, because the machine is shared.
 * Flags: see `parseBenchArgs` and bench/README.md.
 */
import { cpus, loadavg } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type BroadcastResult, benchBroadcast } from './broadcast.js'
import { type InboundResult, benchInbound } from './inbound.js'
import { type OutsideResult, benchOutside } from './outside.js'
import { type SchedulerResult, benchScheduler } from './scheduler.js'
import { type StartupResult, benchStartup } from './startup.js'
import { type TableRow, formatTable, show } from './stats.js'

export const BENCHES = ['outside', 'inbound', 'scheduler', 'startup', 'broadcast'] as const
export type BenchName = (typeof BENCHES)[number]

export type BenchOptions = {
  only: BenchName[]
  users: number
  concurrency: number
  warmup: number
  databaseUrl?: string
  participants: number
  sessions: number
  cohortSize: number
  restarts: number
  recipients: number
  floodFactor: number
  /** outside: run the head-of-line scenario (production pacing, about 25 s). */
  headOfLine: boolean
  /** outside: CPU profiles of the bot processes go here (`--cpu-prof`). */
  cpuProfileDir?: string
  /** Directory for the JSON result; `null`: write nothing. */
  out: string | null
}

export type BenchResults = {
  outside?: OutsideResult
  inbound?: InboundResult
  scheduler?: SchedulerResult
  startup?: StartupResult
  broadcast?: BroadcastResult
}

const DEFAULT_OUT = fileURLToPath(new URL('./results/', import.meta.url))

/** Reads the command line (and `DATABASE_URL` when `--database-url` is absent). */
export function parseBenchArgs(
  argv: string[],
  env: Record<string, string | undefined> = process.env
): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      users: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '50' },
      warmup: { type: 'string' },
      'database-url': { type: 'string' },
      participants: { type: 'string', default: '300' },
      sessions: { type: 'string', default: '30' },
      'cohort-size': { type: 'string', default: '30' },
      restarts: { type: 'string', default: '3' },
      recipients: { type: 'string', default: '10000' },
      'flood-factor': { type: 'string' },
      'no-head-of-line': { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
    strict: true,
  })
  const whole = (name: string, raw: string | undefined, min = 1): number => {
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} must be a whole number of at least ${min} (got ${raw})`)
    }
    return value
  }
  const only = (values.only ?? BENCHES.join(',')).split(',').map((name) => name.trim())
  for (const name of only) {
    if (!(BENCHES as readonly string[]).includes(name)) {
      throw new Error(`--only takes ${BENCHES.join(', ')} (got ${name})`)
    }
  }
  const users = whole('users', values.users)
  const recipients = whole('recipients', values.recipients)
  const databaseUrl = values['database-url'] ?? env['DATABASE_URL']
  return {
    only: only as BenchName[],
    users,
    concurrency: whole('concurrency', values.concurrency),
    warmup:
      values.warmup === undefined
        ? Math.min(100, Math.max(2, Math.round(users / 20)))
        : whole('warmup', values.warmup, 0),
    ...(databaseUrl ? { databaseUrl } : {}),
    participants: whole('participants', values.participants),
    sessions: whole('sessions', values.sessions),
    cohortSize: whole('cohort-size', values['cohort-size']),
    restarts: whole('restarts', values.restarts),
    recipients,
    // Telegram's windows shrunk so the whole fan-out takes about 40 s of permitted time.
    floodFactor:
      values['flood-factor'] === undefined
        ? Math.min(1, Math.round((1000 * 40) / (recipients / 30)) / 1000)
        : Number(values['flood-factor']),
    headOfLine: !values['no-head-of-line'],
    ...(values['cpu-prof-dir'] ? { cpuProfileDir: values['cpu-prof-dir'] } : {}),
    out: values['no-write'] ? null : (values.out ?? DEFAULT_OUT),
  }
}

/** Runs the selected benchmarks in a fixed order (startup first: it needs the quietest machine). */
export async function runBenches(
  options: BenchOptions,
  log: (line: string) => void
): Promise<BenchResults> {
  const results: BenchResults = {}
  const serverUrl = options.databaseUrl
  if (options.only.includes('startup')) {
    results.startup = await benchStartup({ restarts: options.restarts, log })
  }
  if (options.only.includes('outside')) {
    results.outside = await benchOutside({
      users: options.users,
      concurrency: options.concurrency,
      warmupUsers: options.warmup,
      headOfLine: options.headOfLine,
      ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}),
      ...(serverUrl ? { serverUrl } : {}),
      log,
    })
  }
  if (options.only.includes('inbound')) {
    results.inbound = await benchInbound({
      users: options.users,
      concurrency: options.concurrency,
      warmupUsers: options.warmup,
      ...(serverUrl ? { serverUrl } : {}),
      log,
    })
  }
  if (options.only.includes('scheduler')) {
    results.scheduler = await benchScheduler({
      participants: options.participants,
      sessions: options.sessions,
      cohortSize: options.cohortSize,
      ...(serverUrl ? { serverUrl } : {}),
      log,
    })
  }
  if (options.only.includes('broadcast')) {
    results.broadcast = await benchBroadcast({
      recipients: options.recipients,
      floodFactor: options.floodFactor,
      ...(serverUrl ? { serverUrl } : {}),
      log,
    })
  }
  return results
}

const pct = (ratio: number) => show(Math.round(ratio * 1000) / 10, '%')
const ms = (value: number) => show(value, ' ms')
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met')

/** The printed table: each figure with its goal and whether it was met. */
export function tableRows(results: BenchResults): TableRow[] {
  const rows: TableRow[] = []
  const { outside, inbound, scheduler, startup, broadcast } = results
  if (outside) rows.push(...outsideRows(outside))
  if (inbound) {
    const s = `inbound (${inbound.database})`
    const r = inbound.inbound
    rows.push(
      {
        section: s,
        metric: `users × updates, concurrency`,
        value: `${inbound.users} × ${inbound.updatesPerUser}, ${inbound.concurrency}`,
      },
      { section: s, metric: 'completed flows/s', value: show(r.flowsPerSecond) },
      { section: s, metric: 'updates/s', value: show(r.requestsPerSecond) },
      {
        section: s,
        metric: 'updates/s ÷ bare Hono req/s',
        value: pct(inbound.ratios.toHttpCeiling),
        goal: `≥ 25% (stretch 40%): ${mark(inbound.ratios.toHttpCeiling >= 0.25)}`,
      },
      {
        section: s,
        metric: 'updates/s ÷ single-row INSERT/s',
        value: pct(inbound.ratios.toDbCeiling),
      },
      {
        section: s,
        metric: 'statements / transactions per update',
        value: `${inbound.perUpdate.queries.mean} (max ${inbound.perUpdate.queries.max}) / ${inbound.perUpdate.transactions.mean}`,
      },
      { section: s, metric: 'webhook latency p50', value: ms(r.latencyMs.p50) },
      { section: s, metric: 'webhook latency p95', value: ms(r.latencyMs.p95) },
      {
        section: s,
        metric: 'webhook latency p99',
        value: ms(r.latencyMs.p99),
        goal: `< 50 ms at concurrency 50: ${mark(r.latencyMs.p99 < 50 && inbound.concurrency >= 50)}`,
      },
      {
        section: s,
        metric: 'reply delivery p50 / p95 / p99',
        value: `${r.replyDeliveryMs.p50} / ${r.replyDeliveryMs.p95} / ${r.replyDeliveryMs.p99} ms`,
      },
      {
        section: s,
        metric: 'peak RSS (run / process)',
        value: `${inbound.peakRssMiB.inbound} / ${inbound.peakRssMiB.process} MiB`,
      },
      {
        section: s,
        metric: 'bare Hono ceiling req/s, p99',
        value: `${inbound.httpCeiling.requestsPerSecond}, ${inbound.httpCeiling.latencyMs.p99} ms`,
      },
      {
        section: s,
        metric: 'INSERT ceiling rows/s, p99',
        value: `${inbound.dbCeiling.requestsPerSecond}, ${inbound.dbCeiling.latencyMs.p99} ms`,
      },
      {
        section: s,
        metric: 'report rows / replies delivered',
        value: `${inbound.verified.reportRows}/${inbound.verified.expectedReportRows}, ${inbound.verified.repliesDelivered}/${inbound.verified.expectedReplies}`,
        goal: inbound.verified.ok ? 'all landed, none wrong' : 'MISSING OR WRONG',
      },
      {
        section: s,
        metric: 'Telegram pacing',
        value: 'off',
        goal: 'fake flood limits off, app pacing off and 32 sends in flight to match',
      }
    )
  }
  if (scheduler) {
    const s = `scheduler (${scheduler.database})`
    const t = scheduler.reminderTicks
    rows.push(
      {
        section: s,
        metric: 'participants × sessions',
        value: `${scheduler.participants} × ${scheduler.sessionsPerCohort} (${scheduler.cohorts} cohorts)`,
      },
      {
        section: s,
        metric: 'plan at start: time, queries',
        value: `${scheduler.startPlan.timeMs} ms, ${scheduler.startPlan.queries}`,
      },
      {
        section: s,
        metric: 'reminder tick p50 / p95 / max',
        value: `${t.timeMs.p50} / ${t.timeMs.p95} / ${t.timeMs.max} ms`,
      },
      {
        section: s,
        metric: 'queries per reminder tick (mean / max)',
        value: `${t.queries.mean} / ${t.queries.max}`,
      },
      {
        section: s,
        metric: 'queries per reminder queued',
        value: show(scheduler.queriesPerReminder),
      },
      {
        section: s,
        metric: 'session-end tick p50 / max, queries max',
        value: `${scheduler.sessionEndTicks.timeMs.p50} / ${scheduler.sessionEndTicks.timeMs.max} ms, ${scheduler.sessionEndTicks.queries.max}`,
      },
      {
        section: s,
        metric: 'idle tick p50, queries',
        value: `${scheduler.idleTicks.timeMs.p50} ms, ${scheduler.idleTicks.queries.max}`,
      },
      {
        section: s,
        metric: 'reminders queued',
        value: `${scheduler.verified.reminders}/${scheduler.verified.expectedReminders}`,
        goal: scheduler.verified.ok ? 'all, no duplicate' : 'MISSING OR DUPLICATED',
      }
    )
  }
  if (startup) {
    const s = 'startup (pglite, node dist/main.js)'
    rows.push(
      {
        section: s,
        metric: 'first start to /healthz 200',
        value: ms(startup.firstStartMs),
        goal: `≤ 4 s: ${mark(startup.firstStartMs <= 4000)}`,
      },
      {
        section: s,
        metric: 'restart to /healthz 200 (median)',
        value: ms(startup.restartMedianMs),
        goal: `≤ 1 s: ${mark(startup.restartMedianMs <= 1000)}`,
      },
      { section: s, metric: 'restarts', value: startup.restartMs.join(', ') },
      {
        section: s,
        metric: 'idle RSS (first / restart median)',
        value: `${startup.idleRssMiB.first} / ${startup.idleRssMiB.restartMedian} MiB`,
        goal: `≤ 120 MiB: ${mark(startup.idleRssMiB.restartMedian <= 120)}`,
      },
      {
        section: s,
        metric: 'of which inside startKaderbot (first / restart)',
        value: `${show(startup.insideFirstMs, ' ms')} / ${show(startup.insideRestartMedianMs, ' ms')}`,
      },
      {
        section: s,
        metric: 'bare node+Hono (first / restart ×)',
        value: `${startup.baselineMs} ms (${startup.ratios.firstToBaseline}× / ${startup.ratios.restartToBaseline}×)`,
      }
    )
  }
  if (broadcast) {
    const s = `broadcast (${broadcast.database})`
    rows.push(
      {
        section: s,
        metric: 'recipients, flood factor',
        value: `${broadcast.recipients}, ${broadcast.floodFactor}`,
      },
      {
        section: s,
        metric: 'achieved / permitted rate',
        value: `${broadcast.achievedPerSecond} / ${broadcast.permittedPerSecond} msg/s, ${pct(broadcast.rateRatio)} of what the limits allowed`,
        goal: `≥ 95%: ${mark(broadcast.rateRatio >= 0.95)}`,
      },
      {
        section: s,
        metric: '429s received',
        value: String(broadcast.tooManyRequests),
        goal: `0: ${mark(broadcast.tooManyRequests === 0)}`,
      },
      {
        section: s,
        metric: 'duplicates / losses',
        value: `${broadcast.duplicates} / ${broadcast.losses}`,
        goal: `0 / 0: ${mark(broadcast.duplicates === 0 && broadcast.losses === 0)}`,
      }
    )
  }
  return rows
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2))
  const log = (line: string) => console.error(line)
  const startedAt = new Date()
  const load = { start: loadavg(), end: [] as number[] }
  log(
    `bench: ${options.only.join(', ')} on ${cpus().length} CPUs, load ${load.start.map((l) => l.toFixed(2)).join(' ')}`
  )
  const results = await runBenches(options, log)
  load.end = loadavg()
  console.log(formatTable(tableRows(results)))
  console.log(
    `load average at start ${load.start.map((l) => l.toFixed(2)).join(' ')}, at end ${load.end.map((l) => l.toFixed(2)).join(' ')}`
  )
  if (options.out !== null) {
    await mkdir(options.out, { recursive: true })
    const file = `${options.out.replace(/\/$/, '')}/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`
    const { databaseUrl: _hidden, ...shown } = options
    const record = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      node: process.version,
      cpus: cpus().length,
      loadAverage: load,
      options: { ...shown, database: options.databaseUrl ? 'postgres' : 'pglite' },
      results,
    }
    await writeFile(file, `${JSON.stringify(record, null, 2)}\n`)
    console.log(`results: ${file}`)
  }
  if (!verified(results)) {
    console.error('bench: a verification failed (rows missing, replies lost or duplicated)')
    process.exitCode = 1
  }
}

/** The outside benchmark's rows: each bot in its own process, replies timed at the fake. */
function outsideRows(outside: OutsideResult): TableRow[] {
  const s = `outside (${outside.database}, bot in its own process)`
  const closed = outside.kaderbot.closedLoop
  const paced = outside.kaderbot.webhookPaced
  const grammy = outside.grammy?.closedLoop
  const latency = (l: { p50: number; p99: number }) => `${l.p50} / ${l.p99} ms`
  const cpu = (c: { bot: number; database: number | null }) =>
    `${c.bot} ms bot${c.database === null ? '' : `, ${c.database} ms database`}`
  const rows: TableRow[] = [
    {
      section: s,
      metric: 'users × updates, concurrency',
      value: `${outside.users} × ${outside.kaderbot.updatesPerUser}, ${outside.concurrency}`,
    },
    {
      section: s,
      metric: 'closed loop updates/s',
      value: show(closed.requestsPerSecond),
      goal:
        outside.ratios.toGrammy === null
          ? 'grammY baseline needs --database-url'
          : `≥ 1.5× grammY (${outside.ratios.toGrammy}×): ${mark(outside.ratios.toGrammy >= 1.5)}`,
    },
    {
      section: s,
      metric: 'closed loop reply p50 / p99',
      value: latency(closed.replyMs),
      goal: `p99 ≤ 100 ms at concurrency 50: ${mark(closed.replyMs.p99 <= 100 && outside.concurrency >= 50)}`,
    },
    {
      section: s,
      metric: 'closed loop webhook p50 / p99, non-200, replies lost',
      value: `${latency(closed.latencyMs)}, ${closed.non200}, ${closed.lostReplies}`,
    },
    {
      section: s,
      metric: 'closed loop CPU per update',
      value: cpu(closed.cpuMsPerUpdate),
      goal: `bot < 2 ms: ${mark(closed.cpuMsPerUpdate.bot < 2)}`,
    },
    { section: s, metric: 'webhook-paced updates/s', value: show(paced.requestsPerSecond) },
    { section: s, metric: 'webhook-paced webhook p50 / p99', value: latency(paced.latencyMs) },
    {
      section: s,
      metric: 'webhook-paced reply p50 / p99, replies lost',
      value: `${latency(paced.replyMs)}, ${paced.lostReplies}`,
    },
    { section: s, metric: 'webhook-paced CPU per update', value: cpu(paced.cpuMsPerUpdate) },
    {
      section: s,
      metric: 'updates/s ÷ bare Hono / ÷ INSERT',
      value: `${pct(outside.ratios.toHttpCeiling)} / ${pct(outside.ratios.toDbCeiling)}`,
    },
    {
      section: s,
      metric: 'kaderbot reports / wrong chats',
      value: `${closed.verified.rows}/${closed.verified.expectedRows}, ${closed.verified.wrongChats}`,
      goal: closed.verified.ok ? 'all landed, none wrong' : 'MISSING OR WRONG',
    },
  ]
  if (grammy) {
    rows.push(
      {
        section: s,
        metric: `grammY bot (${outside.grammy!.updatesPerUser} updates) updates/s`,
        value: show(grammy.requestsPerSecond),
      },
      { section: s, metric: 'grammY reply p50 / p99', value: latency(grammy.replyMs) },
      { section: s, metric: 'grammY CPU per update', value: cpu(grammy.cpuMsPerUpdate) },
      {
        section: s,
        metric: 'grammY reports / wrong chats',
        value: `${grammy.verified.rows}/${grammy.verified.expectedRows}, ${grammy.verified.wrongChats}`,
        goal: grammy.verified.ok ? 'all landed, none wrong' : 'MISSING OR WRONG',
      }
    )
  }
  if (outside.headOfLine) {
    const h = outside.headOfLine
    rows.push({
      section: s,
      metric: `head-of-line (${h.backlogChats} chats × ${h.backlogPerChat} queued): new chat reply p50 / p99`,
      value: latency(h.newChatReplyMs),
      goal: `p99 ≤ 1.5 s: ${mark(h.newChatReplyMs.p99 <= 1500)}`,
    })
  }
  return rows
}

/** Whether every run benchmark delivered and stored everything it should have. */
export function verified(results: BenchResults): boolean {
  const { outside, inbound, scheduler, broadcast } = results
  return (
    (outside
      ? outside.kaderbot.closedLoop.verified.ok && (outside.grammy?.closedLoop.verified.ok ?? true)
      : true) &&
    (inbound ? inbound.verified.ok && inbound.perUpdate.repliesMatched : true) &&
    (scheduler?.verified.ok ?? true) &&
    (broadcast ? broadcast.duplicates === 0 && broadcast.losses === 0 : true)
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
