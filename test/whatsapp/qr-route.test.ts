/**
 * `GET /admin/whatsapp/qr.png` through `createApp`: the pairing QR as a PNG for the admin token
 * only, 404 with the status when there is nothing to scan.
 */
import { describe, expect, test } from 'vitest'
import { createApp } from '../../src/http/app.js'
import { silentLogger } from '../harness/runtime.js'

const TOKEN = 'admin-token-0123456789'

function appWith(qr: string | undefined, adminToken: string | null = TOKEN) {
  return createApp({
    logger: silentLogger,
    databaseKind: 'pglite',
    pingDatabase: async () => undefined,
    whatsappQr: {
      adminToken: adminToken ?? undefined,
      currentQr: () => qr,
      status: () => (qr ? 'pairing' : 'open'),
    },
  })
}

const auth = { authorization: `Bearer ${TOKEN}` }

describe('GET /admin/whatsapp/qr.png', () => {
  test('serves the current QR as a PNG, never cached', async () => {
    const response = await appWith('2@abc,def,ghi').request('/admin/whatsapp/qr.png', {
      headers: auth,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  test('404 with the status when paired', async () => {
    const response = await appWith(undefined).request('/admin/whatsapp/qr.png', { headers: auth })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'no_qr', status: 'open' })
  })

  test('401 without the token, with a wrong one, and when no ADMIN_TOKEN is set', async () => {
    expect((await appWith('2@x').request('/admin/whatsapp/qr.png')).status).toBe(401)
    const wrong = { authorization: 'Bearer not-the-admin-token' }
    expect(
      (await appWith('2@x').request('/admin/whatsapp/qr.png', { headers: wrong })).status
    ).toBe(401)
    const closed = appWith('2@x', null)
    expect((await closed.request('/admin/whatsapp/qr.png', { headers: auth })).status).toBe(401)
  })
})
