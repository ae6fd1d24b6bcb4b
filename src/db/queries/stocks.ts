/**
 * Stocks per desa (docs/domain.md, decision 14): PUS, the PPM targets per method and the existing
 * units, imported from SIGA/PK exports. A value holds from its period on; a month without its own
 * value takes the latest earlier one (carried forward).
 * @module
 */
import { sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { desaStocks } from '../schema/index.js'
import {
  PPM_METHOD_CODES,
  type PpmMethodCode,
  STOCK_UNITS,
  type StockKey,
  type StockUnit,
} from '../../domain/kb.js'

/** One desa's stocks as of a month, each with the period it was imported for. */
export type DesaStockRow = {
  desaCode: string
  /** Pasangan Usia Subur; null when never imported. */
  pus: number | null
  /** PPM (Perkiraan Permintaan Masyarakat) target of new acceptors per SIGA method. */
  ppmTarget: Partial<Record<PpmMethodCode, number>>
  /** The PPM target for all methods (imported, or the sum of the per-method targets). */
  ppmTotal: number | null
  /** Existing units (PPKBD, Sub-PPKBD, Pok KB, BKB, BKR, BKL, UPPKA, PIK-R). */
  units: Partial<Record<StockUnit, number>>
  /** Every value found, with the period it holds from (`pus` → `2026-01`). */
  asOf: Partial<Record<StockKey, { value: number; period: string }>>
}

/**
 * The stocks of each desa asked for as of `period` (YYYY-MM), the latest value on or before it
 * per key. Desa with no stock at all are absent from the map.
 */
export async function stocksFor(
  db: DbOrTx,
  params: { period: string; desaCodes: string[] }
): Promise<Map<string, DesaStockRow>> {
  const result = new Map<string, DesaStockRow>()
  if (params.desaCodes.length === 0) return result
  const rows = rowsOf<{ desa_code: string; key: string; period: string; value: unknown }>(
    await db.execute(sql`select distinct on (desa_code, key) desa_code, key, period, value
      from ${desaStocks}
      where period <= ${params.period} and desa_code in (${sql.join(
        params.desaCodes.map((c) => sql`${c}`),
        sql`, `
      )})
      order by desa_code, key, period desc`)
  )
  for (const row of rows) {
    let stock = result.get(row.desa_code)
    if (!stock) {
      stock = {
        desaCode: row.desa_code,
        pus: null,
        ppmTarget: {},
        ppmTotal: null,
        units: {},
        asOf: {},
      }
      result.set(row.desa_code, stock)
    }
    const value = toNumber(row.value)
    stock.asOf[row.key as StockKey] = { value, period: row.period }
    if (row.key === 'pus') stock.pus = value
    else if (row.key === 'ppm_total') stock.ppmTotal = value
    else if (row.key.startsWith('ppm_')) {
      const code = row.key.slice(4).toUpperCase() as PpmMethodCode
      if (PPM_METHOD_CODES.includes(code)) stock.ppmTarget[code] = value
    } else if (row.key.startsWith('unit_')) {
      const unit = row.key.slice(5) as StockUnit
      if (STOCK_UNITS.includes(unit)) stock.units[unit] = value
    }
  }
  for (const stock of result.values()) {
    const targets = Object.values(stock.ppmTarget)
    if (stock.ppmTotal === null && targets.length > 0) {
      stock.ppmTotal = targets.reduce((a, n) => a + n, 0)
    }
  }
  return result
}

/** What storing one value did. */
export type StockWrite = 'accepted' | 'updated' | 'unchanged'

/** Stores the values of one desa and period; a value already stored for them is replaced. */
export async function upsertStocks(
  db: DbOrTx,
  params: {
    desaCode: string
    period: string
    values: Partial<Record<StockKey, number>>
    now: Date
  }
): Promise<StockWrite> {
  const entries = Object.entries(params.values) as [StockKey, number][]
  if (entries.length === 0) return 'unchanged'
  const before = rowsOf<{ key: string; value: unknown }>(
    await db.execute(sql`select key, value from ${desaStocks}
      where desa_code = ${params.desaCode} and period = ${params.period}`)
  )
  const existing = new Map(before.map((r) => [r.key, toNumber(r.value)]))
  const changed = entries.filter(([key, value]) => existing.get(key) !== value)
  if (changed.length === 0) return 'unchanged'
  await db
    .insert(desaStocks)
    .values(
      changed.map(([key, value]) => ({
        desaCode: params.desaCode,
        period: params.period,
        key,
        value,
        importedAt: params.now,
      }))
    )
    .onConflictDoUpdate({
      target: [desaStocks.desaCode, desaStocks.key, desaStocks.period],
      set: { value: sql`excluded.value`, importedAt: sql`excluded.imported_at` },
    })
  return changed.some(([key]) => existing.has(key)) ? 'updated' : 'accepted'
}
