/**
 * The kecamatan recap for the PKB: one row per desa of the kecamatan with the recap's key figures
 * and how many of its checks fail, and the totals. Each row is that desa's own recap, so the two
 * never disagree.
 * @module
 */
import { newWorkbook } from '../lib/excel.js'
import type { DbOrTx } from '../db/client.js'
import { listDesa } from '../db/queries/regions.js'
import type { TextRenderer } from '../messaging/render.js'
import { formatMonth } from '../i18n/format.js'
import { type DesaRecap, desaRecap } from './figures.js'

/** The figures of the kecamatan recap's columns, in order (figure ids of the desa recap). */
export const KECAMATAN_COLUMNS = [
  { key: 'ppkbdExisting', figure: 'units.ppkbd.existing' },
  { key: 'ppkbdReported', figure: 'units.ppkbd.reported' },
  { key: 'meetings', figure: null },
  { key: 'newMonth', figure: 'kb.new.total.month' },
  { key: 'newYtd', figure: 'kb.new.total.ytd' },
  { key: 'pus', figure: 'kb.pus' },
  { key: 'waiting', figure: 'reports.waiting' },
  { key: 'checks', figure: null },
] as const

export type KecamatanRow = { desa: { code: string; name: string }; values: (number | null)[] }

export type KecamatanRecap = {
  level: 'kecamatan'
  period: string
  kecamatan: { code: string; name: string }
  columns: readonly { key: string; figure: string | null }[]
  rows: KecamatanRow[]
  totals: (number | null)[]
}

const POKTAN_MEETINGS = ['bkb', 'bkr', 'bkl', 'uppka'].map((k) => `poktan.${k}.meetings`)

function rowOf(recap: DesaRecap): KecamatanRow {
  const value = (figure: string) => recap.figures[figure]?.value ?? null
  return {
    desa: recap.desa,
    values: KECAMATAN_COLUMNS.map((column) => {
      if (column.key === 'meetings') return POKTAN_MEETINGS.reduce((a, f) => a + (value(f) ?? 0), 0)
      if (column.key === 'checks') return recap.checks.length
      return value(column.figure!)
    }),
  }
}

/** The recap of every desa of a kecamatan for a month, with totals (null when no desa has data). */
export async function kecamatanRecap(
  db: DbOrTx,
  params: { period: string; kecamatan: { code: string; name: string } }
): Promise<KecamatanRecap> {
  const desas = await listDesa(db, params.kecamatan.code)
  const rows: KecamatanRow[] = []
  for (const desa of desas) {
    rows.push(rowOf(await desaRecap(db, { period: params.period, desaCode: desa.code })))
  }
  const totals = KECAMATAN_COLUMNS.map((_, i) => {
    const known = rows.map((r) => r.values[i]).filter((v): v is number => v !== null)
    return known.length === 0 ? null : known.reduce((a, n) => a + n, 0)
  })
  return {
    level: 'kecamatan',
    period: params.period,
    kecamatan: params.kecamatan,
    columns: KECAMATAN_COLUMNS,
    rows,
    totals,
  }
}

/** The kecamatan recap as a workbook: one row per desa and the totals. */
export async function kecamatanXlsx(
  recap: KecamatanRecap,
  deps: { i18n: TextRenderer; timeZone: string }
): Promise<Buffer> {
  const text = (key: string) => deps.i18n.render({ key: `recap:doc.${key}` })
  const book = await newWorkbook()
  const sheet = book.addWorksheet(text('sheet'))
  sheet.addRow([text('kecamatanTitle')]).font = { bold: true }
  sheet.addRow([text('kecamatan'), recap.kecamatan.name, recap.kecamatan.code])
  sheet.addRow([text('period'), formatMonth(`${recap.period}-01`, deps.timeZone), recap.period])
  sheet.addRow([])
  sheet.addRow([text('column.desa'), ...recap.columns.map((c) => text(`column.${c.key}`))]).font = {
    bold: true,
  }
  for (const row of recap.rows) sheet.addRow([row.desa.name, ...row.values])
  sheet.addRow([text('total'), ...recap.totals]).font = { bold: true }
  sheet.getColumn(1).width = 28
  return Buffer.from(await book.xlsx.writeBuffer())
}
