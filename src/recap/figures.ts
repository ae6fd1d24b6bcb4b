/**
 * The figures of a desa's monthly recap (R/I/PPKBD, docs/domain.md "Monthly recap"), each with its
 * value, its formula and its source, and the checks that must pass before it is signed: reported
 * units never exceed existing units, the stocks are present, and no report waits for validation.
 * Flows are counted from chat (valid Poktan activities and reports); stocks come from the import.
 * @module
 */
import { createHash } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type KbRecapRow, kbRecap } from '../db/queries/kb-register.js'
import { type ActivityFigures, activityFigures } from '../db/queries/poktan-activities.js'
import { type DesaStockRow, stocksFor } from '../db/queries/stocks.js'
import {
  type ReportCounts,
  cadresWithValidReports,
  reportCounts,
} from '../db/queries/validation.js'
import { people, regions } from '../db/schema/index.js'
import { PPM_METHOD_CODES, SIGA_METHOD_CODES, STOCK_UNITS, type StockUnit } from '../domain/kb.js'
import { POKTAN_KINDS } from '../domain/poktan.js'
import type { Text } from '../engine/index.js'
import { type CellPlace, PPKBD_TEMPLATE, type RecapTemplate, placeOf } from './template.js'

/** Where a figure comes from. */
export const FIGURE_SOURCES = ['stok', 'laporan', 'register', 'tidak_ada'] as const
export type FigureSource = (typeof FIGURE_SOURCES)[number]

/** One figure: its value (null: no data), how it is worked out, and from what. */
export type Figure = { value: number | null; formula: Text; source: FigureSource }

/** A check before signing that failed, naming the cell it is about. */
export type RecapCheck = {
  code: 'melebihi' | 'stok_kosong' | 'menunggu_validasi'
  figure: string
  place: CellPlace | null
  message: Text
}

export type RecapRegion = { code: string; name: string }

/** A desa's recap of a month: the figures, the failed checks, the people who sign. */
export type DesaRecap = {
  level: 'desa'
  period: string
  desa: RecapRegion
  kecamatan: RecapRegion
  template: RecapTemplate
  figures: Record<string, Figure>
  checks: RecapCheck[]
  reports: ReportCounts
  signers: { ppkbd: string | null; upt: string | null }
  /** Printed in the footer: the same figures always give the same code. */
  verificationCode: string
}

/** Thrown when the region asked for is not a desa or kelurahan. */
export class NotADesaError extends Error {
  readonly code = 'NOT_A_DESA' as const
  constructor(regionCode: string) {
    super(`${regionCode} is not a desa or kelurahan`)
    this.name = 'NotADesaError'
  }
}

const formula = (key: string, params?: Text['params']): Text =>
  params ? { key: `recap:formula.${key}`, params } : { key: `recap:formula.${key}` }

const sum = (values: (number | undefined)[]): number =>
  values.reduce<number>((a, n) => a + (n ?? 0), 0)

