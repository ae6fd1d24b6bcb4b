import { describe, expect, test } from 'vitest'
import type { ExportColumn } from './columns.js'
import { csvField, csvLine, csvStream } from './csv.js'

const WIB = { timeZone: 'Asia/Jakarta' }

describe('csvField', () => {
  test('quotes fields holding the separator, quotes or line breaks', () => {
    expect(csvField('Balai Desa, Wonorejo', WIB)).toBe('"Balai Desa, Wonorejo"')
    expect(csvField('Balai Desa, Wonorejo', { ...WIB, separator: ';' })).toBe(
      'Balai Desa, Wonorejo'
    )
    expect(csvField('a;b', { ...WIB, separator: ';' })).toBe('"a;b"')
    expect(csvField('Pak "Budi"', WIB)).toBe('"Pak ""Budi"""')
    expect(csvField('baris\nbaru', WIB)).toBe('"baris\nbaru"')
  })

  test('disarms text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")', WIB)).toBe('"\'=HYPERLINK(""http://x"")"')
    expect(csvField('+62812', WIB)).toBe("'+62812")
    expect(csvField('@SUM(A1)', WIB)).toBe("'@SUM(A1)")
    expect(csvField(-7.5, WIB)).toBe('-7.5')
  })

  test('writes decimals with a comma for the Indonesian separator', () => {
    expect(csvField(33.3, WIB)).toBe('33.3')
    expect(csvField(33.3, { ...WIB, separator: ';' })).toBe('33,3')
  })

  test('instants in the zone with offset, lists joined with +, nothing as empty', () => {
    expect(csvField(new Date('2025-11-03T01:20:00Z'), WIB)).toBe('2025-11-03T08:20:00+07:00')
    expect(csvField(['pus', 'krs'], WIB)).toBe('pus+krs')
    expect(csvField(null, WIB)).toBe('')
    expect(csvField(true, WIB)).toBe('ya')
  })
})

describe('csvStream', () => {
  type Row = { id: number; name: string }
  const columns: ExportColumn<Row>[] = [
    { header: 'ID', value: (row) => row.id },
    { header: 'Nama', value: (row) => row.name },
  ]

  test('BOM and header first, then one chunk per batch, pulled as the reader reads', async () => {
    const pulled: number[] = []
    async function* batches() {
      pulled.push(1)
      yield [{ id: 1, name: 'Siti' }]
      pulled.push(2)
      yield [{ id: 2, name: 'Ani, S.Pd' }]
    }
    const reader = csvStream(batches(), columns, WIB).getReader()
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
    const first = await reader.read()
    expect(decoder.decode(first.value)).toBe('\uFEFFID,Nama\r\n')
    const second = await reader.read()
    expect(decoder.decode(second.value)).toBe('1,Siti\r\n')
    const third = await reader.read()
    expect(decoder.decode(third.value)).toBe('2,"Ani, S.Pd"\r\n')
    expect(pulled).toEqual([1, 2])
    expect((await reader.read()).done).toBe(true)
  })

  test('cancelling stops reading batches', async () => {
    let finished = false
    async function* batches() {
      try {
        for (let i = 0; ; i += 1) yield [{ id: i, name: 'x' }]
      } finally {
        finished = true
      }
    }
    const reader = csvStream(batches(), columns, WIB).getReader()
    await reader.read()
    await reader.read()
    await reader.cancel()
    expect(finished).toBe(true)
  })

  test('csvLine ends with CRLF', () => {
    expect(csvLine({ id: 3, name: 'Nur' }, columns, { ...WIB, separator: ';' })).toBe('3;Nur\r\n')
  })
})
