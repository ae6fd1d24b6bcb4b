/**
 * Downloads of visits, the attendance sheet (daftar hadir order) and indicators as CSV and XLSX,
 * read back (XLSX with exceljs) and compared with the hand-seeded month of `test/harness/api.ts`;
 * every export is audit-logged.
 */
import ExcelJS from 'exceljs'
import { asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { auditLog, trainingSessions } from '../../src/db/schema/index.js'
import { useSeededApiMonth } from '../harness/api.js'

const month = useSeededApiMonth()

const BOM = '\uFEFF'

async function csv(path: string): Promise<string[]> {
  const response = await month.api.get(path)
  expect(response.status, await response.clone().text()).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  // Read the bytes: `response.text()` would drop the BOM the file must start with.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer())
  expect(text.startsWith(BOM)).toBe(true)
  return text.slice(1).split('\r\n').slice(0, -1)
}

async function xlsx(path: string): Promise<ExcelJS.Worksheet> {
  const response = await month.api.get(path)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  )
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never)
  expect(workbook.worksheets).toHaveLength(1)
  return workbook.worksheets[0]!
}

const VISIT_HEADER =
  'Nomor laporan,Kode program,Periode,Tanggal kunjungan,Kode kecamatan,Kecamatan,Kode desa,' +
  'Desa/kelurahan,ID kader,ID keluarga,Sasaran,Status KB,Metode KB,Rencana kehamilan,Risiko 4T,' +
  'Risiko lingkungan,Tindakan,Rujukan ke,Alasan rujukan,Status rujukan,Tanggal tindak lanjut,' +
  'Duplikat dari,Status,Dilaporkan pada'

describe('visits', () => {
  test('CSV: BOM, Indonesian headers, one line per visit with codes, programme and period', async () => {
    const lines = await csv('/api/v1/exports/visits.csv?period=2025-11')
    expect(lines[0]).toBe(VISIT_HEADER)
    expect(lines).toHaveLength(1 + 4) // V1-V4 are November's
    expect(lines[1]).toBe(
      `KJ-2511-000001,DPPKB-KUNJUNGAN,2025-11,2025-11-03,35.07.24,Singosari,35.07.24.2001,` +
        `Wonorejo,${month.seed.ids.siti},${month.seed.families[0]},pus+krs,ber_kb,suntik_3,,,,kie+rujukan,` +
        `puskesmas,kb,sudah_dilayani,2025-11-20,,submitted,2025-11-03T12:00:00+07:00`
    )
  })

  test('CSV with sep=; for Excel in Indonesia, filtered by region', async () => {
    const lines = await csv('/api/v1/exports/visits.csv?region=35.07.15&sep=%3B')
    expect(lines[0]).toBe(VISIT_HEADER.replaceAll(',', ';'))
    expect(lines.slice(1).map((line) => line.split(';')[0])).toEqual(['KJ-2511-000004'])
  })

  test('XLSX read back: one sheet, the header row, then the rows', async () => {
    const sheet = await xlsx('/api/v1/exports/visits.xlsx')
    expect(sheet.name).toBe('Kunjungan')
    expect(sheet.rowCount).toBe(1 + 5)
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1)
    expect(row(1)).toEqual(VISIT_HEADER.split(','))
    expect(row(2).slice(0, 11)).toEqual([
      'KJ-2511-000001',
      'DPPKB-KUNJUNGAN',
      '2025-11',
      '2025-11-03',
      '35.07.24',
      'Singosari',
      '35.07.24.2001',
      'Wonorejo',
      month.seed.ids.siti,
      month.seed.families[0],
      'pus+krs',
    ])
    expect(row(6)[2]).toBe('2025-10') // V5, October
  })

  test('every export is written to the audit log with its filters', async () => {
    const before = (await month.db.select().from(auditLog)).length
    await csv('/api/v1/exports/visits.csv?period=2025-11&region=35.07.24')
    const rows = await month.db.select().from(auditLog).orderBy(asc(auditLog.id))
    expect(rows).toHaveLength(before + 1)
    expect(rows.at(-1)).toMatchObject({
      actor: 'api:admin_token',
      action: 'export',
      subject: 'visits.csv',
      detail: { period: '2025-11', region: '35.07.24', sep: ',' },
    })
  })
})

