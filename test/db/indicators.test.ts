/**
 * The home-visit indicators (docs/domain.md, decision 13) on one hand-seeded month, November 2025,
 * on the real test database (PGlite, or Postgres with TEST_DATABASE_URL). Every expected value is
 * worked out by hand from the rows below, with the arithmetic beside it.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import {
  activeCadreRate,
  familiesVisited,
  kbParticipation,
  krsCoverage,
  referralCompletion,
  visitsPerCadre,
} from '../../src/db/queries/indicators.js'
import { createFamily, withdrawVisit } from '../../src/db/queries/visits.js'
import type { FollowUpStatus } from '../../src/domain/visits.js'
import type { Role } from '../../src/domain/people.js'
import { useTestDb } from '../harness/db.js'
import {
  DENGKOL,
  GUNUNGSARI,
  KABUPATEN,
  SINGOSARI,
  WONOREJO,
  seedPerson,
  seedVisit,
} from '../harness/visits-db.js'

const DONOMULYO = '35.07.01' // a kecamatan with nothing seeded

const PERIOD = '2025-11'

/*
 * People (role, status, region):
 *   siti     kader                 active   Wonorejo
 *   lestari  supervisor + kader    active   Singosari (the kecamatan)
 *   ani      kader                 active   Dengkol
 *   dewi     kader                 active   Dengkol      (only a withdrawn visit in November)
 *   rina     kader                 active   Gunungsari
 *   nur      kader                 pending  Wonorejo     (not registered)
 *   yanto    supervisor            active   Singosari    (not a cadre)
 *
 * Families (desa, KRS flag):
 *   F1 Budi Santoso  Wonorejo    KRS      F5 Agus      Dengkol     -
 *   F2 Sutrisno      Wonorejo    -        F6 Hadi      Gunungsari  KRS
 *   F3 Slamet        Wonorejo    KRS      F7 Wahyu     Gunungsari  -
 *   F4 Joko          Dengkol     KRS      F8 Bambang   Gunungsari  KRS (never visited)
 *
 * Visits (cadre → family, date, sasaran, KB method), then the referral made at it:
 *   V1  siti    → F1  11-03  pus krs  suntik_3     R1 sudah_dilayani
 *   V2  siti    → F2  11-05  pus      tradisional  R2 belum
 *   V3  siti    → F1  11-20  pus krs  iud
 *   V4  lestari → F2  11-25  pus      pil
 *   V5  ani     → F4  11-04  pus krs  implan       R3 sudah_dilayani
 *   V6  ani     → F4  11-18  pus krs  — (tidak_kb)
 *   V7  ani     → F5  11-10  bumil    — (hamil)    R4 sudah_dilayani
 *   V8  dewi    → F5  11-11  pus      pil          R5 sudah_dilayani   WITHDRAWN
 *   V9  rina    → F6  11-07  pus krs  kondom       R6 ditolak
 *   V10 rina    → F7  11-30  pus      — (tidak_kb) R7 belum, created 2025-12-01 00.30 WIB
 *   V11 siti    → F3  10-28  pus krs  iud          R0 sudah_dilayani   (October)
 *   V12 dewi    → F5  10-15  pus      pil                              (October)
 *   V13 rina    → F6  12-02  pus      tradisional                      (December)
 */

const handle = useTestDb('file')

