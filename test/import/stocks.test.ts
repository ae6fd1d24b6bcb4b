/**
 * `npm run import -- stocks`: the example file, a re-import, Indonesian and English headers, a
 * per-row report with reasons, and values carried forward to later months, on the real test
 * database; the CLI once as a child process.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { stocksFor } from '../../src/db/queries/stocks.js'
import { formatImportReport } from '../../src/import/report.js'
import { runImport } from '../../src/import/run.js'
import { parseStockPeriod } from '../../src/import/stocks.js'
import { useTestDb } from '../harness/db.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WONOREJO = '35.07.24.2001'
const DENGKOL = '35.07.24.2002'
const NOW = new Date('2026-08-05T01:00:00Z')

const handle = useTestDb()
const importStocks = (source: string) =>
  runImport(handle.db, { kind: 'stocks', source, actor: 'cli', now: NOW })

describe('stocks import', () => {
  test('the example file, then again: five rows, then nothing changed', async () => {
    const example = await readFile(join(ROOT, 'examples/stocks.csv'), 'utf8')
    expect(formatImportReport(await importStocks(example))).toEqual([
      'baris 2: diterima (Wonorejo 2026-01)',
      'baris 3: diterima (Dengkol 2026-01)',
      'baris 4: diterima (Baturetno 2026-01)',
      'baris 5: diterima (Watugede 2026-01)',
      'baris 6: diterima (Wonorejo 2026-07)',
      '5 diterima, 0 diperbarui, 0 tidak berubah, 0 ditolak',
    ])
    expect((await importStocks(example)).unchanged).toBe(5)
    const june = (await stocksFor(handle.db, { period: '2026-06', desaCodes: [WONOREJO] })).get(
      WONOREJO
    )!
    expect([june.pus, june.units.sub_ppkbd, june.ppmTarget.SUNTIK]).toEqual([1245, 6, 40])
    // From July: the new PUS and Sub-PPKBD; the PPM targets still January's.
    const august = (await stocksFor(handle.db, { period: '2026-08', desaCodes: [WONOREJO] })).get(
      WONOREJO
    )!
    expect(august.pus).toBe(1260)
    expect(august.asOf.pus).toEqual({ value: 1260, period: '2026-07' })
    expect(august.units).toEqual({
      ppkbd: 1,
      sub_ppkbd: 7,
      pok_kb: 1,
      bkb: 1,
      bkr: 1,
      bkl: 1,
      uppka: 1,
      pik_r: 1,
    })
    // 12 + 3 + 1 + 15 + 40 + 20 + 6 = 97
    expect(august.ppmTotal).toBe(97)
    // Nothing before 2026.
    expect((await stocksFor(handle.db, { period: '2025-12', desaCodes: [WONOREJO] })).size).toBe(0)
  })

  test('English headers, an update, and each bad row with its reason', async () => {
    await importStocks('desa_code,year,eligible_couples\n35.07.24.2002,2026,900\n')
    const report = await importStocks(
      [
        'desa_code,month,eligible_couples,target_implant,bkb_units,unknown_column',
        `${DENGKOL},2026-01,950,12,1,x`, // PUS 900 → 950: updated
        '35.07.24,2026,100,,,', // a kecamatan, not a desa
        `${WONOREJO},2026-13,100,,,`, // no such month
        `${WONOREJO},2026,1.5,,,`, // not a whole number
        `${WONOREJO},2026,,,,`, // no figure
        `${DENGKOL},1/2026,1,,,`, // Dengkol January 2026 again
      ].join('\n')
    )
    expect(formatImportReport(report)).toEqual([
      'kolom diabaikan: unknown_column',
      'baris 2: diperbarui (Dengkol 2026-01)',
      'baris 3: ditolak (35.07.24): "35.07.24" bukan kode desa/kelurahan Kabupaten Malang',
      'baris 4: ditolak (35.07.24.2001): periode "2026-13" tidak dikenal; tulis tahun (2026) atau bulan (2026-03 atau 03/2026)',
      'baris 5: ditolak (35.07.24.2001): kolom pus: "1.5" bukan bilangan bulat 0 sampai 1.000.000',
      'baris 6: ditolak (35.07.24.2001): tidak ada angka yang diisi (PUS, PPM atau jumlah unit)',
      'baris 7: ditolak (Dengkol 2026-01): desa dan periode yang sama sudah ada di baris 2',
      '0 diterima, 1 diperbarui, 0 tidak berubah, 5 ditolak',
    ])
    const dengkol = (await stocksFor(handle.db, { period: '2026-05', desaCodes: [DENGKOL] })).get(
      DENGKOL
    )!
    expect([dengkol.pus, dengkol.ppmTarget.IMPLAN, dengkol.units.bkb]).toEqual([950, 12, 1])
  })

  test('periods as a year or a month', () => {
    expect(
      ['2026', '2026-3', '03/2026', '3-2026', '2026-13', '26', ''].map(parseStockPeriod)
    ).toEqual(['2026-01', '2026-03', '2026-03', '2026-03', undefined, undefined, undefined])
  })

  test('npm run import -- stocks examples/stocks.csv in a child process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-stocks-'))
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir }
      delete env.DATABASE_URL
      delete env.TEST_DATABASE_URL
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/import-cli.ts', 'stocks', 'examples/stocks.csv'],
          { cwd: ROOT, env, timeout: 60_000 },
          (error, out) => (error ? reject(error) : resolve(out))
        )
      )
      expect(stdout.trim().split('\n').at(-1)).toBe(
        '5 diterima, 0 diperbarui, 0 tidak berubah, 0 ditolak'
      )
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
