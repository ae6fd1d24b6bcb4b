/**
 * The monthly report's deadline reminder: a nudge rule seeded once (an edit survives), run on the
 * 1st and the 2nd at 07.00 WIB through the nudge job, reaching only the cadres without a report on
 * the month just ended. PGlite, or Postgres with TEST_DATABASE_URL.
 */
import { asc } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { listNudgeRules, updateNudgeRule } from '../../src/db/queries/broadcasts.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { fires, outbox, people, poktanActivities } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { nudgeHandlers, planNudges } from '../../src/scheduler/jobs/nudges.js'
import { seedReportDeadlineNudge } from '../../src/scheduler/jobs/report-deadline.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { giveConsent, silentLogger } from '../harness/runtime.js'
import { WONOREJO } from '../harness/visits-db.js'

const handle = useTestDb()
const TZ = 'Asia/Jakarta'

test('on the 1st and the 2nd at 07.00 WIB, cadres without a report on last month are reminded', async () => {
  const cadre = async (name: string, chat: string) => {
    const [row] = await handle.db
      .insert(people)
      .values({ name, roles: ['kader'], regionCode: WONOREJO, cadreTier: 'ppkbd' })
      .returning({ id: people.id })
    await linkIdentity(handle.db, { personId: row!.id, channel: 'simulator', externalId: chat })
    return row!.id
  }
  const activity = (cadreId: number, date: string, state: 'submitted' | 'corrected') =>
    handle.db.insert(poktanActivities).values({
      cadreId,
      desaCode: WONOREJO,
      kind: 'bkb',
      activityDate: date,
      period: date.slice(0, 7),
      attendees: 10,
      pus: 5,
      kbUsers: 3,
      state,
      createdAt: new Date(`${date}T05:00:00Z`),
    })
  const sudah = await cadre('Sudah Lapor', 'k-sudah')
  await cadre('Belum Lapor', 'k-belum')
  const koreksi = await cadre('Hanya Dikoreksi', 'k-koreksi')
  const lama = await cadre('Lapor Oktober', 'k-lama')
  await giveConsent(handle.db, ['k-sudah', 'k-belum', 'k-koreksi', 'k-lama'])
  await activity(sudah, '2026-11-30', 'submitted')
  await activity(koreksi, '2026-11-20', 'corrected')
  await activity(lama, '2026-10-15', 'submitted')

  await seedReportDeadlineNudge(handle.db)
  const [rule] = await listNudgeRules(handle.db)
  expect(rule).toMatchObject({
    code: 'report_deadline',
    cron: '0 7 1,2 * *',
    segment: { roles: ['kader'], condition: 'no_report_last_month' },
  })
  // An admin's edit survives seeding again.
  await updateNudgeRule(handle.db, rule!.id, { cron: '30 6 1,2 * *', now: new Date() })
  await seedReportDeadlineNudge(handle.db)
  expect((await listNudgeRules(handle.db))[0]!.cron).toBe('30 6 1,2 * *')
  await updateNudgeRule(handle.db, rule!.id, { cron: '0 7 1,2 * *', now: new Date() })

  await planNudges(handle.db, new Date('2026-11-30T10:00:00Z'), TZ)
  const deps = {
    db: handle.db,
    logger: silentLogger,
    handlers: nudgeHandlers({ i18n: await testI18n(), timeZone: TZ }),
  }
  // 1 December 07.00 WIB = 00:00 UTC.
  expect(await runDueFires(deps, new Date('2026-12-01T00:01:00Z'))).toMatchObject({ done: 1 })
  const sent = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
  expect(sent.map((r) => r.recipientId).sort()).toEqual(['k-belum', 'k-koreksi', 'k-lama'])
  expect((sent[0]!.message as { text: string }).text).toMatch(
    /^Halo .+, laporan bulan lalu belum masuk\. Batas pengiriman laporan bulanan tanggal 3\./
  )
  const planned = await handle.db.select().from(fires).orderBy(asc(fires.id))
  expect(planned.map((f) => [f.dueAt.toISOString(), f.status])).toEqual([
    ['2026-12-01T00:00:00.000Z', 'done'],
    ['2026-12-02T00:00:00.000Z', 'pending'],
  ])
})
