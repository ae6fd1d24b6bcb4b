/**
 * The monthly recap of Wonorejo for November 2026 from the rows of `fixture.ts`, every figure
 * worked out by hand; the checks before signing; the template as data; the API's JSON, XLSX and
 * PDF (both read back); the kecamatan recap; signing and versions. PGlite, or Postgres with
 * TEST_DATABASE_URL.
 */
import ExcelJS from 'exceljs'
import { PDFParse } from 'pdf-parse'
import { beforeAll, describe, expect, test } from 'vitest'
import { desaRecap } from '../../src/recap/figures.js'
import { PPKBD_TEMPLATE, recapTemplateSchema } from '../../src/recap/template.js'
import { reviewReport } from '../../src/db/queries/validation.js'
import { upsertStocks } from '../../src/db/queries/stocks.js'
import { signRecap } from '../../src/recap/signatures.js'
import { useTestDb } from '../harness/db.js'
import { ADMIN_TOKEN, buildApiApp } from '../harness/api.js'
import {
  DENGKOL,
  NOW,
  PERIOD,
  type RecapSeed,
  SINGOSARI,
  WONOREJO,
  seedRecapMonth,
} from './fixture.js'

const database = useTestDb('file')
let seed: RecapSeed
beforeAll(async () => {
  seed = await seedRecapMonth(database.db)
})

const values = async (period = PERIOD) => {
  const recap = await desaRecap(database.db, { period, desaCode: WONOREJO })
  return { recap, value: (id: string) => recap.figures[id]?.value }
}

