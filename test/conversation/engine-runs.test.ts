/**
 * The engine runs exactly once per inbound message: a turn that needs data (the family search
 * for a typed name, the family's last visit, an earlier report of the same day) pauses for it and
 * goes on, instead of being run again once the data is loaded.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { DataNeed } from '../../src/domain/snapshot.js'
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

test('each message of a visit report runs the engine once, loading what its flow declares', async () => {
  const { runtime, sender } = await createTestRuntime(handle.db)
  const perMessage: { runs: number; loads: DataNeed['kind'][]; texts: string[] }[] = []
  for (const text of ['/lapor', 'sutrisna', '1', 'pus']) {
    engine.runs = 0
    engine.loads = []
    const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
    const texts = (await runtime.handleInbound(message, NOW)).replies.flatMap((r) => [
      r.text,
      ...(r.choices ?? []).map((c) => c.label),
    ])
    perMessage.push({ runs: engine.runs, loads: engine.loads, texts })
  }
  expect(perMessage.map((m) => m.runs)).toEqual([1, 1, 1, 1])
  // Each turn loads afresh: the recent families, the typed name's search, then the picked
  // family's history, each inside its turn, which then asks its next question.
  expect(perMessage[0]!.loads).toEqual(['recent_families'])
  expect(perMessage[1]!.loads).toEqual(['recent_families', 'family_search'])
  expect(perMessage[1]!.texts.join('\n')).toContain('Sutrisno (Krajan RT 02 RW 03)')
  expect(perMessage[2]!.loads).toEqual(expect.arrayContaining(['same_day_visit', 'last_visit']))
  expect(perMessage.every((m) => m.texts.length > 0)).toBe(true)
  await sender.idle()
})
