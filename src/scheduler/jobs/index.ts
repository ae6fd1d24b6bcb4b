/**
 * The scheduler's jobs in one place: what start-up plans (each job's first run; runs plan their
 * own next one) and every fire kind's handler.
 * @module
 */
import type { Runtime } from '../../conversation/runtime.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { DbOrTx } from '../../db/client.js'
import type { RegionDirectory } from '../../domain/regions.js'
import type { Logger } from '../../lib/logger.js'
import type { FireHandler } from '../fires.js'
import { broadcastHandlers } from './broadcasts.js'
import { conversationTimeoutHandlers } from './conversation-timeouts.js'
import { followUpSurveyHandlers } from './follow-up-surveys.js'
import { nudgeHandlers, planNudges, seedNudgeRules } from './nudges.js'
import { planNextReferralDigest, referralDigestHandlers } from './referral-digest.js'
import { referralFollowUpHandlers } from './referral-follow-ups.js'
import { seedReportDeadlineNudge } from './report-deadline.js'
import {
  DEFAULT_INBOUND_TEXT_RETENTION_DAYS,
  type RetentionSettings,
  planNextRetention,
  retentionHandlers,
} from './retention.js'
import {
  planReminderPlanning,
  planSessionReminders,
  sessionReminderHandlers,
} from './session-reminders.js'
import { planNextValidationDigest, validationDigestHandlers } from './validation-digest.js'

/**
 * Plans each recurring job's first run and seeds the nudge rules (data: never overwriting an
 * edit); idempotent, so every start calls it.
 */
export async function planJobs(db: DbOrTx, params: { now: Date; timeZone: string }): Promise<void> {
  const { now, timeZone } = params
  await planNextReferralDigest(db, { now, timeZone })
  await planNextValidationDigest(db, { now, timeZone })
  // Session reminders are planned by an hourly fire: plan now, then the first hourly run.
  await planSessionReminders(db, now, timeZone)
  await planReminderPlanning(db, now)
  await planNextRetention(db, { now, timeZone })
  await seedNudgeRules(db)
  await seedReportDeadlineNudge(db)
  await planNudges(db, now, timeZone)
}

export type JobDeps = {
  runtime: Pick<Runtime, 'handleTimeout'>
  i18n: TextRenderer
  directory: RegionDirectory
  timeZone: string
  logger: Logger
  /** The public base URL once known (PUBLIC_URL, else the listening server's). */
  adminBaseUrl?: () => string | undefined
  /** Retention settings; inbound texts default to `DEFAULT_INBOUND_TEXT_RETENTION_DAYS`. */
  retention: Partial<Omit<RetentionSettings, 'timeZone'>>
}

/** Every fire kind's handler. */
export function jobHandlers(deps: JobDeps): Record<string, FireHandler> {
  const { i18n, timeZone } = deps
  return {
    ...conversationTimeoutHandlers(deps.runtime),
    ...referralFollowUpHandlers({ i18n }),
    ...referralDigestHandlers({ i18n, directory: deps.directory, timeZone }),
    ...validationDigestHandlers({ i18n, timeZone }),
    ...sessionReminderHandlers({
      i18n,
      timeZone,
      ...(deps.adminBaseUrl ? { adminBaseUrl: deps.adminBaseUrl } : {}),
    }),
    ...followUpSurveyHandlers({ i18n, timeZone }),
    ...broadcastHandlers({ i18n, timeZone }),
    ...nudgeHandlers({ i18n, timeZone }),
    ...retentionHandlers({
      ...deps.retention,
      inboundTextDays: deps.retention.inboundTextDays ?? DEFAULT_INBOUND_TEXT_RETENTION_DAYS,
      timeZone,
      logger: deps.logger,
    }),
  }
}