describe('the figures of Wonorejo, November 2026', () => {
  test('parts I-V worked out by hand', async () => {
    const { recap, value } = await values()
    expect(recap.desa).toEqual({ code: WONOREJO, name: 'Wonorejo' })
    expect(recap.kecamatan).toEqual({ code: SINGOSARI, name: 'Singosari' })
    // I: existing units are the stocks; PPKBD/Sub-PPKBD reported = cadres with a valid report
    // (siti, dewi); BKB reported = cadres with a valid BKB activity (siti A1/A2, dewi A3) = 2;
    // BKR = siti (A7) = 1; BKL, UPPKA, PIK-R none = 0; Pok KB is not reported by chat.
    expect(
      ['ppkbd', 'sub_ppkbd', 'pok_kb', 'bkb', 'bkr', 'bkl', 'uppka', 'pik_r'].map((u) => [
        value(`units.${u}.existing`),
        value(`units.${u}.reported`),
      ])
    ).toEqual([
      [1, 1],
      [2, 1],
      [3, null],
      [2, 2],
      [1, 1],
      [1, 0],
      [1, 0],
      [1, 0],
    ])
    // II: rapat desa A5 waits (0 valid); KIE A4 = 1; leaders not recorded.
    expect(value('activities.rapat_desa.meetings')).toBe(0)
    expect(value('activities.kie.meetings')).toBe(1)
    expect(value('leaders.active')).toBeNull()
    // III: BKB members = max(20, 24) [siti] + 12 [dewi] = 36; PUS = max(15, 14) + 9 = 24;
    // KB = max(10, 11) + 6 = 17; meetings A1, A2, A3 = 3 (A8 is October).
    // BKR: only the correction A7 counts (A6 corrected): 11, 5, 3, 1 meeting.
    expect(['members', 'pus', 'kb', 'meetings'].map((f) => value(`poktan.bkb.${f}`))).toEqual([
      36, 24, 17, 3,
    ])
    expect(['members', 'pus', 'kb', 'meetings'].map((f) => value(`poktan.bkr.${f}`))).toEqual([
      11, 5, 3, 1,
    ])
    // IV: nothing from BKL, UPPKA.
    expect(['members', 'pus', 'kb', 'meetings'].map((f) => value(`poktan.bkl.${f}`))).toEqual([
      0, 0, 0, 0,
    ])
    // V: PUS imported 400; SUNTIK new this month 1 (F2), year to date 1; IUD 0 this month, 1
    // since January (F1, March); PPM IUD 10 → 10 - 1 = 9 left, SUNTIK 30 → 29; totals 1, 2,
    // 40, 38.
    expect(value('kb.pus')).toBe(400)
    expect(recap.figures['kb.pus']?.source).toBe('stok')
    expect([value('kb.new.SUNTIK.month'), value('kb.new.SUNTIK.ytd')]).toEqual([1, 1])
    expect([value('kb.new.IUD.month'), value('kb.new.IUD.ytd')]).toEqual([0, 1])
    expect([value('kb.ppm.IUD'), value('kb.remaining.IUD')]).toEqual([10, 9])
    expect([value('kb.ppm.SUNTIK'), value('kb.remaining.SUNTIK')]).toEqual([30, 29])
    expect([value('kb.ppm.PIL'), value('kb.remaining.PIL')]).toEqual([0, 0])
    expect(
      ['kb.new.total.month', 'kb.new.total.ytd', 'kb.ppm.total', 'kb.remaining.total'].map(value)
    ).toEqual([1, 2, 40, 38])
    // Reports: valid A1, A2, A3, A4, A7 = 5; waiting A5 = 1; A6 corrected, A8 October.
    expect(recap.reports).toEqual({ valid: 5, waiting: 1, returned: 0 })
    expect(recap.signers).toEqual({ ppkbd: 'Siti Rahayu', upt: 'Yanto Prasetyo' })
  })

  test('the waiting report blocks signing; validated, the recap can be signed, and versions are kept', async () => {
    const before = await values()
    expect(before.recap.checks.map((c) => c.code)).toEqual(['menunggu_validasi'])
    expect(
      await signRecap(database.db, { recap: before.recap, signerId: seed.yanto, now: NOW })
    ).toEqual({ status: 'checks_failed', count: 1 })
    await reviewReport(database.db, {
      kind: 'activity',
      id: seed.activities.A5,
      decision: 'valid',
      reason: null,
      reviewerId: seed.yanto,
      regionPrefix: SINGOSARI,
      now: NOW,
    })
    const after = await values()
    expect(after.recap.checks).toEqual([])
    expect(after.value('activities.rapat_desa.meetings')).toBe(1)
    expect(
      await signRecap(database.db, { recap: after.recap, signerId: seed.yanto, now: NOW })
    ).toEqual({ status: 'signed', version: 1 })
    expect(
      await signRecap(database.db, { recap: after.recap, signerId: seed.yanto, now: NOW })
    ).toEqual({ status: 'unchanged', version: 1 })
  })

  test('reported units above the existing ones fail the check that names the cell; a desa without stocks names them all', async () => {
    await upsertStocks(database.db, {
      desaCode: WONOREJO,
      period: '2026-11',
      values: { unit_bkb: 1 },
      now: NOW,
    })
    const { recap } = await values()
    expect(recap.checks.map((c) => [c.code, c.place])).toEqual([
      ['melebihi', { section: 'I', row: 'BKB', column: 'Yang melapor' }],
    ])
    expect(recap.checks[0]!.message).toEqual({
      key: 'recap:check.melebihi',
      params: { reported: 2, existing: 1, section: 'I', row: 'BKB', column: 'Yang melapor' },
    })
    // The stock of October still says 2: the check follows the month.
    expect((await values('2026-10')).recap.checks.map((c) => c.code)).not.toContain('melebihi')
    await upsertStocks(database.db, {
      desaCode: WONOREJO,
      period: '2026-11',
      values: { unit_bkb: 2 },
      now: NOW,
    })
    const dengkol = await desaRecap(database.db, { period: PERIOD, desaCode: DENGKOL })
    expect(dengkol.checks.map((c) => `${c.code} ${c.figure}`)).toEqual([
      ...['ppkbd', 'sub_ppkbd', 'pok_kb', 'bkb', 'bkr', 'bkl', 'uppka', 'pik_r'].map(
        (u) => `stok_kosong units.${u}.existing`
      ),
      'stok_kosong kb.pus',
      'stok_kosong kb.ppm.total',
    ])
  })
})

