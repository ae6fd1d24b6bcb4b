/**
 * `npm run import -- stocks <file.csv>` and the dashboard's stocks import (docs/domain.md,
 * decision 14): per desa and year (or month), the PUS, the PPM targets per method and the existing
 * units, from SIGA/PK exports. A value holds from its period on (a year from its January) until
 * a later one; an empty cell leaves what is stored. Every row is validated with a zod schema and
 * written in its own savepoint inside the import's transaction; the report says per row what
 * happened.
 * Columns are in Indonesian and English (`examples/stocks.csv`, `examples/README.md`).
 * @module
 */
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { upsertStocks } from '../db/queries/stocks.js'
import { regions } from '../db/schema/index.js'
import type { StockKey } from '../domain/kb.js'
import { openCsvTable } from './csv.js'
import type { ColumnAliases, CsvSource } from './csv.js'
import { STOCK_MESSAGES } from './messages.js'
import { normalizeRegionCode, parseImportRow, rowErrorReason } from './people.js'
import { createImportReportCollector } from './report.js'
import type { ImportReport, OnImportProgress } from './report.js'

/** The value columns, by stock key: Indonesian first (the name messages show), then English. */
const VALUE_COLUMNS: Record<StockKey, readonly string[]> = {
  pus: ['pus', 'jumlah_pus', 'eligible_couples'],
  ppm_total: ['ppm', 'ppm_total', 'target_ppm', 'ppm_target'],
  ppm_iud: ['ppm_iud', 'ppm_akdr', 'target_iud'],
  ppm_mow: ['ppm_mow', 'target_mow'],
  ppm_mop: ['ppm_mop', 'target_mop'],
  ppm_implan: ['ppm_implan', 'ppm_implant', 'target_implant'],
  ppm_suntik: ['ppm_suntik', 'ppm_injectable', 'target_injectable'],
  ppm_pil: ['ppm_pil', 'ppm_pill', 'target_pill'],
  ppm_kondom: ['ppm_kondom', 'ppm_condom', 'target_condom'],
  unit_ppkbd: ['ppkbd', 'jumlah_ppkbd', 'ppkbd_units'],
  unit_sub_ppkbd: ['sub_ppkbd', 'jumlah_sub_ppkbd', 'sub_ppkbd_units'],
  unit_pok_kb: ['pok_kb', 'jumlah_pok_kb', 'pok_kb_units'],
  unit_bkb: ['bkb', 'jumlah_bkb', 'bkb_units'],
  unit_bkr: ['bkr', 'jumlah_bkr', 'bkr_units'],
  unit_bkl: ['bkl', 'jumlah_bkl', 'bkl_units'],
  unit_uppka: ['uppka', 'jumlah_uppka', 'uppka_units'],
  unit_pik_r: ['pik_r', 'jumlah_pik_r', 'pik_r_units'],
}

type StockField = 'desaCode' | 'period' | StockKey

/** Accepted header names per field (normalised: lower case, spaces and dashes as `_`). */
export const STOCK_COLUMNS = {
  desaCode: ['kode_desa', 'desa_code', 'kode_wilayah', 'region_code'],
  period: ['periode', 'period', 'tahun', 'year', 'bulan', 'month'],
  ...VALUE_COLUMNS,
} as const satisfies ColumnAliases<StockField>

export const STOCK_REQUIRED_COLUMNS = ['desaCode', 'period'] as const

/** The largest value a cell may hold (a desa has some thousands of PUS). */
const MAX_VALUE = 1_000_000

/** `2026` → `2026-01`; `2026-03`, `03/2026`, `3-2026` → `2026-03`; else undefined. */
export function parseStockPeriod(value: string): string | undefined {
  const year = /^(\d{4})$/.exec(value)
  if (year) return `${year[1]}-01`
  const iso = /^(\d{4})[-/.](\d{1,2})$/.exec(value)
  const local = /^(\d{1,2})[-/.](\d{4})$/.exec(value)
  const [y, m] = iso ? [iso[1]!, iso[2]!] : local ? [local[2]!, local[1]!] : []
  if (y === undefined || m === undefined) return undefined
  const month = Number(m)
  if (month < 1 || month > 12 || Number(y) < 2000 || Number(y) > 2100) return undefined
  return `${y}-${String(month).padStart(2, '0')}`
}

