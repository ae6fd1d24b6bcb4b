/**
 * Guessing bearer tokens (`/api/v1` and the simulator, which takes ADMIN_TOKEN too): ten wrong
 * tokens from one address, then 429 with `Retry-After` before any token is compared; other
 * addresses' failures never stop the right token from a fresh address; `X-Forwarded-For` counts
 * only from a proxy in `TRUSTED_PROXIES`; a missing header or a revoked token is no guess.
 */
import { describe, expect, test } from 'vitest'
import { createApiToken, revokeApiToken } from '../../src/db/queries/api-tokens.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import {
  LOGIN_WINDOW_MS,
  MAX_ADMIN_TOKEN_FAILURES,
  MAX_FAILURES_PER_ADDRESS,
} from '../../src/domain/login-limits.js'
import { createApp } from '../../src/http/app.js'
import { ADMIN_TOKEN, NOW, useSeededDashboard } from '../harness/admin.js'
import { fromPeer } from '../harness/http.js'
import { testI18n } from '../harness/i18n.js'
import { createTestRuntime, silentLogger } from '../harness/runtime.js'

const month = useSeededDashboard('test')

async function buildApp(options: { trustedProxies?: string[] } = {}) {
  let now = NOW
  const clock = () => now
  const { runtime } = await createTestRuntime(month.db)
  const trustedProxies = options.trustedProxies ?? []
  const app = createApp({
    logger: silentLogger,
    databaseKind: 'pglite',
    pingDatabase: async () => undefined,
    api: {
      db: month.db,
      i18n: await testI18n(),
      timeZone: 'Asia/Jakarta',
      adminToken: ADMIN_TOKEN,
      clock,
      trustedProxies,
    },
    simulator: {
      handleInbound: runtime.handleInbound,
      listInbox: (params) => listSimulatorInbox(month.db, params),
      media: createMediaStore('/nonexistent-kaderbot-media'),
      requiredToken: ADMIN_TOKEN,
      bearerLimit: { db: month.db, now: clock, trustedProxies },
    },
  })
  const get = (path: string, peer: string, token?: string, headers: Record<string, string> = {}) =>
    app.request(
      path,
      {
        headers: {
          ...headers,
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      fromPeer(peer)
    )
  return {
    get,
    visits: (peer: string, token?: string) => get('/api/v1/visits', peer, token),
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms)
    },
  }
}

describe('wrong bearer tokens', () => {
  test('ten from one address, then 429 with Retry-After, right token or not; until the window ends', async () => {
    const { visits, advance } = await buildApp()
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await visits('198.51.100.7', `tebakan-${i}`)).status).toBe(401)
    }
    const blocked = await visits('198.51.100.7', ADMIN_TOKEN)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe(String(LOGIN_WINDOW_MS / 1000))
    expect(await blocked.json()).toMatchObject({ error: 'too_many_requests' })
    // Another address is not held back by this one.
    expect((await visits('198.51.100.8', ADMIN_TOKEN)).status).toBe(200)
    advance(LOGIN_WINDOW_MS)
    expect((await visits('198.51.100.7', ADMIN_TOKEN)).status).toBe(200)
  })

  test('the simulator counts with the API: its token is ADMIN_TOKEN too', async () => {
    const { get, visits } = await buildApp()
    const inbox = (token: string) => get('/api/v1/simulator/inbox?from=sim-1', '192.0.2.5', token)
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS / 2; i++) {
      expect((await inbox(`tebakan-${i}`)).status).toBe(401)
      expect((await visits('192.0.2.5', `tebakan-api-${i}`)).status).toBe(401)
    }
    expect((await inbox(ADMIN_TOKEN)).status).toBe(429)
    expect((await visits('192.0.2.5', ADMIN_TOKEN)).status).toBe(429)
    expect((await get('/api/v1/simulator/inbox?from=sim-1', '192.0.2.6', ADMIN_TOKEN)).status).toBe(
      200
    )
  })

  test('thirty from rotating addresses never lock out the right token from a fresh address', async () => {
    const { visits } = await buildApp()
    for (let i = 0; i < MAX_ADMIN_TOKEN_FAILURES; i++) {
      expect((await visits(`203.0.113.${i % 20}`, `tebakan-${i}`)).status).toBe(401)
    }
    // Past the account's limit an address that already guessed is refused before comparing.
    expect((await visits('203.0.113.4', 'tebakan-lagi')).status).toBe(429)
    expect((await visits('198.51.100.200', ADMIN_TOKEN)).status).toBe(200)
    expect((await visits('198.51.100.200', ADMIN_TOKEN)).status).toBe(200)
    // An address that already guessed keeps no more tries while the account is under attack.
    expect((await visits('203.0.113.4', ADMIN_TOKEN)).status).toBe(429)
  })

  test('no header, and a revoked issued token, are not guesses', async () => {
    const { visits } = await buildApp()
    const { token: secret, row } = await createApiToken(month.db, {
      label: 'skrip',
      scopes: ['visits:read'],
      regionCode: '35.07',
      createdBy: null,
      expiresAt: null,
      now: NOW,
    })
    await revokeApiToken(month.db, row.id, NOW)
    for (let i = 0; i < 3 * MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await visits('198.51.100.30')).status).toBe(401)
      expect((await visits('198.51.100.30', secret)).status).toBe(401)
    }
    expect((await visits('198.51.100.30', ADMIN_TOKEN)).status).toBe(200)
  })
})

describe('the client address', () => {
  test('X-Forwarded-For is ignored without TRUSTED_PROXIES, even from a private peer', async () => {
    const { get } = await buildApp()
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      const forwarded = { 'x-forwarded-for': `198.51.100.${i}` }
      expect((await get('/api/v1/visits', '10.0.0.2', `tebakan-${i}`, forwarded)).status).toBe(401)
    }
    const fresh = { 'x-forwarded-for': '198.51.100.99' }
    expect((await get('/api/v1/visits', '10.0.0.2', ADMIN_TOKEN, fresh)).status).toBe(429)
  })

  test('from a trusted proxy, the address it appended is the client', async () => {
    const { get } = await buildApp({ trustedProxies: ['10.0.0.0/8'] })
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      // Whatever the client wrote first, the proxy's own entry (the last) names it.
      const forwarded = { 'x-forwarded-for': `192.0.2.${i}, 198.51.100.50` }
      expect((await get('/api/v1/visits', '10.0.0.2', `tebakan-${i}`, forwarded)).status).toBe(401)
    }
    const same = { 'x-forwarded-for': '198.51.100.50' }
    expect((await get('/api/v1/visits', '10.0.0.2', ADMIN_TOKEN, same)).status).toBe(429)
    const other = { 'x-forwarded-for': '198.51.100.51' }
    expect((await get('/api/v1/visits', '10.0.0.2', ADMIN_TOKEN, other)).status).toBe(200)
  })
})
