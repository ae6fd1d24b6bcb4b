/**
 * The KB register's month-end answers (docs/domain.md "KB register") on one hand-seeded register,
 * October to December 2025, on the real test database (PGlite, or Postgres with
 * TEST_DATABASE_URL). Every expected value is worked out by hand from the rows below.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import {
  activeUsersAt,
  findKbState,
  kbCounts,
  kbRecap,
  listKbEvents,
  recordKbEvent,
} from '../../src/db/queries/kb-register.js'
import { stocksFor, upsertStocks } from '../../src/db/queries/stocks.js'
import { createFamily, withdrawVisit } from '../../src/db/queries/visits.js'
import { kbIndicators } from '../../src/domain/kb.js'
import type { KbServicePlace, KbStatus } from '../../src/domain/kb.js'
import { useTestDb } from '../harness/db.js'
import { DENGKOL, SINGOSARI, WONOREJO, seedPerson, seedVisit } from '../harness/visits-db.js'

/*
 * Register rows (family, desa W=Wonorejo D=Dengkol, date, state, new acceptor, place):
 *   F1 W  10-10 suntik_3 new pemerintah   11-15 suntik_3 (continued)
 *   F2 W  11-05 pil new pemerintah        11-20 implan swasta (changed, not new)
 *   F3 W  10-02 iud new                   11-30 tidak_kb tunda (stopped: drop-out, IAT)
 *   F4 D  10-20 pil new                   11-12 hamil (pregnant)
 *   F5 D  11-01 tidak_kb tidak_lagi (TIAL) 12-01 kondom new (December: after the month)
 *   F6 D  11-30 kondom new swasta, corrected by the supervisor to MAL new, no place
 *   F7 D  11-08 tidak_kb segera (IAS)
 *   F8 W  11-10 tradisional new pemerintah
 *
 * End of November: users F1 suntik_3, F2 implan, F6 mal, F8 tradisional = 4;
 *   modern (all but tradisional) 3; MKJP (F2 implan) 1; unmet need F3 + F5 = 2; pregnant F4;
 *   IAS F7. End of October: users F1, F3, F4 = 3; of them not users at November's end: F3, F4 = 2.
 * New acceptors in November: F2 PIL (pemerintah), F6 MAL (corrected; no place), F8 TRADISIONAL
 *   (pemerintah) = 3. Year to date adds October's F1 SUNTIK, F3 IUD, F4 PIL.
 */

const handle = useTestDb('file')
const families: Record<string, number> = {}
let supervisor = 0

beforeAll(async () => {
  const db = handle.db
  const cadre = await seedPerson(db, { name: 'Siti', roles: ['kader'], regionCode: WONOREJO })
  supervisor = await seedPerson(db, {
    name: 'Lestari',
    roles: ['supervisor'],
    regionCode: SINGOSARI,
  })
  const desa = { F1: WONOREJO, F2: WONOREJO, F3: WONOREJO, F4: DENGKOL }
  const all = { ...desa, F5: DENGKOL, F6: DENGKOL, F7: DENGKOL, F8: WONOREJO }
  for (const [name, desaCode] of Object.entries(all)) {
    families[name] = (
      await createFamily(db, { headName: name, desaCode, createdBy: cadre, consentedAt: null })
    ).id
  }
  type Row = {
    status?: KbStatus
    method?: string
    intent?: string
    isNew?: boolean
    place?: KbServicePlace
    correctsId?: number
    by?: number
  }
  const record = (family: string, eventDate: string, row: Row) =>
    recordKbEvent(db, {
      familyId: families[family]!,
      desaCode: all[family as keyof typeof all],
      visitId: null,
      recordedBy: row.by ?? cadre,
      eventDate,
      status: row.status ?? 'ber_kb',
      method: row.method ?? null,
      newAcceptor: row.isNew ?? false,
      servicePlace: row.place ?? null,
      jkn: row.place ? true : null,
      intent: row.intent ?? null,
      correctsId: row.correctsId ?? null,
      createdAt: new Date(`${eventDate}T05:00:00Z`),
    })
  const kinds: string[] = []
  const add = async (family: string, date: string, row: Row) => {
    const { kind, id } = await record(family, date, row)
    kinds.push(`${family} ${date} ${kind}`)
    return id
  }
  await add('F1', '2025-10-10', { method: 'suntik_3', isNew: true, place: 'pemerintah' })
  await add('F1', '2025-11-15', { method: 'suntik_3', place: 'pemerintah' })
  await add('F2', '2025-11-05', { method: 'pil', isNew: true, place: 'pemerintah' })
  await add('F2', '2025-11-20', { method: 'implan', place: 'swasta' })
  await add('F3', '2025-10-02', { method: 'iud', isNew: true })
  await add('F3', '2025-11-30', { status: 'tidak_kb', intent: 'tunda' })
  await add('F4', '2025-10-20', { method: 'pil', isNew: true })
  await add('F4', '2025-11-12', { status: 'hamil' })
  await add('F5', '2025-11-01', { status: 'tidak_kb', intent: 'tidak_lagi' })
  await add('F5', '2025-12-01', { method: 'kondom', isNew: true })
  const wrong = await add('F6', '2025-11-30', { method: 'kondom', isNew: true, place: 'swasta' })
  await add('F6', '2025-11-30', { method: 'mal', isNew: true, correctsId: wrong, by: supervisor })
  await add('F7', '2025-11-08', { status: 'tidak_kb', intent: 'segera' })
  await add('F8', '2025-11-10', { method: 'tradisional', isNew: true, place: 'pemerintah' })
  expect(kinds).toEqual([
    'F1 2025-10-10 started',
    'F1 2025-11-15 continued',
    'F2 2025-11-05 started',
    'F2 2025-11-20 changed',
    'F3 2025-10-02 started',
    'F3 2025-11-30 stopped',
    'F4 2025-10-20 started',
    'F4 2025-11-12 pregnant',
    'F5 2025-11-01 not_using',
    'F5 2025-12-01 started',
    'F6 2025-11-30 started',
    // Against the entry before the one it replaces (none): started.
    'F6 2025-11-30 started',
    'F7 2025-11-08 not_using',
    'F8 2025-11-10 started',
  ])
  // Wonorejo: PUS 40 and a PIL target of 10 from January 2025; PUS 50 only from December.
  const now = new Date('2025-12-05T01:00:00Z')
  await upsertStocks(db, {
    desaCode: WONOREJO,
    period: '2025-01',
    values: { pus: 40, ppm_pil: 10, unit_ppkbd: 1 },
    now,
  })
  await upsertStocks(db, { desaCode: WONOREJO, period: '2025-12', values: { pus: 50 }, now })
})

