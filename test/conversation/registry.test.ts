/**
 * The registry of flows and appliers (src/conversation/registry.ts): its types refuse a flow whose
 * effect has no applier (the `@ts-expect-error` lines fail `tsc` if they ever compile), and the
 * union of effects it derives is the set of appliers the runtime holds.
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import {
  type ChatEffect,
  appliers,
  flowRegistry,
  flowWith,
  flows,
} from '../../src/conversation/registry.js'
import { poktanAppliers } from '../../src/conversation/appliers/poktan.js'
import { type EngineEffect, askYesNo, defineFlow } from '../../src/engine/index.js'
import { type ActivityReported, poktanActivity } from '../../src/flows/poktan-activity.js'

const noted = defineFlow({
  id: 'noted',
  version: 1,
  steps: [askYesNo('ok')],
  complete: (answers) => ({
    effects: [{ type: 'note_taken', ok: answers.ok }],
    reply: { texts: [] },
  }),
})

const readOnly = defineFlow({
  id: 'read-only',
  version: 1,
  steps: [askYesNo('ok')],
  complete: () => ({ effects: [], reply: { texts: [] } }),
})

describe('flowWith', () => {
  test('pairs a flow with an applier for each of its effects', () => {
    const noteTaken = async () => undefined
    const entry = flowWith(noted, { note_taken: noteTaken })
    expect(entry.flow).toBe(noted)
    expect(entry.appliers).toEqual({ note_taken: noteTaken })
  })

  test('refuses a flow whose effect has no applier, or an applier of another effect', () => {
    // @ts-expect-error: no applier for note_taken
    const missing = flowWith(noted, {})
    // @ts-expect-error: activity_reported's applier cannot write a note_taken
    const other = flowWith(noted, { note_taken: poktanAppliers.activity_reported })
    // @ts-expect-error: a flow with effects needs its appliers
    const none = flowWith(noted)
    // The types refused them; at run time each is only what it was given.
    expect([missing.appliers, other.appliers, none.appliers]).toEqual([
      {},
      { note_taken: poktanAppliers.activity_reported },
      {},
    ])
  })

  test('a flow that produces nothing takes no appliers', () => {
    expect(flowWith(readOnly).appliers).toEqual({})
  })
})

// Spot checks only, so that adding a flow touches no list here (docs/architecture.md, "Adding a
// flow"): the derived union holds a flow's effect, whose type the flow file declares, and the
// engine's own; the runtime's appliers cover them.
describe('the registry', () => {
  test('derives the union of every effect, with an applier for each', () => {
    expectTypeOf<ActivityReported>().toExtend<ChatEffect>()
    expectTypeOf<EngineEffect>().toExtend<ChatEffect>()
    expectTypeOf<{ type: 'note_taken'; ok: boolean }>().not.toExtend<ChatEffect>()
    expect(Object.keys(appliers)).toEqual(
      expect.arrayContaining(['activity_reported', 'opted_out', 'opted_in'])
    )
    expect(Object.values(appliers).every((apply) => typeof apply === 'function')).toBe(true)
  })

  test('is the list of flows the runtime runs, the consent flow first and gating', () => {
    expect(flowRegistry.all).toEqual(flows)
    expect(flows[0]?.id).toBe('consent')
    expect(flowRegistry.gate?.flowId).toBe('consent')
    expect(flowRegistry.get('poktan-activity')).toBe(poktanActivity)
    expect(flowRegistry.byCommand('kegiatan')).toBe(poktanActivity)
  })
})
