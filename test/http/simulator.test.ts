/**
 * The simulator channel API (docs/design.md#contracts) through `app.request()`, on the real runtime
 * and database: validation, replies, dedupe by request id, the inbox cursor, photos, and who may
 * use it: with ADMIN_TOKEN set only its bearers, without it only this machine (loopback).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createApp } from '../../src/http/app.js'
import { people } from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { LOOPBACK, fromPeer } from '../harness/http.js'
import { createTestRuntime, giveConsent, silentLogger } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z')
// The smallest valid PNG: 1x1 transparent pixel.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

let handle: TestDbHandle
let dataDir: string
beforeEach(async () => {
  handle = await createTestDb()
  await giveConsent(
    handle.db,
    Array.from({ length: 9 }, (_, i) => `sim-${i + 1}`)
  )
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-media-'))
})
afterEach(async () => {
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function buildApp(requiredToken?: string, env: object = LOOPBACK) {
  const { runtime, sender } = await createTestRuntime(handle.db)
  const app = createApp({
    logger: silentLogger,
    databaseKind: handle.kind,
    pingDatabase: async () => {
      await handle.db.execute('select 1')
    },
    simulator: {
      handleInbound: runtime.handleInbound,
      listInbox: (params) => listSimulatorInbox(handle.db, params),
      media: createMediaStore(dataDir),
      ...(requiredToken !== undefined ? { requiredToken } : {}),
      clock: () => NOW,
    },
  })
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request(
      '/api/v1/simulator/messages',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      },
      env
    )
  const request = (path: string, init?: RequestInit) => app.request(path, init, env)
  return { app: { request }, sender, post }
}

describe('POST /api/v1/simulator/messages with a contact card', () => {
  const reply = async (response: Response) =>
    ((await response.json()) as { replies: { text: string }[] }).replies.map((r) => r.text)

  test("someone else's card, or a number nobody registered, is explained; one's own is recognised", async () => {
    await handle.db.insert(people).values({
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: '35.07.24.2001',
      phone: '+6281200000004',
    })
    const { post, sender } = await buildApp()
    // As on WhatsApp: the sender's phone is known, the card holds another number.
    const other = await post({
      from: 'sim-3',
      phone: '081200000077',
      contact: { phone: '0812-0000-0004' },
    })
    expect((await reply(other))[0]).toMatch(
      /^Terima kasih\. Kontak yang dikirim bukan nomor Bapak\/Ibu sendiri, jadi tidak kami pakai\./
    )
    // No sender phone: the card is their own number (Telegram's share button), not registered.
    const unknown = await post({ from: 'sim-4', contact: { phone: '081299900088' } })
    expect((await reply(unknown))[0]).toMatch(
      /^Terima kasih\. Nomor ini belum terdaftar di kaderbot\. Jika Bapak\/Ibu kader KB, daftar lewat menu Daftar sebagai kader \(ketik \/daftar\)\./
    )
    // Her own registered number: recognised, her menu.
    const own = await post({ from: 'sim-5', contact: { phone: '0812-0000-0004' } })
    expect((await reply(own))[0]).toMatch(/^Halo, (Ibu |Bu )?Siti Rahayu! Menu utama:$/)
    await sender.idle()
  })
})

describe('POST /api/v1/simulator/messages', () => {
  test('answers with the replies of that message, choices included', async () => {
    const { post, sender } = await buildApp()
    const start = await post({ from: 'sim-1', text: 'kenalan' })
    expect(start.status).toBe(200)
    expect(await start.json()).toEqual({
      replies: [{ text: 'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?' }],
      duplicate: false,
    })
    const name = await post({ from: 'sim-1', text: 'Siti' })
    const body = (await name.json()) as { replies: { text: string; choices: unknown[] }[] }
    expect(body.replies[0]!.choices).toEqual([
      { id: 'kader', label: 'Kader KB (PPKBD/Sub-PPKBD)' },
      { id: 'peserta', label: 'Peserta pelatihan ibu muda' },
      { id: 'petugas', label: 'Petugas DPPKB' },
      { id: 'lainnya', label: 'Lainnya' },
    ])
    const picked = await post({ from: 'sim-1', choice: 'petugas' })
    expect(((await picked.json()) as { replies: { text: string }[] }).replies[0]!.text).toBe(
      'Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.'
    )
    await sender.idle()
  })

  test('a phone in any local form is recognised as the person it belongs to', async () => {
    await handle.db.insert(people).values({
      name: 'Bu Sri Wahyuni',
      roles: ['kader'],
      regionCode: '35.07.24.2001',
      phone: '+6281200000004',
    })
    const { post, sender } = await buildApp()
    const response = await post({ from: 'sim-1', phone: '0812-0000-0004', text: 'menu' })
    const body = (await response.json()) as { replies: { text: string }[] }
    expect(body.replies[0]!.text).toBe('Halo, Sri Wahyuni! Menu utama:')
    await sender.idle()
  })

  test('the same request id is processed once and answered the same', async () => {
    const { post, sender } = await buildApp()
    const first = await (await post({ from: 'sim-2', id: 'm-1', text: 'kenalan' })).json()
    const again = await (await post({ from: 'sim-2', id: 'm-1', text: 'kenalan' })).json()
    expect(again).toEqual({ ...(first as object), duplicate: true })
    await sender.idle()
  })

  test.each([
    ['no content', { from: 'sim-3' }],
    ['two contents', { from: 'sim-3', text: 'a', choice: 'b' }],
    ['a bad sender id', { from: 'sim 3!', text: 'a' }],
    ['a location off the globe', { from: 'sim-3', location: { lat: 99, lng: 0 } }],
    ['a phone that is no phone', { from: 'sim-3', phone: '12ab', text: 'halo' }],
  ])('rejects %s with 400 and a message', async (_name, body) => {
    const { post } = await buildApp()
    const response = await post(body)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  test('rejects a body that is not JSON with 400', async () => {
    const { post } = await buildApp()
    expect((await post('{not json')).status).toBe(400)
  })

  test('a photo is stored under DATA_DIR/media and answers the photo step', async () => {
    const { post, sender } = await buildApp()
    for (const text of ['kenalan', 'Siti', '1', '2', 'lewati', '1'])
      await post({ from: 'sim-4', text })
    const response = await post({ from: 'sim-4', photo: { base64: PNG_BASE64 } })
    const body = (await response.json()) as { replies: { text: string }[] }
    expect(body.replies[0]!.text).toMatch(/^Silakan bagikan lokasi Bapak\/Ibu sekarang/)
    expect(await readdir(join(dataDir, 'media'))).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}\.png$/),
    ])
    await sender.idle()
  })

  test('bytes that are not a picture are answered like an unreadable attachment', async () => {
    const { post, sender } = await buildApp()
    await post({ from: 'sim-5', text: 'kenalan' })
    const response = await post({
      from: 'sim-5',
      photo: { base64: Buffer.from('hello').toString('base64') },
    })
    const body = (await response.json()) as { replies: { text: string }[] }
    expect(body.replies[0]!.text).toMatch(/^Maaf, jenis pesan ini belum bisa saya baca/)
    await sender.idle()
  })
})

describe('GET /api/v1/simulator/inbox', () => {
  test('lists what was delivered, in order, from a cursor', async () => {
    const { app, post, sender } = await buildApp()
    await post({ from: 'sim-6', text: 'kenalan' })
    await post({ from: 'sim-6', text: 'Siti' })
    await sender.idle()
    const all = (await (await app.request('/api/v1/simulator/inbox?from=sim-6')).json()) as {
      messages: { id: string; at: string; text: string }[]
      cursor: string
    }
    expect(all.messages.map((m) => m.text.split('\n')[0])).toEqual([
      'Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?',
      'Bapak/Ibu sebagai apa?',
    ])
    expect(all.cursor).toBe(all.messages[1]!.id)
    const after = await (
      await app.request(`/api/v1/simulator/inbox?from=sim-6&after=${all.messages[0]!.id}`)
    ).json()
    expect((after as { messages: unknown[] }).messages).toHaveLength(1)
    const empty = await (
      await app.request(`/api/v1/simulator/inbox?from=sim-6&after=${all.cursor}`)
    ).json()
    expect(empty).toEqual({ messages: [], cursor: all.cursor })
    const other = await (await app.request('/api/v1/simulator/inbox?from=sim-7')).json()
    expect(other).toEqual({ messages: [], cursor: '0' })
  })

  test('needs a sender id', async () => {
    const { app } = await buildApp()
    expect((await app.request('/api/v1/simulator/inbox')).status).toBe(400)
  })
})

describe('with ADMIN_TOKEN set', () => {
  test('every route needs it as a bearer token, from this machine too', async () => {
    const { app, post, sender } = await buildApp('a-very-long-admin-token')
    expect((await post({ from: 'sim-8', text: 'kenalan' })).status).toBe(401)
    expect((await app.request('/api/v1/simulator/inbox?from=sim-8')).status).toBe(401)
    const wrong = await post({ from: 'sim-8', text: 'kenalan' }, { authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
    const right = await post(
      { from: 'sim-8', text: 'kenalan' },
      { authorization: 'Bearer a-very-long-admin-token' }
    )
    expect(right.status).toBe(200)
    const inbox = await app.request('/api/v1/simulator/inbox?from=sim-8', {
      headers: { authorization: 'Bearer a-very-long-admin-token' },
    })
    expect(inbox.status).toBe(200)
    await sender.idle()
  })

  test('from another machine the token works, and nothing opens without it', async () => {
    const { app, post, sender } = await buildApp('a-very-long-admin-token', fromPeer('203.0.113.9'))
    expect((await post({ from: 'sim-8', text: 'kenalan' })).status).toBe(401)
    expect((await app.request('/api/v1/simulator/inbox?from=sim-8')).status).toBe(401)
    const right = await post(
      { from: 'sim-8', text: 'kenalan' },
      { authorization: 'Bearer a-very-long-admin-token' }
    )
    expect(right.status).toBe(200)
    await sender.idle()
  })
})

describe('without ADMIN_TOKEN only this machine is answered', () => {
  test.each([
    ['another machine', fromPeer('203.0.113.9'), {}],
    ['a private-network neighbour', fromPeer('192.168.1.20'), {}],
    ['a proxy on this machine relaying someone', LOOPBACK, { 'x-forwarded-for': '203.0.113.9' }],
    ['a proxy saying Forwarded', LOOPBACK, { forwarded: 'for=203.0.113.9' }],
    ['a request without a connection', {}, {}],
  ])('%s → 403 on every route, nothing handled', async (_, env, headers) => {
    const { app, post } = await buildApp(undefined, env)
    const sent = await post({ from: 'sim-9', text: 'kenalan' }, headers)
    expect(sent.status).toBe(403)
    expect(await sent.json()).toMatchObject({ error: 'forbidden' })
    const inbox = await app.request('/api/v1/simulator/inbox?from=sim-9', { headers })
    expect(inbox.status).toBe(403)
    expect((await app.request('/simulator', { headers })).status).toBe(403)
    expect((await app.request('/simulator/app.js', { headers })).status).toBe(403)
    expect(
      await listSimulatorInbox(handle.db, { recipientId: 'sim-9', afterId: 0, limit: 10 })
    ).toEqual([])
  })

  test('IPv6 loopback is this machine too', async () => {
    const { post, sender } = await buildApp(undefined, fromPeer('::1'))
    expect((await post({ from: 'sim-9', text: 'kenalan' })).status).toBe(200)
    await sender.idle()
  })
})

describe('a NUL character in a field', () => {
  test('is refused with 400 before anything is handled', async () => {
    const { post } = await buildApp()
    const response = await post({ from: 'sim-3', text: 'halo\u0000' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('GET /healthz', () => {
  test('is 200 while the database answers and 503 when it does not', async () => {
    const { app } = await buildApp()
    const ok = await app.request('/healthz')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ status: 'ok', database: handle.kind })
    await handle.close()
    const down = await app.request('/healthz')
    expect(down.status).toBe(503)
  })

  test('an unknown path is a JSON 404', async () => {
    const { app } = await buildApp()
    const response = await app.request('/nope')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'not_found' })
  })
})
