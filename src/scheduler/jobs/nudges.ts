/**
 * Scheduled nudges as data: each rule of `nudge_rules` (a cron expression read in
 * the bot's time zone, a segment, a message key) runs as a fire whose dedupe key holds the rule
 * and the moment, so replicas and restarts send one nudge per run (docs/design.md P7). Each run
 * plans the next; an edited rule plans from its new cron, and a run planned from an old cron is
 * dropped. Nudges skip people who said BERHENTI and identities the channel reported unreachable.
 * @module
 */
import { CronExpressionParser } from 'cron-parser'
import { z } from 'zod'
import { pickRecipients } from '../../broadcasts/segments.js'
import type { TextRenderer } from '../../messaging/render.js'
import type { DbOrTx } from '../../db/client.js'
import {
  type NudgeRuleRow,
  findNudgeRule,
  insertNudgeRuleIfAbsent,
  listNudgeRules,
  listSegmentMembers,
} from '../../db/queries/broadcasts.js'
import { planFires } from '../../db/queries/fires.js'
import { enqueueMessages } from '../../db/queries/outbox.js'
import { segmentSchema } from '../../domain/broadcasts.js'
import { PRIORITY } from '../../domain/priorities.js'
import type { FireHandler } from '../fires.js'

export const NUDGE_KIND = 'nudge.run'
/** A nudge later than this is no longer useful (the morning is over). */
const NUDGE_GRACE_SECONDS = 6 * 3600

/** The rules the bot starts with; seeding never overwrites an admin's edit. */
export const DEFAULT_NUDGE_RULES = [
  {
    code: 'no_visit_7_days',
    // Monday 07.00 in TZ_NAME (WIB).
    cron: '0 7 * * 1',
    segment: { roles: ['kader' as const], condition: 'no_visit_7_days' as const },
    messageKey: 'broadcast:nudge.noVisit7Days',
  },
]

type NudgePayload = { ruleId: number; cron: string }

/** Whether a cron expression parses (five fields, or six with seconds). */
function isCron(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression)
    return true
  } catch {
    return false
  }
}

/**
 * A nudge rule as an admin writes it (API, dashboard): a cron expression read in TZ_NAME, the
 * segment, and an i18n key whose text may use `{{nama}}`.
 * @example { "cron": "0 7 * * 1", "segment": { "roles": ["kader"], "condition": "no_visit_7_days" },
 *   "messageKey": "broadcast:nudge.noVisit7Days", "enabled": true }
 */
export const nudgeRuleInputSchema = z
  .object({
    cron: z.string().trim().min(9).max(100).refine(isCron, 'not a cron expression'),
    segment: segmentSchema,
    messageKey: z.string().regex(/^[a-z][\w-]*:[\w.]+$/),
    enabled: z.boolean().optional(),
  })
  .strict()
export type NudgeRuleInput = z.infer<typeof nudgeRuleInputSchema>

/** Adds the default rules that are missing (idempotent). */
export async function seedNudgeRules(db: DbOrTx): Promise<void> {
  for (const rule of DEFAULT_NUDGE_RULES) await insertNudgeRuleIfAbsent(db, rule)
}

/** The first moment after `after` that a cron expression names, read in `timeZone`. */
export function nextCronRun(cron: string, after: Date, timeZone: string): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate()
}

/** Plans a rule's next run after `after` (idempotent: the key holds the rule and the moment). */
export async function planNudgeRule(
  db: DbOrTx,
  rule: Pick<NudgeRuleRow, 'id' | 'cron' | 'enabled'>,
  after: Date,
  timeZone: string
): Promise<void> {
  if (!rule.enabled) return
  const dueAt = nextCronRun(rule.cron, after, timeZone)
  await planFires(db, [
    {
      kind: NUDGE_KIND,
      dedupeKey: `nudge:${rule.id}:${dueAt.toISOString()}`,
      dueAt,
      graceSeconds: NUDGE_GRACE_SECONDS,
      payload: { ruleId: rule.id, cron: rule.cron } satisfies NudgePayload,
    },
  ])
}

/** Plans the next run of every enabled rule (at start; idempotent). */
export async function planNudges(db: DbOrTx, now: Date, timeZone: string): Promise<void> {
  for (const rule of await listNudgeRules(db, { enabledOnly: true })) {
    await planNudgeRule(db, rule, now, timeZone)
  }
}

export function nudgeHandlers(deps: {
  i18n: TextRenderer
  timeZone: string
}): Record<string, FireHandler> {
  return {
    [NUDGE_KIND]: async (tx, fire, now) => {
      const payload = fire.payload as NudgePayload
      const rule = await findNudgeRule(tx, payload.ruleId)
      // Disabled, deleted or re-timed since this run was planned: the edit planned its own run.
      if (!rule || !rule.enabled || rule.cron !== payload.cron) return
      const members = await listSegmentMembers(tx, {
        segment: rule.segment,
        at: now,
        timeZone: deps.timeZone,
      })
      const { deliver } = pickRecipients(members)
      await enqueueMessages(
        tx,
        deliver.map((d) => ({
          channel: d.channel,
          recipientId: d.recipientId,
          priority: PRIORITY.reminder,
          personId: d.personId,
          message: { text: deps.i18n.render({ key: rule.messageKey, params: { nama: d.name } }) },
        }))
      )
      await planNudgeRule(tx, rule, fire.dueAt, deps.timeZone)
    },
  }
}
