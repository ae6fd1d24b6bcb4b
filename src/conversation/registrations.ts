/**
 * Deciding on a self-registration, shared by the chat approval flow (its applier) and the
 * dashboard: the status, the audit row and the applicant's notice.
 * @module
 */
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { recordAudit } from '../db/queries/audit.js'
import { setPersonStatus } from '../db/queries/people.js'
import { people } from '../db/schema/index.js'
import type { RejectionReason } from '../domain/effects.js'
import { PRIORITY } from '../domain/priorities.js'
import { type NoticeDelivery, sendNotice } from '../messaging/notify.js'
import { type TextRenderer, addressedTo } from '../messaging/render.js'

export type DecideRegistrationParams = {
  personId: number
  approved: boolean
  /** Why it was rejected, told to the applicant and kept on the person until they register again. */
  reason?: RejectionReason | null
  /** Who decided, for the audit log: `person:12`, or `admin_token` from the dashboard. */
  actor: string
  now: Date
}

/**
 * Approves or rejects a pending self-registration: sets the status, writes the audit row and
 * tells the applicant, at once or once they can be reached (docs/domain.md, decision 20).
 * Resolves to what became of the applicant's notice, or `undefined` when the person is not
 * pending (already decided), changing nothing.
 */
export async function decideRegistration(
  tx: DbOrTx,
  deps: { i18n: TextRenderer },
  params: DecideRegistrationParams
): Promise<NoticeDelivery | undefined> {
  const [applicant] = await tx
    .select({ name: people.name, status: people.status, salutation: people.salutation })
    .from(people)
    .where(eq(people.id, params.personId))
  if (!applicant || applicant.status !== 'pending') return undefined
  const reason =
    params.approved || !params.reason
      ? null
      : (params.reason.text ?? deps.i18n.render({ key: `approval:reason.${params.reason.code}` }))
  await setPersonStatus(tx, {
    id: params.personId,
    status: params.approved ? 'active' : 'rejected',
    rejectionReason: reason,
  })
  await recordAudit(tx, {
    actor: params.actor,
    action: params.approved ? 'registration_approved' : 'registration_rejected',
    subject: `person:${params.personId}`,
    at: params.now,
  })
  const key = params.approved
    ? 'registration:approved'
    : reason
      ? 'registration:rejectedWithReason'
      : 'registration:rejected'
  return sendNotice(
    tx,
    { i18n: addressedTo(deps.i18n, applicant) },
    params.personId,
    { texts: [{ key, params: { name: applicant.name, reason: reason ?? '' } }] },
    PRIORITY.reminder
  )
}
