/**
 * `GET /verifikasi/<code>`: the public page that confirms a graduate's certificate (docs/domain.md,
 * decision 18). It shows no more than the holder's initials, the programme and the date of issue;
 * an unknown or malformed code gets a clear answer in Bahasa Indonesia (404 / 400). No login, and
 * no cache: a certificate's state may change.
 * @module
 */
import { Hono } from 'hono'
import type { TextRenderer } from '../../messaging/render.js'
import type { Db } from '../../db/client.js'
import {
  checkCertificate,
  normaliseCertificateCode,
} from '../../db/queries/training-certificates.js'
import { noStore } from '../headers.js'

export type VerificationDeps = { db: Db; i18n: TextRenderer }

export function verificationRoutes(deps: VerificationDeps): Hono {
  const t = (key: string, params?: Record<string, string>) =>
    deps.i18n.render({ key: `certificate:page.${key}`, ...(params ? { params } : {}) })
  const page = (lines: string[], found: boolean) => (
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{t('title')}</title>
      </head>
      <body style="font-family: sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem">
        <h1>{t('title')}</h1>
        <div id="result" data-found={found ? 'yes' : 'no'}>
          {lines.map((line) => (
            <p>{line}</p>
          ))}
        </div>
        <p style="color: #555; font-size: 0.9rem">{t('note')}</p>
      </body>
    </html>
  )
  const app = new Hono()
  app.use('*', noStore)
  app.get('/:code', async (c) => {
    const raw = c.req.param('code').slice(0, 40)
    const code = normaliseCertificateCode(raw)
    if (!code) return c.html(page([t('malformed')], false), 400)
    const found = await checkCertificate(deps.db, code)
    if (!found) return c.html(page([t('unknown', { code })], false), 404)
    return c.html(
      page(
        [
          t('found'),
          t('holder', { initials: found.initials }),
          t('programme', { programme: found.programmeName }),
          t('issued', { date: found.issuedAt.toISOString() }),
        ],
        true
      )
    )
  })
  return app
}
