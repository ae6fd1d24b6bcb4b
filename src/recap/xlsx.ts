/**
 * The recap as a workbook (exceljs): the first sheet lays it out like the paper form (sections,
 * rows, values; empty cells for no data), the second lists every figure with its formula and
 * source, so the numbers can be checked in Excel.
 * @module
 */
import { newWorkbook } from '../lib/excel.js'
import type { TextRenderer } from '../messaging/render.js'
import type { RenderedRecap } from './render.js'

/** The workbook of a rendered recap, as bytes. */
export async function recapXlsx(recap: RenderedRecap, i18n: TextRenderer): Promise<Buffer> {
  const text = (key: string) => i18n.render({ key: `recap:doc.${key}` })
  const book = await newWorkbook()
  book.creator = 'kaderbot'
  const sheet = book.addWorksheet(text('sheet'), {
    pageSetup: { orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  })
  sheet.getColumn(1).width = 34
  for (let c = 2; c <= 5; c++) sheet.getColumn(c).width = 16
  sheet.addRow([recap.title]).font = { bold: true, size: 13 }
  sheet.addRow([text('desa'), recap.desa.name, recap.desa.code])
  sheet.addRow([text('kecamatan'), recap.kecamatan.name, recap.kecamatan.code])
  sheet.addRow([text('period'), recap.periodLabel, recap.period])
  sheet.addRow([text('templateVersion'), recap.templateVersion])
  for (const section of recap.sections) {
    sheet.addRow([])
    sheet.addRow([section.title]).font = { bold: true }
    sheet.addRow(['', ...section.columns]).font = { bold: true }
    for (const row of section.rows) {
      sheet.addRow([row.label, ...row.cells.map((cell) => cell?.value ?? null)])
    }
  }
  sheet.addRow([])
  sheet.addRow([recap.reports.text])
  sheet.addRow([recap.checks.length === 0 ? text('checksOk') : text('checksFailed')])
  for (const check of recap.checks) sheet.addRow([check.message])
  sheet.addRow([])
  sheet.addRow([recap.signed ? recap.signed.text : text('draft')])
  sheet.addRow([recap.footer])

  const list = book.addWorksheet(text('figureSheet'))
  const column = (key: string) => text(`column.${key}`)
  list.columns = [
    { header: column('figure'), key: 'figure', width: 26 },
    { header: column('value'), key: 'value', width: 10 },
    { header: column('formula'), key: 'formula', width: 80 },
    { header: column('source'), key: 'source', width: 24 },
  ]
  list.getRow(1).font = { bold: true }
  for (const figure of Object.values(recap.figures)) {
    list.addRow({
      figure: figure.figure,
      value: figure.value,
      formula: figure.formula,
      source: figure.sourceLabel,
    })
  }
  return Buffer.from(await book.xlsx.writeBuffer())
}
