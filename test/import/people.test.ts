/**
 * `importPeople` on the real test database (PGlite, or Postgres with TEST_DATABASE_URL): good, bad
 * and duplicate rows, both CSV dialects, re-imports, and the shipped example file.
 */
import { readFile } from 'node:fs/promises'
import { asc } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { people } from '../../src/db/schema/index.js'
import { ImportFileError } from '../../src/import/csv.js'
import { importPeople } from '../../src/import/people.js'
import { useTestDb } from '../harness/db.js'

const NOW = new Date('2025-11-24T01:00:00Z')
const EXAMPLES = new URL('../../examples/people.csv', import.meta.url)

const handle = useTestDb()

const run = (csv: string) => importPeople(handle.db, csv, { now: NOW })

/** Every person as [name, phone, roles, region code, birth year], in insertion order. */
async function stored() {
  const rows = await handle.db.select().from(people).orderBy(asc(people.id))
  return rows.map((row) => [row.name, row.phone, row.roles, row.regionCode, row.birthYear])
}

const INDONESIAN = [
  'nama;telepon;peran;kode_wilayah;tahun_lahir',
  'Siti Rahayu;0812-0000-0004;kader;35.07.24.2001;1986',
  'Bambang  Supriyadi ;+62 812 0000 0002;Supervisor;350724;',
  'Endang Susilowati;6281200000006;kader + mentor;3507242004;1981',
  'Lilis Suryani;;peserta;35.07.24.2001;2005',
].join('\n')