/** The figures of one desa from what the queries answered (pure: the tests work them by hand). */
export function desaFigures(input: {
  stock: DesaStockRow | undefined
  kb: KbRecapRow | undefined
  activities: ActivityFigures[]
  reports: ReportCounts
  cadres: { ppkbd: number; subPpkbd: number }
}): Record<string, Figure> {
  const figures: Record<string, Figure> = {}
  const set = (id: string, figure: Figure) => {
    figures[id] = figure
  }
  const activity = (kind: string) => input.activities.find((a) => a.kind === kind)

  for (const unit of STOCK_UNITS) {
    const existing = input.stock?.units[unit]
    set(`units.${unit}.existing`, {
      value: existing ?? null,
      formula: formula('unitsExisting', {
        period: input.stock?.asOf[`unit_${unit}`]?.period ?? '-',
      }),
      source: existing === undefined ? 'tidak_ada' : 'stok',
    })
    set(`units.${unit}.reported`, reportedUnits(unit, input))
  }
  for (const kind of ['rapat_desa', 'kie'] as const) {
    set(`activities.${kind}.meetings`, {
      value: activity(kind)?.meetings ?? 0,
      formula: formula('meetings'),
      source: 'laporan',
    })
  }
  set('leaders.active', { value: null, formula: formula('notRecorded'), source: 'tidak_ada' })
  for (const kind of POKTAN_KINDS) {
    const a = activity(kind)
    set(`poktan.${kind}.members`, {
      value: a?.members ?? 0,
      formula: formula('members'),
      source: 'laporan',
    })
    set(`poktan.${kind}.pus`, {
      value: a?.pusMembers ?? 0,
      formula: formula('pusMembers'),
      source: 'laporan',
    })
    set(`poktan.${kind}.kb`, {
      value: a?.kbMembers ?? 0,
      formula: formula('kbMembers'),
      source: 'laporan',
    })
    set(`poktan.${kind}.meetings`, {
      value: a?.meetings ?? 0,
      formula: formula('meetings'),
      source: 'laporan',
    })
  }

  const kb = input.kb
  set('kb.pus', {
    value: kb?.pus ?? null,
    formula: formula(kb?.pusSource === 'imported' ? 'pusImported' : 'pusVisited'),
    source: kb?.pusSource === 'imported' ? 'stok' : 'register',
  })
  for (const code of SIGA_METHOD_CODES) {
    set(`kb.new.${code}.month`, {
      value: kb?.newAcceptors[code] ?? 0,
      formula: formula('newMonth', { method: code }),
      source: 'register',
    })
    set(`kb.new.${code}.ytd`, {
      value: kb?.newAcceptorsYearToDate[code] ?? 0,
      formula: formula('newYtd', { method: code }),
      source: 'register',
    })
  }
  const hasPpm = kb !== undefined && Object.keys(kb.ppmTarget).length > 0
  for (const code of PPM_METHOD_CODES) {
    set(`kb.ppm.${code}`, {
      value: hasPpm ? (kb.ppmTarget[code] ?? 0) : null,
      formula: formula('ppm', { method: code }),
      source: hasPpm ? 'stok' : 'tidak_ada',
    })
    set(`kb.remaining.${code}`, {
      value: hasPpm ? (kb.remainingToTarget[code] ?? 0) : null,
      formula: formula('remaining', { method: code }),
      source: hasPpm ? 'stok' : 'tidak_ada',
    })
  }
  const monthTotal = sum(SIGA_METHOD_CODES.map((c) => kb?.newAcceptors[c]))
  const ytdTotal = sum(SIGA_METHOD_CODES.map((c) => kb?.newAcceptorsYearToDate[c]))
  const ppmTotal = hasPpm ? sum(PPM_METHOD_CODES.map((c) => kb.ppmTarget[c])) : null
  set('kb.new.total.month', {
    value: monthTotal,
    formula: formula('newMonthTotal'),
    source: 'register',
  })
  set('kb.new.total.ytd', { value: ytdTotal, formula: formula('newYtdTotal'), source: 'register' })
  set('kb.ppm.total', {
    value: ppmTotal,
    formula: formula('ppmTotal'),
    source: hasPpm ? 'stok' : 'tidak_ada',
  })
  set('kb.remaining.total', {
    value: hasPpm ? sum(PPM_METHOD_CODES.map((c) => kb.remainingToTarget[c])) : null,
    formula: formula('remainingTotal'),
    source: hasPpm ? 'stok' : 'tidak_ada',
  })
  set('reports.valid', {
    value: input.reports.valid,
    formula: formula('reportsValid'),
    source: 'laporan',
  })
  set('reports.waiting', {
    value: input.reports.waiting,
    formula: formula('reportsWaiting'),
    source: 'laporan',
  })
  return figures
}

function reportedUnits(
  unit: StockUnit,
  input: { activities: ActivityFigures[]; cadres: { ppkbd: number; subPpkbd: number } }
): Figure {
  if (unit === 'ppkbd') {
    return { value: input.cadres.ppkbd, formula: formula('cadresReported'), source: 'laporan' }
  }
  if (unit === 'sub_ppkbd') {
    return { value: input.cadres.subPpkbd, formula: formula('cadresReported'), source: 'laporan' }
  }
  if (unit === 'pok_kb') {
    return { value: null, formula: formula('notByChat'), source: 'tidak_ada' }
  }
  return {
    value: input.activities.find((a) => a.kind === unit)?.reportingUnits ?? 0,
    formula: formula('groupsReported'),
    source: 'laporan',
  }
}