describe('the template is data', () => {
  test('a renamed label and an added row change the recap without code', async () => {
    const template = structuredClone(PPKBD_TEMPLATE)
    template.version = 'r-i-ppkbd.test'
    template.sections[0]!.rows[3]!.label = 'Kelompok BKB'
    template.sections[1]!.rows.push({ label: 'PIK-R (kegiatan)', cells: ['poktan.bkb.meetings'] })
    const recap = await desaRecap(database.db, {
      period: PERIOD,
      desaCode: WONOREJO,
      template: recapTemplateSchema.parse(template),
    })
    expect(recap.template.sections[0]!.rows[3]!.label).toBe('Kelompok BKB')
    expect(recap.template.sections[1]!.rows.at(-1)).toEqual({
      label: 'PIK-R (kegiatan)',
      cells: ['poktan.bkb.meetings'],
    })
    // A row whose cells do not match the columns is refused, naming it.
    template.sections[2]!.rows[0]!.cells.pop()
    expect(recapTemplateSchema.safeParse(template).error?.issues[0]?.message).toBe(
      'section III, row "BKB": 3 cells for 4 columns'
    )
  })
})

describe('GET /api/v1/recaps', () => {
  test('JSON: every figure with its formula and source, the same numbers as the model', async () => {
    const api = await buildApiApp(database.db, { adminToken: ADMIN_TOKEN, clock: () => NOW })
    const response = await api.get(`/api/v1/recaps/ppkbd?period=${PERIOD}&region=${WONOREJO}`)
    expect(response.status, await response.clone().text()).toBe(200)
    const body = (await response.json()) as Record<string, unknown> & {
      figures: Record<string, { value: number | null; formula: string; source: string }>
      sections: { id: string }[]
    }
    const { recap } = await values()
    for (const [id, figure] of Object.entries(recap.figures)) {
      expect(body.figures[id]?.value, id).toBe(figure.value)
      expect(body.figures[id]?.formula, id).not.toBe('')
    }
    expect(body.figures['poktan.bkb.members']).toEqual({
      figure: 'poktan.bkb.members',
      value: 36,
      formula: 'Per kelompok (kader) jumlah hadir terbanyak bulan ini, dijumlahkan.',
      source: 'laporan',
      sourceLabel: 'Laporan kader lewat chat',
    })
    expect(body.sections.map((s) => s.id)).toEqual(['I', 'II', 'III', 'IV', 'V'])
    expect(body['periodLabel']).toBe('November 2026')
    expect(body['footer']).toBe(
      `Dibuat oleh kaderbot pada Rabu, 2 Desember 2026 pukul 10.00 WIB. Kode verifikasi: ${recap.verificationCode}`
    )
    expect(body['signed']).toMatchObject({ by: 'Yanto Prasetyo', version: 1 })

    expect(
      (await api.get(`/api/v1/recaps/ppkbd?period=${PERIOD}&region=${SINGOSARI}`)).status
    ).toBe(400)
    expect((await api.get(`/api/v1/recaps/ppkbd?period=2026-13&region=${WONOREJO}`)).status).toBe(
      400
    )
  })

  test('XLSX and PDF read back: every label and figure present', async () => {
    const api = await buildApiApp(database.db, { adminToken: ADMIN_TOKEN, clock: () => NOW })
    const xlsx = await api.get(`/api/v1/recaps/ppkbd.xlsx?period=${PERIOD}&region=${WONOREJO}`)
    expect(xlsx.status).toBe(200)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await xlsx.arrayBuffer())
    const rows = (name: string) => {
      const out: unknown[][] = []
      book.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)))
      return out
    }
    const sheet = rows('Rekap')
    expect(sheet[0]).toEqual(['REKAPITULASI LAPORAN BULANAN PPKBD (R/I/PPKBD)'])
    expect(sheet).toContainEqual(['BKB', 2, 2])
    expect(sheet).toContainEqual(['BKB', 36, 24, 17, 3])
    expect(sheet).toContainEqual(['Jumlah peserta KB baru', 1, 2, 40, 38])
    expect(sheet).toContainEqual(['Pok KB', 3])
    const figures = rows('Angka dan rumus')
    expect(figures).toContainEqual([
      'kb.remaining.IUD',
      9,
      'PPM metode IUD dikurangi peserta KB baru sampai bulan ini (paling kecil 0).',
      'Data stok (impor)',
    ])

    const pdf = await api.get(`/api/v1/recaps/ppkbd.pdf?period=${PERIOD}&region=${WONOREJO}`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    const bytes = new Uint8Array(await pdf.arrayBuffer())
    // F4 portrait: 210 × 330 mm in points.
    expect(Buffer.from(bytes).toString('latin1')).toMatch(/MediaBox \[0 0 595\.28 935\.43\]/)
    const parser = new PDFParse({ data: bytes })
    const info = await parser.getInfo()
    const text = (await parser.getText()).text
    await parser.destroy()
    expect(info.total).toBeGreaterThanOrEqual(1)
    for (const section of PPKBD_TEMPLATE.sections) {
      expect(text).toContain(section.title)
      for (const column of section.columns) expect(text).toContain(column)
      for (const row of section.rows) expect(text).toContain(row.label)
    }
    for (const line of [
      'BKB 2 2',
      'BKB 36 24 17 3',
      'BKR 11 5 3 1',
      'Jumlah PUS 400',
      'IUD 0 1 10 9',
      'Suntik 1 1 30 29',
      'Jumlah peserta KB baru 1 2 40 38',
      'Wonorejo, Rabu, 2 Desember 2026',
      'PPKBD',
      'Kepala UPT / PKB Kecamatan',
      '( Siti Rahayu )',
      '( Yanto Prasetyo )',
      'Dibuat oleh kaderbot pada Rabu, 2 Desember 2026 pukul 10.00 WIB. Kode verifikasi:',
      'Ditandatangani di dasbor oleh Yanto Prasetyo',
    ]) {
      expect(text.replace(/[\t ]+/g, ' ')).toContain(line)
    }
  })

  test('the kecamatan recap: one row per desa and the totals', async () => {
    const api = await buildApiApp(database.db, { adminToken: ADMIN_TOKEN, clock: () => NOW })
    const response = await api.get(`/api/v1/recaps/kecamatan?period=${PERIOD}&region=${SINGOSARI}`)
    expect(response.status, await response.clone().text()).toBe(200)
    const body = (await response.json()) as {
      rows: { desa: { code: string }; values: (number | null)[] }[]
      totals: (number | null)[]
    }
    // Columns: PPKBD existing, reported, valid Poktan meetings (BKB 3 + BKR 1), new acceptors
    // month, year to date, PUS, waiting, failed checks.
    expect(body.rows.find((r) => r.desa.code === WONOREJO)?.values).toEqual([
      1, 1, 4, 1, 2, 400, 0, 0,
    ])
    const dengkol = body.rows.find((r) => r.desa.code === DENGKOL)?.values
    expect(dengkol).toEqual([null, 0, 0, 0, 0, 0, 0, 10])
    expect(body.totals[0]).toBe(1)
    expect(body.totals[3]).toBe(1)
    const xlsx = await api.get(`/api/v1/recaps/kecamatan.xlsx?period=${PERIOD}&region=${SINGOSARI}`)
    expect(xlsx.status).toBe(200)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await xlsx.arrayBuffer())
    const rows: unknown[][] = []
    book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
    expect(rows).toContainEqual(['Wonorejo', 1, 1, 4, 1, 2, 400, 0, 0])
  })
})
