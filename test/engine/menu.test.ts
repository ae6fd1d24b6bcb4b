/**
 * Menu paging (docs/domain.md#chat-conventions: about six options a screen), checked on the
 * engine's own output with generated flows, so no texts are needed.
 */
import { describe, expect, test } from 'vitest'
import { emptySnapshot } from '../../src/domain/snapshot.js'
import {
  askText,
  createFlowRegistry,
  defineFlow,
  emptyChatState,
  MENU_PAGE_SIZE,
  runTurnWithData,
  type FlowContext,
  type ChatState,
} from '../../src/engine/index.js'

const flows = Array.from({ length: 8 }, (_, i) =>
  defineFlow({
    id: `flow-${i + 1}`,
    version: 1,
    steps: [askText('name')],
    complete: () => ({ effects: [], reply: { texts: [] } }),
  })
)
const registry = createFlowRegistry(flows)
const ctx: FlowContext = {
  now: new Date('2025-11-24T01:00:00Z'),
  timeZone: 'Asia/Jakarta',
  label: (text) => String(text.key),
  snapshot: { ...emptySnapshot({ kecamatan: [], desaByKecamatan: {} }), consented: true },
}

/** These flows declare no data: a need would be a mistake of the engine. */
function say(session: ChatState, text: string) {
  return runTurnWithData(registry, session, { type: 'text', text }, ctx, (needs) => {
    throw new Error(`unexpected data needs ${JSON.stringify(needs)}`)
  })
}

describe('main menu paging', () => {
  test(`shows ${MENU_PAGE_SIZE} flows and "Lainnya", which pages on and wraps around`, async () => {
    const first = await say(emptyChatState(), 'menu')
    const ids = first.replies[0]!.choices!.map((c) => c.id)
    expect(ids).toEqual([
      'menu:flow-1',
      'menu:flow-2',
      'menu:flow-3',
      'menu:flow-4',
      'menu:flow-5',
      'menu:$page:1',
    ])
    const second = await say(first.session, '6')
    expect(second.replies[0]!.choices!.map((c) => c.id)).toEqual([
      'menu:flow-6',
      'menu:flow-7',
      'menu:flow-8',
      'menu:$page:0',
    ])
    const picked = await say(second.session, '2')
    expect(picked.session.active?.flowId).toBe('flow-7')
  })
})
