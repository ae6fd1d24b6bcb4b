/**
 * API tokens issued in the dashboard, end to end through `app.request()`: an admin
 * issues a token on "Token API" and sees it once, another system reads `/api/v1` with it (the
 * audit rows name the token, `last_used_at` is written at most once a minute), the admin revokes
 * it and it answers 401; an expiry date ends it the same way. Supervisors get 403 on the page;
 * forms need the CSRF token; the OpenAPI document names each route's scope.
 */
import { asc, eq } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { createApiToken } from '../../src/db/queries/api-tokens.js'
import { apiTokens, auditLog } from '../../src/db/schema/index.js'
import { API_SCOPES } from '../../src/domain/api-tokens.js'
import {
  ADMIN_TOKEN,
  NOW,
  createDashboardApp,
  signInAs,
  signInWithToken,
  useSeededDashboard,
} from '../harness/admin.js'
import { testI18n } from '../harness/i18n.js'

const month = useSeededDashboard()
let now = NOW
let app: Awaited<ReturnType<typeof createDashboardApp>>

beforeAll(async () => {
  const clock = () => now
  app = await createDashboardApp(
    month.db,
    { clock },
    {
      api: {
        db: month.db,
        i18n: await testI18n(),
        timeZone: 'Asia/Jakarta',
        adminToken: ADMIN_TOKEN,
        clock,
      },
    }
  )
})

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000)

/** The token shown once on the page after issuing, if any. */
function issuedToken(html: string): string | undefined {
  return /id="issued-token"[^>]*>([^<]+)</.exec(html)?.[1]
}

async function tokenRow(id: number) {
  const [row] = await month.db.select().from(apiTokens).where(eq(apiTokens.id, id))
  return row!
}

