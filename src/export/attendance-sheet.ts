/**
 * The daftar hadir fit for the SPJ, as PDF (pdfmake, set up in `src/lib/pdf.ts`; text kept as text
 * so it reads back) and as a workbook (exceljs): a page, or a worksheet, per session with the
 * header (programme, track, cohort, kecamatan, date and time in WIB style, venue, mentor), a line
 * per participant (no., name, desa, what was recorded, the signature cell), the mentor's own
 * presence, the totals and the signers' block. Texts from `locales/id/training-reports.json`.
 * @module
 */
import { newWorkbook } from '../lib/excel.js'
import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js'
import type { AttendanceSheet, AttendanceSheetLine } from '../db/queries/attendance-sheet.js'
import { displayName } from '../domain/names.js'
import { formatDate, formatDateTime, formatTime, formatZoneName } from '../i18n/format.js'
import type { I18n } from '../i18n/index.js'
import { renderPdf } from '../lib/pdf.js'

/** What the writers need of the texts. */
export type SheetTexts = Pick<I18n, 'render'>

/** The texts of one sheet, rendered once for both writers. */
type SheetView = {
  header: [label: string, value: string][]
  cancelled: string | null
  columns: [no: string, name: string, desa: string, status: string, signature: string]
  lines: [no: number, name: string, desa: string, status: string, signature: string][]
  mentorLine: string
  totals: [label: string, value: number][]
  totalsLabel: string
  place: string
  mentorSigner: { title: string; name: string }
  officialSigner: { knownBy: string; title: string; name: string; nip: string | null }
}

function viewOf(sheet: AttendanceSheet, i18n: SheetTexts, timeZone: string): SheetView {
  const t = (key: string, params?: Record<string, string | number>) =>
    i18n.render({ key: `training-reports:sheet.${key}`, ...(params ? { params } : {}) })
  const clock = (at: Date) => ({
    time: formatTime(at, timeZone),
    zone: formatZoneName(at, timeZone),
  })
  const signature = (line: AttendanceSheetLine) =>
    line.signature.kind === 'chat'
      ? i18n.render({ key: 'api:signature.viaChat', params: clock(line.signature.at) })
      : line.signature.kind === 'mentor'
        ? t('byMentor')
        : ''
  const mentorName = sheet.mentorName === null ? t('noMentor') : displayName(sheet.mentorName)
  const { settings } = sheet
  return {
    header: [
      [t('programme'), sheet.programmeName],
      [t('track'), i18n.render({ key: `certificate:track.${sheet.track}` })],
      [t('cohort'), sheet.cohortCode],
      [t('kecamatan'), sheet.kecamatanName],
      [t('date'), formatDate(sheet.date)],
      [
        t('time'),
        t('timeValue', {
          start: formatTime(sheet.startsAt, timeZone),
          end: formatTime(sheet.endsAt, timeZone),
          zone: formatZoneName(sheet.startsAt, timeZone),
        }),
      ],
      [t('venue'), sheet.venue],
      [t('topic'), sheet.topic],
      [t('mentor'), mentorName],
    ],
    cancelled: sheet.cancelled ? t('cancelled') : null,
    columns: [t('no'), t('name'), t('desa'), t('status'), t('signature')],
    lines: sheet.lines.map((line) => [
      line.no,
      displayName(line.name),
      line.desaName,
      t(`statusOf.${line.status ?? 'none'}`),
      signature(line),
    ]),
    mentorLine:
      sheet.mentorPresentAt === null
        ? t('mentorUnconfirmed', { name: mentorName })
        : t('mentorPresent', { name: mentorName, ...clock(sheet.mentorPresentAt) }),
    totalsLabel: t('totals'),
    totals: [
      [t('totalPresent'), sheet.totals.present],
      [t('totalIzin'), sheet.totals.izin],
      [t('totalAbsent'), sheet.totals.absent],
      [t('totalEnrolled'), sheet.totals.enrolled],
    ],
    place: t('place', { date: sheet.date }),
    mentorSigner: { title: t('mentorSigner'), name: mentorName },
    officialSigner: {
      knownBy: t('knownBy'),
      title: settings.certificateSignerTitle || t('signerTitle'),
      name: settings.certificateSignerName || t('signerName'),
      nip: settings.certificateSignerNip ? t('nip', { nip: settings.certificateSignerNip }) : null,
    },
  }
}

