/**
 * Families, visits and referrals on the real test database (PGlite, or Postgres with
 * TEST_DATABASE_URL).
 */
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { DbHandle } from '../../src/db/client.js'
import {
  InvalidVisitDateError,
  countCadreVisitsInPeriod,
  createFamily,
  createReferral,
  createVisit,
  findFamily,
  findReferral,
  findSameDayVisit,
  listOpenReferralsDue,
  listRecentVisits,
  markFamilyConsent,
  nextVisitReference,
  reserveVisitNumbers,
  searchFamilies,
  setFamilyKrs,
  setReferralStatus,
  withdrawVisit,
} from '../../src/db/queries/visits.js'
import type { CreateVisitParams } from '../../src/db/queries/visits.js'
import { people, visits } from '../../src/db/schema/index.js'
import { createTestDb, createTestDbUrl, hasPostgres } from '../harness/db.js'
import type { TestDatabase, TestDbHandle } from '../harness/db.js'

const WONOREJO = '35.07.24.2001' // a desa of Kecamatan Singosari
const DENGKOL = '35.07.24.2002' // another desa of Singosari
const NOW = new Date('2025-11-24T03:00:00Z') // Monday 24 November 2025, 10.00 WIB

let handle: TestDbHandle
let cadreId: number
let otherCadreId: number

beforeEach(async () => {
  handle = await createTestDb()
  const rows = await handle.db
    .insert(people)
    .values([
      { name: 'Siti Rahayu', phone: '+6281200000001', roles: ['kader'], regionCode: WONOREJO },
      { name: 'Ani Lestari', phone: '+6281200000002', roles: ['kader'], regionCode: DENGKOL },
    ])
    .returning({ id: people.id })
  cadreId = rows[0]!.id
  otherCadreId = rows[1]!.id
})
afterEach(async () => {
  await handle.close()
})

const family = (headName: string, desaCode = WONOREJO) =>
  createFamily(handle.db, { headName, desaCode, createdBy: cadreId, consentedAt: NOW })

/** A minimal visit; `overrides` set what a test cares about. */
const visit = (familyId: number, overrides: Partial<CreateVisitParams> = {}) =>
  createVisit(handle.db, {
    cadreId,
    familyId,
    desaCode: WONOREJO,
    visitDate: '2025-11-24',
    sasaran: ['pus'],
    actions: ['kie'],
    createdAt: NOW,
    ...overrides,
  })

