/**
 * The supervisors' weekly digest of overdue referrals: every Monday at 07.00 local
 * time, each active supervisor with overdue referrals in their scope gets the list. Each run plans
 * the next, with the date in the dedupe key, so replicas and restarts send one digest a week.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { and, arrayContains, eq } from 'drizzle-orm'
import { notifyPerson } from '../../messaging/notify.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { DbOrTx } from '../../db/client.js'
import { planFires } from '../../db/queries/fires.js'
import { listOverdueReferrals } from '../../db/queries/referrals.js'
import { people } from '../../db/schema/index.js'
import { PRIORITY } from '../../domain/priorities.js'
import { type RegionDirectory, regionName } from '../../domain/regions.js'
import { addDays, today } from '../../domain/dates.js'
import type { FireHandler } from '../fires.js'

export const REFERRAL_DIGEST_KIND = 'referral.digest'
const DIGEST_HOUR = 7
const GRACE_SECONDS = 12 * 3600

/** Plans the digest for the next Monday at 07.00 on or after `now` (idempotent). */
export async function planNextReferralDigest(
  tx: DbOrTx,
  params: { now: Date; timeZone: string; after?: boolean }
): Promise<void> {
  const local = today({ now: params.now, timeZone: params.timeZone })
  const weekday = new TZDate(params.now.getTime(), params.timeZone).getDay() // 0 = Minggu
  let days = (8 - weekday) % 7
  if (days === 0 && params.after) days = 7
  const date = addDays(local, days)
  const [year, month, day] = date.split('-').map(Number)
  const dueAt = new TZDate(year!, month! - 1, day!, DIGEST_HOUR, 0, 0, params.timeZone)
  await planFires(tx, [
    {
      kind: REFERRAL_DIGEST_KIND,
      dedupeKey: `referral-digest:${date}`,
      dueAt: new Date(dueAt.getTime()),
      graceSeconds: GRACE_SECONDS,
      payload: { date },
    },
  ])
}

export function referralDigestHandlers(deps: {
  i18n: TextRenderer
  directory: RegionDirectory
  timeZone: string
}): Record<string, FireHandler> {
  return {
    [REFERRAL_DIGEST_KIND]: async (tx, _fire, now) => {
      const supervisors = await tx
        .select({ id: people.id, regionCode: people.regionCode })
        .from(people)
        .where(and(eq(people.status, 'active'), arrayContains(people.roles, ['supervisor'])))
      const before = today({ now, timeZone: deps.timeZone })
      for (const supervisor of supervisors) {
        const overdue = await listOverdueReferrals(tx, { scopeCode: supervisor.regionCode, before })
        if (overdue.total === 0) continue
        const lines = overdue.rows.map((r) => ({
          key: 'referral-outcome:digestLine',
          params: {
            name: r.headName,
            desa: regionName(deps.directory, r.desaCode) ?? r.desaCode,
            date: r.followUpDate,
          },
        }))
        await notifyPerson(
          tx,
          deps,
          supervisor.id,
          {
            texts: [
              { key: 'referral-outcome:digest', params: { count: overdue.total } },
              ...lines,
              ...(overdue.total > lines.length
                ? [
                    {
                      key: 'referral-outcome:digestMore',
                      params: { count: overdue.total - lines.length },
                    },
                  ]
                : []),
            ],
          },
          PRIORITY.reminder
        )
      }
      await planNextReferralDigest(tx, { now, timeZone: deps.timeZone, after: true })
    },
  }
}
