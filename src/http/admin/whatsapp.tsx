/**
 * WhatsApp: the Baileys channel's connection state and, while pairing, its QR code drawn as an
 * inline SVG (so no bearer token is needed in the browser). Kabupaten admins only: pairing the
 * programme's number is theirs. The page refreshes itself while the state may change.
 * @module
 */
import type { Hono } from 'hono'
import { raw } from 'hono/html'
import type { AdminContext, AdminDeps, AdminEnv, AdminText, WhatsAppView } from './context.js'
import type { LayoutProps } from './layout.js'
import { loadQrCode } from '../../lib/qrcode.js'

const SETTLED = new Set(['open', 'stopped', 'replaced', 'forbidden', 'gave_up'])

export function registerWhatsAppPage(
  app: Hono<AdminEnv>,
  deps: AdminDeps & { whatsapp: WhatsAppView },
  helpers: {
    t: AdminText
    page: (
      c: AdminContext,
      props: Omit<LayoutProps, 't' | 'viewer' | 'scopeName'>,
      status?: 200 | 403
    ) => Promise<Response>
  }
): void {
  const { t } = helpers
  app.get('/wa', async (c) => {
    if (!c.get('viewer').isAdmin) {
      return helpers.page(
        c,
        { title: t('errors.forbidden'), children: <p>{t('errors.forbidden')}</p> },
        403
      )
    }
    const status = deps.whatsapp.status()
    const qr = deps.whatsapp.currentQr()
    const svg = qr
      ? await (await loadQrCode()).toString(qr, { type: 'svg', margin: 2, width: 280 })
      : undefined
    c.header('cache-control', 'no-store')
    return helpers.page(c, {
      title: t('whatsapp.title'),
      current: 'whatsapp',
      refresh: SETTLED.has(status) ? undefined : 15,
      children: (
        <>
          <dl class="detail">
            <dt>{t('whatsapp.state')}</dt>
            <dd id="wa-status">{t(`whatsapp.status.${status}`)}</dd>
          </dl>
          {svg ? (
            <figure class="qr">
              {/* The SVG comes from the qrcode library: paths only, never the scanned text. */}
              <div role="img" aria-label={t('whatsapp.qrAlt')}>
                {raw(svg)}
              </div>
              <figcaption>{t('whatsapp.qrHelp')}</figcaption>
            </figure>
          ) : (
            <p class="muted">{t('whatsapp.noQr')}</p>
          )}
        </>
      ),
    })
  })
}
