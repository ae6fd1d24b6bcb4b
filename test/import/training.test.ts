/**
 * `importSessions` and `importEnrollments` on the real test database (PGlite, or Postgres with
 * TEST_DATABASE_URL): good, bad and duplicate rows, both CSV dialects and header languages,
 * re-imports, and the shipped example files after the example people.
 */
import { readFile } from 'node:fs/promises'
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  cohorts,
  enrollments,
  people,
  programmes,
  trainingSessions,
} from '../../src/db/schema/index.js'
import { ImportFileError } from '../../src/import/csv.js'
import { importPeople } from '../../src/import/people.js'
import {
  importEnrollments,
  importSessions,
  parseImportDate,
  parseImportTime,
} from '../../src/import/training.js'
import { createTestDb } from '../harness/db.js'
import type { TestDbHandle } from '../harness/db.js'

const NOW = new Date('2026-11-23T03:00:00Z')
const example = (name: string) =>
  readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8')

/** An instant at hh.mm WIB (UTC+7) on a December 2026 day. */
const wib = (day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 11, day, hour - 7, minute))

const PEOPLE = [
  'nama;telepon;peran;kode_wilayah;tahun_lahir',
  'Sri Wahyuni;0812-0000-0003;mentor;35.07.24;1983',
  'Siti Rahayu;0812-0000-0004;kader;35.07.24.2001;1986',
  'Nur Aini;0812-0000-0005;peserta;35.07.24.2003;2003',
  'Endang Susilowati;0812-0000-0006;mentor+kader;35.07.24.2004;1981',
].join('\n')

let handle: TestDbHandle
beforeEach(async () => {
  handle = await createTestDb()
  await importPeople(handle.db, PEOPLE, { now: NOW })
})
afterEach(async () => {
  await handle.close()
})

async function storedSessions() {
  const rows = await handle.db
    .select({
      cohort: cohorts.code,
      date: trainingSessions.date,
      startsAt: trainingSessions.startsAt,
      endsAt: trainingSessions.endsAt,
      venue: trainingSessions.venue,
      lat: trainingSessions.lat,
      lng: trainingSessions.lng,
      topic: trainingSessions.topic,
      checkinMode: trainingSessions.checkinMode,
      checkinCode: trainingSessions.checkinCode,
    })
    .from(trainingSessions)
    .innerJoin(cohorts, eq(cohorts.id, trainingSessions.cohortId))
    .orderBy(asc(trainingSessions.id))
  return rows
}

const SESSIONS_ID = [
  'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;lat;lng;materi;checkin',
  'sgs-mj-01;35.07.24;Menjahit;0812-0000-0003;2026-12-01;08.00;12.00;Balai Desa Ardimulyo;-7,873;112,668;Pola dasar;keduanya',
  'SGS-MJ-01;350724;menjahit;+62 812 0000 0003;02/12/2026;8:00;12:30;Balai Desa Ardimulyo;;;Memotong kain;kode',
].join('\n')

