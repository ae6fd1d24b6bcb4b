/**
 * Completion of a cohort (docs/domain.md, decisions 2 and 18): when its last session has ended,
 * or when the mentor's kompeten marks come after it, the completers are marked and congratulated,
 * each gets her certificate's PDF by chat where she can be reached, and their follow-up waves at +1, +3 and +6 months are planned as fires (09.00 local time).
 * Called by the end-of-session fire and by the kompeten marks (chat and dashboard).
 * @module
 */
import { TZDate } from '@date-fns/tz'
import { addMonths } from 'date-fns/addMonths'
import { eq } from 'drizzle-orm'
import { certificateMessage } from '../certificates/delivery.js'
import type { DbOrTx } from '../db/client.js'
import { planFires } from '../db/queries/fires.js'
import { completeCohort, listPlannedFollowUps } from '../db/queries/follow-up.js'
import { certificateCodes, issueCertificates } from '../db/queries/training-certificates.js'
import { cohorts, people } from '../db/schema/index.js'
import { today } from '../domain/dates.js'
import { PRIORITY } from '../domain/priorities.js'
import { FOLLOW_UP_KIND } from '../domain/training.js'
import { notifyPerson, sendToReachable } from '../messaging/notify.js'
import type { TextRenderer } from '../messaging/render.js'

/** Local time of a wave's invitation. */
const INVITE_HOUR = 9
const DAY_SECONDS = 24 * 3600

export type FollowUpDeps = {
  i18n: TextRenderer
  timeZone: string
  /** The public base URL, for the verification page named with the certificate. */
  adminBaseUrl?: string
}

/**
 * After a cohort's last session (called by the end-of-session fire): marks the completers, tells
 * each graduate, and plans her waves. Idempotent: a second call finds no new completer.
 */
export async function completeCohortAndPlan(
  tx: DbOrTx,
  deps: FollowUpDeps,
  cohortId: number,
  now: Date
): Promise<number[]> {
  const graduates = await completeCohort(tx, { cohortId, now })
  if (graduates.length === 0) return []
  const [cohort] = await tx
    .select({ track: cohorts.track })
    .from(cohorts)
    .where(eq(cohorts.id, cohortId))
  const personIds = graduates.map((g) => g.personId)
  // Each graduate's certificate, and its PDF by chat to the chats that can reach her
  // (decision 18); issued once, so it is sent once however often completion runs.
  const issued = new Set(
    await issueCertificates(tx, { enrollmentIds: graduates.map((g) => g.enrollmentId), at: now })
  )
  const codes = await certificateCodes(
    tx,
    graduates.map((g) => g.enrollmentId)
  )
  for (const { personId, enrollmentId } of graduates) {
    const [person] = await tx
      .select({ name: people.name })
      .from(people)
      .where(eq(people.id, personId))
    const name = person?.name ?? ''
    await notifyPerson(
      tx,
      deps,
      personId,
      {
        texts: [
          {
            key: 'follow-up:graduated',
            params: { name, track: { key: `schedule:track.${cohort?.track ?? 'menjahit'}` } },
          },
        ],
      },
      PRIORITY.reminder
    )
    const code = codes.get(enrollmentId)
    if (code === undefined || !issued.has(enrollmentId)) continue
    const message = certificateMessage(deps.i18n, { name, code, baseUrl: deps.adminBaseUrl })
    await sendToReachable(tx, personId, message, PRIORITY.reminder)
  }
  const [year, month, day] = today({ now, timeZone: deps.timeZone }).split('-').map(Number)
  const waves = await listPlannedFollowUps(tx, personIds)
  await planFires(
    tx,
    waves.map((wave) => ({
      kind: FOLLOW_UP_KIND,
      dedupeKey: `follow-up:${wave.id}`,
      dueAt: new Date(
        addMonths(
          new TZDate(year!, month! - 1, day!, INVITE_HOUR, 0, 0, deps.timeZone),
          wave.wave
        ).getTime()
      ),
      graceSeconds: 7 * DAY_SECONDS,
      payload: { surveyId: wave.id } satisfies { surveyId: number },
    }))
  )
  return personIds
}
