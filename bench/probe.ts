/**
 * @module One cadre's turns through the real runtime (as `startKaderbot` builds it, without a
 * sender) on a counting drizzle instance: what a turn costs in statements and transactions, and
 * the plan of each statement (`explainStatements`), for the benchmark and for the test that no
 * turn reads a table sequentially.
 */
import { createRuntime } from '../src/conversation/runtime.js'
import type { DbHandle } from '../src/db/client.js'
import { listAllRegions } from '../src/db/queries/regions.js'
import { buildRegionDirectory } from '../src/domain/regions.js'
import { flowRegistry } from '../src/flows/index.js'
import { createI18n } from '../src/i18n/index.js'
import { createLogger } from '../src/lib/logger.js'
import { type SentStatement, countingDb, rowsOf } from './database.js'

/** One step of a script: what the person types and the start of the reply it must get. */
export type ScriptStep = { text: string; reply: RegExp }

/** Each step's statements, transactions and whether its one reply matched. */
export type ProbeRun = {
  perStep: { queries: number; transactions: number; replies: string[]; matched: boolean }[]
  statements: SentStatement[]
}

/** Runs `steps` as Telegram user `senderId` through the runtime, one update at a time. */
export async function probeTurns(
  handle: DbHandle,
  senderId: string,
  steps: readonly ScriptStep[],
  externalIdPrefix = `probe-${senderId}`
): Promise<ProbeRun> {
  const statements: SentStatement[] = []
  const counting = countingDb(handle, (statement) => statements.push(statement))
  const timeZone = 'Asia/Jakarta'
  const runtime = createRuntime({
    db: counting.db,
    i18n: await createI18n({ timeZone }),
    registry: flowRegistry,
    timeZone,
    logger: createLogger({ level: 'silent' }),
    directory: buildRegionDirectory(await listAllRegions(handle.db)),
    helpLine: '',
  })
  const perStep: ProbeRun['perStep'] = []
  for (const [i, step] of steps.entries()) {
    const q0 = counting.queries()
    const t0 = counting.transactions()
    const now = new Date()
    const result = await runtime.handleInbound(
      {
        channel: 'telegram',
        externalId: `${externalIdPrefix}-${i}`,
        senderId,
        receivedAt: now,
        content: { type: 'text', text: step.text },
      },
      now
    )
    const replies = result.replies.map((reply) => reply.text)
    perStep.push({
      queries: counting.queries() - q0,
      transactions: counting.transactions() - t0,
      replies,
      matched: replies.length === 1 && step.reply.test(replies[0] ?? ''),
    })
  }
  return { perStep, statements }
}

/** A scan node of a plan: its kind (`Seq Scan`, `Index Scan`…) and the table it reads. */
export type ScanNode = { nodeType: string; relation: string }

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] }

/**
 * The plan of every distinct statement (`EXPLAIN (FORMAT JSON)` with its own parameters, planned
 * as the app's custom plans are), flattened to the scan nodes that read a table. Transaction
 * control (savepoints) has no plan and is left out.
 */
export async function explainStatements(
  handle: DbHandle,
  statements: readonly SentStatement[]
): Promise<{ query: string; scans: ScanNode[] }[]> {
  const seen = new Set<string>()
  const plans: { query: string; scans: ScanNode[] }[] = []
  for (const { query, params } of statements) {
    // Savepoints and other transaction control pass through drizzle's logger too.
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(query)) continue
    const key = `${query}\u0000${JSON.stringify(params)}`
    if (seen.has(key)) continue
    seen.add(key)
    const text = `explain (format json) ${query}`
    const result =
      handle.kind === 'pglite'
        ? await handle.pglite.query(text, params)
        : await handle.sql.unsafe(text, params as never[])
    const [row] = rowsOf<{ 'QUERY PLAN': unknown }>(result)
    const raw = row?.['QUERY PLAN']
    const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[]
    const scans: ScanNode[] = []
    const walk = (node: PlanNode) => {
      if (node['Relation Name']) {
        scans.push({ nodeType: node['Node Type'], relation: node['Relation Name'] })
      }
      for (const child of node.Plans ?? []) walk(child)
    }
    for (const entry of parsed) walk(entry.Plan)
    plans.push({ query, scans })
  }
  return plans
}
