/**
 * @module `node --import tsx bench/explain-turn.ts [--database-url URL] [--people N] [--outbox N]`:
 * fills a throwaway database as the no-sequential-scan test does (10,000 people, 100,000 sent
 * outbox rows by default), runs one cadre's visit report through the runtime, and prints every
 * statement it sent with its `EXPLAIN (ANALYZE, BUFFERS)`: execution time, shared buffers hit and
 * read, rows, and how each table was read. Per update: statements and their summed time.
 */
import { parseArgs } from 'node:util'
import { createBenchDatabase } from './database.js'
import { VISIT_SCRIPT } from './inbound.js'
import { analyzeStatements, probeTurns, seedTurnTables } from './probe.js'
import { round } from './stats.js'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    people: { type: 'string', default: '10000' },
    outbox: { type: 'string', default: '100000' },
  },
})
const serverUrl = values['database-url'] ?? process.env['DATABASE_URL']
const database = await createBenchDatabase('explain', serverUrl)
try {
  const handle = await database.open({ statementTimeoutMs: 120_000 })
  try {
    const { cadre } = await seedTurnTables(handle.db, {
      people: Number(values.people),
      outboxRows: Number(values.outbox),
      telegramBase: 700_000_000,
    })
    const run = await probeTurns(handle, cadre.telegramId, VISIT_SCRIPT)
    const { analyzed, skipped } = await analyzeStatements(handle, run.statements)
    const lines = analyzed.map((a) => {
      const reads = a.scans.map((s) => `${s.relation}:${s.nodeType}`).join(', ')
      const text = a.query.replace(/\s+/g, ' ').slice(0, 90)
      return `${a.executionMs.toFixed(3).padStart(8)} ms  hit ${String(a.sharedHit).padStart(4)} read ${String(a.sharedRead).padStart(3)} rows ${String(a.rows).padStart(4)}  ${a.top.padEnd(12)} ${reads}\n    ${text}`
    })
    console.log(
      `${database.kind}: ${analyzed.length} distinct statements in ${VISIT_SCRIPT.length} updates`
    )
    console.log(lines.join('\n'))
    for (const line of skipped) console.log(`not run again: ${line}`)
    const perStep = run.perStep.map((s) => s.queries)
    const total = analyzed.reduce((sum, a) => sum + a.executionMs + a.planningMs, 0)
    console.log(
      `statements per update ${perStep.join(' ')} (mean ${round(perStep.reduce((a, b) => a + b, 0) / perStep.length, 1)}); ` +
        `planning + execution of all: ${round(total, 1)} ms (${round(total / VISIT_SCRIPT.length, 2)} ms per update); ` +
        `sequential scans: ${
          analyzed
            .flatMap((a) => a.scans)
            .filter((s) => s.nodeType === 'Seq Scan')
            .map((s) => s.relation)
            .join(', ') || 'none'
        }`
    )
  } finally {
    await handle.close()
  }
} finally {
  await database.dispose()
}