const KEYS = Object.keys(VALUE_COLUMNS) as StockKey[]

/** One row's values: each non-empty cell a whole number from 0, thousands dots allowed. */
function createStockRowSchema(desaCodes: ReadonlySet<string>) {
  const value = (key: StockKey) =>
    z.string().transform((cell, ctx) => {
      const text = cell.trim()
      if (text === '') return undefined
      // Whole numbers, with a dot between thousands as Indonesians write them (1.245).
      const n = /^(\d+|\d{1,3}(\.\d{3})+)$/.test(text) ? Number(text.replace(/\./g, '')) : NaN
      if (!Number.isSafeInteger(n) || n > MAX_VALUE) {
        ctx.addIssue({
          code: 'custom',
          message: STOCK_MESSAGES.badNumber(VALUE_COLUMNS[key]?.[0] ?? key, cell, MAX_VALUE),
        })
        return z.NEVER
      }
      return n
    })
  return z
    .object({
      desaCode: z.string().transform((cell, ctx) => {
        const code = normalizeRegionCode(cell)
        if (code === undefined || !desaCodes.has(code)) {
          ctx.addIssue({
            code: 'custom',
            message:
              cell.trim() === '' ? STOCK_MESSAGES.desaMissing() : STOCK_MESSAGES.notDesa(cell),
          })
          return z.NEVER
        }
        return code
      }),
      period: z.string().transform((cell, ctx) => {
        const period = parseStockPeriod(cell.trim())
        if (period === undefined) {
          ctx.addIssue({ code: 'custom', message: STOCK_MESSAGES.badPeriod(cell) })
          return z.NEVER
        }
        return period
      }),
      ...Object.fromEntries(KEYS.map((key) => [key, value(key).optional()])),
    })
    .transform((row, ctx) => {
      const values: Partial<Record<StockKey, number>> = {}
      for (const key of KEYS) {
        const n = (row as Record<string, unknown>)[key]
        if (typeof n === 'number') values[key] = n
      }
      if (Object.keys(values).length === 0) {
        ctx.addIssue({ code: 'custom', message: STOCK_MESSAGES.noValues() })
        return z.NEVER
      }
      return { desaCode: row.desaCode, period: row.period, values }
    })
}

export type ImportStocksOptions = { now?: Date; onProgress?: OnImportProgress }

/** Imports a stocks file; the caller's transaction holds it all (see `runImport`). */
export async function importStocks(
  db: DbOrTx,
  source: CsvSource,
  options: ImportStocksOptions = {}
): Promise<ImportReport> {
  const now = options.now ?? new Date()
  const table = await openCsvTable<StockField>(source, {
    columns: STOCK_COLUMNS,
    required: STOCK_REQUIRED_COLUMNS,
  })
  const desa = await db
    .select({ code: regions.code, level: regions.level, name: regions.name })
    .from(regions)
  const desaNames = new Map(
    desa.filter((r) => r.level === 'desa' || r.level === 'kelurahan').map((r) => [r.code, r.name])
  )
  const schema = createStockRowSchema(new Set(desaNames.keys()))
  const report = createImportReportCollector()
  const seen = new Map<string, number>()
  let processed = 0
  for await (const { line, cells, tooManyCells } of table.rows) {
    if (options.onProgress && ++processed % 500 === 0) await options.onProgress(report.progress())
    const parsed = parseImportRow(schema, cells, tooManyCells)
    const label = cells.desaCode.trim()
    if ('reason' in parsed) {
      report.add({
        line,
        status: 'rejected',
        reason: parsed.reason,
        ...(label ? { name: label } : {}),
      })
      continue
    }
    const row = parsed.row
    const name = `${desaNames.get(row.desaCode)} ${row.period}`
    const key = `${row.desaCode}|${row.period}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      report.add({ line, status: 'rejected', reason: STOCK_MESSAGES.duplicate(earlier), name })
      continue
    }
    seen.set(key, line)
    try {
      const status = await db.transaction((tx) =>
        upsertStocks(tx, { desaCode: row.desaCode, period: row.period, values: row.values, now })
      )
      report.add({ line, status, name })
    } catch (error) {
      const reason = rowErrorReason(error)
      if (reason === undefined) throw error
      report.add({ line, status: 'rejected', reason, name })
    }
  }
  return report.finish(table.ignoredColumns)
}
