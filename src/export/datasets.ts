/**
 * The columns of each export (docs/domain.md, decision 3: Kemendagri codes, programme code and
 * period in every row), shared by the API's download routes and the dashboard. Headers are texts
 * readers see, from `locales/id/api.json` (`api:columns.<key>`), through the `header` function
 * given.
 * @module
 */
import type { DaftarHadirExportRow } from '../db/queries/listings.js'
import {
  type IndicatorRecord,
  type IndicatorUnit,
  type VisitRecord,
  visitRecordSchema,
} from '../domain/records.js'
import type { I18n } from '../i18n/index.js'
import { formatTime, formatZoneName } from '../i18n/format.js'
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

/** The visit export's fields: every field of the visit record but its row id, in its order. */
const VISIT_EXPORT_KEYS = visitRecordSchema.keyof().exclude(['id']).options

/** Visits: reference, programme, period, codes, keys and the recorded answers. */
export function visitColumns(header: HeaderText): ExportColumn<VisitRecord>[] {
  return fields<VisitRecord>(header, VISIT_EXPORT_KEYS)
}

/** Check-in methods by which the participant herself checked in by chat. */
const CHAT_CHECK_INS: readonly (string | null)[] = ['kode', 'lokasi']

/** The signature cell of a chat check-in: "hadir via chat, pukul 08.05 WIB". */
export function chatSignature(i18n: Pick<I18n, 'render'>, timeZone: string): (at: Date) => string {
  return (at) =>
    i18n.render({
      key: 'api:signature.viaChat',
      params: { time: formatTime(at, timeZone), zone: formatZoneName(at, timeZone) },
    })
}

/**
 * The attendance sheet (daftar hadir), fit for the SPJ: programme, cohort, session, the line
 * number, participant, what was recorded, when the mentor confirmed her own presence, and a
 * signature column: for a participant who checked in by chat (present or late, by code or
 * location) "hadir via chat, pukul …" from `signature`, else blank to be signed on paper. No izin
 * reasons (they can be health data: docs/domain.md#privacy).
 */
export function daftarHadirColumns(
  header: HeaderText,
  signature: (at: Date) => string
): ExportColumn<DaftarHadirExportRow>[] {
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
    ...fields<DaftarHadirExportRow>(header, ['method', 'recordedAt', 'mentorPresentAt']),
    {
      header: header('signature'),
      value: (row) =>
        (row.status === 'present' || row.status === 'late') &&
        CHAT_CHECK_INS.includes(row.method) &&
        row.recordedAt !== null
          ? signature(row.recordedAt)
          : null,
    },
  ]
}

/** Indicators: programme, period, region, the figure, its counts and its formula. */
export function indicatorColumns(
  header: HeaderText,
  unitText: (unit: IndicatorUnit) => string
): ExportColumn<IndicatorRecord>[] {
  return [
    ...fields<IndicatorRecord>(header, ['programmeCode', 'period', 'regionCode']),
    { header: header('indicator'), value: (row) => row.label },
    ...fields<IndicatorRecord>(header, ['value']),
    { header: header('unit'), value: (row) => unitText(row.unit) },
    ...fields<IndicatorRecord>(header, ['numerator', 'denominator', 'formula', 'asOf']),
    { header: header('kbMethod'), value: (row) => row.method },
    { header: header('denominatorSource'), value: (row) => row.denominatorSource },
  ]
}