beforeAll(async () => {
  const db = handle.db

  const person = (
    name: string,
    roles: Role[],
    regionCode: string,
    status: 'active' | 'pending' = 'active'
  ) => seedPerson(db, { name, roles, regionCode, status })
  const siti = await person('Siti Rahayu', ['kader'], WONOREJO)
  const lestari = await person('Lestari', ['supervisor', 'kader'], SINGOSARI)
  const ani = await person('Ani Wulandari', ['kader'], DENGKOL)
  const dewi = await person('Dewi Sartika', ['kader'], DENGKOL)
  const rina = await person('Rina Marlina', ['kader'], GUNUNGSARI)
  await person('Nur Hidayah', ['kader'], WONOREJO, 'pending')
  await person('Yanto', ['supervisor'], SINGOSARI)

  const family = async (headName: string, desaCode: string, krs: boolean) =>
    (await createFamily(db, { headName, desaCode, createdBy: siti, consentedAt: null, krs })).id
  const f1 = await family('Budi Santoso', WONOREJO, true)
  const f2 = await family('Sutrisno', WONOREJO, false)
  const f3 = await family('Slamet', WONOREJO, true)
  const f4 = await family('Joko', DENGKOL, true)
  const f5 = await family('Agus', DENGKOL, false)
  const f6 = await family('Hadi', GUNUNGSARI, true)
  const f7 = await family('Wahyu', GUNUNGSARI, false)
  await family('Bambang', GUNUNGSARI, true)

  const desaOf = new Map([
    [f1, WONOREJO],
    [f2, WONOREJO],
    [f3, WONOREJO],
    [f4, DENGKOL],
    [f5, DENGKOL],
    [f6, GUNUNGSARI],
    [f7, GUNUNGSARI],
  ])

  type Seen = {
    sasaran: string[]
    kbStatus: string
    kbMethod?: string
    referral?: FollowUpStatus
    withdrawn?: boolean
    createdAt?: Date
  }
  const visit = async (cadreId: number, familyId: number, visitDate: string, seen: Seen) => {
    const { referral, withdrawn, ...rest } = seen
    const createdAt = seen.createdAt ?? new Date(`${visitDate}T05:00:00Z`)
    const id = await seedVisit(db, {
      cadreId,
      familyId,
      desaCode: desaOf.get(familyId)!,
      visitDate,
      ...rest,
      createdAt,
      ...(referral ? { referral: { status: referral } } : {}),
    })
    if (withdrawn) {
      expect(await withdrawVisit(db, { visitId: id, cadreId, now: createdAt })).toBe('withdrawn')
    }
  }
  const pusKrs = ['pus', 'krs']
  await visit(siti, f1, '2025-11-03', {
    sasaran: pusKrs,
    kbStatus: 'ber_kb',
    kbMethod: 'suntik_3',
    referral: 'sudah_dilayani',
  })
  await visit(siti, f2, '2025-11-05', {
    sasaran: ['pus'],
    kbStatus: 'ber_kb',
    kbMethod: 'tradisional',
    referral: 'belum',
  })
  await visit(siti, f1, '2025-11-20', { sasaran: pusKrs, kbStatus: 'ber_kb', kbMethod: 'iud' })
  await visit(lestari, f2, '2025-11-25', { sasaran: ['pus'], kbStatus: 'ber_kb', kbMethod: 'pil' })
  await visit(ani, f4, '2025-11-04', {
    sasaran: pusKrs,
    kbStatus: 'ber_kb',
    kbMethod: 'implan',
    referral: 'sudah_dilayani',
  })
  await visit(ani, f4, '2025-11-18', { sasaran: pusKrs, kbStatus: 'tidak_kb' })
  await visit(ani, f5, '2025-11-10', {
    sasaran: ['bumil'],
    kbStatus: 'hamil',
    referral: 'sudah_dilayani',
  })
  await visit(dewi, f5, '2025-11-11', {
    sasaran: ['pus'],
    kbStatus: 'ber_kb',
    kbMethod: 'pil',
    referral: 'sudah_dilayani',
    withdrawn: true,
  })
  await visit(rina, f6, '2025-11-07', {
    sasaran: pusKrs,
    kbStatus: 'ber_kb',
    kbMethod: 'kondom',
    referral: 'ditolak',
  })
  await visit(rina, f7, '2025-11-30', {
    sasaran: ['pus'],
    kbStatus: 'tidak_kb',
    referral: 'belum',
    // Reported just after midnight WIB: 1 December by the clock, November by the visit date.
    createdAt: new Date('2025-11-30T17:30:00Z'),
  })
  await visit(siti, f3, '2025-10-28', {
    sasaran: pusKrs,
    kbStatus: 'ber_kb',
    kbMethod: 'iud',
    referral: 'sudah_dilayani',
  })
  await visit(dewi, f5, '2025-10-15', { sasaran: ['pus'], kbStatus: 'ber_kb', kbMethod: 'pil' })
  await visit(rina, f6, '2025-12-02', {
    sasaran: ['pus'],
    kbStatus: 'ber_kb',
    kbMethod: 'tradisional',
  })
})

const at = (scope: string, period = PERIOD) => ({ period, scope })

