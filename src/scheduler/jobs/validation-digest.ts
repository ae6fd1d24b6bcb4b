/**
 * The supervisors' daily digest of new reports waiting for validation: every day at 07.00 local
 * time, each active supervisor with new reports in their scope since the last digest gets one
 * message ("12 laporan baru dari 4 kader"). Each run plans the next, with the date in the dedupe
 * key, so replicas and restarts send one digest a day.
 * @module
 */
import { and, arrayContains, eq } from 'drizzle-orm'
import { notifyPerson } from '../../messaging/notify.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { DbOrTx } from '../../db/client.js'
import { planFires } from '../../db/queries/fires.js'
import { countNewReports } from '../../db/queries/validation.js'
import { people } from '../../db/schema/index.js'
import { addDays, localInstant, today } from '../../domain/dates.js'
import { PRIORITY } from '../../domain/priorities.js'
import type { FireHandler } from '../fires.js'

export const VALIDATION_DIGEST_KIND = 'validation.digest'
const DIGEST_AT = { hour: 7, minute: 0 }
const GRACE_SECONDS = 12 * 3600

/** Plans the digest for the next 07.00 after `now` (idempotent). */
export async function planNextValidationDigest(
  tx: DbOrTx,
  params: { now: Date; timeZone: string }
): Promise<void> {
  const local = today(params)
  const todayAt = localInstant(local, DIGEST_AT, params.timeZone)
  const date = params.now < todayAt ? local : addDays(local, 1)
  await planFires(tx, [
    {
      kind: VALIDATION_DIGEST_KIND,
      dedupeKey: `validation-digest:${date}`,
      dueAt: localInstant(date, DIGEST_AT, params.timeZone),
      graceSeconds: GRACE_SECONDS,
      payload: { date },
    },
  ])
}

export function validationDigestHandlers(deps: {
  i18n: TextRenderer
  timeZone: string
}): Record<string, FireHandler> {
  return {
    [VALIDATION_DIGEST_KIND]: async (tx, fire, now) => {
      const date = String(
        (fire.payload as { date?: unknown }).date ?? today({ now, timeZone: deps.timeZone })
      )
      const until = localInstant(date, DIGEST_AT, deps.timeZone)
      const since = localInstant(addDays(date, -1), DIGEST_AT, deps.timeZone)
      const supervisors = await tx
        .select({ id: people.id, regionCode: people.regionCode })
        .from(people)
        .where(and(eq(people.status, 'active'), arrayContains(people.roles, ['supervisor'])))
      for (const supervisor of supervisors) {
        const counts = await countNewReports(tx, {
          regionPrefix: supervisor.regionCode,
          since,
          until,
        })
        if (counts.reports === 0) continue
        await notifyPerson(
          tx,
          deps,
          supervisor.id,
          { texts: [{ key: 'recap:digest.text', params: counts }] },
          PRIORITY.reminder
        )
      }
      await planNextValidationDigest(tx, {
        now: new Date(until.getTime() + 1000),
        timeZone: deps.timeZone,
      })
    },
  }
}
