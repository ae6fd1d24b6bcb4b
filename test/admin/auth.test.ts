/**
 * Dashboard sign-in through `app.request()` on the real database: the one-time link (single use,
 * expiry, wrong token, role taken away), the link asked for in chat (MASUK), ADMIN_TOKEN, the
 * session cookie's attributes, logout, and CSRF refusals (foreign origin, missing or wrong token).
 */
import { describe, expect, test } from 'vitest'
import { createLoginToken } from '../../src/db/queries/admin.js'
import { adminLoginTokens, adminSessions, auditLog } from '../../src/db/schema/index.js'
import {
  ADMIN_TOKEN,
  NOW,
  createBrowser,
  createDashboardApp,
  setRoles,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'
import { createTestDb } from '../harness/db.js'
import { createRuntimeForTest, giveConsent, simulatorMessage } from '../harness/runtime.js'

const month = useSeededDashboard('test')

describe('login by link', () => {
  test('a link opens a session once; the GET only shows a button, so a link preview spends nothing', async () => {
    const app = await createDashboardApp(month.db)
    const { token } = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    const browser = createBrowser(app)

    const preview = await browser.get(`/admin/login/${token}`)
    expect(preview.status).toBe(200)
    expect(preview.headers.get('set-cookie')).toBeNull()
    expect(await preview.text()).toContain(`action="/admin/login/${token}"`)

    const first = await browser.post(`/admin/login/${token}`, {})
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/admin')
    const cookie = first.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Path=\/admin/)
    expect(cookie).toMatch(/Expires=/)
    const home = await browser.get('/admin')
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Lestari')

    const again = await createBrowser(app).post(`/admin/login/${token}`, {})
    expect(again.status).toBe(401)
    expect(await again.text()).toContain('Tautan masuk tidak berlaku')
    // Only the hash is stored.
    const rows = await month.db.select().from(adminLoginTokens)
    expect(rows.map((r) => r.tokenHash)).not.toContain(token)
    expect(await month.db.select().from(auditLog)).toMatchObject([
      { actor: `person:${month.seed.supSgs}`, action: 'admin_login' },
    ])
  })

  test('an expired link (older than 10 minutes) and a made-up one are refused', async () => {
    const app = await createDashboardApp(month.db)
    const elevenMinutesAgo = new Date(NOW.getTime() - 11 * 60_000)
    const old = await createLoginToken(month.db, {
      personId: month.seed.admin,
      now: elevenMinutesAgo,
    })
    expect((await createBrowser(app).post(`/admin/login/${old.token}`, {})).status).toBe(401)
    const nineMinutesAgo = new Date(NOW.getTime() - 9 * 60_000)
    const fresh = await createLoginToken(month.db, {
      personId: month.seed.admin,
      now: nineMinutesAgo,
    })
    expect((await createBrowser(app).post(`/admin/login/${fresh.token}`, {})).status).toBe(303)
    expect((await createBrowser(app).post('/admin/login/bukan-token', {})).status).toBe(401)
  })

  test('a person who lost the supervisor role cannot use a link, nor an open session', async () => {
    const app = await createDashboardApp(month.db)
    const { token } = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    await setRoles(month.db, month.seed.supSgs, ['kader'])
    expect((await createBrowser(app).post(`/admin/login/${token}`, {})).status).toBe(403)

    await setRoles(month.db, month.seed.supSgs, ['supervisor'])
    const second = await createLoginToken(month.db, { personId: month.seed.supSgs, now: NOW })
    const browser = createBrowser(app)
    expect((await browser.post(`/admin/login/${second.token}`, {})).status).toBe(303)
    await setRoles(month.db, month.seed.supSgs, ['kader'])
    const refused = await browser.get('/admin')
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toBe('/admin/login')
  })

  test('MASUK in chat sends an admin a working link; a cadre gets none', async () => {
    await giveConsent(month.db, ['sim-admin', 'sim-siti'])
    const runtime = await createRuntimeForTest(month.db, {
      adminBaseUrl: () => 'https://kaderbot.example.id',
    })
    const { replies } = await runtime.handleInbound(simulatorMessage('sim-admin', 'masuk'), NOW)
    const text = replies.map((r) => r.text).join('\n')
    expect(text).toContain('berlaku 10 menit, sekali pakai')
    const match = /https:\/\/kaderbot\.example\.id\/admin\/login\/([A-Za-z0-9_-]+)/.exec(text)
    expect(match).not.toBeNull()

    const app = await createDashboardApp(month.db)
    const browser = createBrowser(app)
    expect((await browser.post(`/admin/login/${match![1]}`, {})).status).toBe(303)
    expect(await (await browser.get('/admin')).text()).toContain('Admin Kabupaten')

    const cadre = await runtime.handleInbound(simulatorMessage('sim-siti', 'masuk'), NOW)
    expect(cadre.replies.map((r) => r.text).join('\n')).not.toMatch(/admin\/login/)
    expect(await month.db.select().from(adminLoginTokens)).toHaveLength(1)
  })
})