describe('searchFamilies', () => {
  const names = async (query: string, desaCode = WONOREJO, limit?: number) =>
    (
      await searchFamilies(handle.db, {
        desaCode,
        query,
        ...(limit !== undefined ? { limit } : {}),
      })
    ).map((match) => match.headName)

  beforeEach(async () => {
    await family('Pak Budi Santoso')
    await family('Sutrisno')
    await family('Slamet Riyadi')
    await family('Budi Santoso', DENGKOL)
    await family('Sutrisno', DENGKOL)
  })

  test('finds names despite typos, only in the given desa', async () => {
    expect(await names('Sutrisna')).toEqual(['Sutrisno'])
    expect(await names('bdi santoso')).toEqual(['Pak Budi Santoso'])
    expect(await names('bdi santoso', DENGKOL)).toEqual(['Budi Santoso'])
    expect(await names('slamet riyadi')).toEqual(['Slamet Riyadi'])
  })

  test('finds a short query inside a longer name, case-insensitively', async () => {
    expect(await names('Budi')).toEqual(['Pak Budi Santoso'])
    expect(await names('SLAMET')).toEqual(['Slamet Riyadi'])
    // Too few shared trigrams for either score (word similarity 2 of 5 = 0.4): a substring hit.
    expect(await names('anto')).toEqual(['Pak Budi Santoso'])
  })

  test('returns nothing for garbage, a blank query or LIKE wildcards', async () => {
    expect(await names('xqzw')).toEqual([])
    expect(await names('   ')).toEqual([])
    expect(await names('%')).toEqual([])
    expect(await names('_')).toEqual([])
  })

  test('never returns another desa’s family', async () => {
    const dengkol = await searchFamilies(handle.db, { desaCode: DENGKOL, query: 'Sutrisno' })
    const wonorejo = await searchFamilies(handle.db, { desaCode: WONOREJO, query: 'Sutrisno' })
    expect(dengkol).toHaveLength(1)
    expect(wonorejo).toHaveLength(1)
    expect(dengkol[0]!.id).not.toBe(wonorejo[0]!.id)
    const found = await findFamily(handle.db, dengkol[0]!.id)
    expect(found?.desaCode).toBe(DENGKOL)
  })

  test('orders the best match first, then by name, and honours the limit (default 6)', async () => {
    await family('Budi')
    await family('Budiono')
    // Both scores 1 for "Budi" and the word hit "Pak Budi Santoso" (whole-name similarity decides);
    // "Budiono" only contains the query (word similarity 4 of 5 trigrams = 0.8).
    expect(await names('budi')).toEqual(['Budi', 'Pak Budi Santoso', 'Budiono'])
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await family(`Wahyu ${n}`)
    expect(await names('wahyu')).toHaveLength(6)
    expect(await names('wahyu', WONOREJO, 2)).toEqual(['Wahyu 1', 'Wahyu 2'])
  })

  test('shows the latest submitted visit date, ignoring withdrawn visits', async () => {
    const latest = async (query: string) =>
      (await searchFamilies(handle.db, { desaCode: WONOREJO, query }))[0]?.lastVisitDate
    const [budi] = await searchFamilies(handle.db, { desaCode: WONOREJO, query: 'Pak Budi' })
    const [sutrisno] = await searchFamilies(handle.db, { desaCode: WONOREJO, query: 'Sutrisno' })
    expect(sutrisno).toMatchObject({ headName: 'Sutrisno', dusunRwRt: null, lastVisitDate: null })
    // Visit ids deliberately differ from family ids.
    await visit(budi!.id, { visitDate: '2025-11-01' })
    await visit(budi!.id, { visitDate: '2025-11-02' })
    await visit(sutrisno!.id, { visitDate: '2025-11-03' })
    await visit(sutrisno!.id, { visitDate: '2025-11-17' })
    const late = await visit(sutrisno!.id, { visitDate: '2025-11-20' })
    expect(await latest('Sutrisno')).toBe('2025-11-20')
    expect(await withdrawVisit(handle.db, { visitId: late.id, cadreId, now: NOW })).toBe(
      'withdrawn'
    )
    expect(await latest('Sutrisno')).toBe('2025-11-17')
    expect(await latest('Pak Budi')).toBe('2025-11-02')
    expect(await latest('Slamet')).toBeNull()
  })
})

describe('families', () => {
  test('createFamily stores the defaults; findFamily reads them back', async () => {
    const { id } = await createFamily(handle.db, {
      headName: 'Slamet Riyadi',
      desaCode: WONOREJO,
      createdBy: cadreId,
      consentedAt: null,
    })
    expect(await findFamily(handle.db, id)).toEqual({
      id,
      headName: 'Slamet Riyadi',
      desaCode: WONOREJO,
      dusunRwRt: null,
      krs: false,
      consentedAt: null,
    })
    expect(await findFamily(handle.db, id + 1000)).toBeUndefined()
  })

  test('createFamily stores dusun/RW/RT, KRS and consent', async () => {
    const { id } = await createFamily(handle.db, {
      headName: 'Joko Susilo',
      desaCode: DENGKOL,
      dusunRwRt: 'Dusun Krajan RT 02/RW 01',
      createdBy: otherCadreId,
      consentedAt: NOW,
      krs: true,
    })
    expect(await findFamily(handle.db, id)).toMatchObject({
      dusunRwRt: 'Dusun Krajan RT 02/RW 01',
      krs: true,
      consentedAt: NOW,
    })
  })

  test('markFamilyConsent and setFamilyKrs update one family', async () => {
    const a = await createFamily(handle.db, {
      headName: 'Agus',
      desaCode: WONOREJO,
      createdBy: cadreId,
      consentedAt: null,
    })
    const b = await family('Bambang')
    const later = new Date('2025-11-25T02:00:00Z')
    await markFamilyConsent(handle.db, { familyId: a.id, at: later })
    await setFamilyKrs(handle.db, { familyId: a.id, krs: true })
    expect(await findFamily(handle.db, a.id)).toMatchObject({ consentedAt: later, krs: true })
    expect(await findFamily(handle.db, b.id)).toMatchObject({ consentedAt: NOW, krs: false })
    await setFamilyKrs(handle.db, { familyId: a.id, krs: false })
    expect((await findFamily(handle.db, a.id))?.krs).toBe(false)
  })
})

