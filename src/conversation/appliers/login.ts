/**
 * The applier of MASUK: a one-time dashboard login link for an admin or supervisor, in their own
 * chat only, a few links per window so it cannot flood the chat or the links table.
 * @module
 */
import { LOGIN_LINK_MINUTES, createLoginToken } from '../../db/queries/admin.js'
import { findRecentLoginLinks } from '../../db/queries/login-limits.js'
import type { LoginLinkRequested } from '../../domain/effects.js'
import {
  LOGIN_WINDOW_MS,
  MAX_LOGIN_LINKS_PER_PERSON,
  minutesUntil,
} from '../../domain/login-limits.js'
import { type Applier, forPerson } from './types.js'

export const loginAppliers: { login_link_requested: Applier<LoginLinkRequested> } = {
  login_link_requested: forPerson(async (tx, _effect, scope, deps) => {
    if (deps.adminBaseUrl === undefined) return [{ texts: [{ key: 'login:unavailable' }] }]
    const recent = await findRecentLoginLinks(tx, {
      personId: scope.personId,
      since: new Date(scope.now.getTime() - LOGIN_WINDOW_MS),
    })
    if (recent.links >= MAX_LOGIN_LINKS_PER_PERSON && recent.oldest) {
      const opens = new Date(recent.oldest.getTime() + LOGIN_WINDOW_MS)
      const minutes = minutesUntil(opens, scope.now)
      return [{ texts: [{ key: 'login:tooMany', params: { minutes } }] }]
    }
    const { token } = await createLoginToken(tx, { personId: scope.personId, now: scope.now })
    const url = `${deps.adminBaseUrl}/admin/login/${token}`
    return [{ texts: [{ key: 'login:link', params: { url, minutes: LOGIN_LINK_MINUTES } }] }]
  }),
}
