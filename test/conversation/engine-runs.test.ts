/**
 * The engine runs exactly once per inbound message: a turn that needs data (the family search
 * for a typed name, the family's last visit, an earlier report of the same day) pauses for it and
 * goes on, instead of being run again once the data is loaded.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/raw.js'
import type { DataNeed } from '../../src/domain/snapshot.js'
import type { ChatState } from '../../src/engine/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import { seedSitiAndFamilies } from '../harness/visits-db.js'

const engine = vi.hoisted(() => ({ runs: 0, loads: [] as DataNeed['kind'][] }))

vi.mock(import('../../src/engine/run.js'), async (original) => {
  const actual = await original()
  return {
    ...actual,
    runTurnWithData: (registry, session, input, ctx, load) => {
      engine.runs += 1
      return actual.runTurnWithData(registry, session, input, ctx, (needs, snapshot) => {
        engine.loads.push(...needs.map((need) => need.kind))
        return load(needs, snapshot)
      })
    },
  }
})

const NOW = new Date('2025-11-24T01:00:00Z') // Senin, 24 November 2025 08.00 WIB

let handle: TestDbHandle
beforeEach(async () => {
  handle = await createTestDb()
  await seedSitiAndFamilies(handle.db, ['Sutrisno'], NOW)
})
afterEach(async () => {
  await handle.close()
})

/** Sends each text as Siti; per message, the engine's runs, the kinds it loaded, what it answered. */
async function converse(texts: string[]) {
  const { runtime, sender } = await createTestRuntime(handle.db)
  const perMessage: { runs: number; loads: DataNeed['kind'][]; texts: string[] }[] = []
  for (const text of texts) {
    engine.runs = 0
    engine.loads = []
    const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
    const replies = (await runtime.handleInbound(message, NOW)).replies.flatMap((r) => [
      r.text,
      ...(r.choices ?? []).map((c) => c.label),
    ])
    perMessage.push({ runs: engine.runs, loads: engine.loads, texts: replies })
  }
  await sender.idle()
  return perMessage
}

test('each message of a visit report runs the engine once, loading what its flow declares', async () => {
  const perMessage = await converse(['/lapor', 'sutrisna', '1', 'pus'])
  expect(perMessage.map((m) => m.runs)).toEqual([1, 1, 1, 1])
  // Each turn loads what its answers newly name: the recent families, the typed name's search,
  // then the picked family's history, each inside its turn, which then asks its next question.
  expect(perMessage[0]!.loads).toEqual(['recent_families'])
  expect(perMessage[1]!.loads).toEqual(['family_search'])
  expect(perMessage[1]!.texts.join('\n')).toContain('Sutrisno (Krajan RT 02 RW 03)')
  expect([...perMessage[2]!.loads].sort()).toEqual(['last_visit', 'same_day_visit'])
  expect(perMessage.every((m) => m.texts.length > 0)).toBe(true)
})

test('later turns reuse what the open flow loaded; a draft keeps none and loads afresh', async () => {
  const perMessage = await converse(['/lapor', 'sutrisna', '1', 'pus', 'x', 'menu', '1'])
  // After the family is picked no turn searches again: the kept results still fit the answers,
  // and the summary can still name the family.
  expect(perMessage.slice(3).map((m) => m.loads)).toEqual([[], [], [], []])
  // Put aside ("Simpan dulu"), the draft holds the answers but none of the loaded families.
  const [row] = rowsOf<{ session: ChatState }>(
    await handle.db.execute(sql`select session from conversations where sender_id = 'wa-siti'`)
  )
  const draft = row!.session.drafts['visit-report']
  expect(draft?.answers.family).toBeDefined()
  expect(draft).not.toHaveProperty('kept')
  // Resumed, the draft loads the search and the family's history again.
  const resumed = await converse(['/lapor', '1'])
  expect(resumed[0]!.loads).toEqual(expect.arrayContaining(['family_search', 'last_visit']))
  expect(resumed[1]!.loads).toEqual([])
  expect(resumed[1]!.texts.join('\n')).toContain('Status KB pasangan ini?')
})
