/**
 * The daily retention job (docs/domain.md, decision 9): every day at 03.00 local time, the text
 * people typed to the bot is redacted once it is older than `RETENTION_INBOUND_TEXT_DAYS` (default
 * 90). Domain records (visits, attendance, consents...) are kept; only `inbound_messages.text`
 * goes. Outbox rows the sender is done with are dropped once older than
 * `RETENTION_OUTBOX_SENT_DAYS` (default 30), except a broadcast's. Each run plans the next, with the date in the dedupe key, so replicas and restarts run it
 * once a day; a day missed while the server was down is caught up by the next run, since the
 * cut-off is relative to the run.
 * @module
 */
import { TZDate } from '@date-fns/tz'
import type { DbOrTx } from '../../db/client.js'
import { planFires } from '../../db/queries/fires.js'
import { dropSettledOutbox, redactInboundText } from '../../db/queries/retention.js'
import { addDays, today } from '../../domain/dates.js'
import type { Logger } from '../../lib/logger.js'
import type { FireHandler } from '../fires.js'

export const RETENTION_KIND = 'retention.daily'
/** Days inbound message text is kept when `RETENTION_INBOUND_TEXT_DAYS` is unset. */
export const DEFAULT_INBOUND_TEXT_RETENTION_DAYS = 90
/** Days sent (and failed, skipped) outbox rows are kept when `RETENTION_OUTBOX_SENT_DAYS` is unset. */
export const DEFAULT_OUTBOX_SENT_RETENTION_DAYS = 30
const RUN_HOUR = 3
const GRACE_SECONDS = 20 * 3600
const DAY_MS = 24 * 3600 * 1000

export type RetentionSettings = {
  /** Inbound message text older than this many days is redacted. */
  inboundTextDays: number
  /** Outbox rows the sender is done with are dropped this many days after they were queued. */
  outboxSentDays?: number | undefined
  timeZone: string
}

/** Plans the run at 03.00 on the first day after `now` (idempotent). */
export async function planNextRetention(
  tx: DbOrTx,
  params: { now: Date; timeZone: string }
): Promise<void> {
  const date = addDays(today({ now: params.now, timeZone: params.timeZone }), 1)
  const [year, month, day] = date.split('-').map(Number)
  const dueAt = new TZDate(year!, month! - 1, day!, RUN_HOUR, 0, 0, params.timeZone)
  await planFires(tx, [
    {
      kind: RETENTION_KIND,
      dedupeKey: `retention:${date}`,
      dueAt: new Date(dueAt.getTime()),
      graceSeconds: GRACE_SECONDS,
      payload: { date },
    },
  ])
}

/** Redacts and drops what is past its retention period at `now`; returns the rows changed. */
export async function applyRetention(
  tx: DbOrTx,
  settings: Pick<RetentionSettings, 'inboundTextDays' | 'outboxSentDays'>,
  now: Date
): Promise<{ inboundTextRedacted: number; outboxDropped: number }> {
  const receivedBefore = new Date(now.getTime() - settings.inboundTextDays * DAY_MS)
  const outboxDays = settings.outboxSentDays ?? DEFAULT_OUTBOX_SENT_RETENTION_DAYS
  const createdBefore = new Date(now.getTime() - outboxDays * DAY_MS)
  return {
    inboundTextRedacted: await redactInboundText(tx, { receivedBefore, now }),
    outboxDropped: await dropSettledOutbox(tx, { createdBefore }),
  }
}

export function retentionHandlers(
  deps: RetentionSettings & { logger: Logger }
): Record<string, FireHandler> {
  return {
    [RETENTION_KIND]: async (tx, _fire, now) => {
      const result = await applyRetention(tx, deps, now)
      await planNextRetention(tx, { now, timeZone: deps.timeZone })
      deps.logger.info(result, 'retention applied')
    },
  }
}
