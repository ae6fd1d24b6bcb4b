import { describe, expect, test } from 'vitest'
import {
  ImportFileError,
  decodeCsv,
  detectDelimiter,
  normalizeHeader,
  readCsvTable,
} from './csv.js'

const COLUMNS = { name: ['nama', 'name'], phone: ['telepon', 'phone', 'no_hp'] } as const
const read = (text: string) => readCsvTable(text, { columns: COLUMNS, required: ['name'] })

function fileError(run: () => unknown): ImportFileError {
  try {
    run()
  } catch (error) {
    if (error instanceof ImportFileError) return error
    throw error
  }
  throw new Error('expected an ImportFileError')
}

describe('readCsvTable', () => {
  test('semicolons, trimmed cells, file line numbers, empty and separator-only lines skipped', () => {
    const table = read('nama;telepon\n Siti Rahayu ; 0812 \n\n;\n  \nBudi;\n')
    expect(table).toEqual({
      rows: [
        { line: 2, cells: { name: 'Siti Rahayu', phone: '0812' }, tooManyCells: false },
        { line: 6, cells: { name: 'Budi', phone: '' }, tooManyCells: false },
      ],
      ignoredColumns: [],
    })
  })

  test('commas, a BOM, CRLF line endings, quoted cells and any header spelling', () => {
    const table = read('\uFEFFName,"No. HP"\r\n"Rahayu, Siti","0812"\r\n')
    expect(table.rows).toEqual([
      { line: 2, cells: { name: 'Rahayu, Siti', phone: '0812' }, tooManyCells: false },
    ])
  })

  test('missing columns read as empty; unknown columns are ignored and listed', () => {
    const table = read('nama;keterangan;\nSiti;ketua RT;\n')
    expect(table.rows[0]!.cells).toEqual({ name: 'Siti', phone: '' })
    expect(table.ignoredColumns).toEqual(['keterangan'])
  })

  test('a row with more non-empty cells than the header has columns is flagged', () => {
    const table = read('nama;telepon\nSiti;0812;x\nBudi;0813;;\n')
    expect(table.rows.map((row) => row.tooManyCells)).toEqual([true, false])
  })

  test('file errors name the problem in Indonesian', () => {
    expect(fileError(() => read('')).message).toBe('berkas kosong: tidak ada baris judul kolom')
    expect(fileError(() => read('\n;;\n')).code).toBe('IMPORT_FILE')
    expect(fileError(() => read('telepon\n0812\n')).message).toBe(
      'kolom "nama" tidak ada di baris judul (nama lain yang diterima: name)'
    )
    expect(fileError(() => read('nama;telepon;no_hp\n')).message).toBe(
      'kolom "telepon" dan "no_hp" berarti hal yang sama; hapus salah satunya'
    )
    expect(fileError(() => read('nama;telepon\n"Siti;0812\n')).message).toMatch(
      /^berkas CSV rusak di baris \d+: tanda kutip tidak ditutup$/
    )
  })
})

describe('helpers', () => {
  test('normalizeHeader', () => {
    expect(normalizeHeader(' Tahun Lahir ')).toBe('tahun_lahir')
    expect(normalizeHeader('No. HP')).toBe('no_hp')
    expect(normalizeHeader('KODE-WILAYAH')).toBe('kode_wilayah')
  })

  test('detectDelimiter', () => {
    expect(detectDelimiter('nama;telepon;peran')).toBe(';')
    expect(detectDelimiter('name,phone,role')).toBe(',')
    expect(detectDelimiter('nama')).toBe(',')
  })

  test('decodeCsv drops a BOM and refuses text that is not UTF-8', () => {
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a')
    // "Dési" in Windows-1252, as Excel's plain "CSV" saves it.
    expect(() => decodeCsv(new Uint8Array([0x44, 0xe9, 0x73, 0x69]))).toThrow(ImportFileError)
  })
})
