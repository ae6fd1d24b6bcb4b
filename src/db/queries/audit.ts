/**
 * The audit log (docs/domain.md, decision 9): who did what to which record, and when. Every row
 * is written here, so each has the same shape.
 * @module
 */
import type { DbOrTx } from '../client.js'
import { auditLog } from '../schema/index.js'

export type RecordAuditParams = {
  /** `person:12`, `api`, `cli`, or `admin_token` for the first-start login. */
  actor: string
  action: string
  subject?: string
  detail?: Record<string, unknown>
  at: Date
}

/** Writes one audit log row, or several in one statement (a demo month's records). */
export async function recordAudit(
  db: DbOrTx,
  params: RecordAuditParams | readonly RecordAuditParams[]
): Promise<void> {
  const rows = (Array.isArray(params) ? params : [params]) as readonly RecordAuditParams[]
  if (rows.length === 0) return
  await db.insert(auditLog).values(
    rows.map((row) => ({
      actor: row.actor,
      action: row.action,
      subject: row.subject ?? null,
      detail: row.detail ?? null,
      at: row.at,
    }))
  )
}
