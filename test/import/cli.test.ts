/**
 * `npm run import` as an admin runs it: a real child process (`node --import tsx
 * src/import-cli.ts`) on a fresh PGlite data directory, with the report on stdout and the exit code.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createTestDbUrl, hasPostgres } from '../harness/db.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type CliResult = { code: number; stdout: string[]; stderr: string }

/** Runs the import CLI with `args`; the environment has no DATABASE_URL unless `env` sets one. */
function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const base = { ...process.env }
  delete base.DATABASE_URL
  delete base.TEST_DATABASE_URL
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/import-cli.ts', ...args],
      { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0
        if (typeof code !== 'number') return reject(error ?? new Error('no exit code'))
        resolve({ code, stdout: stdout.split('\n').filter((line) => line !== ''), stderr })
      }
    )
  })
}

const EXAMPLE_NAMES = [
  'Dewi Kartikasari',
  'Bambang Supriyadi',
  'Sri Wahyuni',
  'Siti Rahayu',
  'Nur Aini',
  'Endang Susilowati',
  'Lilis Suryani',
]

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-import-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('import CLI', () => {
  test('imports the example people into PGlite, then reports a second file row by row', async () => {
    const first = await runCli(['people', 'examples/people.csv'], { DATA_DIR: dataDir })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toEqual([
      ...EXAMPLE_NAMES.map((name, i) => `baris ${i + 2}: diterima (${name})`),
      '7 diterima, 0 diperbarui, 0 tidak berubah, 0 ditolak',
    ])

    const csv = join(dataDir, 'perubahan.csv')
    await writeFile(
      csv,
      [
        'nama;telepon;peran;kode_wilayah;tahun_lahir;catatan',
        'Siti Rahayu Ningsih;0812-0000-0004;kader;35.07.24.2001;1986;',
        'Nur Aini;0812-0000-0005;peserta;35.07.24.2003;2003;',
        'Budi Santoso;0812-3456;kader;35.07.24.2001;;',
        'Agus;0812-0000-0020;guru;35.07.24.2001;;',
      ].join('\r\n')
    )
    const second = await runCli(['people', csv], { DATA_DIR: dataDir })
    expect(second.code).toBe(0)
    expect(second.stdout).toEqual([
      'kolom diabaikan: catatan',
      'baris 2: diperbarui (Siti Rahayu Ningsih)',
      'baris 3: tidak berubah (Nur Aini)',
      'baris 4: ditolak (Budi Santoso): nomor telepon tidak valid',
      "baris 5: ditolak (Agus): peran 'guru' tidak dikenal",
      '0 diterima, 1 diperbarui, 1 tidak berubah, 2 ditolak',
    ])
    // No phone number in the report, masked or not.
    expect(second.stdout.join('\n')).not.toMatch(/0812|\+62/)
  })

  test('usage, unknown kind, missing file and missing column exit with 1', async () => {
    const none = await runCli([], { DATA_DIR: dataDir })
    expect(none).toMatchObject({ code: 1, stdout: [] })
    expect(none.stderr).toMatch(/^cara pakai: npm run import -- <jenis> <berkas\.csv>$/m)

    const unknown = await runCli(['visits', 'examples/people.csv'], { DATA_DIR: dataDir })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^jenis impor 'visits' tidak dikenal\ncara pakai:/)

    const missing = await runCli(['people', join(dataDir, 'tidak-ada.csv')], {
      DATA_DIR: dataDir,
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/tidak-ada\.csv tidak ditemukan/)

    const csv = join(dataDir, 'tanpa-telepon.csv')
    await writeFile(csv, 'nama;peran;kode_wilayah\nSiti;kader;35.07.24.2001\n')
    const noPhone = await runCli(['people', csv], { DATA_DIR: dataDir })
    expect(noPhone.code).toBe(1)
    expect(noPhone.stderr).toMatch(/kolom "telepon" tidak ada di baris judul/)
  })

  // The same CLI against a PostgreSQL database: DATABASE_URL selects it, as in the app.
  test.runIf(hasPostgres)('imports into PostgreSQL when DATABASE_URL is set', async () => {
    const database = await createTestDbUrl()
    try {
      const result = await runCli(['people', 'examples/people.csv'], {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
      })
      expect(result.code).toBe(0)
      expect(result.stdout.at(-1)).toBe('7 diterima, 0 diperbarui, 0 tidak berubah, 0 ditolak')
    } finally {
      await database.drop()
    }
  })
})
