/**
 * The monthly report's deadline reminder as a nudge rule (data an admin can edit like any other):
 * on the 1st and the 2nd at 07.00 local time, cadres with no report on the month just ended (no
 * visit, no Poktan activity) are reminded that the register is due by the 3rd. Seeded once; an
 * admin's edit is never overwritten. Runs through the nudge job (`nudges.ts`).
 * @module
 */
import type { DbOrTx } from '../../db/client.js'
import { insertNudgeRuleIfAbsent } from '../../db/queries/broadcasts.js'

export const REPORT_DEADLINE_NUDGE = {
  code: 'report_deadline',
  // 07.00 on the 1st and the 2nd, in TZ_NAME (WIB).
  cron: '0 7 1,2 * *',
  segment: { roles: ['kader' as const], condition: 'no_report_last_month' as const },
  messageKey: 'broadcast:nudge.reportDeadline',
}

/** Adds the deadline reminder rule unless it exists. */
export async function seedReportDeadlineNudge(db: DbOrTx): Promise<void> {
  await insertNudgeRuleIfAbsent(db, REPORT_DEADLINE_NUDGE)
}
