/**
 * The result of one CSV import, row by row, and its Indonesian rendering for the admin who ran it
 * (`npm run import`). Rows show the line number, the outcome, the reason of a rejection and the
 * person's name; never a phone number.
 * @module
 */
import { REPORT_MESSAGES } from './messages.js'

/** What happened to one row: a new record, a changed one, an identical one, or nothing. */
export type ImportRowStatus = 'accepted' | 'updated' | 'unchanged' | 'rejected'

export type ImportReportRow = {
  /** The row's line in the file; the header is line 1. */
  line: number
  status: ImportRowStatus
  /** Why the row was rejected, in Indonesian. */
  reason?: string
  /** The name in the row, when it had one. */
  name?: string
}

export type ImportReport = {
  rows: ImportReportRow[]
  accepted: number
  updated: number
  unchanged: number
  rejected: number
  /** Header cells that matched no column and were not read. */
  ignoredColumns: string[]
}

/** Builds a report from its rows, counting each status. */
export function createImportReport(
  rows: ImportReportRow[],
  ignoredColumns: string[] = []
): ImportReport {
  const count = (status: ImportRowStatus) => rows.filter((row) => row.status === status).length
  return {
    rows,
    accepted: count('accepted'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
    ignoredColumns,
  }
}

/** How far an import has come: rows read, rows written (new, changed or same) and rejected. */
export type ImportProgress = { processed: number; accepted: number; rejected: number }

/** Told of an import's progress after each batch; the import waits for it. */
export type OnImportProgress = (progress: ImportProgress) => void | Promise<void>

/** Rows of a report as an import adds them, in any order, with the running counts. */
export type ImportReportCollector = {
  add: (row: ImportReportRow) => void
  progress: () => ImportProgress
  /** The report, rows in file order. */
  finish: (ignoredColumns: string[]) => ImportReport
}

export function createImportReportCollector(): ImportReportCollector {
  const rows: ImportReportRow[] = []
  let rejected = 0
  return {
    add(row) {
      rows.push(row)
      if (row.status === 'rejected') rejected++
    },
    progress: () => ({ processed: rows.length, accepted: rows.length - rejected, rejected }),
    finish: (ignoredColumns) =>
      createImportReport(
        rows.sort((a, b) => a.line - b.line),
        ignoredColumns
      ),
  }
}

/**
 * The report as lines of Indonesian text: ignored columns (if any), one line per row
 * (`baris 2: diterima (Siti Rahayu)`, `baris 5: ditolak (Budi): nomor telepon tidak valid`), then
 * the summary (`4 diterima, 1 diperbarui, 0 tidak berubah, 1 ditolak`).
 */
export function formatImportReport(report: ImportReport): string[] {
  const lines: string[] = []
  if (report.ignoredColumns.length > 0) {
    lines.push(REPORT_MESSAGES.ignoredColumns(report.ignoredColumns))
  }
  for (const row of report.rows) {
    const name = row.name === undefined ? '' : ` (${row.name})`
    const reason = row.reason === undefined ? '' : `: ${row.reason}`
    lines.push(`${REPORT_MESSAGES.line(row.line)}: ${REPORT_MESSAGES[row.status]}${name}${reason}`)
  }
  lines.push(REPORT_MESSAGES.summary(report))
  return lines
}
