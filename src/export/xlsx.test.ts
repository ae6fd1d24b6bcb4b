import ExcelJS from 'exceljs'
import { describe, expect, test } from 'vitest'
import type { ExportColumn } from './columns.js'
import { xlsxStream } from './xlsx.js'

type Row = { id: number; text: string; at: Date | null }
const columns: ExportColumn<Row>[] = [
  { header: 'ID', value: (row) => row.id },
  { header: 'Teks', value: (row) => row.text },
  { header: 'Waktu', value: (row) => row.at },
]
const OPTIONS = { sheetName: 'Uji', timeZone: 'Asia/Jakarta' }

/** Batches of rows with text that does not compress to nothing, counting the batches read. */
function batches(count: number, size: number) {
  const state = { pulled: 0 }
  async function* generate() {
    for (let b = 0; b < count; b += 1) {
      state.pulled += 1
      yield Array.from({ length: size }, (_, i) => {
        const id = b * size + i
        return { id, text: `baris ${id} ${(id * 2654435761) % 4294967296}`, at: null }
      })
    }
  }
  return { state, rows: generate() }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks)
    chunks.push(value)
  }
}

describe('xlsxStream', () => {
  test('writes a workbook exceljs reads back: header, numbers, texts, empty cells', async () => {
    const source = batches(3, 2)
    const buffer = await readAll(xlsxStream(source.rows, columns, OPTIONS))
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(buffer as never)
    const sheet = workbook.getWorksheet('Uji')!
    expect(sheet.rowCount).toBe(1 + 6)
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['ID', 'Teks', 'Waktu'])
    expect(sheet.getRow(1).font?.bold).toBe(true)
    expect(sheet.getRow(7).getCell(1).value).toBe(5)
    expect(sheet.getRow(7).getCell(2).value).toBe(`baris 5 ${(5 * 2654435761) % 4294967296}`)
    expect(sheet.getRow(7).getCell(3).value).toBeNull()
  })

  test('a reader that stops reading holds back the rows (backpressure)', async () => {
    const source = batches(400, 500)
    const reader = xlsxStream(source.rows, columns, OPTIONS).getReader()
    await reader.read()
    // Give the writer every chance to run ahead.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const early = source.state.pulled
    expect(early).toBeLessThan(400)
    await reader.cancel()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const afterCancel = source.state.pulled
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(source.state.pulled).toBe(afterCancel)
  })
})
