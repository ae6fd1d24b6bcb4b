/**
 * Headers of every surface: the dashboard (signed in or not), the API and its downloads carry a
 * Content-Security-Policy that allows only this origin's files, with no 'unsafe-inline', and
 * `Cache-Control: no-store` wherever personal data may be; static files keep their own policy.
 */
import { describe, expect, test } from 'vitest'
import {
  ADMIN_TOKEN,
  createDashboardWithApi,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'

const month = useSeededDashboard()

function expectSameOriginCsp(response: Response) {
  const csp = response.headers.get('content-security-policy') ?? ''
  expect(csp).toContain("default-src 'none'")
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("style-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).not.toContain('unsafe-inline')
}

describe('the dashboard', () => {
  test.each([
    '/admin',
    '/admin/orang',
    '/admin/kunjungan',
    '/admin/pelatihan',
    '/admin/ekspor/kunjungan.csv',
  ])('%s: same-origin CSP, no-store', async (path) => {
    const browser = await signInWithToken(await createDashboardWithApi(month.db))
    const response = await browser.get(path)
    expect(response.status).toBe(200)
    expectSameOriginCsp(response)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  test('the login page too; the stylesheet keeps its own cache policy', async () => {
    const app = await createDashboardWithApi(month.db)
    const login = await app.request('/admin/login')
    expectSameOriginCsp(login)
    expect(login.headers.get('cache-control')).toBe('no-store')
    const css = await app.request('/admin/assets/admin.css')
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600')
  })
})

describe('the API', () => {
  test.each(['/api/v1/visits', '/api/v1/people', '/api/v1/exports/visits.csv', '/api/v1/nope'])(
    '%s: no-store, same-origin CSP',
    async (path) => {
      const app = await createDashboardWithApi(month.db)
      const response = await app.request(path, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      expect(response.headers.get('cache-control')).toBe('no-store')
      expectSameOriginCsp(response)
    }
  )

  test('refusals are not cached either', async () => {
    const app = await createDashboardWithApi(month.db)
    const response = await app.request('/api/v1/visits')
    expect(response.status).toBe(401)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })
})