describe('importSessions', () => {
  test('semicolons, Indonesian headers, both date and time forms, WIB, a new cohort', async () => {
    const report = await importSessions(handle.db, SESSIONS_ID)
    expect(report).toEqual({
      rows: [
        { line: 2, status: 'accepted', name: 'SGS-MJ-01 2026-12-01' },
        { line: 3, status: 'accepted', name: 'SGS-MJ-01 2026-12-02' },
      ],
      accepted: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      ignoredColumns: [],
    })
    const sessions = await storedSessions()
    expect(sessions.map(({ checkinCode: _code, ...rest }) => rest)).toEqual([
      {
        cohort: 'SGS-MJ-01',
        date: '2026-12-01',
        startsAt: wib(1, 8),
        endsAt: wib(1, 12),
        venue: 'Balai Desa Ardimulyo',
        lat: -7.873,
        lng: 112.668,
        topic: 'Pola dasar',
        checkinMode: 'keduanya',
      },
      {
        cohort: 'SGS-MJ-01',
        date: '2026-12-02',
        startsAt: wib(2, 8),
        endsAt: wib(2, 12, 30),
        venue: 'Balai Desa Ardimulyo',
        lat: null,
        lng: null,
        topic: 'Memotong kain',
        checkinMode: 'kode',
      },
    ])
    for (const session of sessions) expect(session.checkinCode).toMatch(/^\d{4}$/)
    const cohortRows = await handle.db
      .select({ code: cohorts.code, kecamatan: cohorts.kecamatanCode, track: cohorts.track })
      .from(cohorts)
      .innerJoin(programmes, eq(programmes.id, cohorts.programmeId))
    expect(cohortRows).toEqual([{ code: 'SGS-MJ-01', kecamatan: '35.07.24', track: 'menjahit' }])
  })

  test('times are read in the configured zone (TZ_NAME), WIB by default', async () => {
    // Asia/Makassar is WITA, UTC+8: 08.00 there is 07.00 WIB, 00:00 UTC.
    await importSessions(handle.db, SESSIONS_ID, { timeZone: 'Asia/Makassar' })
    const [first] = await storedSessions()
    expect(first?.startsAt).toEqual(wib(1, 7))
    expect(first?.startsAt.toISOString()).toBe('2026-12-01T00:00:00.000Z')
  })

  test('commas and English headers; re-import unchanged, then updated with the code kept', async () => {
    const csv = (end: string) =>
      [
        'Cohort,Kecamatan Code,Track,Mentor Phone,Date,Start,End,Venue,Topic,Checkin,Notes',
        `TJN-MK-01,35.07.15,makanan,0812-0000-0006,2026-12-03,13.00,${end},Balai Desa Tajinan,Gizi,kode,x`,
      ].join('\r\n')
    const first = await importSessions(handle.db, csv('15.00'))
    expect(first.accepted).toBe(1)
    expect(first.ignoredColumns).toEqual(['Notes'])
    const [before] = await storedSessions()
    const again = await importSessions(handle.db, csv('15.00'))
    expect(again.rows).toEqual([{ line: 2, status: 'unchanged', name: 'TJN-MK-01 2026-12-03' }])
    const moved = await importSessions(handle.db, csv('16.00'))
    expect(moved.rows).toEqual([{ line: 2, status: 'updated', name: 'TJN-MK-01 2026-12-03' }])
    const after = await storedSessions()
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ endsAt: wib(3, 16), checkinCode: before!.checkinCode })
  })

  test('the optional status column: batal cancels, aktif restores, anything else is refused', async () => {
    const csv = (status: string) =>
      [
        'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin;status',
        `SGS-MJ-01;35.07.24;menjahit;0812-0000-0003;2026-12-01;08.00;12.00;Balai;Pola;kode;${status}`,
      ].join('\n')
    const cancelled = async () =>
      (await handle.db.select({ c: trainingSessions.cancelled }).from(trainingSessions))[0]!.c
    expect((await importSessions(handle.db, csv(''), { now: NOW })).accepted).toBe(1)
    expect(await cancelled()).toBe(false)
    expect((await importSessions(handle.db, csv('Batal'), { now: NOW })).updated).toBe(1)
    expect(await cancelled()).toBe(true)
    // An empty cell keeps what is stored.
    expect((await importSessions(handle.db, csv(''), { now: NOW })).unchanged).toBe(1)
    expect(await cancelled()).toBe(true)
    const bad = await importSessions(handle.db, csv('ditunda'), { now: NOW })
    expect(bad.rows).toEqual([
      {
        line: 2,
        status: 'rejected',
        reason: "status 'ditunda' tidak dikenal (batal atau aktif)",
        name: 'SGS-MJ-01 2026-12-01',
      },
    ])
    expect((await importSessions(handle.db, csv('aktif'), { now: NOW })).updated).toBe(1)
    expect(await cancelled()).toBe(false)
  })

  test('a changed mentor updates the cohort: the row is "updated"', async () => {
    const row = (phone: string) =>
      [
        'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin',
        `SGS-MJ-01;35.07.24;menjahit;${phone};2026-12-01;08.00;12.00;Balai Desa;Pola;kode`,
      ].join('\n')
    await importSessions(handle.db, row('0812-0000-0003'))
    const report = await importSessions(handle.db, row('0812-0000-0006'))
    expect(report.rows[0]!.status).toBe('updated')
    const [cohort] = await handle.db
      .select({ mentor: people.name })
      .from(cohorts)
      .innerJoin(people, eq(people.id, cohorts.mentorId))
    expect(cohort!.mentor).toBe('Endang Susilowati')
  })

  test('bad and duplicate rows are rejected with their reasons and change nothing', async () => {
    const header =
      'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;lat;lng;materi;checkin'
    const good =
      'SGS-MJ-01;35.07.24;menjahit;0812-0000-0003;2026-12-01;08.00;12.00;Balai;;;Pola;kode'
    const csv = [
      header,
      good,
      // 3: same cohort and date
      'SGS-MJ-01;35.07.24;menjahit;0812-0000-0003;01/12/2026;09.00;12.00;Balai;;;Pola;kode',
      // 4: the same cohort with another mentor
      'SGS-MJ-01;35.07.24;menjahit;0812-0000-0006;2026-12-02;08.00;12.00;Balai;;;Pola;kode',
      // 5: many problems at once
      ';35.07.24.2001;merajut;0812;31/02/2026;25.00;7.00;;1000;;;absen',
      // 6: end before start, lokasi without coordinates
      'SGS-MJ-02;35.07.24;makanan;0812-0000-0003;2026-12-03;12.00;08.00;Balai;;;Gizi;lokasi',
      // 7: a phone of nobody
      'SGS-MJ-02;35.07.24;makanan;0812-0000-0099;2026-12-03;08.00;12.00;Balai;;;Gizi;kode',
      // 8: a phone of a kader, not a mentor
      'SGS-MJ-02;35.07.24;makanan;0812-0000-0004;2026-12-03;08.00;12.00;Balai;;;Gizi;kode',
      // 9: only a latitude
      'SGS-MJ-02;35.07.24;makanan;0812-0000-0003;2026-12-03;08.00;12.00;Balai;-7.9;;Gizi;kode',
      // 10: a kecamatan code that does not exist
      'SGS-MJ-02;35.07.99;makanan;0812-0000-0003;2026-12-03;08.00;12.00;Balai;;;Gizi;kode',
    ].join('\n')
    const report = await importSessions(handle.db, csv)
    expect(report.rows).toEqual([
      { line: 2, status: 'accepted', name: 'SGS-MJ-01 2026-12-01' },
      {
        line: 3,
        status: 'rejected',
        name: 'SGS-MJ-01 2026-12-01',
        reason: 'kelompok dan tanggal sama dengan baris 2',
      },
      {
        line: 4,
        status: 'rejected',
        name: 'SGS-MJ-01 2026-12-02',
        reason: 'kelompok SGS-MJ-01 di baris 2 punya kecamatan, keterampilan atau mentor lain',
      },
      {
        line: 5,
        status: 'rejected',
        name: '31/02/2026',
        reason: [
          'kode kelompok kosong',
          "'35.07.24.2001' bukan kode kecamatan di Kabupaten Malang",
          "keterampilan 'merajut' tidak dikenal (menjahit atau makanan)",
          'nomor telepon mentor tidak valid',
          "tanggal '31/02/2026' tidak valid (tulis TTTT-BB-HH atau HH/BB/TTTT)",
          "jam mulai '25.00' tidak valid (tulis JJ.MM atau JJ:MM)",
          'tempat kosong',
          "lat '1000' tidak valid",
          'materi kosong',
          "cara absen 'absen' tidak dikenal (kode, lokasi atau keduanya)",
        ].join('; '),
      },
      {
        line: 6,
        status: 'rejected',
        name: 'SGS-MJ-02 2026-12-03',
        reason:
          'jam selesai harus sesudah jam mulai; cara absen lokasi membutuhkan lat dan lng tempat',
      },
      {
        line: 7,
        status: 'rejected',
        name: 'SGS-MJ-02 2026-12-03',
        reason: 'tidak ada orang dengan nomor telepon mentor ini; impor dulu lewat people',
      },
      {
        line: 8,
        status: 'rejected',
        name: 'SGS-MJ-02 2026-12-03',
        reason: 'Siti Rahayu tidak berperan mentor',
      },
      {
        line: 9,
        status: 'rejected',
        name: 'SGS-MJ-02 2026-12-03',
        reason: 'isi lat dan lng keduanya, atau kosongkan keduanya',
      },
      {
        line: 10,
        status: 'rejected',
        name: 'SGS-MJ-02 2026-12-03',
        reason: "'35.07.99' bukan kode kecamatan di Kabupaten Malang",
      },
    ])
    expect(report).toMatchObject({ accepted: 1, rejected: 8 })
    expect(await storedSessions()).toHaveLength(1)
    expect(await handle.db.select().from(cohorts)).toHaveLength(1)
  })

  test('a file without a required column is refused whole', async () => {
    await expect(
      importSessions(handle.db, 'kelompok;tanggal\nSGS-MJ-01;2026-12-01')
    ).rejects.toBeInstanceOf(ImportFileError)
    expect(await storedSessions()).toEqual([])
  })
})

