/**
 * Nudge rules as data: seeded once, planned as fires with dedupe keys from their cron in WIB,
 * sent to the segment (minus BERHENTI, chats without consent and unreachable chats), re-planned
 * after each run, and re-timed by an admin's edit.
 */
import { asc, eq, like } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { findNudgeRule, listNudgeRules, updateNudgeRule } from '../../src/db/queries/broadcasts.js'
import { markRecipientUnreachable } from '../../src/db/queries/outbox.js'
import { recordConsent } from '../../src/db/queries/consent.js'
import { consents, fires, outbox, people } from '../../src/db/schema/index.js'
import { NOTICE_VERSION } from '../../src/domain/consent.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  NUDGE_KIND,
  nextCronRun,
  nudgeHandlers,
  nudgeRuleInputSchema,
  planNudgeRule,
  planNudges,
  seedNudgeRules,
} from '../../src/scheduler/jobs/nudges.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { silentLogger } from '../harness/runtime.js'
import { NOW, seedRoster } from '../harness/broadcasts.js'

const TZ = 'Asia/Jakarta'
const handle = useTestDb()

async function tick(at: Date) {
  const i18n = await testI18n()
  return runDueFires(
    { db: handle.db, handlers: nudgeHandlers({ i18n, timeZone: TZ }), logger: silentLogger },
    at
  )
}

const nudgeFires = () =>
  handle.db
    .select({ key: fires.dedupeKey, dueAt: fires.dueAt, status: fires.status })
    .from(fires)
    .where(eq(fires.kind, NUDGE_KIND))
    .orderBy(asc(fires.dueAt))

test('the cron is read in WIB: Monday 07.00 is 00.00 UTC', () => {
  // NOW is Monday 23 Nov 08.00 WIB: the next Monday 07.00 is the 30th.
  expect(nextCronRun('0 7 * * 1', NOW, TZ)).toEqual(new Date('2026-11-30T00:00:00Z'))
  expect(nextCronRun('0 7 * * 1', new Date('2026-11-22T23:59:00Z'), TZ)).toEqual(
    new Date('2026-11-23T00:00:00Z')
  )
})

test('a rule as an admin writes it is checked: cron, segment and message key', () => {
  const rule = {
    cron: '0 7 * * 1',
    segment: { roles: ['kader'] },
    messageKey: 'broadcast:nudge.noVisit7Days',
  }
  expect(nudgeRuleInputSchema.safeParse(rule).success).toBe(true)
  expect(nudgeRuleInputSchema.safeParse({ ...rule, cron: 'every monday' }).success).toBe(false)
  expect(nudgeRuleInputSchema.safeParse({ ...rule, segment: { roles: ['raja'] } }).success).toBe(
    false
  )
  expect(nudgeRuleInputSchema.safeParse({ ...rule, messageKey: 'no key' }).success).toBe(false)
})

test('the default rule is seeded once and an admin’s edit survives a restart', async () => {
  await seedNudgeRules(handle.db)
  await seedNudgeRules(handle.db)
  const rules = await listNudgeRules(handle.db)
  expect(rules).toEqual([
    expect.objectContaining({
      code: 'no_visit_7_days',
      cron: '0 7 * * 1',
      segment: { roles: ['kader'], condition: 'no_visit_7_days' },
      messageKey: 'broadcast:nudge.noVisit7Days',
      enabled: true,
    }),
  ])
  await updateNudgeRule(handle.db, rules[0]!.id, { cron: '30 6 * * 1', now: NOW })
  await seedNudgeRules(handle.db)
  expect((await findNudgeRule(handle.db, rules[0]!.id))?.cron).toBe('30 6 * * 1')
})

