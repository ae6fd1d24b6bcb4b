/**
 * A supervisor's decision on a report, from the dashboard: valid, or back to the cadre with a
 * reason. A report sent back reaches the cadre at once (or when she first uses the bot): an
 * activity with a "Perbaiki" button that asks it again by chat and replaces it (the original
 * kept), a visit with the advice to report it again. Audit-logged.
 * @module
 */
import { type NoticeDelivery, sendNotice } from '../messaging/notify.js'
import type { TextRenderer } from '../messaging/render.js'
import { recordAudit } from '../db/queries/audit.js'
import { type ReviewParams, type ReviewResult, reviewReport } from '../db/queries/validation.js'
import type { DbOrTx } from '../db/client.js'
import { PRIORITY } from '../domain/priorities.js'
import { startButtonId } from '../engine/index.js'

export type ReviewOutcome = ReviewResult & { notice?: NoticeDelivery }

/** Reviews a report, tells the cadre when it went back, and writes the audit row. */
export async function reviewAndNotify(
  tx: DbOrTx,
  deps: { i18n: TextRenderer },
  params: ReviewParams & { actor: string }
): Promise<ReviewOutcome> {
  const { actor, ...review } = params
  const result = await reviewReport(tx, review)
  if (result.status !== 'reviewed') return result
  await recordAudit(tx, {
    actor,
    action: review.decision === 'valid' ? 'report_validated' : 'report_returned',
    subject: `${review.kind}:${review.id}`,
    at: review.now,
  })
  if (review.decision === 'valid') return result
  const kind =
    review.kind === 'activity'
      ? { key: `poktan-activity:kind.${result.subject}` }
      : { key: 'recap:review.visitSubject', params: { name: result.subject } }
  const notice = await sendNotice(
    tx,
    deps,
    result.cadreId,
    {
      texts: [
        {
          key:
            review.kind === 'activity'
              ? 'recap:review.returnedActivity'
              : 'recap:review.returnedVisit',
          params: { report: kind, date: result.reportDate, reason: review.reason ?? '' },
        },
      ],
      ...(review.kind === 'activity'
        ? {
            choices: [
              {
                id: startButtonId('poktan-activity', String(review.id)),
                label: { key: 'recap:review.fix' },
              },
            ],
          }
        : {}),
    },
    PRIORITY.reminder
  )
  return { ...result, notice }
}
