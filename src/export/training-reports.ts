/**
 * The columns of the training's report downloads: the effectiveness breakdown (a row per cohort
 * or kecamatan, and the total, each figure with its n) and the tracer respondents (name, phone,
 * kecamatan, cohort, wave and when answered, for the incentive; admins only). Headers from
 * `locales/id/training-reports.json` (`training-reports:columns.<key>`) through `header`.
 * @module
 */
import type { TracerRespondent } from '../db/queries/tracer.js'
import type { TrainingEffectiveness } from '../db/queries/training-indicators.js'
import type { ExportColumn } from './columns.js'
import type { HeaderText } from './datasets.js'

/** One row of the effectiveness breakdown download. */
export type EffectivenessExportRow = {
  programmeCode: string
  /** The cohort code, the kecamatan code, or the scope's region code for the total. */
  code: string
  /** The kecamatan's name, or the total's label. */
  name: string
  figures: TrainingEffectiveness
  asOf: Date
}

/** The effectiveness breakdown: each share and change with the n it is computed over. */
export function effectivenessColumns(header: HeaderText): ExportColumn<EffectivenessExportRow>[] {
  const column = (
    key: string,
    value: ExportColumn<EffectivenessExportRow>['value']
  ): ExportColumn<EffectivenessExportRow> => ({ header: header(key), value })
  return [
    column('programmeCode', (row) => row.programmeCode),
    column('groupCode', (row) => row.code),
    column('group', (row) => row.name),
    column('businessN', (row) => row.figures.businessStartChange.n),
    column('businessBaseline', (row) => row.figures.businessStartChange.baseline.value),
    column('businessLatest', (row) => row.figures.businessStartChange.latest.value),
    column('businessChange', (row) => row.figures.businessStartChange.change),
    column('onlineN', (row) => row.figures.onlineSellingChange.n),
    column('onlineBaseline', (row) => row.figures.onlineSellingChange.baseline.value),
    column('onlineLatest', (row) => row.figures.onlineSellingChange.latest.value),
    column('onlineChange', (row) => row.figures.onlineSellingChange.change),
    column('incomeN', (row) => row.figures.incomeBracketUp.denominator),
    column('incomeUp', (row) => row.figures.incomeBracketUp.value),
    column('asOf', (row) => row.asOf),
  ]
}

/** Who answered which wave: for the pulsa or transport incentive paid outside the product. */
export function tracerColumns(header: HeaderText): ExportColumn<TracerRespondent>[] {
  return (
    [
      'programmeCode',
      'kecamatanCode',
      'kecamatanName',
      'cohortCode',
      'name',
      'phone',
      'wave',
      'answeredAt',
    ] as const
  ).map((key) => ({ header: header(key), value: (row: TracerRespondent) => row[key] }))
}
