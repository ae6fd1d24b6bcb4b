/**
 * Registry checks (goflow's TestActionTypes): every registered flow has a transcript test file and
 * every text key it implies exists in `locales/id`, so a flow cannot ship with a missing prompt.
 */
import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { flowKeys } from '../../src/engine/index.js'
import { flows } from '../../src/conversation/registry.js'
import { testI18n } from '../harness/i18n.js'
import { emptySnapshot } from '../../src/domain/snapshot.js'

const ctx = {
  now: new Date('2025-11-24T01:00:00Z'),
  timeZone: 'Asia/Jakarta',
  label: () => '',
  snapshot: emptySnapshot({ kecamatan: [], desaByKecamatan: {} }),
}

describe.each(flows.map((flow) => [flow.id, flow] as const))('flow %s', (id, flow) => {
  test('has a transcript test beside it', () => {
    expect(existsSync(new URL(`../../src/flows/${id}.test.ts`, import.meta.url))).toBe(true)
  })

  test('has every text its steps imply', async () => {
    const i18n = await testI18n()
    const keys = [flowKeys.title(id)]
    for (const step of flow.steps) {
      keys.push(flowKeys.prompt(id, step.id))
      if (flow.confirm) keys.push(flowKeys.label(id, step.id))
      for (const option of step.options?.({}, ctx, id) ?? []) {
        const key = option.label.key
        keys.push(...(Array.isArray(key) ? key.slice(0, 1) : [key]))
      }
    }
    const missing = keys.filter((key) => !i18n.has(key))
    expect(missing).toEqual([])
  })
})

test('flow ids and trigger words are unique (the registry refuses duplicates at start)', () => {
  const words = flows.flatMap((flow) => flow.commands)
  expect(new Set(words).size).toBe(words.length)
})
