/**
 * What the `/api/v1` routes need, passed in by the composition root (`kaderbot.ts`).
 * @module
 */
import type { Db } from '../../db/client.js'
import { recordAudit } from '../../db/queries/audit.js'
import type { I18n } from '../../i18n/index.js'
import type { TrustedProxies } from '../client-address.js'
import type { ApiCaller } from './auth.js'

export type ApiDeps = {
  db: Db
  /** `ADMIN_TOKEN`; undefined leaves only the tokens issued in the dashboard. */
  adminToken?: string
  /** `TZ_NAME`: month boundaries and the instants written in exports. */
  timeZone: string
  /** Column headers and indicator labels (`locales/id/api.json`). */
  i18n: I18n
  clock?: () => Date
  /** `TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client (failure limits); none: the peer. */
  trustedProxies?: TrustedProxies
  /** Called after a commit that queued messages (a broadcast for now): wakes the sender. */
  onQueued?: () => void
}

export type AuditEntry = { action: string; subject: string; detail?: Record<string, unknown> }

/**
 * Writes one audit row (docs/domain.md, decision 9) at the injected time, naming the caller:
 * `api:admin_token`, or `api:token:<id>` for an issued token.
 */
export async function auditApi(deps: ApiDeps, caller: ApiCaller, entry: AuditEntry): Promise<void> {
  const now = deps.clock?.() ?? new Date()
  await recordAudit(deps.db, { actor: caller.actor, ...entry, at: now })
}

/** The filters of a request as audit detail: what was asked, never a row. */
export function auditFilters(query: Record<string, unknown>): Record<string, unknown> {
  const detail: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || key === 'cursor') continue
    detail[key] = value instanceof Date ? value.toISOString() : value
  }
  return detail
}