describe('importPeople', () => {
  test('the sapaan column sets Ibu or Bapak; an empty cell keeps it, an unknown word is refused', async () => {
    const first = [
      'nama;telepon;peran;kode_wilayah;sapaan',
      'Siti Rahayu;0812-0000-0004;kader;35.07.24.2001;Ibu',
      'Slamet;0812-0000-0007;kader;35.07.24.2001;pak',
      'Lilis Suryani;;peserta;35.07.24.2001;',
      'Joko;0812-0000-0008;kader;35.07.24.2001;kakak',
    ].join('\n')
    const report = await run(first)
    expect(report.rows[3]).toEqual({
      line: 5,
      status: 'rejected',
      name: 'Joko',
      reason: "sapaan 'kakak' tidak dikenal (Ibu atau Bapak)",
    })
    await run('nama;telepon;peran;kode_wilayah;sapaan\nSlamet;0812-0000-0007;kader;35.07.24.2001;')
    const rows = await handle.db.select().from(people).orderBy(asc(people.id))
    expect(rows.map((row) => [row.name, row.salutation])).toEqual([
      ['Siti Rahayu', 'ibu'],
      ['Slamet', 'bapak'],
      ['Lilis Suryani', null],
    ])
  })

  test('semicolons and Indonesian headers: phones, roles and codes are normalised', async () => {
    const report = await run(INDONESIAN)
    expect(report).toEqual({
      rows: [
        { line: 2, status: 'accepted', name: 'Siti Rahayu' },
        { line: 3, status: 'accepted', name: 'Bambang Supriyadi' },
        { line: 4, status: 'accepted', name: 'Endang Susilowati' },
        { line: 5, status: 'accepted', name: 'Lilis Suryani' },
      ],
      accepted: 4,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      ignoredColumns: [],
    })
    expect(await stored()).toEqual([
      ['Siti Rahayu', '+6281200000004', ['kader'], '35.07.24.2001', 1986],
      ['Bambang Supriyadi', '+6281200000002', ['supervisor'], '35.07.24', null],
      ['Endang Susilowati', '+6281200000006', ['mentor', 'kader'], '35.07.24.2004', 1981],
      ['Lilis Suryani', null, ['peserta'], '35.07.24.2001', 2005],
    ])
  })

  test('commas, English headers in any case, a BOM and CRLF line endings', async () => {
    const csv =
      '\uFEFFName,Phone,Role,Region_Code,Birth Year,Notes\r\n' +
      'Dewi Kartikasari,0812 0000 0001,admin,35.07,1979,ketua\r\n' +
      '"Nur Aini",(0812) 0000-0005,participant,35.07.24.2003,2003,\r\n' +
      '\r\n' +
      'Sri Wahyuni,08120000003,mentor+cadre,35.07.24,,\r\n'
    const report = await run(csv)
    expect(report.rows).toEqual([
      { line: 2, status: 'accepted', name: 'Dewi Kartikasari' },
      { line: 3, status: 'accepted', name: 'Nur Aini' },
      { line: 5, status: 'rejected', name: 'Sri Wahyuni', reason: expect.any(String) },
    ])
    // mentor+cadre in a kecamatan: a cadre needs a desa.
    expect(report.rows[2]!.reason).toBe(
      'peran kader membutuhkan kode desa atau kelurahan, sedangkan 35.07.24 adalah kecamatan'
    )
    expect(report.ignoredColumns).toEqual(['Notes'])
    expect(await stored()).toEqual([
      ['Dewi Kartikasari', '+6281200000001', ['admin'], '35.07', 1979],
      ['Nur Aini', '+6281200000005', ['peserta'], '35.07.24.2003', 2003],
    ])
  })

  test('bad rows are rejected with an Indonesian reason and write nothing', async () => {
    const csv = [
      'nama;telepon;peran;kode_wilayah;tahun_lahir',
      'Siti Rahayu;0812-3456;kader;35.07.24.2001;', // 2
      'Budi Santoso;0812-0000-0010;kader;35.07.99;', // 3
      'Agus;0812-0000-0011;guru;35.07.24.2001;', // 4
      'Rina;;kader;35.07.24.2001;', // 5
      ';0812-0000-0012;kader;35.07.24.2001;', // 6
      'Yuli;0812-0000-0013;peserta;35.07.24.2001;2031', // 7
      'Tini;0812-0000-0014;kader;abc;', // 8
      'Wati 2;0812-0000-0015;kader+guru+dosen;35.07.24.2001;', // 9
      'Ani;0812-0000-0016;;35.07.24.2001;', // 10
      'Eka;0812-0000-0017;peserta;35.07.24.2001;1999;lebih', // 11
      'Joko;0812-0000-0018;supervisor;35.07;', // 12
      'Ida;0812-0000-0019;admin;;', // 13
    ].join('\n')
    const report = await run(csv)
    expect(report.rows.map((row) => [row.line, row.status, row.name, row.reason])).toEqual([
      [2, 'rejected', 'Siti Rahayu', 'nomor telepon tidak valid'],
      [3, 'rejected', 'Budi Santoso', 'kode wilayah 35.07.99 tidak dikenal'],
      [4, 'rejected', 'Agus', "peran 'guru' tidak dikenal"],
      [5, 'rejected', 'Rina', 'nomor telepon wajib untuk peran kader'],
      [6, 'rejected', undefined, 'nama kosong'],
      [7, 'rejected', 'Yuli', "tahun lahir '2031' tidak valid (1900 sampai 2025)"],
      [8, 'rejected', 'Tini', "kode wilayah 'abc' tidak valid"],
      [
        9,
        'rejected',
        'Wati 2',
        "nama harus berisi huruf dan tidak boleh berisi angka; peran 'guru' tidak dikenal; " +
          "peran 'dosen' tidak dikenal",
      ],
      [10, 'rejected', 'Ani', 'peran kosong'],
      [11, 'rejected', 'Eka', 'baris ini berisi lebih banyak kolom daripada baris judul'],
      [
        12,
        'rejected',
        'Joko',
        'peran supervisor membutuhkan kode kecamatan, desa atau kelurahan, sedangkan 35.07 adalah ' +
          'kabupaten',
      ],
      [13, 'rejected', 'Ida', 'kode wilayah kosong'],
    ])
    expect(report).toMatchObject({ accepted: 0, updated: 0, unchanged: 0, rejected: 12 })
    expect(await stored()).toEqual([])
  })

  test('a phone twice in one file: the later row is rejected, whatever its spelling', async () => {
    const csv = [
      'nama;telepon;peran;kode_wilayah',
      'Siti Rahayu;0812-0000-0004;kader;35.07.24.2001',
      'Nur Aini;0812-0000-0005;peserta;35.07.24.2003',
      'Siti R.;+62 812 0000 0004;kader;35.07.24.2002',
      'Lilis Suryani;;peserta;35.07.24.2001',
      'Lilis Suryani;;peserta;35.07.24.2001',
      'Lilis Suryani;;peserta;35.07.24.2002',
    ].join('\n')
    const report = await run(csv)
    expect(report.rows.map((row) => [row.line, row.status, row.reason])).toEqual([
      [2, 'accepted', undefined],
      [3, 'accepted', undefined],
      [4, 'rejected', 'nomor telepon sama dengan baris 2'],
      [5, 'accepted', undefined],
      [6, 'rejected', 'nama dan kode wilayah sama dengan baris 5, keduanya tanpa nomor telepon'],
      [7, 'accepted', undefined],
    ])
    expect((await stored()).map(([name, , , region]) => [name, region])).toEqual([
      ['Siti Rahayu', '35.07.24.2001'],
      ['Nur Aini', '35.07.24.2003'],
      ['Lilis Suryani', '35.07.24.2001'],
      ['Lilis Suryani', '35.07.24.2002'],
    ])
  })

  test('re-importing updates instead of duplicating', async () => {
    await run(INDONESIAN)
    const before = await stored()

    const again = await run(INDONESIAN)
    expect(again.rows.map((row) => row.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ])
    expect(await stored()).toEqual(before)

    const edited = INDONESIAN.replace('Siti Rahayu;', 'Siti Rahayu Ningsih;')
      .replace(';peserta;35.07.24.2001;2005', ';peserta;35.07.24.2001;2004')
      .replace('0812-0000-0004', '+6281200000004')
    const report = await run(edited)
    expect(report.rows).toEqual([
      { line: 2, status: 'updated', name: 'Siti Rahayu Ningsih' },
      { line: 3, status: 'unchanged', name: 'Bambang Supriyadi' },
      { line: 4, status: 'unchanged', name: 'Endang Susilowati' },
      { line: 5, status: 'updated', name: 'Lilis Suryani' },
    ])
    expect(report).toMatchObject({ accepted: 0, updated: 2, unchanged: 2, rejected: 0 })
    expect(await stored()).toEqual([
      ['Siti Rahayu Ningsih', '+6281200000004', ['kader'], '35.07.24.2001', 1986],
      before[1],
      before[2],
      ['Lilis Suryani', null, ['peserta'], '35.07.24.2001', 2004],
    ])
  })

  test('a rejected row leaves the person it names as they were', async () => {
    await run(INDONESIAN)
    const before = await stored()
    const report = await run(
      [
        'nama;telepon;peran;kode_wilayah;tahun_lahir',
        'Siti Rahayu Baru;0812-0000-0004;kader;35.07.24;1986', // a cadre needs a desa
        'Bambang Supriyadi;0812-0000-0002;supervisor+kader;35.07.24.2005;', // accepted
      ].join('\n')
    )
    expect(report.rows.map((row) => row.status)).toEqual(['rejected', 'updated'])
    expect((await stored())[0]).toEqual(before[0])
  })

  test('an ambiguous participant is rejected, other rows of the same transaction still land', async () => {
    await handle.db.insert(people).values([
      { name: 'Lilis Suryani', roles: ['peserta'], regionCode: '35.07.24.2001' },
      { name: 'Lilis Suryani', roles: ['peserta'], regionCode: '35.07.24.2001' },
    ])
    // Inside an outer transaction every row is a savepoint: the failed row rolls back alone.
    const report = await handle.db.transaction((tx) =>
      importPeople(
        tx,
        [
          'nama;telepon;peran;kode_wilayah',
          'Siti Rahayu;0812-0000-0004;kader;35.07.24.2001',
          'Lilis Suryani;;peserta;35.07.24.2001',
          'Nur Aini;0812-0000-0005;peserta;35.07.24.2003',
        ].join('\n'),
        { now: NOW }
      )
    )
    expect(report.rows.map((row) => [row.status, row.reason])).toEqual([
      ['accepted', undefined],
      [
        'rejected',
        'ada 2 orang tanpa nomor telepon dengan nama dan kode wilayah ini; perbaiki lewat dasbor',
      ],
      ['accepted', undefined],
    ])
    expect(await stored()).toHaveLength(4)
  })

  test('a missing required column stops the import before anything is written', async () => {
    const error = await run('nama;peran;kode_wilayah\nSiti;kader;35.07.24.2001\n').catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ImportFileError)
    expect(error).toMatchObject({
      code: 'IMPORT_FILE',
      message:
        'kolom "telepon" tidak ada di baris judul (nama lain yang diterima: phone, no_hp, ' +
        'nomor_hp, no_telepon, nomor_telepon, no_wa, nomor_wa)',
    })
    await expect(run('name;phone;role\n')).rejects.toThrow(/kolom "kode_wilayah" tidak ada/)
    expect(await stored()).toEqual([])
  })

  test('the example file imports cleanly: one person of every role', async () => {
    const report = await run(await readFile(EXAMPLES, 'utf8'))
    expect(report).toMatchObject({ accepted: 7, updated: 0, unchanged: 0, rejected: 0 })
    const rows = await stored()
    expect(new Set(rows.flatMap(([, , roles]) => roles as string[]))).toEqual(
      new Set(['admin', 'supervisor', 'mentor', 'kader', 'peserta'])
    )
    expect(rows.some(([, phone]) => phone === null)).toBe(true)
    expect(rows.some(([, , roles]) => (roles as string[]).length > 1)).toBe(true)
    // Only the project's reserved example numbers.
    for (const [, phone] of rows) {
      if (phone !== null) expect(phone).toMatch(/^\+628120000\d{4}$/)
    }
  })
})
