/**
 * @module Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time,
 * and self time per package or source folder, so a profile of the benchmark can be read without
 * a browser. Usage: `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
type CpuProfile = {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export type HotSpot = { name: string; selfMs: number; share: number }

/** Where a script belongs: `pkg:<name>` for node_modules, else its folder below the repo. */
export function groupOf(url: string): string {
  if (url === '') return '(native/idle)'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules) return `pkg:${modules[1]}`
  if (url.startsWith('node:')) return url
  const repo = /\/(src|bench|test)\/(.+)\/[^/]+$/.exec(url)
  if (repo) return `${repo[1]}/${repo[2]}`
  return url.replace(/^file:\/\//, '')
}

/** Self time per function and per group, largest first. */
export function summarizeProfile(profile: CpuProfile): {
  totalMs: number
  functions: HotSpot[]
  groups: HotSpot[]
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const totalUs = profile.endTime - profile.startTime
  const functions = new Map<string, number>()
  const groups = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame
    if (!frame) continue
    const file = frame.url.replace(/^.*\/(node_modules|work\/main)\//, '')
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + us)
    const group = groupOf(frame.url)
    groups.set(group, (groups.get(group) ?? 0) + us)
  }
  const rank = (map: Map<string, number>): HotSpot[] =>
    [...map.entries()]
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 1000),
        share: Math.round((1000 * us) / totalUs) / 10,
      }))
      .sort((a, b) => b.selfMs - a.selfMs)
  return { totalMs: Math.round(totalUs / 1000), functions: rank(functions), groups: rank(groups) }
}

async function main(): Promise<void> {
  const [file, topArg] = process.argv.slice(2)
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]')
  const top = Number(topArg ?? 25)
  const summary = summarizeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile)
  const line = (h: HotSpot) =>
    `${String(h.selfMs).padStart(8)} ms ${String(h.share).padStart(5)}%  ${h.name}`
  console.log(`profile: ${summary.totalMs} ms\n\nself time by package / folder:`)
  for (const h of summary.groups.slice(0, top)) console.log(line(h))
  console.log('\nself time by function:')
  for (const h of summary.functions.slice(0, top)) console.log(line(h))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
