/**
 * What the `/api/v1` routes need, passed in by the composition root (`kaderbot.ts`).
 * @module
 */
import type { Db } from '../../db/client.js'
import { recordAudit } from '../../db/queries/admin.js'
import type { ListingScope } from '../../db/queries/listings.js'
import { KABUPATEN_CODE } from '../../domain/people.js'
import type { I18n } from '../../i18n/index.js'

export type ApiDeps = {
  db: Db
  /** `ADMIN_TOKEN`; undefined keeps the API closed. */
  adminToken?: string
  /** `TZ_NAME`: month boundaries and the instants written in exports. */
  timeZone: string
  /** Column headers and indicator labels (`locales/id/api.json`). */
  i18n: I18n
  clock?: () => Date
}

/** Who the audit log names for requests made with the admin token. */
export const API_ACTOR = 'api:admin_token'

/** The admin token reaches the whole kabupaten. */
export const API_SCOPE: ListingScope = { regionPrefix: KABUPATEN_CODE }

export type AuditEntry = { action: string; subject: string; detail?: Record<string, unknown> }

/** Writes one audit row for the API actor (DOMAIN decision 9) at the injected time. */
export async function auditApi(deps: ApiDeps, entry: AuditEntry): Promise<void> {
  const now = deps.clock?.() ?? new Date()
  await recordAudit(deps.db, { actor: API_ACTOR, ...entry, at: now })
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
