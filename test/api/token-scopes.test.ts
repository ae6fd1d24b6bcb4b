/**
 * Issued API tokens against every `/api/v1` route (read from the OpenAPI document with the scope
 * each declares, so a new route is covered): a token with the route's scope is admitted, one
 * lacking it gets 403 naming it, a revoked or an expired one 401, and a token limited to
 * Kecamatan Singosari reads and broadcasts only there (Tajinan's rows are absent, an explicit
 * Tajinan region is empty, 403 or 404), like a supervisor on the dashboard.
 */
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { createBroadcast } from '../../src/broadcasts/service.js'
import { createApiToken, revokeApiToken } from '../../src/db/queries/api-tokens.js'
import { broadcasts } from '../../src/db/schema/index.js'
import { API_SCOPES, type ApiScope } from '../../src/domain/api-tokens.js'
import { ADMIN_TOKEN, NOW, createDashboardApp, useSeededDashboard } from '../harness/admin.js'
import { testI18n } from '../harness/i18n.js'

const SINGOSARI = '35.07.24'
const TAJINAN = '35.07.15'

const month = useSeededDashboard()
let app: Awaited<ReturnType<typeof createDashboardApp>>
let routes: { method: string; path: string; scope: ApiScope }[]
/** Broadcasts to Singosari and to Tajinan, scheduled for December. */
const sent = { sgs: 0, tjn: 0 }

async function issue(
  scopes: readonly ApiScope[],
  regionCode = '35.07',
  extra: { revoked?: boolean; expired?: boolean } = {}
): Promise<string> {
  const { token, row } = await createApiToken(month.db, {
    label: `uji ${scopes.join(' ')} ${regionCode}`,
    scopes,
    regionCode,
    createdBy: null,
    expiresAt: extra.expired ? new Date(NOW.getTime() - 1000) : null,
    now: new Date(NOW.getTime() - 86_400_000),
  })
  if (extra.revoked) await revokeApiToken(month.db, row.id, NOW)
  return token
}

beforeAll(async () => {
  app = await createDashboardApp(
    month.db,
    {},
    {
      api: {
        db: month.db,
        i18n: await testI18n(),
        timeZone: 'Asia/Jakarta',
        adminToken: ADMIN_TOKEN,
        clock: () => NOW,
      },
    }
  )
  for (const [key, region] of [
    ['sgs', SINGOSARI],
    ['tjn', TAJINAN],
  ] as const) {
    const created = await createBroadcast(month.db, {
      author: { source: 'api' },
      segment: { roles: ['kader'], region },
      text: `Rapat kader ${key}`,
      at: new Date('2025-12-01T01:00:00Z'),
      timeZone: 'Asia/Jakarta',
      now: NOW,
    })
    sent[key] = created.id
  }
  const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { 'x-required-scope': ApiScope }>>
  }
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      scope: operation['x-required-scope'],
    }))
  )
})

/**
 * A valid request to a route: concrete ids, the period the indicators need, the period and region
 * of a recap, a broadcast body.
 */
function call(
  route: { method: string; path: string },
  token: string,
  options: { query?: string; id?: number; body?: unknown } = {}
): Response | Promise<Response> {
  let path = `/api/v1${route.path.replace('{id}', String(options.id ?? sent.sgs))}`
  const query = [
    route.path.includes('indicators') ? 'period=2025-11' : '',
    route.path.startsWith('/recaps/ppkbd') ? `period=2025-11&region=${SINGOSARI}.2001` : '',
    route.path.startsWith('/recaps/kecamatan') ? `period=2025-11&region=${SINGOSARI}` : '',
    options.query ?? '',
  ].filter(Boolean)
  if (query.length > 0) path += `?${query.join('&')}`
  return app.request(path, {
    method: route.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(route.method === 'POST'
      ? { body: JSON.stringify(options.body ?? { segment: { roles: ['kader'] }, text: 'Uji' }) }
      : {}),
  })
}

/** 201 for a new broadcast, 200 for everything else (a cancellation included). */
const okStatus = (route: { method: string; path: string }) =>
  route.method === 'POST' && route.path === '/broadcasts' ? 201 : 200
const name = (route: { method: string; path: string }) => `${route.method} ${route.path}`