describe('ADMIN_TOKEN', () => {
  test('the right token opens a kabupaten session; a wrong one does not', async () => {
    const app = await createDashboardApp(month.db)
    const anonymous = await app.request('/admin')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toBe('/admin/login')
    expect((await app.request('/admin/')).headers.get('location')).toBe('/admin')

    const wrong = await createBrowser(app).post('/admin/login', {
      token: 'salah-salah-salah-salah',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    expect(await wrong.text()).toContain('Token salah')

    const browser = await signInWithToken(app)
    const home = await browser.get('/admin')
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Seluruh Kabupaten Malang')
  })

  test('without ADMIN_TOKEN the form is off', async () => {
    const app = await createDashboardApp(month.db, { adminToken: undefined })
    expect(await (await app.request('/admin/login')).text()).toContain('ADMIN_TOKEN belum diatur')
    expect((await createBrowser(app).post('/admin/login', { token: ADMIN_TOKEN })).status).toBe(403)
  })

  test('a forged or tampered cookie is not a session', async () => {
    const app = await createDashboardApp(month.db)
    const browser = await signInWithToken(app)
    const [name, value] = browser.cookie.split('=') as [string, string]
    // One character changed (a fixed 'x' left the cookie as it was when it already began with 'x').
    const changed = value.startsWith('x') ? 'y' : 'x'
    const tampered = await app.request('/admin', {
      headers: { cookie: `${name}=${changed}${value.slice(1)}` },
    })
    expect(tampered.status).toBe(303)
  })
})

describe('CSRF and logout', () => {
  test('forms need the same origin and the session token; logout ends the session', async () => {
    const app = await createDashboardApp(month.db)
    const browser = await signInWithToken(app)
    const csrf = await browser.csrf()

    const foreign = await browser.post(
      '/admin/logout',
      { _csrf: csrf },
      {
        origin: 'https://penipu.example',
      }
    )
    expect(foreign.status).toBe(403)
    const missing = await browser.post('/admin/logout', {})
    expect(missing.status).toBe(403)
    expect(await missing.text()).toContain('Formulir kedaluwarsa')
    const wrong = await browser.post('/admin/logout', { _csrf: 'x'.repeat(43) })
    expect(wrong.status).toBe(403)
    expect(await month.db.select().from(adminSessions)).toHaveLength(1)

    const out = await browser.post('/admin/logout', { _csrf: csrf })
    expect(out.status).toBe(303)
    expect(await month.db.select().from(adminSessions)).toHaveLength(0)
    const cookie = browser.cookie
    // The old cookie no longer opens anything, even if a browser kept it.
    expect((await app.request('/admin', { headers: { cookie } })).status).toBe(303)
  })

  test('a cross-site login form post is refused before the token is checked', async () => {
    const app = await createDashboardApp(month.db)
    const response = await createBrowser(app).post(
      '/admin/login',
      { token: ADMIN_TOKEN },
      { origin: 'https://penipu.example' }
    )
    expect(response.status).toBe(403)
  })
})

test('a database that cannot be reached shows an Indonesian 503 page, not JSON', async () => {
  const broken = await createTestDb()
  const app = await createDashboardApp(broken.db)
  await broken.close()
  const response = await app.request('/admin')
  expect(response.status).toBe(503)
  expect(response.headers.get('content-type')).toContain('text/html')
  expect(await response.text()).toContain('basis data sedang tidak bisa dihubungi')
})
