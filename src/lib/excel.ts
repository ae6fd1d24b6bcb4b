/**
 * A new exceljs workbook, the package loaded on the first one rather than at start-up (it costs
 * about 200 ms of every start). Streamed exports load it the same way (`src/export/xlsx.ts`).
 * @module
 */
import type { Workbook } from 'exceljs'

export async function newWorkbook(): Promise<Workbook> {
  const { default: ExcelJS } = await import('exceljs')
  return new ExcelJS.Workbook()
}