describe('nextVisitReference', () => {
  test('numbers each month from 1', async () => {
    const next = (visitDate: string) => nextVisitReference(handle.db, { visitDate })
    expect(await next('2025-11-24')).toBe('KJ-2511-000001')
    expect(await next('2025-11-01')).toBe('KJ-2511-000002')
    expect(await next('2025-12-01')).toBe('KJ-2512-000001')
    expect(await next('2025-11-30')).toBe('KJ-2511-000003')
    expect(await next('2026-11-02')).toBe('KJ-2611-000001')
  })

  test('refuses a date that is not YYYY-MM-DD', async () => {
    for (const visitDate of ['2025-11', '24-11-2025', '2025-13-01', '2025-11-24T00:00']) {
      await expect(nextVisitReference(handle.db, { visitDate })).rejects.toBeInstanceOf(
        InvalidVisitDateError
      )
    }
  })

  test('a number a rolled-back transaction took stays unused; the month goes on after it', async () => {
    expect(await nextVisitReference(handle.db, { visitDate: '2025-11-24' })).toBe('KJ-2511-000001')
    await expect(
      handle.db.transaction(async (tx) => {
        expect(await nextVisitReference(tx, { visitDate: '2025-11-24' })).toBe('KJ-2511-000002')
        throw new Error('rollback')
      })
    ).rejects.toThrow('rollback')
    expect(await nextVisitReference(handle.db, { visitDate: '2025-11-24' })).toBe('KJ-2511-000003')
    // The month whose first number was taken in a rolled-back transaction starts again at 1.
    await expect(
      handle.db.transaction(async (tx) => {
        await nextVisitReference(tx, { visitDate: '2025-10-02' })
        throw new Error('rollback')
      })
    ).rejects.toThrow('rollback')
    expect(await nextVisitReference(handle.db, { visitDate: '2025-10-02' })).toBe('KJ-2510-000001')
  })

  test('reserveVisitNumbers moves a month past numbers written by other means, never back', async () => {
    await reserveVisitNumbers(handle.db, { period: '2025-11', atLeast: 41 })
    expect(await nextVisitReference(handle.db, { visitDate: '2025-11-24' })).toBe('KJ-2511-000042')
    await reserveVisitNumbers(handle.db, { period: '2025-11', atLeast: 10 })
    expect(await nextVisitReference(handle.db, { visitDate: '2025-11-24' })).toBe('KJ-2511-000043')
    await reserveVisitNumbers(handle.db, { period: '2025-12', atLeast: 0 })
    expect(await nextVisitReference(handle.db, { visitDate: '2025-12-01' })).toBe('KJ-2512-000001')
  })
})

// Skipped on PGlite: it is one connection, so two transactions never overlap there. Only a real
// server shows that concurrent sessions get distinct numbers and that a transaction still open
// holds up nobody else's number.
describe.runIf(hasPostgres)('nextVisitReference on two Postgres connections', () => {
  let database: TestDatabase
  let a: DbHandle
  let b: DbHandle
  beforeEach(async () => {
    database = await createTestDbUrl()
    a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 5 })
    b = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 5 })
    await Promise.all([a.db.execute(sql`select 1`), b.db.execute(sql`select 1`)])
  })
  afterEach(async () => {
    await Promise.all([a.close(), b.close()])
    await database.drop()
  })

  test('20 concurrent allocations get 20 distinct consecutive numbers', async () => {
    const references = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        nextVisitReference(i % 2 === 0 ? a.db : b.db, { visitDate: '2025-11-24' })
      )
    )
    expect(new Set(references).size).toBe(20)
    expect([...references].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `KJ-2511-${String(i + 1).padStart(6, '0')}`)
    )
  })

  test('a report in an open transaction does not hold up another’s number', async () => {
    // The month's sequence exists (its first use waits for its creator, once a month).
    expect(await nextVisitReference(a.db, { visitDate: '2025-11-24' })).toBe('KJ-2511-000001')
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let taken!: () => void
    const tookOne = new Promise<void>((resolve) => (taken = resolve))
    const open = a.db.transaction(async (tx) => {
      await nextVisitReference(tx, { visitDate: '2025-11-24' })
      taken()
      await held
    })
    await tookOne
    // While the first transaction is still open, the other connection gets its number at once
    // (a lock would make this wait for the statement timeout below).
    await b.db.execute(sql`set statement_timeout = '2s'`)
    const other = await b.db.transaction(async (tx) =>
      nextVisitReference(tx, { visitDate: '2025-11-30' })
    )
    expect(other).toBe('KJ-2511-000003')
    release()
    await open
  })
})

