/**
 * `GET /admin/whatsapp/qr.png`: the QR code to pair the bot's WhatsApp number, as a PNG, for the
 * operator (bearer `ADMIN_TOKEN`), until the dashboard shows it. 404 when there is nothing to
 * scan (already paired, pairing by code, or this replica does not hold the socket). Never cached.
 * @module
 */
import { Hono } from 'hono'
import { adminTokenAuth } from '../api/auth.js'
import { loadQrCode } from '../../lib/qrcode.js'

export type WhatsAppQrDeps = {
  adminToken: string | undefined
  /** The QR string Baileys gave, while pairing. */
  currentQr: () => string | undefined
  /** Connection status, reported with a 404. */
  status: () => string
}

export function whatsappQrRoutes(deps: WhatsAppQrDeps): Hono {
  const app = new Hono()
  app.use('*', adminTokenAuth(deps.adminToken))
  app.get('/qr.png', async (c) => {
    const qr = deps.currentQr()
    c.header('Cache-Control', 'no-store')
    if (!qr) return c.json({ error: 'no_qr', status: deps.status() }, 404)
    const png = await (await loadQrCode()).toBuffer(qr, { type: 'png', margin: 2, width: 320 })
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' })
  })
  return app
}
