import { describe, expect, test } from 'vitest'
import {
  ImportFileError,
  type CsvSource,
  decodeCsv,
  detectDelimiter,
  normalizeHeader,
  openCsvTable,
  readCsvTable,
} from './csv.js'

const COLUMNS = { name: ['nama', 'name'], phone: ['telepon', 'phone', 'no_hp'] } as const
const read = (source: CsvSource) => readCsvTable(source, { columns: COLUMNS, required: ['name'] })

async function fileError(run: () => Promise<unknown>): Promise<ImportFileError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof ImportFileError) return error
    throw error
  }
  throw new Error('expected an ImportFileError')
}

/** The bytes of `text` cut into chunks of `size` bytes, as a file stream delivers them. */
async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

describe('readCsvTable', () => {
  test('semicolons, trimmed cells, file line numbers, empty and separator-only lines skipped', async () => {
    const table = await read('nama;telepon\n Siti Rahayu ; 0812 \n\n;\n  \nBudi;\n')
    expect(table).toEqual({
      rows: [
        { line: 2, cells: { name: 'Siti Rahayu', phone: '0812' }, tooManyCells: false },
        { line: 6, cells: { name: 'Budi', phone: '' }, tooManyCells: false },
      ],
      ignoredColumns: [],
    })
  })

  test('commas, a BOM, CRLF line endings, quoted cells and any header spelling', async () => {
    const table = await read('\uFEFFName,"No. HP"\r\n"Rahayu, Siti","0812"\r\n')
    expect(table.rows).toEqual([
      { line: 2, cells: { name: 'Rahayu, Siti', phone: '0812' }, tooManyCells: false },
    ])
  })

  test('missing columns read as empty; unknown columns are ignored and listed', async () => {
    const table = await read('nama;keterangan;\nSiti;ketua RT;\n')
    expect(table.rows[0]!.cells).toEqual({ name: 'Siti', phone: '' })
    expect(table.ignoredColumns).toEqual(['keterangan'])
  })

  test('a row with more non-empty cells than the header has columns is flagged', async () => {
    const table = await read('nama;telepon\nSiti;0812;x\nBudi;0813;;\n')
    expect(table.rows.map((row) => row.tooManyCells)).toEqual([true, false])
  })

  test('file errors name the problem in Indonesian', async () => {
    expect((await fileError(() => read(''))).message).toBe(
      'berkas kosong: tidak ada baris judul kolom'
    )
    expect((await fileError(() => read('\n;;\n'))).code).toBe('IMPORT_FILE')
    expect((await fileError(() => read('telepon\n0812\n'))).message).toBe(
      'kolom "nama" tidak ada di baris judul (nama lain yang diterima: name)'
    )
    expect((await fileError(() => read('nama;telepon;no_hp\n'))).message).toBe(
      'kolom "telepon" dan "no_hp" berarti hal yang sama; hapus salah satunya'
    )
    expect((await fileError(() => read('nama;telepon\n"Siti;0812\n'))).message).toMatch(
      /^berkas CSV rusak di baris \d+: tanda kutip tidak ditutup$/
    )
  })

  test('a stream in small chunks: CRLF and a multi-byte letter split between chunks', async () => {
    const text = '\uFEFFnama;telepon\r\nDési Ratnasari;0812\r\n\r\nBudi;0813\r\n'
    for (const size of [1, 2, 3, 7]) {
      const table = await read(chunksOf(text, size))
      expect(table.rows).toEqual([
        { line: 2, cells: { name: 'Dési Ratnasari', phone: '0812' }, tooManyCells: false },
        { line: 4, cells: { name: 'Budi', phone: '0813' }, tooManyCells: false },
      ])
    }
  })

  test('rows come while the file is still being read; a bad byte late in the file stops it', async () => {
    let openGate = (): void => undefined
    const gate = new Promise<void>((resolve) => (openGate = resolve))
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('nama;telepon\nSiti;0812\nBudi;0813\n')
      await gate
      yield new Uint8Array([0x44, 0xe9, 0x73, 0x69, 0x0a]) // "Dési" in Windows-1252
    }
    const table = await openCsvTable(slow(), { columns: COLUMNS, required: ['name'] })
    const rows = table.rows[Symbol.asyncIterator]()
    // The first row arrives before the rest of the file exists (csv-parse holds a chunk's last).
    expect((await rows.next()).value).toMatchObject({ line: 2, cells: { name: 'Siti' } })
    openGate()
    await expect(rows.next()).rejects.toThrow(
      'berkas bukan teks UTF-8; di Excel simpan ulang sebagai "CSV UTF-8"'
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