/** The checks before signing that fail, each naming its cell in the template. */
export function recapChecks(
  template: RecapTemplate,
  figures: Record<string, Figure>
): RecapCheck[] {
  const checks: RecapCheck[] = []
  const fail = (code: RecapCheck['code'], figure: string, params: Text['params'] = {}) => {
    const place = placeOf(template, figure) ?? null
    checks.push({
      code,
      figure,
      place,
      message: {
        key: `recap:check.${code}`,
        params: { ...params, ...(place ?? { section: '-', row: figure, column: '-' }) },
      },
    })
  }
  for (const unit of STOCK_UNITS) {
    const existing = figures[`units.${unit}.existing`]?.value ?? null
    const reported = figures[`units.${unit}.reported`]?.value ?? null
    if (existing === null) fail('stok_kosong', `units.${unit}.existing`)
    else if (reported !== null && reported > existing) {
      fail('melebihi', `units.${unit}.reported`, { reported, existing })
    }
  }
  if (figures['kb.pus']?.source !== 'stok') fail('stok_kosong', 'kb.pus')
  if (figures['kb.ppm.total']?.value === null) fail('stok_kosong', 'kb.ppm.total')
  const waiting = figures['reports.waiting']?.value ?? 0
  if (waiting > 0) fail('menunggu_validasi', 'reports.waiting', { count: waiting })
  // Only cells the template shows can block; a figure it leaves out is not checked.
  return checks.filter((c) => c.place !== null || c.code === 'menunggu_validasi')
}

/** The code printed in the footer: the first 10 hex digits of a hash of what the recap says. */
export function verificationCodeOf(parts: {
  regionCode: string
  period: string
  templateVersion: string
  figures: Record<string, Figure>
}): string {
  const values = Object.entries(parts.figures)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, f]) => `${id}=${f.value ?? '-'}`)
  return createHash('sha256')
    .update([parts.regionCode, parts.period, parts.templateVersion, ...values].join('|'))
    .digest('hex')
    .slice(0, 10)
    .toUpperCase()
}

/** The names of who signs: the desa's PPKBD and the kecamatan's PKB (supervisor). */
async function signers(
  db: DbOrTx,
  desaCode: string,
  kecamatanCode: string
): Promise<DesaRecap['signers']> {
  const first = async (region: string, role: 'kader' | 'supervisor') => {
    const rows = await db
      .select({ name: people.name })
      .from(people)
      .where(
        and(
          eq(people.regionCode, region),
          eq(people.status, 'active'),
          sql`${role} = any(${people.roles})`,
          role === 'kader' ? eq(people.cadreTier, 'ppkbd') : sql`true`
        )
      )
      .orderBy(asc(people.id))
      .limit(1)
    return rows[0]?.name ?? null
  }
  return { ppkbd: await first(desaCode, 'kader'), upt: await first(kecamatanCode, 'supervisor') }
}

/** A desa or kelurahan with its kecamatan, or undefined when the code is not one. */
export async function findDesa(
  db: DbOrTx,
  code: string
): Promise<{ desa: RecapRegion; kecamatan: RecapRegion } | undefined> {
  const [desa] = await db
    .select()
    .from(regions)
    .where(and(eq(regions.code, code), inArray(regions.level, ['desa', 'kelurahan'])))
  if (!desa?.parentCode) return undefined
  const [kecamatan] = await db.select().from(regions).where(eq(regions.code, desa.parentCode))
  if (!kecamatan) return undefined
  return {
    desa: { code: desa.code, name: desa.name },
    kecamatan: { code: kecamatan.code, name: kecamatan.name },
  }
}

/** The recap of one desa for a month (YYYY-MM) in a template (the current one by default). */
export async function desaRecap(
  db: DbOrTx,
  params: { period: string; desaCode: string; template?: RecapTemplate }
): Promise<DesaRecap> {
  const where = await findDesa(db, params.desaCode)
  if (!where) throw new NotADesaError(params.desaCode)
  const template = params.template ?? PPKBD_TEMPLATE
  const scope = { period: params.period, desaCodes: [params.desaCode] }
  const [stocks, kb, activities, reports, cadres, names] = await Promise.all([
    stocksFor(db, scope),
    kbRecap(db, scope),
    activityFigures(db, scope),
    reportCounts(db, scope),
    cadresWithValidReports(db, { period: params.period, desaCode: params.desaCode }),
    signers(db, params.desaCode, where.kecamatan.code),
  ])
  const figures = desaFigures({
    stock: stocks.get(params.desaCode),
    kb: kb.get(params.desaCode),
    activities,
    reports: reports.get(params.desaCode) ?? { valid: 0, waiting: 0, returned: 0 },
    cadres,
  })
  return {
    level: 'desa',
    period: params.period,
    desa: where.desa,
    kecamatan: where.kecamatan,
    template,
    figures,
    checks: recapChecks(template, figures),
    reports: reports.get(params.desaCode) ?? { valid: 0, waiting: 0, returned: 0 },
    signers: names,
    verificationCode: verificationCodeOf({
      regionCode: params.desaCode,
      period: params.period,
      templateVersion: template.version,
      figures,
    }),
  }
}