describe('the Token API page', () => {
  test('an admin issues a token, sees it once, a system reads with it, the admin revokes it', async () => {
    now = NOW
    const admin = await signInAs(app, month.db, month.seed.admin)
    const page = await admin.get('/admin/token')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Token API')
    expect(html).toContain('name="cakupan" value="visits:read"')

    const csrf = await admin.csrf('/admin/token')
    const form = new URLSearchParams({
      _csrf: csrf,
      nama: 'Dinkes Kab. Malang',
      wilayah: '35.07.24',
    })
    form.append('cakupan', 'visits:read')
    form.append('cakupan', 'people:read')
    const created = await app.request('/admin/token', {
      method: 'POST',
      body: form,
      headers: { origin: 'http://localhost', cookie: admin.cookie },
    })
    expect(created.status).toBe(200)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const createdHtml = await created.text()
    const token = issuedToken(createdHtml)
    expect(token).toMatch(/^kbt-[0-9a-f]{64}$/)
    expect(createdHtml).toContain('Dinkes Kab. Malang')

    // Only the hash is kept, with the prefix for the list; the token is never shown again.
    const [row] = await month.db.select().from(apiTokens).orderBy(asc(apiTokens.id))
    expect(row).toMatchObject({
      label: 'Dinkes Kab. Malang',
      tokenPrefix: token!.slice(0, 12),
      scopes: ['visits:read', 'people:read'],
      regionCode: '35.07.24',
      createdBy: month.seed.admin,
      createdAt: NOW,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: null,
    })
    expect(row!.tokenHash).not.toContain(token!.slice(4, 20))
    const listed = await (await admin.get('/admin/token')).text()
    expect(listed).not.toContain(token!)
    expect(listed).toContain(`${token!.slice(0, 12)}…`)
    expect(listed).toContain('visits:read, people:read')
    expect(listed).toContain('Aktif')

    // The system reads its kecamatan with it; the audit row names the token.
    now = later(10)
    const visits = await app.request('/api/v1/visits?period=2025-11', bearer(token!))
    expect(visits.status).toBe(200)
    const body = (await visits.json()) as { data: { desaCode: string }[] }
    expect(body.data.length).toBe(3)
    expect(body.data.every((v) => v.desaCode.startsWith('35.07.24.'))).toBe(true)
    const audit = await month.db.select().from(auditLog).orderBy(asc(auditLog.id))
    expect(audit.find((a) => a.action === 'api_token_created')).toMatchObject({
      actor: `person:${month.seed.admin}`,
      subject: `api_token:${row!.id}`,
      detail: { scopes: ['visits:read', 'people:read'], regionCode: '35.07.24', expiresAt: null },
    })
    expect(audit.at(-1)).toMatchObject({
      actor: `api:token:${row!.id}`,
      action: 'api_read',
      subject: 'visits',
      detail: { rows: 3 },
    })
    expect((await tokenRow(row!.id)).lastUsedAt).toEqual(later(10))

    // A scope it lacks: 403 naming it.
    const attendance = await app.request('/api/v1/attendance', bearer(token!))
    expect(attendance.status).toBe(403)
    expect(attendance.headers.get('www-authenticate')).toContain('insufficient_scope')
    expect(await attendance.json()).toEqual({
      error: 'insufficient_scope',
      message: 'This token lacks the scope attendance:read.',
      scope: 'attendance:read',
    })

    // last_used_at moves at most once a minute.
    now = later(40)
    expect((await app.request('/api/v1/people', bearer(token!))).status).toBe(200)
    expect((await tokenRow(row!.id)).lastUsedAt).toEqual(later(10))
    now = later(75)
    expect((await app.request('/api/v1/people', bearer(token!))).status).toBe(200)
    expect((await tokenRow(row!.id)).lastUsedAt).toEqual(later(75))

    // Revoked: 401 at once, audit-logged, shown as revoked without a revoke button.
    const revoked = await admin.post(`/admin/token/${row!.id}/cabut`, { _csrf: csrf })
    expect(revoked.status).toBe(303)
    expect(revoked.headers.get('location')).toBe('/admin/token?hasil=dicabut')
    const refused = await app.request('/api/v1/visits', bearer(token!))
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({
      error: 'unauthorized',
      message: 'This API token was revoked.',
    })
    expect((await tokenRow(row!.id)).revokedAt).toEqual(later(75))
    const after = await (await admin.get('/admin/token?hasil=dicabut')).text()
    expect(after).toContain('Dicabut')
    expect(after).not.toContain(`/admin/token/${row!.id}/cabut`)
    const last = await month.db.select().from(auditLog).orderBy(asc(auditLog.id))
    expect(last.at(-1)).toMatchObject({
      actor: `person:${month.seed.admin}`,
      action: 'api_token_revoked',
      subject: `api_token:${row!.id}`,
    })
    // Revoking twice changes nothing.
    const again = await admin.post(`/admin/token/${row!.id}/cabut`, { _csrf: csrf })
    expect(again.headers.get('location')).toBe('/admin/token?hasil=tidak-ada')
  })

  test('an expiry date: the token works through that day (WIB), then answers 401', async () => {
    now = NOW // 28 November 2025, 12.00 WIB
    const admin = await signInWithToken(app)
    const csrf = await admin.csrf('/admin/token')
    const form = new URLSearchParams({
      _csrf: csrf,
      nama: 'Bappeda',
      wilayah: '35.07',
      cakupan: 'indicators:read',
      kedaluwarsa: '2025-11-30',
    })
    const created = await app.request('/admin/token', {
      method: 'POST',
      body: form,
      headers: { origin: 'http://localhost', cookie: admin.cookie },
    })
    const token = issuedToken(await created.text())!
    const row = (await month.db.select().from(apiTokens)).find((t) => t.label === 'Bappeda')!
    // The end of 30 November in WIB, 1 December 00.00 +07:00; issued by the first-start token.
    expect(row.expiresAt).toEqual(new Date('2025-11-30T17:00:00Z'))
    expect(row.createdBy).toBeNull()
    now = new Date('2025-11-30T16:59:59Z')
    const path = '/api/v1/indicators?period=2025-11'
    expect((await app.request(path, bearer(token))).status).toBe(200)
    now = new Date('2025-11-30T17:00:00Z')
    const expired = await app.request(path, bearer(token))
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({
      error: 'unauthorized',
      message: 'This API token has expired.',
    })
    // Two days on, the morning's session has ended: sign in again to see the list.
    const again = await signInWithToken(app)
    expect(await (await again.get('/admin/token')).text()).toContain('Kedaluwarsa')
    now = NOW
  })

  test('a form without scopes, with a past date or an unknown region is refused', async () => {
    now = NOW
    const admin = await signInWithToken(app)
    const csrf = await admin.csrf('/admin/token')
    const before = (await month.db.select().from(apiTokens)).length
    const cases: [Record<string, string>, string][] = [
      [{ nama: 'X', wilayah: '35.07' }, 'Centang paling sedikit satu cakupan.'],
      [{ nama: '', wilayah: '35.07', cakupan: 'visits:read' }, 'Isi nama sistem'],
      [
        { nama: 'X', wilayah: '35.07', cakupan: 'visits:read', kedaluwarsa: '2025-11-27' },
        'Tanggal berlaku sudah lewat',
      ],
      [{ nama: 'X', wilayah: '35.07.99', cakupan: 'visits:read' }, 'Pilih seluruh kabupaten'],
      [{ nama: 'X', wilayah: '35.07.24.2001', cakupan: 'visits:read' }, 'Pilih seluruh kabupaten'],
      [{ nama: 'X', wilayah: '35.07', cakupan: 'everything' }, 'Centang paling sedikit'],
    ]
    for (const [fields, message] of cases) {
      const response = await admin.post('/admin/token', { _csrf: csrf, ...fields })
      expect(response.status, JSON.stringify(fields)).toBe(400)
      const html = await response.text()
      expect(html).toContain(message)
      expect(issuedToken(html)).toBeUndefined()
    }
    expect(await month.db.select().from(apiTokens)).toHaveLength(before)
  })

  test('supervisors get 403 on the page and its forms; no CSRF token, no token', async () => {
    const supervisor = await signInAs(app, month.db, month.seed.supSgs)
    expect((await supervisor.get('/admin/token')).status).toBe(403)
    const csrf = await supervisor.csrf('/admin')
    const before = (await month.db.select().from(apiTokens)).length
    const post = await supervisor.post('/admin/token', {
      _csrf: csrf,
      nama: 'X',
      wilayah: '35.07.24',
      cakupan: 'visits:read',
    })
    expect(post.status).toBe(403)
    expect(await (await supervisor.get('/admin')).text()).not.toContain('/admin/token')
    const { row } = await createApiToken(month.db, {
      label: 'Kecamatan',
      scopes: ['visits:read'],
      regionCode: '35.07.24',
      createdBy: null,
      expiresAt: null,
      now: NOW,
    })
    expect((await supervisor.post(`/admin/token/${row.id}/cabut`, { _csrf: csrf })).status).toBe(
      403
    )
    const admin = await signInWithToken(app)
    expect(
      (await admin.post('/admin/token', { nama: 'X', wilayah: '35.07', cakupan: 'visits:read' }))
        .status
    ).toBe(403)
    expect((await admin.post(`/admin/token/${row.id}/cabut`, { _csrf: 'wrong' })).status).toBe(403)
    expect(await month.db.select().from(apiTokens)).toHaveLength(before + 1)
    expect((await tokenRow(row.id)).revokedAt).toBeNull()
  })

  test('unknown tokens are 401 even without ADMIN_TOKEN; an issued token opens the API then', async () => {
    const closed = await createDashboardApp(
      month.db,
      {},
      {
        api: {
          db: month.db,
          i18n: await testI18n(),
          timeZone: 'Asia/Jakarta',
          clock: () => NOW,
        },
      }
    )
    const { token } = await createApiToken(month.db, {
      label: 'Tanpa admin',
      scopes: ['people:read'],
      regionCode: '35.07',
      createdBy: null,
      expiresAt: null,
      now: NOW,
    })
    expect((await closed.request('/api/v1/people', bearer(token))).status).toBe(200)
    const unknown = await closed.request('/api/v1/people', bearer(`kbt-${'0'.repeat(64)}`))
    expect(unknown.status).toBe(401)
    expect((await closed.request('/api/v1/people', bearer(ADMIN_TOKEN))).status).toBe(401)
  })
})

