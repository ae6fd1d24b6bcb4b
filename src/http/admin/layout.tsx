/**
 * The page frame every dashboard page shares: head, navigation, the viewer's scope, the logout
 * form. Hono JSX escapes every text and attribute it renders.
 * @module
 */
import type { Child } from 'hono/jsx'
import { CSRF_FIELD } from './auth.js'
import type { AdminText, Viewer } from './context.js'
import { monthName } from './view-helpers.js'

export type PageName =
  | 'ringkasan'
  | 'kunjungan'
  | 'pelatihan'
  | 'orang'
  | 'siaran'
  | 'whatsapp'
  | 'token'
  | 'rekap'
  | 'validasi'
  | 'cakupan'

const NAV: { name: PageName; href: string }[] = [
  { name: 'ringkasan', href: '/admin' },
  { name: 'kunjungan', href: '/admin/kunjungan' },
  { name: 'pelatihan', href: '/admin/pelatihan' },
  { name: 'orang', href: '/admin/orang' },
]

export type LayoutProps = {
  t: AdminText
  title: string
  viewer?: Viewer
  /** The region name of the viewer's scope, for the header. */
  scopeName?: string
  current?: PageName
  /** Extra navigation entries (Siaran, WhatsApp) when their modules are present. */
  extraNav?: { name: PageName; href: string }[]
  notice?: string
  /** The month of the demo data (`npm run seed:demo`) when the database holds it: a banner says so. */
  demoPeriod?: string
  /** Reload the page after this many seconds (progress of a running broadcast; no script). */
  refresh?: number
  /**
   * The URL to reload (path and query). Needed when the page was reached with a `#fragment`:
   * a refresh to the same URL with a fragment only scrolls, it does not reload.
   */
  refreshUrl?: string
  children?: Child
}

export function Layout(props: LayoutProps) {
  const { t, viewer } = props
  const nav = [...NAV, ...(props.extraNav ?? [])]
  return (
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t('appName')}`}</title>
        <link rel="stylesheet" href="/admin/assets/admin.css" />
        {props.refresh !== undefined && (
          <meta
            http-equiv="refresh"
            content={
              props.refreshUrl === undefined
                ? String(props.refresh)
                : `${props.refresh}; url=${props.refreshUrl}`
            }
          />
        )}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/admin">
            {t('appName')}
          </a>
          {viewer && (
            <nav aria-label={t('nav.label')}>
              <ul>
                {nav.map((item) => (
                  <li>
                    <a
                      href={item.href}
                      aria-current={props.current === item.name ? 'page' : undefined}
                    >
                      {t(`nav.${item.name}`)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {viewer && (
            <div class="who">
              <span>{viewer.name ?? t('viewer.token')}</span>
              <span class="scope">{props.scopeName}</span>
              <form method="post" action="/admin/logout">
                <input type="hidden" name={CSRF_FIELD} value={viewer.csrfToken} />
                <button type="submit" class="link">
                  {t('nav.logout')}
                </button>
              </form>
            </div>
          )}
        </header>
        {props.demoPeriod && (
          <p class="demo-banner" role="note">
            {t('demo.banner', { month: monthName(props.demoPeriod) })}
          </p>
        )}
        <main>
          <h1>{props.title}</h1>
          {props.notice && (
            <p class="notice" role="status">
              {props.notice}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
  )
}

/** The hidden CSRF field every dashboard form carries. */
export function CsrfField(props: { viewer: Viewer }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.viewer.csrfToken} />
}
