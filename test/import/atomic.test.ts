/**
 * Imports are all or nothing (PGlite, or Postgres with TEST_DATABASE_URL): `runImport` writes the
 * accepted rows of a file and its audit row in one transaction, in batches, and a database that
 * fails in a later batch leaves nothing of the import. A row the database refuses is rejected
 * alone. The failures come from a trigger, as a full disk or a refused value would.
 */
import { asc, count, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { Db } from '../../src/db/client.js'
import { auditLog, cohorts, people, trainingSessions } from '../../src/db/schema/index.js'
import { IMPORT_BATCH_SIZE } from '../../src/import/people.js'
import type { ImportProgress } from '../../src/import/report.js'
import { describeImportFailure, runImport } from '../../src/import/run.js'
import { useTestDb } from '../harness/db.js'
import { listDesaCodes, peopleCsv } from '../harness/people-csv.js'

const NOW = new Date('2025-11-24T01:00:00Z')

const handle = useTestDb()

/** Makes the database raise `sqlState` when a person named `name` is written. */
async function failOnName(db: Db, name: string, sqlState: string): Promise<void> {
  await db.execute(
    sql.raw(`create function fail_on_name() returns trigger language plpgsql as $$
      begin
        if new.name = '${name}' then raise exception 'refused' using errcode = '${sqlState}'; end if;
        return new;
      end $$`)
  )
  await db.execute(
    sql.raw(`create trigger fail_on_name before insert or update on people
      for each row execute function fail_on_name()`)
  )
}

async function countRows(db: Db, table: typeof people | typeof auditLog): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table)
  return row!.n
}

/** A file of `rows` generated people whose row `failAt` (0-based) has the name `name`. */
async function fileWith(db: Db, rows: number, failAt: number, name: string): Promise<string> {
  const lines = peopleCsv(rows, await listDesaCodes(db)).split('\n')
  const cells = lines[failAt + 1]!.split(';')
  cells[0] = name
  lines[failAt + 1] = cells.join(';')
  return lines.join('\n')
}