describe('KB register', () => {
  test('a correction keeps the earlier record; the family state reads the correction', async () => {
    const rows = await listKbEvents(handle.db, families.F6!)
    expect(rows.map((r) => [r.method, r.correctsId === null])).toEqual([
      ['kondom', true],
      ['mal', false],
    ])
    expect(rows[1]!.correctsId).toBe(rows[0]!.id)
    expect(rows[1]!.recordedBy).toBe(supervisor)
    expect((await findKbState(handle.db, families.F6!))?.method).toBe('mal')
  })

  test('active users at the end of October, November and December', async () => {
    const at = async (period: string) =>
      [...(await activeUsersAt(handle.db, { period, regionPrefix: SINGOSARI })).entries()]
        .map(([id, method]) => `${Object.keys(families).find((k) => families[k] === id)}:${method}`)
        .sort()
    expect(await at('2025-10')).toEqual(['F1:suntik_3', 'F3:iud', 'F4:pil'])
    expect(await at('2025-11')).toEqual(['F1:suntik_3', 'F2:implan', 'F6:mal', 'F8:tradisional'])
    // December adds F5's kondom from 12-01.
    expect(await at('2025-12')).toEqual([
      'F1:suntik_3',
      'F2:implan',
      'F5:kondom',
      'F6:mal',
      'F8:tradisional',
    ])
  })

  test("the recap's part V per desa for November", async () => {
    const recap = await kbRecap(handle.db, {
      period: '2025-11',
      desaCodes: [WONOREJO, DENGKOL, '35.07.24.2003'],
    })
    expect(recap.get(WONOREJO)).toEqual({
      desaCode: WONOREJO,
      period: '2025-11',
      newAcceptors: { PIL: 1, TRADISIONAL: 1 },
      newAcceptorsByPlace: { pemerintah: { PIL: 1, TRADISIONAL: 1 }, swasta: {}, unknown: {} },
      // October: F1 SUNTIK, F3 IUD; November: F2 PIL, F8 TRADISIONAL.
      newAcceptorsYearToDate: { SUNTIK: 1, IUD: 1, PIL: 1, TRADISIONAL: 1 },
      ppmTarget: { PIL: 10 },
      remainingToTarget: { PIL: 9 }, // 10 - 1
      activeUsers: { SUNTIK: 1, IMPLAN: 1, TRADISIONAL: 1 },
      activeTotal: 3,
      mkjp: 1,
      modern: 2,
      unmetNeed: 1,
      unmetNeedIat: 1,
      unmetNeedTial: 0,
      wantChildSoon: 0,
      pregnant: 0,
      droppedOut: 1, // F3
      pusVisited: 4,
      pusImported: 40, // January's 40; December's 50 is later
      pus: 40,
      pusSource: 'imported',
    })
    const dengkol = recap.get(DENGKOL)!
    expect(dengkol.newAcceptors).toEqual({ MAL: 1 })
    expect(dengkol.newAcceptorsByPlace.unknown).toEqual({ MAL: 1 })
    expect(dengkol.newAcceptorsYearToDate).toEqual({ PIL: 1, MAL: 1 })
    expect([dengkol.activeTotal, dengkol.unmetNeedTial, dengkol.wantChildSoon]).toEqual([1, 1, 1])
    expect([dengkol.pregnant, dengkol.droppedOut, dengkol.pus, dengkol.pusSource]).toEqual([
      1,
      1,
      4,
      'visited',
    ])
    expect(recap.get('35.07.24.2003')?.pusVisited).toBe(0)
  })

  test('the indicators of the kecamatan: visited PUS, as Dengkol has no imported PUS', async () => {
    const counts = await kbCounts(handle.db, {
      period: '2025-11',
      regionPrefix: SINGOSARI,
      desaCodes: [WONOREJO, DENGKOL],
    })
    expect(kbIndicators(counts)).toEqual({
      kbActiveUsers: { value: 4, byMethod: { SUNTIK: 1, IMPLAN: 1, MAL: 1, TRADISIONAL: 1 } },
      kbNewAcceptors: { value: 3, byMethod: { PIL: 1, MAL: 1, TRADISIONAL: 1 } },
      mkjpShare: { value: 25, numerator: 1, denominator: 4 }, // 1 / 4
      unmetNeed: { value: 25, numerator: 2, denominator: 8, source: 'visited' }, // 2 / 8
      mcpr: { value: 37.5, numerator: 3, denominator: 8, source: 'visited' }, // 3 / 8
      kbDropOutRate: { value: 66.7, numerator: 2, denominator: 3 }, // 2 / 3
    })
  })

  test('the indicators of Wonorejo: imported PUS (40, then 50 from December)', async () => {
    const wonorejo = async (period: string) =>
      kbIndicators(
        await kbCounts(handle.db, { period, regionPrefix: WONOREJO, desaCodes: [WONOREJO] })
      ).mcpr
    // November: F1 suntik_3 + F2 implan = 2 modern users / 40.
    expect(await wonorejo('2025-11')).toEqual({
      value: 5,
      numerator: 2,
      denominator: 40,
      source: 'imported',
    })
    // December: the same users / 50.
    expect(await wonorejo('2025-12')).toEqual({
      value: 4,
      numerator: 2,
      denominator: 50,
      source: 'imported',
    })
  })

  test('stocks carry forward to later months', async () => {
    const before = await stocksFor(handle.db, { period: '2024-12', desaCodes: [WONOREJO] })
    expect(before.size).toBe(0)
    const march = (await stocksFor(handle.db, { period: '2026-03', desaCodes: [WONOREJO] })).get(
      WONOREJO
    )!
    expect(march.pus).toBe(50)
    expect(march.ppmTarget).toEqual({ PIL: 10 })
    expect(march.ppmTotal).toBe(10)
    expect(march.units).toEqual({ ppkbd: 1 })
    expect(march.asOf.pus).toEqual({ value: 50, period: '2025-12' })
  })

  test("a withdrawn visit's row stays but no longer counts", async () => {
    const db = handle.db
    const cadre = await seedPerson(db, { name: 'Rina', roles: ['kader'], regionCode: WONOREJO })
    const f9 = (
      await createFamily(db, {
        headName: 'F9',
        desaCode: WONOREJO,
        createdBy: cadre,
        consentedAt: null,
      })
    ).id
    const createdAt = new Date('2025-11-21T05:00:00Z')
    const visitId = await seedVisit(db, {
      cadreId: cadre,
      familyId: f9,
      desaCode: WONOREJO,
      visitDate: '2025-11-21',
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'pil',
      createdAt,
    })
    await recordKbEvent(db, {
      familyId: f9,
      desaCode: WONOREJO,
      visitId,
      recordedBy: cadre,
      eventDate: '2025-11-21',
      status: 'ber_kb',
      method: 'pil',
      newAcceptor: true,
      servicePlace: null,
      jkn: null,
      intent: null,
      createdAt,
    })
    const active = () => activeUsersAt(db, { period: '2025-11', regionPrefix: WONOREJO })
    expect((await active()).get(f9)).toBe('pil')
    expect(await withdrawVisit(db, { visitId, cadreId: cadre, now: createdAt })).toBe('withdrawn')
    expect((await active()).has(f9)).toBe(false)
    expect(await findKbState(db, f9)).toBeUndefined()
    expect(await listKbEvents(db, f9)).toHaveLength(1)
  })
})
