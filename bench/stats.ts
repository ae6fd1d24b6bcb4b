/**
 * @module Small measurement helpers of the benchmarks: percentiles, a peak-RSS sampler, a free
 * port, and the table printed to stdout.
 */
import { createServer } from 'node:net'

/** The `p`-th percentile (0–100) of `values` by nearest rank; `NaN` when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** p50/p95/p99/max of a latency list, in the list's unit (milliseconds throughout the bench). */
export type LatencySummary = { count: number; p50: number; p95: number; p99: number; max: number }

export function summarize(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b))),
  }
}

/** Rounds to `digits` decimals (default 2), keeping `NaN`. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Samples this process's resident set size while a phase runs; `stop` returns the peak in MiB. */
export function startRssSampler(intervalMs = 50): { stop: () => number } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, intervalMs)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage.rss())
      return round(peak / (1024 * 1024), 1)
    },
  }
}

/** A loopback port that was free a moment ago (for servers that need the port before listening). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** One printed row: a figure, its unit, and the goal it is read against (if any). */
export type TableRow = { section: string; metric: string; value: string; goal?: string }

/** Renders rows as an aligned plain-text table. */
export function formatTable(rows: readonly TableRow[]): string {
  const header = { section: 'bench', metric: 'metric', value: 'value', goal: 'goal' }
  const all = [header, ...rows.map((r) => ({ ...r, goal: r.goal ?? '' }))]
  const width = (key: keyof typeof header) => Math.max(...all.map((r) => r[key].length))
  const widths = {
    section: width('section'),
    metric: width('metric'),
    value: width('value'),
    goal: width('goal'),
  }
  const line = (r: typeof header) =>
    [
      r.section.padEnd(widths.section),
      r.metric.padEnd(widths.metric),
      r.value.padStart(widths.value),
      r.goal,
    ]
      .join('  ')
      .trimEnd()
  const rule = '-'.repeat(widths.section + widths.metric + widths.value + widths.goal + 6)
  return [line(header), rule, ...all.slice(1).map(line)].join('\n')
}

/** `12.3` → `"12.3"`, `NaN` → `"n/a"`. */
export function show(value: number, unit = ''): string {
  return Number.isFinite(value) ? `${value}${unit}` : 'n/a'
}
