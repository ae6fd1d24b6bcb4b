/**
 * The admin bearer token of `/api/v1` (docs/design.md#contracts): refused without it, with a wrong
 * one and with any token while ADMIN_TOKEN is unset (closed); the simulator's routes keep their own
 * rule; the OpenAPI document is public and generated from the routes' zod schemas.
 */
import { describe, expect, test } from 'vitest'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { loginFailures } from '../../src/db/schema/index.js'
import { ADMIN_TOKEN, buildApiApp } from '../harness/api.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime } from '../harness/runtime.js'
import { LOOPBACK } from '../harness/http.js'

const handle = useTestDb('file')

const PROTECTED = [
  '/api/v1/visits',
  '/api/v1/attendance',
  '/api/v1/people',
  '/api/v1/broadcasts',
  '/api/v1/broadcasts/1',
  '/api/v1/indicators?period=2025-11',
  '/api/v1/exports/visits.csv',
  '/api/v1/exports/attendance.xlsx',
  '/api/v1/exports/indicators.csv?period=2025-11',
]

describe('with ADMIN_TOKEN set', () => {
  test.each(PROTECTED)('%s: no token → 401 with a JSON reason', async (path) => {
    const { get } = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
    const response = await get(path, null)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('Bearer')
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: 'Send the admin token as "Authorization: Bearer <token>".',
    })
  })

  test.each(PROTECTED)('%s: a wrong token → 401', async (path) => {
    const { get } = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
    const response = await get(path, `${ADMIN_TOKEN}x`)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: 'The bearer token is not valid.',
    })
  })

  test('a POST without the token stores nothing', async () => {
    const { post } = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
    const response = await post('/api/v1/broadcasts', { segment: {}, text: 'x' }, null)
    expect(response.status).toBe(401)
    const rows = await handle.db.execute('select count(*)::int as n from broadcasts')
    expect(JSON.stringify(rows)).toContain('"n":0')
  })

  test('a header that is not "Bearer <token>" → 400', async () => {
    const { app } = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
    const response = await app.request('/api/v1/visits', {
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  test('the right token is admitted', async () => {
    const { get } = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN })
    const response = await get('/api/v1/visits')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ data: [], next: null })
  })
})

describe('with ADMIN_TOKEN unset and no issued token the API is closed', () => {
  test.each(PROTECTED)('%s → 401 whatever token is sent', async (path) => {
    // The routes share one address: its earlier wrong tokens would reach the guessing limit (429),
    // which test/api/guess-limits.test.ts covers; here each route starts with a clean count.
    await handle.db.delete(loginFailures)
    const { get } = await buildApiApp(handle.db)
    for (const token of [null, ADMIN_TOKEN, 'anything-at-all-1234']) {
      const response = await get(path, token)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: 'unauthorized',
        message:
          'No valid token: without ADMIN_TOKEN only tokens issued in the dashboard (/admin/token) open the API.',
      })
    }
  })

  test('the simulator keeps its own rule: without ADMIN_TOKEN, open to this machine', async () => {
    const { runtime } = await createTestRuntime(handle.db)
    const { app, get } = await buildApiApp(handle.db, {
      simulator: {
        handleInbound: runtime.handleInbound,
        listInbox: (params) => listSimulatorInbox(handle.db, params),
        media: createMediaStore('/tmp/kaderbot-api-auth-test'),
      },
    })
    const inbox = await app.request('/api/v1/simulator/inbox?from=sim-1', undefined, LOOPBACK)
    expect(inbox.status).toBe(200)
    expect(await inbox.json()).toEqual({ messages: [], cursor: '0' })
    expect((await get('/api/v1/visits', null)).status).toBe(401)
  })
})

describe('GET /api/v1/openapi.json', () => {
  test('is public and describes every route from its zod schemas', async () => {
    const { get } = await buildApiApp(handle.db)
    const response = await get('/api/v1/openapi.json', null)
    expect(response.status).toBe(200)
    const doc = (await response.json()) as {
      openapi: string
      paths: Record<string, Record<string, Record<string, unknown>>>
      components: { securitySchemes: Record<string, unknown> }
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/attendance',
      '/broadcasts',
      '/broadcasts/{id}',
      '/broadcasts/{id}/cancel',
      '/exports/attendance.csv',
      '/exports/attendance.xlsx',
      '/exports/indicators.csv',
      '/exports/indicators.xlsx',
      '/exports/visits.csv',
      '/exports/visits.xlsx',
      '/indicators',
      '/people',
      '/recaps/kecamatan',
      '/recaps/kecamatan.xlsx',
      '/recaps/ppkbd',
      '/recaps/ppkbd.pdf',
      '/recaps/ppkbd.xlsx',
      '/training/effectiveness',
      '/visits',
    ])
    expect(doc.components.securitySchemes['adminToken']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    })
    const visits = doc.paths['/visits']!['get']!
    const parameters = visits['parameters'] as { name: string; in: string; schema: object }[]
    expect(parameters.map((p) => p.name)).toEqual([
      'period',
      'region',
      'cadre',
      'sasaran',
      'status',
      'since',
      'limit',
      'cursor',
    ])
    expect(parameters.find((p) => p.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    })
    const ok = (visits['responses'] as Record<string, { content: Record<string, unknown> }>)['200']!
    expect(JSON.stringify(ok.content['application/json'])).toContain('"programmeCode"')
    const post = doc.paths['/broadcasts']!['post']!
    expect(JSON.stringify(post['requestBody'])).toContain('"segment"')
    expect(doc.paths['/broadcasts/{id}']!['get']!['parameters']).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ])
  })
})