describe('createVisit', () => {
  test('stores every field with its period and the month’s next reference', async () => {
    const f = await family('Budi Santoso')
    const first = await visit(f.id, {
      visitDate: '2025-11-23',
      sasaran: ['pus', 'krs'],
      kbStatus: 'ber_kb',
      kbMethod: 'implan',
      kbIntent: 'tunda',
      risk4t: ['terlalu_dekat'],
      envRisks: ['jamban'],
      lila: 22.5,
      hb: 10.8,
      actions: ['kie', 'rujukan'],
      note: 'perlu kontrol',
      photoRef: 'photo-1',
      lat: -7.89,
      lng: 112.66,
    })
    expect(first.reference).toBe('KJ-2511-000001')
    const rows = await handle.db.select().from(visits).where(eq(visits.id, first.id))
    expect(rows[0]).toEqual({
      id: first.id,
      reference: 'KJ-2511-000001',
      cadreId,
      familyId: f.id,
      desaCode: WONOREJO,
      visitDate: '2025-11-23',
      period: '2025-11',
      sasaran: ['pus', 'krs'],
      kbStatus: 'ber_kb',
      kbMethod: 'implan',
      kbIntent: 'tunda',
      risk4t: ['terlalu_dekat'],
      envRisks: ['jamban'],
      lila: 22.5,
      hb: 10.8,
      actions: ['kie', 'rujukan'],
      note: 'perlu kontrol',
      photoRef: 'photo-1',
      lat: -7.89,
      lng: 112.66,
      duplicateOf: null,
      status: 'submitted',
      createdAt: NOW,
    })

    const second = await visit(f.id, { duplicateOf: first.id })
    expect(second.reference).toBe('KJ-2511-000002')
    const [row] = await handle.db.select().from(visits).where(eq(visits.id, second.id))
    expect(row).toMatchObject({
      kbStatus: null,
      kbMethod: null,
      risk4t: [],
      envRisks: [],
      lila: null,
      note: null,
      lat: null,
      duplicateOf: first.id,
    })

    // A December visit date starts December's sequence and period.
    const december = await visit(f.id, { visitDate: '2025-12-01' })
    expect(december.reference).toBe('KJ-2512-000001')
    const [dec] = await handle.db.select().from(visits).where(eq(visits.id, december.id))
    expect(dec?.period).toBe('2025-12')
  })

  test('inside a rolled-back transaction leaves neither the visit nor its number', async () => {
    const f = await family('Budi Santoso')
    await expect(
      handle.db.transaction(async (tx) => {
        await createVisit(tx, {
          cadreId,
          familyId: f.id,
          desaCode: WONOREJO,
          visitDate: '2025-11-24',
          sasaran: ['pus'],
          actions: ['kie'],
          createdAt: NOW,
        })
        throw new Error('rollback')
      })
    ).rejects.toThrow('rollback')
    expect(await handle.db.select().from(visits)).toEqual([])
    expect((await visit(f.id)).reference).toBe('KJ-2511-000001')
  })
})

describe('countCadreVisitsInPeriod', () => {
  test('counts one cadre’s submitted visits of one month', async () => {
    const f = await family('Budi Santoso')
    await visit(f.id, { visitDate: '2025-11-01' })
    await visit(f.id, { visitDate: '2025-11-30' })
    const withdrawn = await visit(f.id, { visitDate: '2025-11-15' })
    await withdrawVisit(handle.db, { visitId: withdrawn.id, cadreId, now: NOW })
    await visit(f.id, { visitDate: '2025-10-31' })
    await visit(f.id, { visitDate: '2025-12-01' })
    await visit(f.id, { cadreId: otherCadreId })
    // 2025-11-01 and 2025-11-30; not the withdrawn one, October, December, nor the other cadre's.
    expect(await countCadreVisitsInPeriod(handle.db, { cadreId, period: '2025-11' })).toBe(2)
    expect(await countCadreVisitsInPeriod(handle.db, { cadreId, period: '2025-10' })).toBe(1)
    expect(
      await countCadreVisitsInPeriod(handle.db, { cadreId: otherCadreId, period: '2025-11' })
    ).toBe(1)
    expect(await countCadreVisitsInPeriod(handle.db, { cadreId, period: '2025-09' })).toBe(0)
  })
})