const COHORT_CSV = [
  'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin',
  'SGS-MJ-01;35.07.24;menjahit;0812-0000-0003;2026-12-01;08.00;12.00;Balai Desa;Pola;kode',
].join('\n')

async function storedEnrollments() {
  const rows = await handle.db
    .select({
      name: people.name,
      phone: people.phone,
      roles: people.roles,
      region: people.regionCode,
      cohort: cohorts.code,
      birthYear: enrollments.birthYear,
      minor: enrollments.minor,
    })
    .from(enrollments)
    .innerJoin(people, eq(people.id, enrollments.personId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .orderBy(asc(enrollments.id))
  return rows.map((row) => Object.values(row))
}

describe('importEnrollments', () => {
  beforeEach(async () => {
    await importSessions(handle.db, COHORT_CSV)
  })

  test('by phone or by name + desa; a new participant without a phone; minors flagged', async () => {
    const csv = [
      'kelompok;telepon;nama;kode_wilayah;tahun_lahir',
      'SGS-MJ-01;0812-0000-0005;;;',
      'sgs-mj-01;;Lilis  Suryani;35.07.24.2001;2005',
      'SGS-MJ-01;;Putri Maharani;3507242013;2010',
    ].join('\n')
    const report = await importEnrollments(handle.db, csv, { now: NOW })
    expect(report.rows).toEqual([
      { line: 2, status: 'accepted', name: 'Nur Aini' },
      { line: 3, status: 'accepted', name: 'Lilis Suryani' },
      { line: 4, status: 'accepted', name: 'Putri Maharani' },
    ])
    // Nur Aini: the birth year 2003 of her person row (2026 − 2003 = 23); Putri 2026 − 2010 = 16.
    expect(await storedEnrollments()).toEqual([
      ['Nur Aini', '+6281200000005', ['peserta'], '35.07.24.2003', 'SGS-MJ-01', 2003, false],
      ['Lilis Suryani', null, ['peserta'], '35.07.24.2001', 'SGS-MJ-01', 2005, false],
      ['Putri Maharani', null, ['peserta'], '35.07.24.2013', 'SGS-MJ-01', 2010, true],
    ])

    const again = await importEnrollments(handle.db, csv, { now: NOW })
    expect(again).toMatchObject({ accepted: 0, updated: 0, unchanged: 3, rejected: 0 })
    const corrected = await importEnrollments(
      handle.db,
      csv.replace('Putri Maharani;3507242013;2010', 'Putri Maharani;3507242013;2006'),
      { now: NOW }
    )
    expect(corrected.rows[2]).toEqual({ line: 4, status: 'updated', name: 'Putri Maharani' })
    expect((await storedEnrollments())[2]).toEqual([
      'Putri Maharani',
      null,
      ['peserta'],
      '35.07.24.2013',
      'SGS-MJ-01',
      2006,
      false,
    ])
    expect(await handle.db.select().from(enrollments)).toHaveLength(3)
  })

  test('English headers with commas', async () => {
    const csv = 'Cohort,Phone,Birth Year\r\nSGS-MJ-01,+62 812 0000 0005,2003\r\n'
    const report = await importEnrollments(handle.db, csv, { now: NOW })
    expect(report.rows).toEqual([{ line: 2, status: 'accepted', name: 'Nur Aini' }])
  })

  test('bad and duplicate rows are rejected with their reasons and change nothing', async () => {
    const csv = [
      'kelompok;telepon;nama;kode_wilayah;tahun_lahir',
      'SGS-MJ-01;0812-0000-0005;;;',
      'SGS-MJ-01;+6281200000005;;;', // 3: the same participant
      'SGS-MJ-99;0812-0000-0005;;;', // 4: no such cohort
      'SGS-MJ-01;0812-0000-0099;;;', // 5: nobody has this phone
      'SGS-MJ-01;0812-0000-0004;;;', // 6: a kader, not a peserta
      'SGS-MJ-01;;Ani;;', // 7: no phone and no region
      'SGS-MJ-01;;Ani;35.07.24;2004', // 8: a participant lives in a desa
      ';12ab;;;20x', // 9: several problems
      'SGS-MJ-01;;Ani Wulandari;35.07.24.2002;2004',
      'SGS-MJ-01;;Ani  Wulandari;3507242002;', // 11: the same participant without a phone
    ].join('\n')
    const report = await importEnrollments(handle.db, csv, { now: NOW })
    expect(report.rows).toEqual([
      { line: 2, status: 'accepted', name: 'Nur Aini' },
      { line: 3, status: 'rejected', reason: 'peserta dan kelompok sama dengan baris 2' },
      {
        line: 4,
        status: 'rejected',
        reason:
          'kelompok SGS-MJ-99 belum ada; impor jadwal sesinya dulu (npm run import -- sessions)',
      },
      {
        line: 5,
        status: 'rejected',
        reason: 'tidak ada orang dengan nomor telepon ini; impor dulu lewat people',
      },
      { line: 6, status: 'rejected', reason: 'Siti Rahayu tidak berperan peserta' },
      {
        line: 7,
        status: 'rejected',
        name: 'Ani',
        reason: 'isi nomor telepon, atau nama dan kode wilayah untuk peserta tanpa telepon',
      },
      {
        line: 8,
        status: 'rejected',
        name: 'Ani',
        reason:
          'peran peserta membutuhkan kode desa atau kelurahan, sedangkan 35.07.24 adalah kecamatan',
      },
      {
        line: 9,
        status: 'rejected',
        reason:
          "kode kelompok kosong; nomor telepon tidak valid; tahun lahir '20x' tidak valid (1900 sampai 2026)",
      },
      { line: 10, status: 'accepted', name: 'Ani Wulandari' },
      {
        line: 11,
        status: 'rejected',
        name: 'Ani Wulandari',
        reason: 'peserta dan kelompok sama dengan baris 10',
      },
    ])
    expect(await storedEnrollments()).toEqual([
      ['Nur Aini', '+6281200000005', ['peserta'], '35.07.24.2003', 'SGS-MJ-01', 2003, false],
      ['Ani Wulandari', null, ['peserta'], '35.07.24.2002', 'SGS-MJ-01', 2004, false],
    ])
  })
})

describe('date and time cells', () => {
  test('parseImportDate', () => {
    expect(parseImportDate('2026-12-01')).toBe('2026-12-01')
    expect(parseImportDate('1/12/2026')).toBe('2026-12-01')
    expect(parseImportDate('29/02/2028')).toBe('2028-02-29')
    expect(parseImportDate('29/02/2027')).toBeUndefined()
    expect(parseImportDate('12/31/2026')).toBeUndefined()
    expect(parseImportDate('2026-13-01')).toBeUndefined()
    expect(parseImportDate('besok')).toBeUndefined()
  })

  test('parseImportTime', () => {
    expect(parseImportTime('08.00')).toEqual({ hour: 8, minute: 0 })
    expect(parseImportTime('13:30')).toEqual({ hour: 13, minute: 30 })
    expect(parseImportTime('24.00')).toBeUndefined()
    expect(parseImportTime('8')).toBeUndefined()
  })
})

describe('the example files', () => {
  test('import cleanly after the example people, and again unchanged', async () => {
    const db = handle.db
    await importPeople(db, await example('people.csv'), { now: NOW })
    const sessions = await importSessions(db, await example('sessions.csv'))
    expect(sessions).toMatchObject({ accepted: 6, updated: 0, unchanged: 0, rejected: 0 })
    const enrolled = await importEnrollments(db, await example('enrollments.csv'), { now: NOW })
    expect(enrolled.rows).toEqual([
      { line: 2, status: 'accepted', name: 'Nur Aini' },
      { line: 3, status: 'accepted', name: 'Lilis Suryani' },
      { line: 4, status: 'accepted', name: 'Putri Maharani' },
    ])
    const stored = await storedSessions()
    expect(stored.map((s) => [s.date, s.startsAt, s.endsAt, s.venue, s.checkinMode])).toEqual(
      [1, 2, 3, 4, 7, 8].map((day) => [
        `2026-12-0${day}`,
        wib(day, 8),
        wib(day, 12),
        'Balai Desa Ardimulyo',
        'keduanya',
      ])
    )
    const minors = (await storedEnrollments()).filter((row) => row[6] === true)
    expect(minors.map((row) => row[0])).toEqual(['Putri Maharani'])

    expect(await importSessions(db, await example('sessions.csv'))).toMatchObject({ unchanged: 6 })
    expect(
      await importEnrollments(db, await example('enrollments.csv'), { now: NOW })
    ).toMatchObject({ unchanged: 3 })
  })
})