describe('visitsPerCadre', () => {
  test('kabupaten', async () => {
    // siti 3 (V1 V2 V3) + lestari 1 (V4) + ani 3 (V5 V6 V7) + rina 2 (V9 V10) = 9 visits;
    // dewi's only November visit was withdrawn. 9 ÷ 4 active cadres = 2.25 → 2.3
    expect(await visitsPerCadre(handle.db, at(KABUPATEN))).toEqual({
      visits: 9,
      activeCadres: 4,
      value: 2.3,
    })
  })

  test('kecamatan', async () => {
    // Singosari's cadres: siti, lestari (kecamatan code), ani, dewi. siti 3 + lestari 1 + ani 3
    // = 7 visits ÷ 3 active cadres = 2.33… → 2.3
    expect(await visitsPerCadre(handle.db, at(SINGOSARI))).toEqual({
      visits: 7,
      activeCadres: 3,
      value: 2.3,
    })
  })

  test('desa', async () => {
    // Wonorejo's cadres: siti only (lestari's code is the kecamatan; nur is pending). 3 ÷ 1 = 3
    expect(await visitsPerCadre(handle.db, at(WONOREJO))).toEqual({
      visits: 3,
      activeCadres: 1,
      value: 3,
    })
  })

  test('another month and an empty kecamatan', async () => {
    // October: siti V11 + dewi V12 = 2 visits ÷ 2 active cadres = 1
    expect(await visitsPerCadre(handle.db, at(KABUPATEN, '2025-10'))).toEqual({
      visits: 2,
      activeCadres: 2,
      value: 1,
    })
    // Donomulyo has no cadre: 0 ÷ 0 is no value.
    expect(await visitsPerCadre(handle.db, at(DONOMULYO))).toEqual({
      visits: 0,
      activeCadres: 0,
      value: null,
    })
  })
})

describe('activeCadreRate', () => {
  test('kabupaten', async () => {
    // Registered: siti, lestari, ani, dewi, rina = 5 (nur pending, yanto not a cadre).
    // Active: all but dewi = 4. 4 ÷ 5 × 100 = 80
    expect(await activeCadreRate(handle.db, at(KABUPATEN))).toEqual({
      active: 4,
      registered: 5,
      value: 80,
    })
  })

  test('kecamatan', async () => {
    // Registered: siti, lestari, ani, dewi = 4; active: siti, lestari, ani = 3. 3 ÷ 4 × 100 = 75
    expect(await activeCadreRate(handle.db, at(SINGOSARI))).toEqual({
      active: 3,
      registered: 4,
      value: 75,
    })
  })

  test('desa', async () => {
    // Dengkol: ani (active) and dewi (withdrawn visit only) = 1 ÷ 2 × 100 = 50
    expect(await activeCadreRate(handle.db, at(DENGKOL))).toEqual({
      active: 1,
      registered: 2,
      value: 50,
    })
    // Wonorejo: siti, active = 1 ÷ 1 × 100 = 100
    expect(await activeCadreRate(handle.db, at(WONOREJO))).toEqual({
      active: 1,
      registered: 1,
      value: 100,
    })
  })

  test('an empty kecamatan has no value', async () => {
    expect(await activeCadreRate(handle.db, at(DONOMULYO))).toEqual({
      active: 0,
      registered: 0,
      value: null,
    })
  })
})

describe('familiesVisited', () => {
  test('kabupaten, kecamatan, desa', async () => {
    // F1 F2 (Wonorejo), F4 F5 (Dengkol: F5 through V7, its withdrawn V8 aside), F6 F7 = 6
    expect(await familiesVisited(handle.db, at(KABUPATEN))).toBe(6)
    // F1 F2 F4 F5 = 4
    expect(await familiesVisited(handle.db, at(SINGOSARI))).toBe(4)
    // F1 F2 = 2 (F3 only in October)
    expect(await familiesVisited(handle.db, at(WONOREJO))).toBe(2)
  })

  test('a scope covers codes below it, not codes that merely start alike', async () => {
    // "35.07.24.200" is no region; it must not match Wonorejo 35.07.24.2001 or Dengkol.
    expect(await familiesVisited(handle.db, at('35.07.24.200'))).toBe(0)
    // October: F3 (V11) and F5 (V12) = 2
    expect(await familiesVisited(handle.db, at(KABUPATEN, '2025-10'))).toBe(2)
  })
})

describe('referralCompletion', () => {
  test('kabupaten', async () => {
    // Made at November's submitted visits: R1 R2 R3 R4 R6 R7 = 6 (R5's visit was withdrawn, R0
    // is October's; R7 counts by its visit's date though it was made on 1 December WIB).
    // Closed sudah_dilayani: R1 R3 R4 = 3 (R6 ditolak). 3 ÷ 6 × 100 = 50
    expect(await referralCompletion(handle.db, at(KABUPATEN))).toEqual({
      closed: 3,
      made: 6,
      value: 50,
    })
  })

  test('kecamatan', async () => {
    // Singosari: R1 R2 R3 R4 = 4 made; R1 R3 R4 = 3 closed. 3 ÷ 4 × 100 = 75
    expect(await referralCompletion(handle.db, at(SINGOSARI))).toEqual({
      closed: 3,
      made: 4,
      value: 75,
    })
  })

  test('desa', async () => {
    // Wonorejo: R1 (sudah_dilayani) and R2 (belum). 1 ÷ 2 × 100 = 50
    expect(await referralCompletion(handle.db, at(WONOREJO))).toEqual({
      closed: 1,
      made: 2,
      value: 50,
    })
    // Gunungsari: R6 ditolak, R7 belum. 0 ÷ 2 × 100 = 0
    expect(await referralCompletion(handle.db, at(GUNUNGSARI))).toEqual({
      closed: 0,
      made: 2,
      value: 0,
    })
  })

  test('an empty kecamatan has no value', async () => {
    expect(await referralCompletion(handle.db, at(DONOMULYO))).toEqual({
      closed: 0,
      made: 0,
      value: null,
    })
  })
})