describe('attendance (daftar hadir)', () => {
  test('CSV in daftar hadir order: cohort, session date, participant name', async () => {
    // The mentor confirmed her own presence at S1 only, at 07.50 WIB.
    const [s1] = month.seed.sessions as [number]
    await month.db
      .update(trainingSessions)
      .set({ mentorPresentAt: new Date('2025-11-03T00:50:00Z') })
      .where(eq(trainingSessions.id, s1))
    const lines = await csv('/api/v1/exports/attendance.csv?cohort=SGS-01&period=2025-11')
    expect(lines[0]).toBe(
      'Kode program,Kode kelompok,Kode kecamatan,Kecamatan,Periode,Tanggal sesi,No,ID peserta,' +
        'Nama peserta,Kode desa,Desa/kelurahan,Kehadiran,Cara pencatatan,Dicatat pada,' +
        'Mentor hadir pada,Tanda tangan'
    )
    // S3 is cancelled and S4 is in December: S1 and S2 × bunga, citra, nur (by name). Chat
    // check-ins (present or late by code) are signed "hadir via chat"; izin, absent and no
    // record stay blank for a signature on paper.
    const { nur, citra, bunga } = month.seed.ids
    const start = 'IBU-MUDA,SGS-01,35.07.24,Singosari,2025-11'
    const mentor = '2025-11-03T07:50:00+07:00'
    expect(lines.slice(1)).toEqual([
      `${start},2025-11-03,1,${bunga},Bunga Citra,35.07.24.2001,Wonorejo,izin,izin,2025-11-02T19:00:00+07:00,${mentor},`,
      `${start},2025-11-03,2,${citra},Citra Lestari,35.07.24.2002,Dengkol,late,kode,2025-11-03T08:20:00+07:00,${mentor},"hadir via chat, pukul 08.20 WIB"`,
      `${start},2025-11-03,3,${nur},Nur Aini,35.07.24.2001,Wonorejo,present,kode,2025-11-03T07:55:00+07:00,${mentor},"hadir via chat, pukul 07.55 WIB"`,
      `${start},2025-11-10,1,${bunga},Bunga Citra,35.07.24.2001,Wonorejo,,,,,`,
      `${start},2025-11-10,2,${citra},Citra Lestari,35.07.24.2002,Dengkol,absent,auto,2025-11-10T12:05:00+07:00,,`,
      `${start},2025-11-10,3,${nur},Nur Aini,35.07.24.2001,Wonorejo,present,kode,2025-11-10T07:50:00+07:00,,"hadir via chat, pukul 07.50 WIB"`,
    ])
  })

  test('XLSX read back, all months: December session included', async () => {
    const sheet = await xlsx('/api/v1/exports/attendance.xlsx?region=35.07.24')
    expect(sheet.name).toBe('Daftar hadir')
    // 3 sessions not cancelled (S1, S2, S4) × 3 participants.
    expect(sheet.rowCount).toBe(1 + 9)
    expect((sheet.getRow(8).values as unknown[]).slice(1, 10)).toEqual([
      'IBU-MUDA',
      'SGS-01',
      '35.07.24',
      'Singosari',
      '2025-12',
      '2025-12-01',
      1,
      month.seed.ids.bunga,
      'Bunga Citra',
    ])
    // S1 (row 2, bunga: izin) and nur at S1 (row 4, by code at 07.55): the SPJ columns.
    expect(sheet.getRow(1).getCell(15).value).toBe('Mentor hadir pada')
    expect(sheet.getRow(1).getCell(16).value).toBe('Tanda tangan')
    expect(sheet.getRow(2).getCell(16).value).toBeNull()
    expect(sheet.getRow(4).getCell(16).value).toBe('hadir via chat, pukul 07.55 WIB')
  })
})

describe('indicators', () => {
  test('CSV with sep=; writes decimals with a comma', async () => {
    const lines = await csv('/api/v1/exports/indicators.csv?period=2025-11&region=35.07.24&sep=%3B')
    expect(lines[0]).toBe(
      'Kode program;Periode;Kode wilayah;Indikator;Nilai;Satuan;Pembilang;Penyebut;Rumus;Per tanggal;Metode KB;Sumber PUS penyebut'
    )
    // 6 visit indicators, 6 KB indicators and 2 × 9 KB figures by SIGA method, 4 training and
    // 5 effectiveness figures.
    expect(lines).toHaveLength(1 + 6 + 6 + 18 + 4 + 5)
    // 3 visits ÷ 2 active cadres = 1.5 (see lists.test.ts).
    expect(lines[1]).toBe(
      'DPPKB-KUNJUNGAN;2025-11;35.07.24;Kunjungan per kader;1,5;rasio;3;2;kunjungan dalam bulan ÷ kader aktif;;;'
    )
    // No KB register rows here: mCPR over 0 visited PUS is empty, and says which PUS it used.
    expect(lines[11]).toMatch(
      /^DPPKB-KUNJUNGAN;2025-11;35.07.24;mCPR;;persen;0;0;"PUS yang .*";;;visited$/
    )
    expect(lines[13]).toMatch(
      /^DPPKB-KUNJUNGAN;2025-11;35.07.24;Peserta KB aktif: IUD;0;jumlah;;;.*;;IUD;$/
    )
    expect(lines[34]).toBe(
      'IBU-MUDA;2025-11;35.07.24;Capaian target;1;persen;3;300;peserta terdaftar ÷ target program × 100;2025-11-24T08:00:00+07:00;;'
    )
    // Nobody graduated yet: a change in percentage points with n = 0 and no figure.
    expect(lines[35]).toMatch(
      /^IBU-MUDA;2025-11;35.07.24;Perubahan punya usaha;;poin persen;0;0;.*;2025-11-24T08:00:00\+07:00;;$/
    )
  })

  test('XLSX read back keeps numbers as numbers', async () => {
    const sheet = await xlsx('/api/v1/exports/indicators.xlsx?period=2025-11&region=35.07.24')
    expect(sheet.name).toBe('Indikator')
    expect(sheet.getRow(2).getCell(5).value).toBe(1.5)
    expect(sheet.getRow(7).getCell(4).value).toBe('Kesertaan KB PUS yang dikunjungi')
    expect(sheet.getRow(7).getCell(5).value).toBe(33.3)
  })

  test('an unknown region is refused before anything is logged', async () => {
    const before = (await month.db.select().from(auditLog)).length
    const response = await month.api.get(
      '/api/v1/exports/indicators.csv?period=2025-11&region=35.07.99'
    )
    expect(response.status).toBe(400)
    expect(await month.db.select().from(auditLog)).toHaveLength(before)
  })
})
