/**
 * @module One cadre's turns through the real runtime (as `startKaderbot` builds it, without a
 * sender) on a counting drizzle instance: what a turn costs in statements and transactions, and
 * the plan of each statement (`explainStatements`), for the benchmark and for the test that no
 * turn reads a table sequentially.
 */
import { createRuntime } from '../src/conversation/runtime.js'
import { sql } from 'drizzle-orm'
import type { Db, DbHandle } from '../src/db/client.js'
import { listAllRegions } from '../src/db/queries/regions.js'
import { createFamily } from '../src/db/queries/visits.js'
import { seedRegions } from '../src/db/seed-regions.js'
import { NOTICE_VERSION } from '../src/domain/consent.js'
import { buildRegionDirectory } from '../src/domain/regions.js'
import { flowRegistry } from '../src/conversation/registry.js'
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

/** The nodes of a plan that read a table, depth first. */
function scansOf(node: PlanNode): ScanNode[] {
  const own = node['Relation Name']
    ? [{ nodeType: node['Node Type'], relation: node['Relation Name'] }]
    : []
  return [...own, ...(node.Plans ?? []).flatMap(scansOf)]
}

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
    plans.push({ query, scans: parsed.flatMap((entry) => scansOf(entry.Plan)) })
  }
  return plans
}

/**
 * Fills the tables a turn touches to the size a busy year leaves them: `people` cadres spread over
 * every desa and one active supervisor per kecamatan, each with a Telegram identity and consent;
 * as many conversations and families; `outboxRows` sent outbox rows and inbound messages; pending
 * fires. Then `analyze`, as autovacuum would after a bulk load. Returns a cadre (with a family in
 * their desa) and a supervisor to run turns as.
 */
export async function seedTurnTables(
  db: Db,
  params: { people: number; outboxRows: number; telegramBase: number }
): Promise<{
  cadre: { id: number; telegramId: string; desaCode: string }
  supervisorTelegramId: string
}> {
  await seedRegions(db)
  // Cadres spread over every desa, one active supervisor per kecamatan.
  await db.execute(sql`
    insert into people (name, phone, roles, region_code, status)
    select 'Kader ' || i, '+62812' || lpad(i::text, 8, '0'), array['kader'], d.code, 'active'
    from generate_series(1, ${params.people}) as i
    join (select code, (row_number() over (order by code)) - 1 as k,
                 count(*) over () as n
          from regions where level = 'desa') as d
      on d.k = i % d.n`)
  await db.execute(sql`
    insert into people (name, phone, roles, region_code, status)
    select 'Pengawas ' || code, '+62813' || lpad(row_number() over (order by code)::text, 8, '0'),
      array['supervisor'], code, 'active'
    from regions where level = 'kecamatan'`)
  await db.execute(sql`
    insert into channel_identities (person_id, channel, external_id)
    select id, 'telegram', (${params.telegramBase} + id)::text from people`)
  await db.execute(sql`
    insert into consents (channel, sender_id, person_id, notice_version, given, at)
    select 'telegram', (${params.telegramBase} + id)::text, id, ${NOTICE_VERSION}, true, now()
    from people`)
  await db.execute(sql`
    insert into outbox (channel, recipient_id, priority, message, status, person_id, sent_at)
    select 'telegram', (${params.telegramBase} + 1 + i % ${params.people})::text, 0,
      '{"text":"Terima kasih"}'::jsonb, 'sent', 1 + i % ${params.people}, now()
    from generate_series(1, ${params.outboxRows}) as i`)
  // The other tables a turn touches, at the size a busy year leaves them.
  await db.execute(sql`
    insert into conversations (channel, sender_id, session)
    select 'whatsapp', '62812' || i, '{}'::jsonb from generate_series(1, ${params.people}) as i`)
  await db.execute(sql`
    insert into inbound_messages (channel, external_id, sender_id, kind, received_at)
    select 'whatsapp', 'wamid-' || i, '62812' || (i % ${params.people}), 'text', now()
    from generate_series(1, ${params.outboxRows}) as i`)
  await db.execute(sql`
    insert into families (head_name, desa_code, created_by, consented_at)
    select 'Keluarga ' || p.id, p.region_code, p.id, now() from people as p`)
  await db.execute(sql`
    insert into fires (kind, dedupe_key, due_at, grace_seconds, payload)
    select 'bench', 'bench:' || i, now() + interval '1 day', 60, '{}'::jsonb
    from generate_series(1, ${params.people}) as i`)
  const [row] = rowsOf<{ id: number | string; region_code: string }>(
    await db.execute(sql`select id, region_code from people where name = 'Kader 1'`)
  )
  const cadre = {
    id: Number(row!.id),
    telegramId: String(params.telegramBase + Number(row!.id)),
    desaCode: row!.region_code,
  }
  await createFamily(db, {
    headName: 'Budi Santoso',
    desaCode: cadre.desaCode,
    createdBy: cadre.id,
    consentedAt: new Date(),
  })
  const [supervisor] = rowsOf<{ id: number | string }>(
    await db.execute(sql`select id from people where 'supervisor' = any(roles) order by id limit 1`)
  )
  const supervisorTelegramId = String(params.telegramBase + Number(supervisor!.id))
  await db.execute(sql`analyze`)
  return { cadre, supervisorTelegramId }
}

