import { and, eq } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { attendance } from '../schema/index.js'

/** Whether a person's attendance (any status, incl. izin) is already recorded for a session. */
export const hasAttendance = async (
  db: DbOrTx,
  params: { sessionId: number; personId: number }
): Promise<boolean> => {
  const rows = await db
    .select({ id: attendance.id })
    .from(attendance)
    .where(
      and(eq(attendance.sessionId, params.sessionId), eq(attendance.personId, params.personId))
    )
  return rows.length > 0
}
