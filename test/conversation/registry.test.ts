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
import { askYesNo, defineFlow } from '../../src/engine/index.js'

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

/** The effects the bot's flows and the engine produce, written out to check the derived union. */
const EFFECT_TYPES = [
  'absence_excused',
  'activity_reported',
  'attendance_checked_in',
  'attendance_recorded',
  'baseline_answered',
  'broadcast_cancelled',
  'broadcast_requested',
  'certificate_requested',
  'checkin_code_failed',
  'checkin_codes_shown',
  'consent_answered',
  'demo_completed',
  'follow_up_answered',
  'kb_recorded',
  'kompeten_marked',
  'login_link_requested',
  'opted_in',
  'opted_out',
  'referral_followed_up',
  'registration_decided',
  'registration_requested',
  'visit_reported',
  'visit_withdrawn',
] as const

describe('the registry', () => {
  test('derives the union of every effect, and holds exactly one applier for each', () => {
    expectTypeOf<ChatEffect['type']>().toEqualTypeOf<(typeof EFFECT_TYPES)[number]>()
    expect(Object.keys(appliers).sort()).toEqual([...EFFECT_TYPES])
    expect(Object.values(appliers).every((apply) => typeof apply === 'function')).toBe(true)
  })

  test('is the list of flows the runtime runs, in menu order', () => {
    expect(flowRegistry.all).toEqual(flows)
    expect(flows.map((flow) => flow.id)).toEqual([
      'consent',
      'visit-report',
      'poktan-activity',
      'history',
      'referral-outcome',
      'schedule',
      'checkin',
      'excuse',
      'mentor-attendance',
      'kode',
      'kompeten',
      'sertifikat',
      'follow-up',
      'baseline',
      'registration',
      'approval',
      'broadcast',
      'login',
      'kenalan',
    ])
  })
})
