/**
 * A NUL character (U+0000) in any input is refused with a 400 before it reaches a query (Postgres
 * text cannot hold one; it used to answer 500): query values and paths of the API (its JSON error
 * shape) and of the dashboard (a page in Indonesian), JSON bodies, and dashboard form fields.
 */
import { describe, expect, test } from 'vitest'
import { containsNul, urlHasNul } from '../../src/http/nul.js'
import {
  ADMIN_TOKEN,
  createBrowser,
  createDashboardWithApi,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'

const month = useSeededDashboard()

const buildApp = () => createDashboardWithApi(month.db)

const INDONESIAN = 'Isian berisi karakter yang tidak diizinkan (karakter NUL)'

describe('the API', () => {
  const get = async (path: string) =>
    (await buildApp()).request(`/api/v1${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })

  test.each([
    '/attendance?cohort=%00',
    '/people?nama=Siti%00',
    '/visits?desa=35.07%00',
    '/exports/visits.csv?desa=%00x',
    '/exports/attendance.xlsx?cohort=%00',
    '/visits?%00=1',
  ])('GET %s → 400 in the API error shape', async (path) => {
    const response = await get(path)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: 'The request contains a NUL character (U+0000), which no value may hold.',
    })
  })

  test('a JSON body field with NUL → 400, nothing stored', async () => {
    const app = await buildApp()
    const response = await app.request('/api/v1/broadcasts', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ segment: { roles: ['kader'] }, text: 'Rapat\u0000 kader' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('the dashboard', () => {
  test.each([
    '/admin/orang?nama=%00x',
    '/admin/orang?nama=Siti%00',
    '/admin/kunjungan?desa=%00',
    '/admin/ekspor/kunjungan.csv?desa=%00',
    '/admin/ekspor/daftar-hadir.xlsx?kohort=%00',
    '/admin/kunjungan/%00',
  ])('GET %s → 400, a page in Indonesian', async (path) => {
    const browser = await signInWithToken(await buildApp())
    const response = await browser.get(path)
    expect(response.status).toBe(400)
    const page = await response.text()
    expect(page).toContain('<html lang="id">')
    expect(page).toContain(INDONESIAN)
  })

  test('a form field with NUL → 400 before the route (login and a signed-in form)', async () => {
    const app = await buildApp()
    const login = await createBrowser(app).post('/admin/login', { token: `${ADMIN_TOKEN}\u0000` })
    expect(login.status).toBe(400)
    expect(await login.text()).toContain(INDONESIAN)
    const browser = await signInWithToken(app)
    const csrf = await browser.csrf()
    const form = await browser.post('/admin/siaran', { _csrf: csrf, teks: 'Rapat\u0000' })
    expect(form.status).toBe(400)
    expect(await form.text()).toContain(INDONESIAN)
  })
})

describe('containsNul and urlHasNul', () => {
  test('find NUL in nested values and keys, decoded paths and query strings', () => {
    expect(containsNul({ a: [{ b: 'x\u0000' }] })).toBe(true)
    expect(containsNul({ 'k\u0000': 1 })).toBe(true)
    expect(containsNul(Object.assign(Object.create(null), { a: 'x\u0000' }))).toBe(true)
    expect(containsNul({ a: ['x', 1, null], b: { c: 'y' } })).toBe(false)
    expect(urlHasNul('http://h/a%00b')).toBe(true)
    expect(urlHasNul('http://h/a?x=%00')).toBe(true)
    expect(urlHasNul('http://h/a?x=%2500')).toBe(false)
    expect(urlHasNul('http://h/a%zz?x=1')).toBe(false)
  })
})