/** One session's page. */
function sheetPage(view: SheetView, title: string): Content[] {
  const body: TableCell[][] = [
    view.columns.map((text) => ({ text, bold: true, alignment: 'center' as const })),
    ...view.lines.map(([no, name, desa, status, signature]) => [
      { text: String(no), alignment: 'right' as const },
      name,
      desa,
      status,
      { text: signature, fontSize: 8 },
    ]),
  ]
  return [
    { text: title, fontSize: 14, bold: true, alignment: 'center', margin: [0, 0, 0, 8] },
    {
      table: {
        widths: [90, '*'],
        body: view.header.map(([label, value]) => [label, `: ${value}`]),
      },
      layout: 'noBorders',
      margin: [0, 0, 0, 6],
    },
    ...(view.cancelled
      ? [{ text: view.cancelled, bold: true, alignment: 'center', margin: [0, 0, 0, 6] } as Content]
      : []),
    {
      table: { headerRows: 1, widths: [24, '*', 90, 70, 130], body, dontBreakRows: true },
      layout: { paddingTop: () => 6, paddingBottom: () => 6 },
    },
    { text: view.mentorLine, margin: [0, 8, 0, 4] },
    {
      table: {
        widths: ['*', 60, 60, 60, 60],
        body: [
          [{ text: view.totalsLabel, bold: true }, ...view.totals.map(([label]) => label)],
          ['', ...view.totals.map(([, value]) => ({ text: String(value), alignment: 'center' }))],
        ],
      },
      margin: [0, 0, 0, 10],
    },
    {
      unbreakable: true,
      columns: [
        {
          width: '*',
          alignment: 'center',
          stack: [
            { text: ' ' },
            { text: view.mentorSigner.title, margin: [0, 0, 0, 44] },
            { text: view.mentorSigner.name, bold: true },
          ],
        },
        {
          width: '*',
          alignment: 'center',
          stack: [
            { text: view.place },
            { text: view.officialSigner.knownBy },
            { text: view.officialSigner.title, margin: [0, 0, 0, 30] },
            { text: view.officialSigner.name, bold: true },
            ...(view.officialSigner.nip ? [{ text: view.officialSigner.nip }] : []),
          ],
        },
      ],
    },
  ] as Content[]
}

export type AttendanceSheetOptions = {
  timeZone: string
  /** When the document is made (printed in the footer). */
  now: Date
}

/** The daftar hadir of one or more sessions as one PDF, a page (or more) per session. */
export async function attendanceSheetPdf(
  sheets: AttendanceSheet[],
  i18n: SheetTexts,
  options: AttendanceSheetOptions
): Promise<Buffer> {
  const title = i18n.render({ key: 'training-reports:sheet.title' })
  const content: Content[] = sheets.map((sheet, index) => ({
    stack: sheetPage(viewOf(sheet, i18n, options.timeZone), title),
    ...(index > 0 ? { pageBreak: 'before' as const } : {}),
  }))
  const printedAt = formatDateTime(options.now, options.timeZone)
  const doc: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [40, 36, 40, 40],
    info: { title },
    defaultStyle: { font: 'Roboto', fontSize: 10 },
    footer: (page, pages) => ({
      text: i18n.render({
        key: 'training-reports:sheet.footer',
        params: { at: printedAt, page, pages },
      }),
      fontSize: 7,
      alignment: 'center',
    }),
    content,
  }
  return renderPdf(doc)
}

/** The daftar hadir of one or more sessions as a workbook, a worksheet per session. */
export async function attendanceSheetXlsx(
  sheets: AttendanceSheet[],
  i18n: SheetTexts,
  options: AttendanceSheetOptions
): Promise<Buffer> {
  const title = i18n.render({ key: 'training-reports:sheet.title' })
  const book = await newWorkbook()
  book.creator = 'kaderbot'
  sheets.forEach((sheet, index) => {
    const view = viewOf(sheet, i18n, options.timeZone)
    const name = i18n.render({
      key: 'training-reports:sheet.sheetName',
      params: { no: index + 1, date: sheet.date },
    })
    const ws = book.addWorksheet(name.slice(0, 31), {
      pageSetup: { orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    })
    for (const [column, width] of [6, 30, 22, 18, 34].entries()) {
      ws.getColumn(column + 1).width = width
    }
    ws.addRow([title]).font = { bold: true, size: 13 }
    for (const [label, value] of view.header) ws.addRow([label, value])
    if (view.cancelled) ws.addRow([view.cancelled]).font = { bold: true }
    ws.addRow([])
    ws.addRow(view.columns).font = { bold: true }
    for (const line of view.lines) ws.addRow(line)
    ws.addRow([])
    ws.addRow([view.mentorLine])
    ws.addRow([view.totalsLabel, ...view.totals.map(([label]) => label)]).font = { bold: true }
    ws.addRow(['', ...view.totals.map(([, value]) => value)])
    ws.addRow([])
    ws.addRow(['', view.mentorSigner.title, '', view.place])
    ws.addRow(['', '', '', view.officialSigner.knownBy])
    ws.addRow(['', '', '', view.officialSigner.title])
    ws.addRow([])
    ws.addRow(['', view.mentorSigner.name, '', view.officialSigner.name])
    if (view.officialSigner.nip) ws.addRow(['', '', '', view.officialSigner.nip])
  })
  return Buffer.from(await book.xlsx.writeBuffer())
}
