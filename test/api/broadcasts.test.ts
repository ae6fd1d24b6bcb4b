/**
 * Announcements through the API (docs/design.md#contracts): `POST /api/v1/broadcasts` → `{ id }`,
 * then `GET /api/v1/broadcasts/<id>` → `{ status, recipients, sent, failed, skipped }` as the
 * broadcast service fans it out, and the paged list. On the seeded month of `test/harness/api.ts`.
 */
import { asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { fanOutBroadcast } from '../../src/broadcasts/service.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { auditLog, outbox } from '../../src/db/schema/index.js'
import { NOW, useSeededApiMonth } from '../harness/api.js'
import { testI18n } from '../harness/i18n.js'
import { giveConsent } from '../harness/runtime.js'

// Siti can be reached in the simulator and consented; Ani has no chat identity at all.
const month = useSeededApiMonth(async (db, seed) => {
  await linkIdentity(db, { personId: seed.ids.siti, channel: 'simulator', externalId: 'sim-siti' })
  await giveConsent(db, ['sim-siti'])
})

describe('POST /api/v1/broadcasts and GET /api/v1/broadcasts/<id>', () => {
  test('a broadcast to Singosari cadres is stored, then followed to its counts', async () => {
    const created = await month.api.post('/api/v1/broadcasts', {
      segment: { roles: ['kader'], region: '35.07.24' },
      text: 'Rapat kader hari Jumat pukul 09.00 di balai desa.',
    })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { id: string; recipients: number; status: string }
    // Active cadres within 35.07.24: siti (Wonorejo) and ani (Dengkol); rina is in Tajinan.
    // For now: fanned out in the request. Siti gets an outbox row, ani (no identity) is skipped.
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9]+$/),
      recipients: 2,
      status: 'sending',
    })

    const before = await month.api.get(`/api/v1/broadcasts/${body.id}`)
    expect(before.status).toBe(200)
    expect(await before.json()).toEqual({
      id: body.id,
      status: 'sending',
      recipients: 2,
      sent: 0,
      failed: 0,
      skipped: 1,
      at: NOW.toISOString(),
      createdAt: NOW.toISOString(),
    })

    // A late run of the send fire's work adds nothing.
    await fanOutBroadcast(
      month.db,
      { i18n: await testI18n(), timeZone: 'Asia/Jakarta' },
      Number(body.id),
      NOW
    )
    const queued = await month.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.recipientId, 'sim-siti'))
    expect(queued).toHaveLength(1)
    await month.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.id, queued[0]!.id))

    const after = await month.api.get(`/api/v1/broadcasts/${body.id}`)
    expect(await after.json()).toMatchObject({
      id: body.id,
      status: 'sending',
      recipients: 2,
      sent: 1,
      failed: 0,
      skipped: 1,
    })

    const audit = await month.db.select().from(auditLog).orderBy(asc(auditLog.id))
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'broadcast_created', subject: `broadcast:${body.id}` })
    )
  })

  test('a broadcast for later keeps its time', async () => {
    const created = await month.api.post('/api/v1/broadcasts', {
      segment: { cohort: 'SGS-01' },
      text: 'Besok sesi menjahit dimulai pukul 08.00.',
      at: '2025-11-30T18:00:00+07:00',
    })
    expect(created.status).toBe(201)
    const { id, recipients } = (await created.json()) as { id: string; recipients: number }
    // Cohort SGS-01's active participants: nur, citra, bunga.
    expect(recipients).toBe(3)
    const status = await month.api.get(`/api/v1/broadcasts/${id}`)
    expect(await status.json()).toMatchObject({
      status: 'scheduled',
      at: '2025-11-30T11:00:00.000Z',
    })
  })

  test.each([
    [{ segment: { roles: ['kader'] } }, 'text: Invalid input: expected string, received undefined'],
    [{ segment: { roles: ['raja'] }, text: 'x' }, 'segment.roles.0: Invalid option'],
    [{ segment: { region: 'Singosari' }, text: 'x' }, 'segment.region'],
    [{ segment: {}, text: '   ' }, 'text: Too small'],
    [{ segment: {}, text: 'x', at: 'besok' }, 'at: must be an ISO 8601 time'],
    [{ segment: {}, text: 'x', extra: 1 }, 'Unrecognized key: "extra"'],
  ])('a bad body is refused with 400: %j', async (payload, message) => {
    const response = await month.api.post('/api/v1/broadcasts', payload)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('invalid_request')
    expect(body.message).toContain(message)
  })

  test('a body that is not JSON is refused with 400', async () => {
    const response = await month.api.post('/api/v1/broadcasts', '{not json')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_json',
      message: 'The body must be a JSON object.',
    })
  })

  test('an unknown or malformed id', async () => {
    const missing = await month.api.get('/api/v1/broadcasts/999999')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({
      error: 'not_found',
      message: 'No broadcast has this id.',
    })
    const malformed = await month.api.get('/api/v1/broadcasts/abc')
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as { message: string }).message).toBe(
      'id: must be a broadcast id'
    )
  })
})

describe('GET /api/v1/broadcasts', () => {
  test('lists broadcasts oldest first with their progress and pages with the cursor', async () => {
    const first = await month.api.get('/api/v1/broadcasts?limit=1')
    const page1 = (await first.json()) as { data: Record<string, unknown>[]; next: string }
    expect(page1.data).toEqual([
      expect.objectContaining({
        status: 'sending',
        recipients: 2,
        segment: { roles: ['kader'], region: '35.07.24' },
        authorSource: 'api',
      }),
    ])
    const second = await month.api.get(`/api/v1/broadcasts?limit=1&cursor=${page1.next}`)
    const page2 = (await second.json()) as { data: Record<string, unknown>[]; next: string | null }
    expect(page2.data).toEqual([expect.objectContaining({ segment: { cohort: 'SGS-01' } })])
  })
})
