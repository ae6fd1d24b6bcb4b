/**
 * One hand-seeded month (November 2026) for Wonorejo, Kecamatan Singosari, on a real test
 * database: the recap tests work their expected figures out from this table.
 *
 * People: siti kader PPKBD Wonorejo; dewi kader Sub-PPKBD Wonorejo; yanto supervisor (PKB)
 * Singosari; ani kader PPKBD Dengkol (no stocks, no reports).
 *
 * Stocks of Wonorejo (from 2026-01): PUS 400; PPM IUD 10, SUNTIK 30; units PPKBD 1, Sub-PPKBD 2,
 * Pok KB 3, BKB 2, BKR 1, BKL 1, UPPKA 1, PIK-R 1.
 *
 * Activities (kind, date, attendees/PUS/KB users, state):
 *   A1 siti bkb        2026-11-05 20/15/10 valid
 *   A2 siti bkb        2026-11-19 24/14/11 valid
 *   A3 dewi bkb        2026-11-12 12/9/6   valid
 *   A4 siti kie        2026-11-07 30/20/12 valid
 *   A5 dewi rapat_desa 2026-11-20 15/0/0   submitted (waits)
 *   A6 siti bkr        2026-11-08 10/4/2   returned ("jumlah PUS salah"), corrected by A7
 *   A7 siti bkr        2026-11-08 11/5/3   valid (the correction)
 *   A8 siti bkb        2026-10-30 40/30/20 valid, October: not counted
 *
 * KB register: F1 new acceptor IUD on 2026-03-10; F2 new acceptor suntik_3 on 2026-11-04.
 * @module
 */
import { families, people, poktanActivities, reportReviews } from '../../src/db/schema/index.js'
import type { Db } from '../../src/db/client.js'
import { recordKbEvent } from '../../src/db/queries/kb-register.js'
import { upsertStocks } from '../../src/db/queries/stocks.js'
import type { ActivityKind } from '../../src/domain/poktan.js'
import { DENGKOL, SINGOSARI, WONOREJO } from '../harness/visits-db.js'

export { DENGKOL, SINGOSARI, WONOREJO }
export const PERIOD = '2026-11'
export const NOW = new Date('2026-12-02T03:00:00Z') // Rabu, 2 Desember 2026 pukul 10.00 WIB

export type RecapSeed = {
  siti: number
  dewi: number
  yanto: number
  activities: Record<'A1' | 'A2' | 'A3' | 'A4' | 'A5' | 'A6' | 'A7' | 'A8', number>
}

export async function seedRecapMonth(db: Db): Promise<RecapSeed> {
  const person = async (
    name: string,
    roles: ('kader' | 'supervisor')[],
    regionCode: string,
    cadreTier: 'ppkbd' | 'sub_ppkbd' | null
  ) => {
    const [row] = await db
      .insert(people)
      .values({ name, roles, regionCode, cadreTier, salutation: 'ibu' })
      .returning({ id: people.id })
    return row!.id
  }
  const siti = await person('Siti Rahayu', ['kader'], WONOREJO, 'ppkbd')
  const dewi = await person('Dewi Lestari', ['kader'], WONOREJO, 'sub_ppkbd')
  const yanto = await person('Yanto Prasetyo', ['supervisor'], SINGOSARI, null)
  await person('Ani Susanti', ['kader'], DENGKOL, 'ppkbd')

  await upsertStocks(db, {
    desaCode: WONOREJO,
    period: '2026-01',
    values: {
      pus: 400,
      ppm_iud: 10,
      ppm_suntik: 30,
      unit_ppkbd: 1,
      unit_sub_ppkbd: 2,
      unit_pok_kb: 3,
      unit_bkb: 2,
      unit_bkr: 1,
      unit_bkl: 1,
      unit_uppka: 1,
      unit_pik_r: 1,
    },
    now: new Date('2026-01-05T03:00:00Z'),
  })

  const activity = async (
    cadreId: number,
    kind: ActivityKind,
    date: string,
    [attendees, pus, kbUsers]: [number, number, number],
    state: 'submitted' | 'valid' | 'returned' | 'corrected',
    correctsId: number | null = null
  ) => {
    const [row] = await db
      .insert(poktanActivities)
      .values({
        cadreId,
        desaCode: WONOREJO,
        kind,
        activityDate: date,
        period: date.slice(0, 7),
        attendees,
        pus,
        kbUsers,
        state,
        correctsId,
        createdAt: new Date(`${date}T05:00:00Z`),
      })
      .returning({ id: poktanActivities.id })
    if (state === 'valid' || state === 'returned' || state === 'corrected') {
      await db.insert(reportReviews).values({
        reportKind: 'activity',
        reportId: row!.id,
        decision: state === 'valid' ? 'valid' : 'returned',
        reason: state === 'valid' ? null : 'jumlah PUS salah',
        reviewerId: yanto,
        createdAt: new Date(`${date}T09:00:00Z`),
      })
    }
    return row!.id
  }
  const A1 = await activity(siti, 'bkb', '2026-11-05', [20, 15, 10], 'valid')
  const A2 = await activity(siti, 'bkb', '2026-11-19', [24, 14, 11], 'valid')
  const A3 = await activity(dewi, 'bkb', '2026-11-12', [12, 9, 6], 'valid')
  const A4 = await activity(siti, 'kie', '2026-11-07', [30, 20, 12], 'valid')
  const A5 = await activity(dewi, 'rapat_desa', '2026-11-20', [15, 0, 0], 'submitted')
  const A6 = await activity(siti, 'bkr', '2026-11-08', [10, 4, 2], 'corrected')
  const A7 = await activity(siti, 'bkr', '2026-11-08', [11, 5, 3], 'valid', A6)
  const A8 = await activity(siti, 'bkb', '2026-10-30', [40, 30, 20], 'valid')

  const family = async (headName: string) => {
    const [row] = await db
      .insert(families)
      .values({ headName, desaCode: WONOREJO })
      .returning({ id: families.id })
    return row!.id
  }
  const kb = async (familyId: number, eventDate: string, method: string) =>
    recordKbEvent(db, {
      familyId,
      desaCode: WONOREJO,
      visitId: null,
      recordedBy: siti,
      eventDate,
      status: 'ber_kb',
      method,
      newAcceptor: true,
      servicePlace: 'pemerintah',
      jkn: true,
      intent: null,
      createdAt: new Date(`${eventDate}T05:00:00Z`),
    })
  await kb(await family('Budi Santoso'), '2026-03-10', 'iud')
  await kb(await family('Sutrisno'), '2026-11-04', 'suntik_3')
  return { siti, dewi, yanto, activities: { A1, A2, A3, A4, A5, A6, A7, A8 } }
}
