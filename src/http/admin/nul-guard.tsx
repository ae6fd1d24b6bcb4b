/**
 * The dashboard's answer to input holding a NUL character (see `../nul.ts`): a 400 page in
 * Indonesian. The path and query are checked before any route (`app.ts`); form fields after the
 * body limits, where the dashboard reads its forms (`routes.tsx`).
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { formHasNul, urlHasNul } from '../nul.js'
import { type AdminDeps, adminText } from './context.js'
import { Layout } from './layout.js'

function refusal(deps: Pick<AdminDeps, 'i18n'>) {
  const t = adminText(deps.i18n)
  return (c: Context) => {
    const html = (
      <Layout t={t} title={t('errors.nul')}>
        <p class="error" role="alert">
          {t('errors.nul')}
        </p>
      </Layout>
    )
    c.header('cache-control', 'no-store')
    return c.html(`<!doctype html>${html}`, 400)
  }
}

/** Refuses a dashboard request whose path or query string holds a NUL. */
export function dashboardUrlNulGuard(deps: Pick<AdminDeps, 'i18n'>): MiddlewareHandler {
  const refuse = refusal(deps)
  return async (c, next) => (urlHasNul(c.req.url) ? refuse(c) : next())
}

/** Refuses a dashboard form (urlencoded) with a NUL in a field; run after the body limits. */
export function dashboardFormNulGuard(deps: Pick<AdminDeps, 'i18n'>): MiddlewareHandler {
  const refuse = refusal(deps)
  return async (c, next) => ((await formHasNul(c)) ? refuse(c) : next())
}