test('each run nudges the cadres without a visit in 7 days, once, and plans the next week', async () => {
  const id = await seedRoster(handle.db)
  // Dewi said BERHENTI; Lastri's chat is unreachable.
  await handle.db.update(people).set({ optedOutAt: NOW }).where(eq(people.id, id.dewi))
  await markRecipientUnreachable(handle.db, {
    channel: 'simulator',
    recipientId: 'sim-lastri',
    at: NOW,
  })
  await seedNudgeRules(handle.db)
  const [rule] = await listNudgeRules(handle.db)
  // Planning at start is idempotent (two replicas, restarts).
  await planNudges(handle.db, NOW, TZ)
  await planNudges(handle.db, NOW, TZ)
  expect(await nudgeFires()).toEqual([
    {
      key: `nudge:${rule!.id}:2026-11-30T00:00:00.000Z`,
      dueAt: new Date('2026-11-30T00:00:00Z'),
      status: 'pending',
    },
  ])

  const due = new Date('2026-11-30T00:00:00Z')
  await tick(due)
  await tick(due)
  const sent = await handle.db
    .select({ to: outbox.recipientId, message: outbox.message, priority: outbox.priority })
    .from(outbox)
    .orderBy(asc(outbox.recipientId))
  // On 30 Nov no cadre reported in the 7 days before: Siti (her visit was on the 21st), Ani,
  // Dewi, Fitri, Lastri; minus Dewi (BERHENTI) and Lastri (unreachable).
  expect(sent.map((s) => [s.to, s.priority])).toEqual([
    ['sim-ani', 1],
    ['sim-fitri', 1],
    ['sim-siti', 1],
  ])
  expect((sent[0]!.message as { text: string }).text).toBe(
    'Halo Ani, sudah 7 hari belum ada laporan kunjungan. Yuk laporkan kunjungan rumah minggu ini: ketik /lapor.'
  )
  expect((await nudgeFires()).map((f) => [f.key, f.status])).toEqual([
    [`nudge:${rule!.id}:2026-11-30T00:00:00.000Z`, 'done'],
    [`nudge:${rule!.id}:2026-12-07T00:00:00.000Z`, 'pending'],
  ])
})

test('a re-timed rule runs at its new time; the run planned from the old cron sends nothing', async () => {
  await seedRoster(handle.db)
  await seedNudgeRules(handle.db)
  await planNudges(handle.db, NOW, TZ)
  const [rule] = await listNudgeRules(handle.db)
  const edited = await updateNudgeRule(handle.db, rule!.id, { cron: '0 16 * * 5', now: NOW })
  await planNudgeRule(handle.db, edited!, NOW, TZ)
  // Friday 27 Nov 16.00 WIB.
  await tick(new Date('2026-11-27T09:00:00Z'))
  expect(await handle.db.select().from(outbox)).toHaveLength(4)
  await tick(new Date('2026-11-30T00:00:00Z'))
  expect(await handle.db.select().from(outbox)).toHaveLength(4)
  const planned = await handle.db
    .select({ key: fires.dedupeKey })
    .from(fires)
    .where(like(fires.dedupeKey, `nudge:${rule!.id}:%`))
    .orderBy(asc(fires.dueAt))
  expect(planned.map((p) => p.key)).toEqual([
    `nudge:${rule!.id}:2026-11-27T09:00:00.000Z`,
    `nudge:${rule!.id}:2026-11-30T00:00:00.000Z`,
    `nudge:${rule!.id}:2026-12-04T09:00:00.000Z`,
  ])
})

test('no nudge reaches a cadre whose chat declined the privacy notice or never answered it', async () => {
  await seedRoster(handle.db)
  // Ani declined the notice after accepting it; Fitri's chat never answered it.
  await recordConsent(handle.db, {
    channel: 'simulator',
    senderId: 'sim-ani',
    noticeVersion: NOTICE_VERSION,
    given: false,
    at: NOW,
  })
  await handle.db.delete(consents).where(eq(consents.senderId, 'sim-fitri'))
  await seedNudgeRules(handle.db)
  await planNudges(handle.db, NOW, TZ)
  await tick(new Date('2026-11-30T00:00:00Z'))
  const sent = await handle.db
    .select({ to: outbox.recipientId })
    .from(outbox)
    .orderBy(asc(outbox.recipientId))
  // Of Siti, Ani, Dewi, Fitri and Lastri (no visit in the 7 days): not Ani, not Fitri.
  expect(sent.map((s) => s.to)).toEqual(['sim-dewi', 'sim-lastri', 'sim-siti'])
})
