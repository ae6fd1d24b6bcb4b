/**
 * Progress of a broadcast being sent: a check every minute counts its outbox rows;
 * the author hears "Terkirim 250/300, gagal 2" when at least a tenth more has settled since the
 * last message, and a final report once nothing is pending, which also closes the broadcast and
 * writes its counts to `audit_log`. Messages to the author go at reminder priority, ahead of the
 * bulk.
 * @module
 */
import { notifyPerson } from '../messaging/notify.js'
import type { DbOrTx } from '../db/client.js'
import {
  countBroadcastRecipients,
  lockBroadcast,
  updateBroadcast,
} from '../db/queries/broadcasts.js'
import { PRIORITY } from '../domain/priorities.js'
import { type FanOutDeps, planProgressCheck } from './service.js'
import { recordAudit } from '../db/queries/audit.js'

/** Share of the messages that must settle before the next progress message. */
const PROGRESS_STEP = 0.1

export type ProgressOutcome = 'finished' | 'reported' | 'waiting' | 'not_sending'

/** Checks one broadcast: reports progress, or finishes it; plans the next check while sending. */
export async function checkBroadcastProgress(
  tx: DbOrTx,
  deps: FanOutDeps,
  id: number,
  now: Date
): Promise<ProgressOutcome> {
  const row = await lockBroadcast(tx, id)
  if (!row || row.status !== 'sending') return 'not_sending'
  const counts = await countBroadcastRecipients(tx, id)
  const messages = counts.recipients - counts.skipped
  const settled = counts.sent + counts.failed
  const author = row.authorPersonId
  /** A text to the broadcast's author (none for an API broadcast), at reminder priority. */
  const tellAuthor = async (key: string, params: Record<string, number>) => {
    if (author === null) return
    await notifyPerson(tx, deps, author, { texts: [{ key, params }] }, PRIORITY.reminder)
  }
  if (counts.pending === 0) {
    await updateBroadcast(tx, id, { status: 'done', finishedAt: now, progressReported: settled })
    await recordAudit(tx, {
      actor: author === null ? 'api' : `person:${author}`,
      action: 'broadcast_finished',
      subject: `broadcast:${id}`,
      detail: {
        recipients: counts.recipients,
        sent: counts.sent,
        failed: counts.failed,
        skipped: counts.skipped,
        skippedByReason: counts.skippedByReason,
      },
      at: now,
    })
    await tellAuthor('broadcast:finished', {
      recipients: counts.recipients,
      sent: counts.sent,
      failed: counts.failed,
      optedOut: counts.skippedByReason.opted_out,
      noConsent: counts.skippedByReason.no_consent,
      unreachable: counts.skippedByReason.unreachable + counts.skippedByReason.no_identity,
    })
    return 'finished'
  }
  await planProgressCheck(tx, id, now)
  const step = Math.max(1, Math.ceil(messages * PROGRESS_STEP))
  if (settled - row.progressReported < step) return 'waiting'
  await updateBroadcast(tx, id, { progressReported: settled })
  await tellAuthor('broadcast:progress', {
    sent: counts.sent,
    total: messages,
    failed: counts.failed,
  })
  return 'reported'
}
