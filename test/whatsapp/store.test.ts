/**
 * The WhatsApp store queries on a real database: stable chat ids across phone/LID addressing, the
 * daily cap counter, and admin alerts queued on every channel but WhatsApp.
 */
import { describe, expect, test } from 'vitest'
import {
  enqueueAdminAlert,
  noteWhatsAppInbound,
  takeWhatsAppUnsolicited,
} from '../../src/db/queries/whatsapp.js'
import { channelIdentities, outbox, people } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'
import { giveConsent } from '../harness/runtime.js'

const T0 = new Date('2025-11-24T01:00:00Z')
const T1 = new Date('2025-11-24T02:00:00Z')

const handle = useTestDb()

describe('noteWhatsAppInbound', () => {
  test('LID first: the chat id is the LID; the phone is added; later by phone only, same chat', async () => {
    const first = await noteWhatsAppInbound(handle.db, { lid: '1@lid' }, T0)
    expect(first).toEqual({ chatId: '1@lid', lid: '1@lid', phone: null, lastInboundAt: T0 })
    const withPhone = await noteWhatsAppInbound(
      handle.db,
      { lid: '1@lid', pnJid: '6281234567890@s.whatsapp.net', phone: '+6281234567890' },
      T1
    )
    expect(withPhone).toEqual({
      chatId: '1@lid',
      lid: '1@lid',
      phone: '+6281234567890',
      lastInboundAt: T1,
    })
    // An older message arriving late does not move the last-inbound time back.
    const byPhone = await noteWhatsAppInbound(
      handle.db,
      { pnJid: '6281234567890@s.whatsapp.net', phone: '+6281234567890' },
      T0
    )
    expect(byPhone).toEqual(withPhone)
  })

  test('a phone or LID already held by another contact is not taken over', async () => {
    await noteWhatsAppInbound(handle.db, { lid: '1@lid', phone: '+6281234567890' }, T0)
    const other = await noteWhatsAppInbound(handle.db, { lid: '2@lid' }, T0)
    expect(other.chatId).toBe('2@lid')
    expect(other.phone).toBeNull()
  })

  test('two first messages at once make one contact', async () => {
    const address = { lid: '3@lid', pnJid: '6285712345678@s.whatsapp.net', phone: '+6285712345678' }
    const [a, b] = await Promise.all([
      noteWhatsAppInbound(handle.db, address, T0),
      noteWhatsAppInbound(handle.db, address, T0),
    ])
    expect(a!.chatId).toBe(b!.chatId)
  })
})

describe('takeWhatsAppUnsolicited', () => {
  test('counts up to the cap per day and number', async () => {
    const take = (day: string, sessionId = 'main') =>
      takeWhatsAppUnsolicited(handle.db, { sessionId, day, cap: 2 })
    expect([await take('2025-11-24'), await take('2025-11-24'), await take('2025-11-24')]).toEqual([
      true,
      true,
      false,
    ])
    expect(await take('2025-11-25')).toBe(true)
    expect(await take('2025-11-24', 'second')).toBe(true)
    expect(await takeWhatsAppUnsolicited(handle.db, { sessionId: 'x', day: 'd', cap: 0 })).toBe(
      false
    )
  })
})

describe('enqueueAdminAlert', () => {
  test('reaches active admins on every channel but WhatsApp', async () => {
    const rows = await handle.db
      .insert(people)
      .values([
        { name: 'Admin A', roles: ['admin'], regionCode: '35.07', phone: '+6281100000001' },
        { name: 'Admin B', roles: ['admin', 'supervisor'], regionCode: '35.07' },
        { name: 'Kader', roles: ['kader'], regionCode: '35.07.24.2001' },
        {
          name: 'Pending admin',
          roles: ['admin'],
          regionCode: '35.07',
          status: 'pending',
        },
      ])
      .returning({ id: people.id })
    const [a, b, kader, pending] = rows.map((r) => r.id)
    await handle.db.insert(channelIdentities).values([
      { personId: a!, channel: 'telegram', externalId: '501' },
      { personId: a!, channel: 'whatsapp', externalId: '9@lid' },
      { personId: b!, channel: 'simulator', externalId: 'sim-b' },
      { personId: kader!, channel: 'telegram', externalId: '502' },
      { personId: pending!, channel: 'telegram', externalId: '503' },
    ])
    // Every chat has consented, so only the role, the status and the channel decide.
    await giveConsent(handle.db, ['501', '502', '503'], 'telegram')
    await giveConsent(handle.db, ['sim-b'], 'simulator')
    await giveConsent(handle.db, ['9@lid'], 'whatsapp')
    const queued = await enqueueAdminAlert(handle.db, {
      message: { text: 'WhatsApp terputus' },
      priority: 1,
    })
    expect(queued).toBe(2)
    const sent = await handle.db
      .select({ channel: outbox.channel, recipientId: outbox.recipientId, message: outbox.message })
      .from(outbox)
    expect(sent).toEqual(
      expect.arrayContaining([
        { channel: 'telegram', recipientId: '501', message: { text: 'WhatsApp terputus' } },
        { channel: 'simulator', recipientId: 'sim-b', message: { text: 'WhatsApp terputus' } },
      ])
    )
    expect(sent).toHaveLength(2)
  })
})