/** One statement's `EXPLAIN (ANALYZE, BUFFERS)`: its time, the buffers it touched, its plan's top. */
export type AnalyzedStatement = {
  query: string
  planningMs: number
  executionMs: number
  sharedHit: number
  sharedRead: number
  rows: number
  top: string
  scans: ScanNode[]
}

type AnalyzedNode = PlanNode & {
  'Actual Rows'?: number
  'Shared Hit Blocks'?: number
  'Shared Read Blocks'?: number
}

class RolledBack extends Error {}

/**
 * Runs every distinct statement again under `EXPLAIN (ANALYZE, BUFFERS)`, each in a transaction
 * that is rolled back (a write is measured, not kept); a write that cannot run a second time is
 * listed in `skipped`.
 */
export async function analyzeStatements(
  handle: DbHandle,
  statements: readonly SentStatement[]
): Promise<{ analyzed: AnalyzedStatement[]; skipped: string[] }> {
  const analyzed: AnalyzedStatement[] = []
  const skipped: string[] = []
  const seen = new Set<string>()
  for (const { query, params } of statements) {
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(query)) continue
    const key = `${query}\u0000${JSON.stringify(params)}`
    if (seen.has(key)) continue
    seen.add(key)
    const text = `explain (analyze, buffers, format json) ${query}`
    let raw: unknown
    try {
      if (handle.kind === 'pglite') {
        await handle.pglite.transaction(async (tx) => {
          raw = rowsOf<{ 'QUERY PLAN': unknown }>(await tx.query(text, params))[0]?.['QUERY PLAN']
          await tx.rollback()
        })
      } else {
        await handle.sql.begin(async (tx) => {
          raw = rowsOf<{ 'QUERY PLAN': unknown }>(await tx.unsafe(text, params as never[]))[0]?.[
            'QUERY PLAN'
          ]
          throw new RolledBack()
        })
      }
    } catch (error) {
      // A write that cannot run twice (its unique key is taken now) is left out, not measured.
      if (!(error instanceof RolledBack)) {
        skipped.push(`${(error as Error).message.slice(0, 80)}: ${query.slice(0, 60)}`)
        continue
      }
    }
    const [entry] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      Plan: AnalyzedNode
      'Planning Time': number
      'Execution Time': number
    }[]
    if (!entry) continue
    const scans = scansOf(entry.Plan)
    analyzed.push({
      query,
      planningMs: entry['Planning Time'],
      executionMs: entry['Execution Time'],
      sharedHit: entry.Plan['Shared Hit Blocks'] ?? 0,
      sharedRead: entry.Plan['Shared Read Blocks'] ?? 0,
      rows: entry.Plan['Actual Rows'] ?? 0,
      top: entry.Plan['Node Type'],
      scans,
    })
  }
  return { analyzed, skipped }
}