describe('the OpenAPI document', () => {
  test('shows the bearer schemes and the scope of every route', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> }
      paths: Record<string, Record<string, Record<string, unknown>>>
    }
    expect(doc.components.securitySchemes['apiToken']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    })
    const scopes: Record<string, unknown> = {}
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const scope = operation['x-required-scope'] as string
        expect(API_SCOPES).toContain(scope)
        expect(operation['security']).toEqual([{ apiToken: [scope] }, { adminToken: [] }])
        expect(operation['description']).toContain(`\`${scope}\``)
        expect(Object.keys(operation['responses'] as object)).toEqual(
          expect.arrayContaining(['401', '403'])
        )
        scopes[`${method} ${path}`] = scope
      }
    }
    expect(scopes).toMatchObject({
      'get /visits': 'visits:read',
      'get /attendance': 'attendance:read',
      'get /people': 'people:read',
      'get /indicators': 'indicators:read',
      'post /broadcasts': 'broadcasts:write',
      'get /broadcasts/{id}': 'broadcasts:read',
      'get /broadcasts': 'broadcasts:read',
      'get /exports/visits.csv': 'exports:read',
      'get /exports/attendance.csv': 'exports:read',
      'get /exports/indicators.csv': 'exports:read',
      'get /exports/visits.xlsx': 'exports:read',
      'get /exports/attendance.xlsx': 'exports:read',
      'get /exports/indicators.xlsx': 'exports:read',
    })
  })
})
