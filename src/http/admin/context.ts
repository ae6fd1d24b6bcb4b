/**
 * What every dashboard route shares: its dependencies, the signed-in viewer (who, which region
 * scope, which CSRF token), and the text helper over `locales/id/admin.json`.
 * @module
 */
import type { Context } from 'hono'
import type { TextRenderer } from '../../messaging/render.js'
import type { MediaStore } from '../../conversation/media-store.js'
import type { Db } from '../../db/client.js'
import type { AdminScope } from '../../db/queries/admin-visits.js'
import type { TextParam } from '../../i18n/index.js'
import type { ImportJobs } from '../../import/jobs.js'
import type { Logger } from '../../lib/logger.js'
import type { TrustedProxies } from '../client-address.js'

/** What the dashboard reads of the WhatsApp channel (present when it runs). */
export type WhatsAppView = {
  status: () => string
  currentQr: () => string | undefined
}

export type AdminDeps = {
  db: Db
  i18n: TextRenderer
  timeZone: string
  logger: Logger
  /** `ADMIN_TOKEN`: typed into the login form on the first start; unset disables that login. */
  adminToken?: string
  /** `TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client (login limits); none: the peer. */
  trustedProxies?: TrustedProxies
  /** `PUBLIC_URL`: its origin is accepted by the CSRF origin check behind a proxy. */
  publicUrl?: string
  /** Where visit photos are kept. */
  media?: MediaStore
  /** Wakes the outbox sender after a dashboard action queued messages (approval notices). */
  onQueued?: () => void
  /** The clock (tests pass a fixed one). */
  clock?: () => Date
  /** Runs the CSV imports in the background (default: on `db`, uploads in the system's temp). */
  importJobs?: ImportJobs
  /** The Baileys WhatsApp channel's state, when it runs (the WhatsApp page). */
  whatsapp?: WhatsAppView
}

/** The signed-in person (or the first-start token admin) and their scope. */
export type Viewer = {
  /** For the audit log: `person:12`, or `admin_token`. */
  actor: string
  personId: number | null
  name: string | null
  /** Admins of the kabupaten may import and see everything; supervisors see their scope. */
  isAdmin: boolean
  scope: AdminScope
  sessionId: number
  csrfToken: string
}

export type AdminEnv = { Variables: { viewer: Viewer } }

export type AdminContext = Context<AdminEnv>

/** Renders one dashboard text (`admin:<key>`). */
export type AdminText = (key: string, params?: Record<string, TextParam>) => string

export function adminText(i18n: TextRenderer): AdminText {
  return (key, params) => i18n.render({ key: `admin:${key}`, params })
}