describe('findSameDayVisit', () => {
  test('finds the earliest submitted visit of the same cadre, family and day', async () => {
    const f = await family('Budi Santoso')
    const g = await family('Sutrisno')
    const search = (overrides: { cadreId?: number; familyId?: number; visitDate?: string }) =>
      findSameDayVisit(handle.db, {
        cadreId,
        familyId: f.id,
        visitDate: '2025-11-24',
        ...overrides,
      })

    expect(await search({})).toBeUndefined()
    const withdrawn = await visit(f.id)
    await withdrawVisit(handle.db, { visitId: withdrawn.id, cadreId, now: NOW })
    expect(await search({})).toBeUndefined()

    const first = await visit(f.id)
    await visit(f.id, { duplicateOf: first.id })
    expect(await search({})).toEqual(first)
    expect(await search({ visitDate: '2025-11-23' })).toBeUndefined()
    expect(await search({ familyId: g.id })).toBeUndefined()
    expect(await search({ cadreId: otherCadreId })).toBeUndefined()
  })
})

describe('listRecentVisits', () => {
  test('lists a cadre’s visits newest first, withdrawn ones with their status', async () => {
    const f = await family('Budi Santoso')
    const g = await family('Sutrisno')
    const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000)
    const made: { id: number; reference: string }[] = []
    for (let i = 0; i < 6; i++) {
      made.push(await visit(i % 2 === 0 ? f.id : g.id, { createdAt: at(i) }))
    }
    await visit(f.id, { cadreId: otherCadreId, createdAt: at(10) })
    await withdrawVisit(handle.db, { visitId: made[4]!.id, cadreId, now: at(5) })

    const recent = await listRecentVisits(handle.db, { cadreId })
    expect(recent.map((v) => v.id)).toEqual([5, 4, 3, 2, 1].map((i) => made[i]!.id))
    expect(recent[0]).toEqual({
      id: made[5]!.id,
      reference: made[5]!.reference,
      visitDate: '2025-11-24',
      headName: 'Sutrisno',
      status: 'submitted',
      createdAt: at(5),
      // What the report recorded, for /riwayat to show.
      sasaran: ['pus'],
      kbStatus: null,
      kbMethod: null,
      kbIntent: null,
      risk4t: [],
      envRisks: [],
      lila: null,
      hb: null,
      actions: ['kie'],
      note: null,
    })
    expect(recent[1]).toMatchObject({ headName: 'Budi Santoso', status: 'withdrawn' })
    expect((await listRecentVisits(handle.db, { cadreId, limit: 2 })).map((v) => v.id)).toEqual([
      made[5]!.id,
      made[4]!.id,
    ])
    expect(await listRecentVisits(handle.db, { cadreId: otherCadreId + 1000 })).toEqual([])
  })
})

describe('withdrawVisit', () => {
  test('withdraws the cadre’s own visit within 24 hours of reporting it', async () => {
    const f = await family('Budi Santoso')
    const v = await visit(f.id)
    const exactly24h = new Date(NOW.getTime() + 24 * 3_600_000)
    expect(await withdrawVisit(handle.db, { visitId: v.id, cadreId, now: exactly24h })).toBe(
      'withdrawn'
    )
    const [row] = await handle.db.select().from(visits).where(eq(visits.id, v.id))
    expect(row?.status).toBe('withdrawn')
    // Again: already withdrawn, still the same answer.
    expect(await withdrawVisit(handle.db, { visitId: v.id, cadreId, now: exactly24h })).toBe(
      'withdrawn'
    )
  })

  test('is too late after the window, and honours a custom window', async () => {
    const f = await family('Budi Santoso')
    const v = await visit(f.id)
    const later = new Date(NOW.getTime() + 24 * 3_600_000 + 1_000)
    expect(await withdrawVisit(handle.db, { visitId: v.id, cadreId, now: later })).toBe('too_late')
    const [row] = await handle.db.select().from(visits).where(eq(visits.id, v.id))
    expect(row?.status).toBe('submitted')
    expect(
      await withdrawVisit(handle.db, { visitId: v.id, cadreId, now: later, withinHours: 48 })
    ).toBe('withdrawn')
  })

  test('does not find another cadre’s visit or an unknown id', async () => {
    const f = await family('Budi Santoso')
    const v = await visit(f.id)
    expect(await withdrawVisit(handle.db, { visitId: v.id, cadreId: otherCadreId, now: NOW })).toBe(
      'not_found'
    )
    expect(await withdrawVisit(handle.db, { visitId: v.id + 1000, cadreId, now: NOW })).toBe(
      'not_found'
    )
    const [row] = await handle.db.select().from(visits).where(eq(visits.id, v.id))
    expect(row?.status).toBe('submitted')
  })
})