describe('every /api/v1 route × issued tokens', () => {
  test('the route table declares a known scope on every route, and covers every scope', () => {
    expect(routes.length).toBeGreaterThanOrEqual(13)
    for (const route of routes) expect(API_SCOPES, name(route)).toContain(route.scope)
    expect(new Set(routes.map((r) => r.scope))).toEqual(new Set(API_SCOPES))
  })

  test('the right scope is admitted; a missing one is 403 naming it; revoked and expired are 401', async () => {
    const wrong: string[] = []
    const expect403 = async (route: (typeof routes)[number], response: Response) => {
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
      if (response.status !== 403 || body['scope'] !== route.scope) {
        wrong.push(`${name(route)} missing scope: ${response.status} ${JSON.stringify(body)}`)
      } else if (body['error'] !== 'insufficient_scope') {
        wrong.push(`${name(route)}: error ${String(body['error'])}`)
      }
    }
    for (const route of routes) {
      const right = await call(route, await issue([route.scope]))
      if (right.status !== okStatus(route)) {
        wrong.push(`${name(route)} right scope: ${right.status} ${await right.text()}`)
      }
      const others = API_SCOPES.filter((scope) => scope !== route.scope)
      await expect403(route, await call(route, await issue(others)))
      for (const state of ['revoked', 'expired'] as const) {
        const token = await issue([...API_SCOPES], '35.07', { [state]: true })
        const response = await call(route, token)
        const body = (await response.json()) as { message?: string }
        if (response.status !== 401 || !body.message?.includes(state)) {
          wrong.push(`${name(route)} ${state}: ${response.status} ${JSON.stringify(body)}`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  test('a Singosari token reads and broadcasts only in Singosari, on every route', async () => {
    const kecamatan = await issue([...API_SCOPES], SINGOSARI)
    const wrong: string[] = []
    for (const route of routes) {
      const response = await call(route, kecamatan)
      if (response.status !== okStatus(route)) {
        wrong.push(`${name(route)}: ${response.status}`)
        continue
      }
      // XLSX bodies are zipped: their rows come from the same queries as the CSV's.
      if (route.path.endsWith('.xlsx')) continue
      const text = await response.text()
      if (text.includes(TAJINAN)) wrong.push(`${name(route)}: shows a Tajinan code`)
      if (text.includes('TJN-MK-01')) wrong.push(`${name(route)}: shows Tajinan's cohort`)
    }
    expect(wrong).toEqual([])
  })

  test('a Singosari token asking for Tajinan gets nothing: empty, 403 or 404', async () => {
    const kecamatan = await issue([...API_SCOPES], SINGOSARI)
    const route = (method: string, path: string) => ({ method, path })
    const data = async (response: Response) => ((await response.json()) as { data: unknown[] }).data
    for (const list of ['/visits', '/attendance', '/people']) {
      const response = await call(route('GET', list), kecamatan, { query: `region=${TAJINAN}` })
      expect(response.status, list).toBe(200)
      expect(await data(response), list).toEqual([])
    }
    for (const path of ['/indicators', '/exports/indicators.csv', '/exports/indicators.xlsx']) {
      const response = await call(route('GET', path), kecamatan, { query: `region=${TAJINAN}` })
      expect(response.status, path).toBe(403)
      expect(await response.json()).toMatchObject({ error: 'forbidden' })
    }
    for (const path of ['/exports/visits.csv', '/exports/attendance.csv']) {
      const response = await call(route('GET', path), kecamatan, { query: `region=${TAJINAN}` })
      expect(response.status, path).toBe(200)
      expect(await response.text(), path).not.toContain(TAJINAN)
    }
    const foreign = await call(route('GET', '/broadcasts/{id}'), kecamatan, { id: sent.tjn })
    expect(foreign.status).toBe(404)
    const own = await call(route('GET', '/broadcasts/{id}'), kecamatan, { id: sent.sgs })
    expect(own.status).toBe(200)
    if (routes.some((r) => r.path === '/broadcasts/{id}/cancel')) {
      const cancel = await call(route('POST', '/broadcasts/{id}/cancel'), kecamatan, {
        id: sent.tjn,
      })
      expect(cancel.status).toBe(404)
    }
    const listed = await call(route('GET', '/broadcasts'), kecamatan)
    const ids = (await data(listed)).map((b) => (b as { id: string }).id)
    expect(ids).toContain(String(sent.sgs))
    expect(ids).not.toContain(String(sent.tjn))
    const elsewhere = await call(route('POST', '/broadcasts'), kecamatan, {
      body: { segment: { region: TAJINAN }, text: 'Uji' },
    })
    expect(elsewhere.status).toBe(403)
    // A segment without a region is limited to the token's kecamatan when it is stored.
    const here = await call(route('POST', '/broadcasts'), kecamatan, {
      body: { segment: { roles: ['kader'] }, text: 'Uji kecamatan' },
    })
    expect(here.status).toBe(201)
    const { id } = (await here.json()) as { id: string }
    const [row] = await month.db
      .select({ scopeCode: broadcasts.scopeCode })
      .from(broadcasts)
      .where(eq(broadcasts.id, Number(id)))
    expect(row).toEqual({ scopeCode: SINGOSARI })
  })

  test('the same reads with a kabupaten token do show Tajinan (the checks above can fail)', async () => {
    const kabupaten = await issue([...API_SCOPES])
    for (const path of ['/visits', '/people', '/broadcasts', '/exports/visits.csv']) {
      const response = await call({ method: 'GET', path }, kabupaten)
      expect(response.status, path).toBe(200)
      expect(await response.text(), path).toContain(TAJINAN)
    }
    const foreign = await call({ method: 'GET', path: '/broadcasts/{id}' }, kabupaten, {
      id: sent.tjn,
    })
    expect(foreign.status).toBe(200)
  })
})
