/**
 * What the routes declared through `@hono/zod-openapi` answer where the library's own behaviour
 * differs from the home-made registry it replaced (docs/operations/api.md#adding-an-endpoint):
 * a JSON body is read whatever its content type says, as before (the library would answer 415);
 * refusals keep the API's JSON error shape; a repeated query parameter is refused by name (the
 * registry took its first value). On the seeded month of `test/harness/api.ts`.
 */
import { describe, expect, test } from 'vitest'
import { broadcasts } from '../../src/db/schema/index.js'
import { NUL_REFUSAL } from '../../src/http/nul.js'
import { ADMIN_TOKEN, SINGOSARI, useSeededApiMonth } from '../harness/api.js'

const month = useSeededApiMonth()

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }
const payload = JSON.stringify({ segment: { roles: ['kader'], region: SINGOSARI }, text: 'Uji' })

describe('POST /api/v1/broadcasts reads its body as JSON whatever the content type', () => {
  test.each([
    ['no content type', {}],
    ['curl -d (form)', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['application/json', { 'content-type': 'application/json; charset=utf-8' }],
  ])('%s → 201', async (_name, headers: Record<string, string>) => {
    const before = await month.db.select({ id: broadcasts.id }).from(broadcasts)
    const response = await month.api.app.request('/api/v1/broadcasts', {
      method: 'POST',
      headers: { ...bearer, ...headers },
      body: payload,
    })
    expect(response.status, await response.clone().text()).toBe(201)
    const created = (await response.json()) as { id: string; recipients: number }
    // Siti and Ani are the active cadres of Singosari.
    expect(created.recipients).toBe(2)
    const after = await month.db.select({ id: broadcasts.id }).from(broadcasts)
    expect(after.map((row) => String(row.id))).toEqual([
      ...before.map((row) => String(row.id)),
      created.id,
    ])
  })

  test('a body refused by its schema names the field, without a content type too', async () => {
    const response = await month.api.app.request('/api/v1/broadcasts', {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ segment: {}, text: 'x', at: 'besok' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: 'at: must be an ISO 8601 time, such as 2025-12-01T08:00:00+07:00',
      issues: [
        { path: 'at', message: 'must be an ISO 8601 time, such as 2025-12-01T08:00:00+07:00' },
      ],
    })
  })

  test('a body with a NUL character is refused before its schema', async () => {
    const response = await month.api.post('/api/v1/broadcasts', {
      segment: {},
      text: 'Rapat\u0000',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(NUL_REFUSAL)
  })
})

describe('query parameters', () => {
  test('a repeated parameter is refused, naming it', async () => {
    const response = await month.api.get('/api/v1/visits?period=2025-11&period=2025-12')
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: string; issues: { path: string }[] }
    expect(body.error).toBe('invalid_request')
    expect(body.issues.map((issue) => issue.path)).toEqual(['period'])
  })

  test('a bad value gets the message of its schema, as before', async () => {
    const response = await month.api.get('/api/v1/visits?period=2025-13&limit=0')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message:
        'period: must be a month written YYYY-MM, such as 2025-11; limit: must be at least 1',
      issues: [
        { path: 'period', message: 'must be a month written YYYY-MM, such as 2025-11' },
        { path: 'limit', message: 'must be at least 1' },
      ],
    })
  })

  test('a path parameter is validated by its schema', async () => {
    const response = await month.api.get('/api/v1/broadcasts/0')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: 'id: must be a broadcast id',
      issues: [{ path: 'id', message: 'must be a broadcast id' }],
    })
  })
})