describe('referrals', () => {
  const refer = async (
    visitId: number,
    familyId: number,
    followUpDate: string,
    who: number = cadreId
  ) =>
    createReferral(handle.db, {
      visitId,
      familyId,
      cadreId: who,
      desaCode: WONOREJO,
      target: 'puskesmas',
      reason: 'kb',
      followUpDate,
      createdAt: NOW,
    })

  test('createReferral opens a referral that findReferral reads back', async () => {
    const f = await family('Budi Santoso')
    const v = await visit(f.id)
    const { id } = await refer(v.id, f.id, '2025-12-01')
    expect(await findReferral(handle.db, id)).toEqual({
      id,
      visitId: v.id,
      familyId: f.id,
      cadreId,
      desaCode: WONOREJO,
      target: 'puskesmas',
      reason: 'kb',
      followUpDate: '2025-12-01',
      status: 'belum',
      closedAt: null,
      createdAt: NOW,
    })
    expect(await findReferral(handle.db, id + 1000)).toBeUndefined()
  })

  test('setReferralStatus closes at `now`, and `belum` reopens', async () => {
    const f = await family('Budi Santoso')
    const v = await visit(f.id)
    const { id } = await refer(v.id, f.id, '2025-12-01')
    const closedAt = new Date('2025-12-01T04:00:00Z')
    const closed = await setReferralStatus(handle.db, {
      referralId: id,
      status: 'sudah_dilayani',
      now: closedAt,
    })
    expect(closed).toMatchObject({ id, status: 'sudah_dilayani', closedAt })
    expect(await findReferral(handle.db, id)).toMatchObject({ status: 'sudah_dilayani', closedAt })
    const reopened = await setReferralStatus(handle.db, {
      referralId: id,
      status: 'belum',
      now: closedAt,
    })
    expect(reopened).toMatchObject({ status: 'belum', closedAt: null })
    expect(
      await setReferralStatus(handle.db, { referralId: id + 1000, status: 'pindah', now: NOW })
    ).toBeUndefined()
  })

  test('listOpenReferralsDue lists open ones due by a day, of submitted visits, earliest first', async () => {
    const f = await family('Budi Santoso')
    const g = await family('Sutrisno')
    const v1 = await visit(f.id)
    const v2 = await visit(g.id)
    const v3 = await visit(g.id, { cadreId: otherCadreId })
    const withdrawn = await visit(f.id)
    const dueLater = await refer(v1.id, f.id, '2025-12-01')
    const dueToday = await refer(v2.id, g.id, '2025-11-30')
    const overdue = await refer(v1.id, f.id, '2025-11-28')
    const served = await refer(v2.id, g.id, '2025-11-29')
    await setReferralStatus(handle.db, {
      referralId: served.id,
      status: 'sudah_dilayani',
      now: NOW,
    })
    const others = await refer(v3.id, g.id, '2025-11-30', otherCadreId)
    await refer(withdrawn.id, f.id, '2025-11-30')
    await withdrawVisit(handle.db, { visitId: withdrawn.id, cadreId, now: NOW })

    const due = await listOpenReferralsDue(handle.db, { cadreId, dueOn: '2025-11-30' })
    expect(due.map((r) => r.id)).toEqual([overdue.id, dueToday.id])
    expect(due[1]).toMatchObject({
      headName: 'Sutrisno',
      followUpDate: '2025-11-30',
      status: 'belum',
    })
    const everyone = await listOpenReferralsDue(handle.db, { dueOn: '2025-11-30' })
    expect(everyone.map((r) => r.id)).toEqual([overdue.id, dueToday.id, others.id])
    const december = await listOpenReferralsDue(handle.db, { cadreId, dueOn: '2025-12-01' })
    expect(december.map((r) => r.id)).toEqual([overdue.id, dueToday.id, dueLater.id])
  })
})
