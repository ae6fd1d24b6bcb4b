/**
 * Dashboard sign-in and sessions. A session id lives in a signed, HttpOnly, SameSite=Lax cookie
 * (Hono's signed cookies, HMAC-SHA256 with a secret made once and kept in the database, so every
 * replica shares it and it works without `ADMIN_TOKEN`); the session row holds the person and a
 * per-session CSRF token. Every request re-reads the person, so a supervisor who loses the role
 * or is moved to another region is out, or rescoped, at once.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import {
  createAdminSession,
  ensureCookieSecret,
  findAdminPerson,
  findAdminSession,
} from '../../db/queries/admin.js'
import { KABUPATEN_CODE } from '../../domain/people.js'
import type { AdminDeps, AdminEnv, Viewer } from './context.js'

/** The session cookie's name. */
export const SESSION_COOKIE = 'kaderbot_admin'

/** The hidden form field carrying the per-session CSRF token. */
export const CSRF_FIELD = '_csrf'

/** Compares two secrets in constant time (by their SHA-256, so lengths never leak). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}

/** Who may sign in and with which scope; `undefined` when the person may not. */
async function viewerOf(
  deps: AdminDeps,
  session: { id: number; personId: number | null; csrfToken: string }
): Promise<Viewer | undefined> {
  const base = { sessionId: session.id, csrfToken: session.csrfToken }
  if (session.personId === null) {
    return {
      ...base,
      actor: 'admin_token',
      personId: null,
      name: null,
      isAdmin: true,
      scope: { regionPrefix: KABUPATEN_CODE },
    }
  }
  const person = await findAdminPerson(deps.db, session.personId)
  if (!person || !mayUseDashboard(person)) return undefined
  return {
    ...base,
    actor: `person:${person.id}`,
    personId: person.id,
    name: person.name,
    isAdmin: person.roles.includes('admin') && person.regionCode === KABUPATEN_CODE,
    scope: { regionPrefix: person.regionCode },
  }
}

/** Active admins and supervisors may use the dashboard (as they may ask for a link in chat). */
export function mayUseDashboard(person: { roles: string[]; status: string }): boolean {
  return (
    person.status === 'active' &&
    person.roles.some((role) => role === 'admin' || role === 'supervisor')
  )
}

/** Builds the session helpers of one dashboard app; the cookie secret is read once, lazily. */
export function createAuth(deps: AdminDeps) {
  let secret: Promise<string> | undefined
  const cookieSecret = () => (secret ??= ensureCookieSecret(deps.db))
  const now = () => deps.clock?.() ?? new Date()

  const secure = (c: Context) =>
    new URL(c.req.url).protocol === 'https:' || deps.publicUrl?.startsWith('https:') === true

  /** Opens a session for a person (or the token admin) and sets the cookie. */
  async function signIn(c: Context, personId: number | null): Promise<void> {
    const { sessionId, expiresAt } = await createAdminSession(deps.db, { personId, now: now() })
    await setSignedCookie(c, SESSION_COOKIE, sessionId, await cookieSecret(), {
      path: '/admin',
      httpOnly: true,
      sameSite: 'Lax',
      secure: secure(c),
      expires: expiresAt,
    })
  }

  function clearCookie(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, { path: '/admin', secure: secure(c) })
  }

  /** Sets `viewer` for a valid session, or sends the browser to the login page. */
  const requireViewer: MiddlewareHandler<AdminEnv> = async (c, next) => {
    const sessionId = await getSignedCookie(c, await cookieSecret(), SESSION_COOKIE)
    const session =
      typeof sessionId === 'string'
        ? await findAdminSession(deps.db, { sessionId, now: now() })
        : undefined
    const viewer = session ? await viewerOf(deps, session) : undefined
    if (!viewer) {
      if (sessionId !== undefined) clearCookie(c)
      return c.redirect('/admin/login', 303)
    }
    c.set('viewer', viewer)
    await next()
  }

  return { signIn, clearCookie, requireViewer, now }
}

export type AdminAuth = ReturnType<typeof createAuth>