describe('krsCoverage', () => {
  test('kabupaten', async () => {
    // KRS families: F1 F3 F4 F6 F8 = 5; visited in November: F1 F4 F6 = 3. 3 ÷ 5 × 100 = 60
    expect(await krsCoverage(handle.db, at(KABUPATEN))).toEqual({ visited: 3, known: 5, value: 60 })
  })

  test('kecamatan', async () => {
    // Singosari: F1 F3 F4 = 3; visited F1 F4 = 2. 2 ÷ 3 × 100 = 66.66… → 66.7
    expect(await krsCoverage(handle.db, at(SINGOSARI))).toEqual({
      visited: 2,
      known: 3,
      value: 66.7,
    })
  })

  test('desa', async () => {
    // Wonorejo: F1 F3 = 2; visited F1 = 1 (F3 in October only). 1 ÷ 2 × 100 = 50
    expect(await krsCoverage(handle.db, at(WONOREJO))).toEqual({ visited: 1, known: 2, value: 50 })
    // October, Wonorejo: F3 visited (V11). 1 ÷ 2 × 100 = 50
    expect(await krsCoverage(handle.db, at(WONOREJO, '2025-10'))).toEqual({
      visited: 1,
      known: 2,
      value: 50,
    })
  })

  test('an empty kecamatan has no value', async () => {
    expect(await krsCoverage(handle.db, at(DONOMULYO))).toEqual({
      visited: 0,
      known: 0,
      value: null,
    })
  })
})

describe('kbParticipation', () => {
  test('kabupaten', async () => {
    // PUS families visited in November: F1 F2 F4 F6 F7 = 5 (F5 only as bumil; its PUS visit V8
    // was withdrawn). Latest visit up to 30 November: F1 V3 iud (modern), F2 V4 pil (modern),
    // F4 V6 none, F6 V9 kondom (modern; V13 tradisional is December's), F7 V10 none.
    // 3 ÷ 5 × 100 = 60
    expect(await kbParticipation(handle.db, at(KABUPATEN))).toEqual({
      modern: 3,
      pusVisited: 5,
      value: 60,
    })
  })

  test('kecamatan', async () => {
    // Singosari: F1 F2 F4 = 3; modern F1 F2 = 2. 2 ÷ 3 × 100 = 66.66… → 66.7
    expect(await kbParticipation(handle.db, at(SINGOSARI))).toEqual({
      modern: 2,
      pusVisited: 3,
      value: 66.7,
    })
  })

  test('desa', async () => {
    // Wonorejo: F1 (iud) and F2 (pil, after tradisional on 11-05) = 2 ÷ 2 × 100 = 100
    expect(await kbParticipation(handle.db, at(WONOREJO))).toEqual({
      modern: 2,
      pusVisited: 2,
      value: 100,
    })
    // Dengkol: F4 only; its latest (V6, 11-18) has no method after implan on 11-04. 0 ÷ 1 = 0
    expect(await kbParticipation(handle.db, at(DENGKOL))).toEqual({
      modern: 0,
      pusVisited: 1,
      value: 0,
    })
  })

  test('the latest visit is taken up to the end of the period', async () => {
    // December, Gunungsari: F6 visited (V13); latest up to 31 December is V13 tradisional.
    // 0 ÷ 1 × 100 = 0
    expect(await kbParticipation(handle.db, at(GUNUNGSARI, '2025-12'))).toEqual({
      modern: 0,
      pusVisited: 1,
      value: 0,
    })
    // October, kabupaten: F3 (V11 iud) and F5 (V12 pil) = 2 ÷ 2 × 100 = 100
    expect(await kbParticipation(handle.db, at(KABUPATEN, '2025-10'))).toEqual({
      modern: 2,
      pusVisited: 2,
      value: 100,
    })
  })

  test('an empty kecamatan has no value', async () => {
    expect(await kbParticipation(handle.db, at(DONOMULYO))).toEqual({
      modern: 0,
      pusVisited: 0,
      value: null,
    })
  })
})