describe('runImport: all or nothing', () => {
  test('the database failing in a later batch leaves no person and no audit row', async () => {
    const db = handle.db
    const rows = IMPORT_BATCH_SIZE * 2 + 100
    await failOnName(db, 'Gagal Tulis', '53100') // disk_full
    const csv = await fileWith(db, rows, IMPORT_BATCH_SIZE * 2 + 50, 'Gagal Tulis')
    const progress: ImportProgress[] = []

    const error = await runImport(db, {
      kind: 'people',
      source: csv,
      actor: 'cli',
      now: NOW,
      onProgress: (p) => {
        progress.push(p)
      },
    }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    expect(describeImportFailure(error)).toBe(
      'impor dibatalkan, tidak ada data yang diubah: basis data menolak impor (kode 53100)'
    )
    // Two batches had been written (and reported) before the third failed.
    expect(progress.map((p) => p.processed)).toEqual([IMPORT_BATCH_SIZE, IMPORT_BATCH_SIZE * 2])
    expect(await countRows(db, people)).toBe(0)
    expect(await countRows(db, auditLog)).toBe(0)
  })

  test('a row the database refuses is rejected alone; the rest and the audit row land', async () => {
    const db = handle.db
    const rows = IMPORT_BATCH_SIZE + 20
    await failOnName(db, 'Tolak Aku', '23514') // check_violation
    const csv = await fileWith(db, rows, IMPORT_BATCH_SIZE + 5, 'Tolak Aku')

    const report = await runImport(db, { kind: 'people', source: csv, actor: 'cli', now: NOW })

    expect(report).toMatchObject({ accepted: rows - 1, rejected: 1, updated: 0, unchanged: 0 })
    expect(report.rows.filter((row) => row.status === 'rejected')).toEqual([
      {
        line: IMPORT_BATCH_SIZE + 7,
        status: 'rejected',
        reason: 'ditolak oleh basis data',
        name: 'Tolak Aku',
      },
    ])
    expect(report.rows.map((row) => row.line)).toEqual(
      Array.from({ length: rows }, (_, i) => i + 2)
    )
    expect(await countRows(db, people)).toBe(rows - 1)
    const audit = await db.select().from(auditLog)
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'cli',
        action: 'people_imported',
        detail: { accepted: rows - 1, updated: 0, unchanged: 0, rejected: 1 },
      }),
    ])
  })

  test('a broken line late in the file takes back every row before it', async () => {
    const db = handle.db
    const csv = `${peopleCsv(IMPORT_BATCH_SIZE + 10, await listDesaCodes(db))}"Siti;0812;kader\n`
    await expect(
      runImport(db, { kind: 'people', source: csv, actor: 'cli', now: NOW })
    ).rejects.toThrow(/^berkas CSV rusak di baris \d+: tanda kutip tidak ditutup$/)
    expect(await countRows(db, people)).toBe(0)
  })

  test('a re-import in batches: unchanged, updated and new rows, participants without a phone', async () => {
    const db = handle.db
    const codes = await listDesaCodes(db)
    const rows = IMPORT_BATCH_SIZE + 40
    await runImport(db, { kind: 'people', source: peopleCsv(rows, codes), actor: 'cli', now: NOW })
    const again = peopleCsv(rows + 3, codes)
      .replace(/^Sri Rahayu;/m, 'Sri Rahayu Ningsih;') // row 2 (index 2) has a phone
      .replace(/;;peserta;([0-9.]+);1979$/m, ';;peserta;$1;1980') // row index 19, no phone
    const report = await runImport(db, { kind: 'people', source: again, actor: 'cli', now: NOW })
    expect(report).toMatchObject({ accepted: 3, updated: 2, unchanged: rows - 2, rejected: 0 })
    expect(report.rows.filter((row) => row.status === 'updated').map((row) => row.line)).toEqual([
      4, 21,
    ])
    const stored = await db
      .select({ name: people.name, birthYear: people.birthYear, phone: people.phone })
      .from(people)
      .orderBy(asc(people.id))
    expect(stored).toHaveLength(rows + 3)
    expect(stored[2]!.name).toBe('Sri Rahayu Ningsih')
    // Each batch writes the people with a phone first: the first without one is row index 19.
    expect(stored.find((row) => row.phone === null)).toMatchObject({ birthYear: 1980 })
  })

  test('sessions: a failure on a later row leaves no cohort and no session', async () => {
    const db = handle.db
    await runImport(db, {
      kind: 'people',
      source: 'nama;telepon;peran;kode_wilayah\nSri Wahyuni;0812-0000-0003;mentor;35.07.24\n',
      actor: 'cli',
      now: NOW,
    })
    await db.execute(
      sql.raw(`create function fail_on_venue() returns trigger language plpgsql as $$
        begin
          if new.venue = 'Balai Gagal' then raise exception 'down' using errcode = '57P01'; end if;
          return new;
        end $$`)
    )
    await db.execute(
      sql.raw(`create trigger fail_on_venue before insert on training_sessions
        for each row execute function fail_on_venue()`)
    )
    const csv = [
      'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin',
      'SGS-01;35.07.24;menjahit;0812-0000-0003;2026-01-05;08.00;11.00;Balai Desa;Pola;kode',
      'SGS-01;35.07.24;menjahit;0812-0000-0003;2026-01-12;08.00;11.00;Balai Gagal;Jahit;kode',
    ].join('\n')
    const error = await runImport(db, { kind: 'sessions', source: csv, actor: 'cli', now: NOW })
      .then(() => undefined)
      .catch((e: unknown) => e)
    expect(describeImportFailure(error)).toBe(
      'impor dibatalkan, tidak ada data yang diubah: koneksi ke basis data terputus'
    )
    expect(await db.select().from(cohorts)).toEqual([])
    expect(await db.select().from(trainingSessions)).toEqual([])
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, 'sessions_imported'))
    ).toEqual([])
  })
})
