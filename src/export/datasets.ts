/**
 * The columns of each export (docs/domain.md, decision 3: Kemendagri codes, programme code and
 * period in every row), shared by the API's download routes and the dashboard. Headers are texts
 * readers see, from `locales/id/api.json` (`api:columns.<key>`), through the `header` function
 * given.
 * @module
 */
import type { DaftarHadirExportRow, IndicatorRow, VisitListRow } from '../db/queries/listings.js'
import type { ExportColumn, ExportValue } from './columns.js'

/** Looks up a column header by its key (`desaCode` → "Kode desa"). */
export type HeaderText = (key: string) => string

/** Builds columns whose header key is also the row field they read. */
function fields<T>(header: HeaderText, keys: readonly (keyof T & string)[]): ExportColumn<T>[] {
  return keys.map((key) => ({
    header: header(key),
    value: (row: T) => row[key] as ExportValue,
  }))
}

/** Visits: reference, programme, period, codes, keys and the recorded answers. */
export function visitColumns(header: HeaderText): ExportColumn<VisitListRow>[] {
  return fields<VisitListRow>(header, [
    'reference',
    'programmeCode',
    'period',
    'visitDate',
    'kecamatanCode',
    'kecamatanName',
    'desaCode',
    'desaName',
    'cadreId',
    'familyId',
    'sasaran',
    'kbStatus',
    'kbMethod',
    'kbIntent',
    'risk4t',
    'envRisks',
    'actions',
    'referralTarget',
    'referralReason',
    'referralStatus',
    'followUpDate',
    'duplicateOf',
    'status',
    'createdAt',
  ])
}

/**
 * The attendance sheet (daftar hadir): programme, cohort, session, the line number, participant
 * and what was recorded. No izin reasons (they can be health data: docs/domain.md#privacy).
 */
export function daftarHadirColumns(header: HeaderText): ExportColumn<DaftarHadirExportRow>[] {
  return [
    ...fields<DaftarHadirExportRow>(header, [
      'programmeCode',
      'cohortCode',
      'kecamatanCode',
      'kecamatanName',
      'period',
      'sessionDate',
      'no',
      'personId',
      'name',
      'desaCode',
      'desaName',
    ]),
    { header: header('attendanceStatus'), value: (row) => row.status },
    ...fields<DaftarHadirExportRow>(header, ['method', 'recordedAt']),
  ]
}

/** An indicator row with the label and formula a reader sees. */
export type LabelledIndicatorRow = Omit<IndicatorRow, 'key' | 'method'> & {
  key: string
  method: string | null
  label: string
  formula: string
}

/** Indicators: programme, period, region, the figure, its counts and its formula. */
export function indicatorColumns(
  header: HeaderText,
  unitText: (unit: IndicatorRow['unit']) => string
): ExportColumn<LabelledIndicatorRow>[] {
  return [
    ...fields<LabelledIndicatorRow>(header, ['programmeCode', 'period', 'regionCode']),
    { header: header('indicator'), value: (row) => row.label },
    ...fields<LabelledIndicatorRow>(header, ['value']),
    { header: header('unit'), value: (row) => unitText(row.unit) },
    ...fields<LabelledIndicatorRow>(header, ['numerator', 'denominator', 'formula', 'asOf']),
    { header: header('kbMethod'), value: (row) => row.method },
    { header: header('denominatorSource'), value: (row) => row.denominatorSource },
  ]
}
