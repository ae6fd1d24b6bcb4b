/**
 * Reporting coverage and the deadline in WIB on a real database: a report sent at 23.59 on the 3rd
 * is on time, one at 00.00 on the 4th is late, a cadre without a report is "not yet", a desa
 * without a cadre has no rate; the deadline day is a setting. PGlite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import {
  DEADLINE_SETTING,
  cadreCoverage,
  deadlineDay,
  deadlineOf,
  desaCoverage,
} from '../../src/db/queries/coverage.js'
import { adminSettings, people, poktanActivities } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'
import { DENGKOL, SINGOSARI, WONOREJO } from '../harness/visits-db.js'

const WIB = 'Asia/Jakarta'
const database = useTestDb('file')

beforeAll(async () => {
  const cadre = async (name: string, regionCode: string) => {
    const [row] = await database.db
      .insert(people)
      .values({ name, roles: ['kader'], regionCode, cadreTier: 'ppkbd' })
      .returning({ id: people.id })
    return row!.id
  }
  const report = async (cadreId: number, sentAt: string, date = '2026-11-20') =>
    database.db.insert(poktanActivities).values({
      cadreId,
      desaCode: WONOREJO,
      kind: 'bkb',
      activityDate: date,
      period: date.slice(0, 7),
      attendees: 10,
      pus: 5,
      kbUsers: 3,
      createdAt: new Date(sentAt),
    })
  const tepat = await cadre('Tepat Waktu', WONOREJO)
  const telat = await cadre('Telat Semenit', WONOREJO)
  await cadre('Belum Lapor', WONOREJO)
  const dengkol = await cadre('Dewi Dengkol', DENGKOL)
  // 23.59 WIB on 3 December = 16:59 UTC: on time.
  await report(tepat, '2026-12-03T16:59:00Z')
  // 00.00 WIB on 4 December = 17:00 UTC on the 3rd: late.
  await report(telat, '2026-12-03T17:00:00Z')
  // A report on October's work does not count for November.
  await report(dengkol, '2026-11-02T03:00:00Z', '2026-10-30')
})

describe('deadline and coverage of November 2026', () => {
  test('the deadline is 3 December 23.59.59 WIB by default, and follows the setting', async () => {
    expect(await deadlineDay(database.db)).toBe(3)
    expect(deadlineOf('2026-11', 3, WIB).toISOString()).toBe('2026-12-03T16:59:59.999Z')
    expect(deadlineOf('2026-12', 3, WIB).toISOString()).toBe('2027-01-03T16:59:59.999Z')
    await database.db.insert(adminSettings).values({ key: DEADLINE_SETTING, value: '5' })
    expect(await deadlineDay(database.db)).toBe(5)
    await database.db.update(adminSettings).set({ value: '3' })
  })

  test('23.59 on the 3rd is on time, 00.00 on the 4th is late; late ones first', async () => {
    const deadline = deadlineOf('2026-11', 3, WIB)
    const cadres = await cadreCoverage(database.db, {
      period: '2026-11',
      regionPrefix: SINGOSARI,
      deadline,
    })
    expect(cadres.map((c) => [c.name, c.status, c.reports])).toEqual([
      ['Telat Semenit', 'late', 1],
      ['Belum Lapor', 'not_yet', 0],
      ['Dewi Dengkol', 'not_yet', 0],
      ['Tepat Waktu', 'on_time', 1],
    ])
  })

  test('per desa: coverage = on time / cadres, timeliness = on time / reported; a desa without a cadre has no rate', async () => {
    const rows = await desaCoverage(database.db, {
      period: '2026-11',
      regionPrefix: SINGOSARI,
      deadline: deadlineOf('2026-11', 3, WIB),
    })
    // Wonorejo: 3 cadres, 1 on time, 1 late, 1 not yet → 1/3 = 33,3 %; timeliness 1/2 = 50 %.
    expect(rows[0]).toEqual({
      desaCode: WONOREJO,
      desaName: 'Wonorejo',
      cadres: 3,
      onTime: 1,
      late: 1,
      notYet: 1,
      coverage: 33.3,
      timeliness: 50,
    })
    // Dengkol: one cadre, nothing for November → 0 %, no timeliness.
    expect(rows.find((r) => r.desaCode === DENGKOL)).toMatchObject({
      cadres: 1,
      coverage: 0,
      timeliness: null,
    })
    const empty = rows.find((r) => r.cadres === 0)
    expect(empty).toMatchObject({ onTime: 0, late: 0, notYet: 0, coverage: null, timeliness: null })
  })
})
