import { describe, expect, test } from 'vitest'
import type { Snapshot } from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

const supervisor: Partial<Snapshot> = {
  person: {
    id: 2,
    name: 'Lestari',
    roles: ['supervisor'],
    regionCode: '35.07.24',
    status: 'active',
  },
}
const cadre: Partial<Snapshot> = {
  person: { id: 4, name: 'Siti', roles: ['kader'], regionCode: '35.07.24.2001', status: 'active' },
}

describe('masuk (dashboard login link)', () => {
  test('a supervisor asks for a link: the runtime makes it (the flow only asks)', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
    await chat.expect(`
      > /masuk
    `)
    expect(chat.effects).toEqual([{ type: 'login_link_requested' }])
  })

  test('a cadre gets no link', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre })
    await chat.expect(`
      > masuk
      < Maaf, menu itu tidak tersedia untuk Bapak/Ibu.
        Halo, Siti! Menu utama:
        …
    `)
    expect(chat.effects).toEqual([])
  })
})
