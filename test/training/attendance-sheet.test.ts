/**
 * The daftar hadir for the SPJ on a real database: the sheet of a session (header, a line per
 * enrolled participant with her signature cell, the mentor's own presence, the totals, the
 * signers) read back from the PDF and from the workbook, and the dashboard's downloads from the
 * cohort page: a session as PDF or XLSX, the whole cohort as one PDF with a page per session,
 * audit-logged, and refused outside the viewer's region.
 */
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { PDFParse } from 'pdf-parse'
import { expect, test } from 'vitest'
import { listAttendanceSheets } from '../../src/db/queries/attendance-sheet.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { enrollments, programmes, trainingSessions } from '../../src/db/schema/index.js'
import { DEFAULT_PROGRAMME_SETTINGS } from '../../src/domain/training.js'
import { attendanceSheetPdf, attendanceSheetXlsx } from '../../src/export/attendance-sheet.js'
import { createDashboardApp, exportAudits, signInAs, signInWithToken } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { enrolParticipants, morningSession, sewingCohort, wib } from '../harness/training-db.js'
import { TAJINAN, SINGOSARI, seedPerson } from '../harness/visits-db.js'

const handle = useTestDb()

/** After both sessions (1 and 2 December 2026). */
const AFTER = wib('2026-12-03T09:00')

/*
 * Cohort SGS-MJ-01 (mentor Sri Wahyuni), sessions 1 and 2 December 2026, 08.00-12.00 WIB.
 * Session 1, the mentor confirmed by chat at 07.40:
 *   Ani Lestari  present by code at 07.55       → "hadir via chat, pukul 07.55 WIB"
 *   Lilis        present, recorded by the mentor (ABSEN) → "diisi mentor"
 *   Nur Aini     late by location at 08.20      → "hadir via chat, pukul 08.20 WIB"
 *   Wati         izin                           → blank (paper)
 *   Yuni         nothing recorded               → tidak hadir once the session is over
 *   Zahra        withdrawn                      → not on the sheet
 * Totals: hadir 3 (present or late), izin 1, tidak hadir 1, terdaftar 5.
 * Session 2: nothing recorded, mentor not confirmed; tidak hadir 5 after it.
 */
async function seed() {
  const db = handle.db
  const { cohortId, programmeId, mentorId } = await sewingCohort(db)
  await db
    .update(programmes)
    .set({
      settings: {
        ...DEFAULT_PROGRAMME_SETTINGS,
        certificateSignerName: 'Drs. Budi Santoso, M.Si.',
        certificateSignerNip: '19700101 199503 1 001',
      },
    })
    .where(eq(programmes.id, programmeId))
  const planned = wib('2026-11-20T10:00')
  const first = await morningSession(db, { cohortId, topic: 'Pola dasar', now: planned })
  const second = await morningSession(db, {
    cohortId,
    topic: 'Menjahit rok',
    date: '2026-12-02',
    now: planned,
  })
  await db
    .update(trainingSessions)
    .set({ mentorPresentAt: wib('2026-12-01T07:40') })
    .where(eq(trainingSessions.id, first.id))
  const people = await enrolParticipants(db, cohortId, planned, [
    { name: 'Wati' },
    { name: 'nur aini' },
    { name: 'Ani Lestari', regionCode: '35.07.24.2001' },
    { name: 'Lilis' },
    { name: 'Yuni' },
    { name: 'Zahra' },
  ])
  await db
    .update(enrollments)
    .set({ status: 'withdrawn' })
    .where(eq(enrollments.personId, people.Zahra))
  const record = (
    personId: number,
    status: 'present' | 'late' | 'izin',
    method: string,
    time: string
  ) =>
    recordAttendance(db, {
      sessionId: first.id,
      personId,
      status,
      method,
      at: wib(`2026-12-01T${time}`),
      ...(method === 'mentor' ? { recordedBy: mentorId } : {}),
      ...(status === 'izin' ? { reason: 'sakit' } : {}),
    })
  await record(people['Ani Lestari'], 'present', 'kode', '07:55')
  await record(people.Lilis, 'present', 'mentor', '09:10')
  await record(people['nur aini'], 'late', 'lokasi', '08:20')
  await record(people.Wati, 'izin', 'izin', '06:30')
  return { cohortId, first, second, people }
}

test('the sheet of a session: lines, signature cells and totals', async () => {
  const { cohortId, first, people } = await seed()
  const [sheet, ...rest] = await listAttendanceSheets(handle.db, {
    cohortId,
    sessionId: first.id,
    regionPrefix: '35.07',
    asOf: AFTER,
  })
  expect(rest).toEqual([])
  expect(sheet).toMatchObject({
    programmeName: 'Pelatihan Ibu Muda',
    cohortCode: 'SGS-MJ-01',
    track: 'menjahit',
    kecamatanName: 'Singosari',
    date: '2026-12-01',
    venue: 'Balai Desa Ardimulyo',
    mentorName: 'Sri Wahyuni',
    mentorPresentAt: wib('2026-12-01T07:40'),
    totals: { present: 3, izin: 1, absent: 1, enrolled: 5 },
  })
  expect(sheet!.lines.map((l) => [l.no, l.name, l.desaName, l.status, l.signature])).toEqual([
    [1, 'Ani Lestari', 'Wonorejo', 'present', { kind: 'chat', at: wib('2026-12-01T07:55') }],
    [2, 'Lilis', 'Baturetno', 'present', { kind: 'mentor' }],
    // Ordered by name whatever its case (names are stored as typed).
    [3, 'nur aini', 'Baturetno', 'late', { kind: 'chat', at: wib('2026-12-01T08:20') }],
    [4, 'Wati', 'Baturetno', 'izin', { kind: 'paper' }],
    [5, 'Yuni', 'Baturetno', 'absent', { kind: 'paper' }],
  ])
  expect(sheet!.lines.some((l) => l.personId === people.Zahra)).toBe(false)
  // Before the session ends, nothing recorded is not yet tidak hadir.
  const [during] = await listAttendanceSheets(handle.db, {
    cohortId,
    sessionId: first.id,
    regionPrefix: '35.07',
    asOf: wib('2026-12-01T10:00'),
  })
  expect(during!.lines.find((l) => l.name === 'Yuni')!.status).toBeNull()
  expect(during!.totals).toEqual({ present: 3, izin: 1, absent: 0, enrolled: 5 })
  // Outside the reader's region (a Tajinan reader), nothing.
  expect(
    await listAttendanceSheets(handle.db, { cohortId, regionPrefix: TAJINAN, asOf: AFTER })
  ).toEqual([])
})

test('the PDF and the workbook read back', async () => {
  const { cohortId, first } = await seed()
  const sheets = await listAttendanceSheets(handle.db, {
    cohortId,
    regionPrefix: SINGOSARI,
    asOf: AFTER,
  })
  expect(sheets.map((s) => s.date)).toEqual(['2026-12-01', '2026-12-02'])
  const i18n = await testI18n()
  const options = { timeZone: 'Asia/Jakarta', now: AFTER }
  const parser = new PDFParse({
    data: new Uint8Array(await attendanceSheetPdf(sheets, i18n, options)),
  })
  const info = await parser.getInfo()
  const pages = (await parser.getText()).pages.map((p) => p.text.replace(/\s+/g, ' '))
  await parser.destroy()
  expect(info.total).toBe(2)
  for (const part of [
    'DAFTAR HADIR PESERTA PELATIHAN',
    'Program : Pelatihan Ibu Muda',
    'Keterampilan : menjahit',
    'Kelompok : SGS-MJ-01',
    'Kecamatan : Singosari',
    'Hari, tanggal : Selasa, 1 Desember 2026',
    'Waktu : pukul 08.00–12.00 WIB',
    'Tempat : Balai Desa Ardimulyo',
    'Materi : Pola dasar',
    'Mentor : Sri Wahyuni',
    '1 Ani Lestari Wonorejo Hadir hadir via chat, pukul 07.55 WIB',
    '2 Lilis Baturetno Hadir diisi mentor',
    '3 Nur Aini Baturetno Hadir (terlambat) hadir via chat, pukul 08.20 WIB',
    '4 Wati Baturetno Izin',
    '5 Yuni Baturetno Tidak hadir',
    'Kehadiran mentor: Sri Wahyuni, hadir (dikonfirmasi via chat pukul 07.40 WIB)',
    'Jumlah Hadir Izin Tidak hadir Terdaftar 3 1 1 5',
    'Malang, Selasa, 1 Desember 2026',
    'Mengetahui,',
    'Kepala Dinas Pengendalian Penduduk dan Keluarga Berencana Kabupaten Malang',
    'Drs. Budi Santoso, M.Si.',
    'NIP. 19700101 199503 1 001',
    'Halaman 1 dari 2',
  ]) {
    expect(pages[0]).toContain(part)
  }
  // No izin reason on the sheet (it can be health data).
  expect(pages[0]).not.toContain('sakit')
  expect(pages[0]).not.toContain('Zahra')
  expect(pages[1]).toContain('Hari, tanggal : Rabu, 2 Desember 2026')
  expect(pages[1]).toContain('Kehadiran mentor: Sri Wahyuni, tanda tangan:')
  expect(pages[1]).toContain('Jumlah Hadir Izin Tidak hadir Terdaftar 0 0 5 5')

  const one = sheets.filter((s) => s.sessionId === first.id)
  const book = new ExcelJS.Workbook()
  const bytes = await attendanceSheetXlsx(one, i18n, options)
  await book.xlsx.load(new Uint8Array(bytes).buffer)
  expect(book.worksheets.map((w) => w.name)).toEqual(['Sesi 1 2026-12-01'])
  const rows: unknown[][] = []
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  expect(rows).toContainEqual(['Kecamatan', 'Singosari'])
  expect(rows).toContainEqual(['Hari, tanggal', 'Selasa, 1 Desember 2026'])
  expect(rows).toContainEqual([
    1,
    'Ani Lestari',
    'Wonorejo',
    'Hadir',
    'hadir via chat, pukul 07.55 WIB',
  ])
  expect(rows).toContainEqual([2, 'Lilis', 'Baturetno', 'Hadir', 'diisi mentor'])
  expect(rows).toContainEqual([4, 'Wati', 'Baturetno', 'Izin', ''])
  expect(rows).toContainEqual(['Jumlah', 'Hadir', 'Izin', 'Tidak hadir', 'Terdaftar'])
  expect(rows).toContainEqual(['', 3, 1, 1, 5])
  expect(rows).toContainEqual([
    'Kehadiran mentor: Sri Wahyuni, hadir (dikonfirmasi via chat pukul 07.40 WIB)',
  ])
  expect(rows.flat()).toContain('Drs. Budi Santoso, M.Si.')
})

test('the dashboard downloads a session and the cohort, audit-logged, in the region only', async () => {
  const { cohortId, first } = await seed()
  const app = await createDashboardApp(handle.db, { clock: () => AFTER })
  const admin = await signInWithToken(app)
  const page = await (await admin.get(`/admin/pelatihan/${cohortId}`)).text()
  const base = `/admin/pelatihan/${cohortId}`
  expect(page).toContain(`href="${base}/daftar-hadir.pdf"`)
  expect(page).toContain(`href="${base}/sesi/${first.id}/daftar-hadir.pdf"`)
  expect(page).toContain(`href="${base}/sesi/${first.id}/daftar-hadir.xlsx"`)

  const pdf = await admin.get(`${base}/sesi/${first.id}/daftar-hadir.pdf`)
  expect(pdf.status).toBe(200)
  expect(pdf.headers.get('content-type')).toBe('application/pdf')
  expect(pdf.headers.get('content-disposition')).toBe(
    'attachment; filename="daftar-hadir_SGS-MJ-01_2026-12-01.pdf"'
  )
  const parser = new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) })
  expect((await parser.getInfo()).total).toBe(1)
  expect((await parser.getText()).text).toContain('diisi mentor')
  await parser.destroy()

  const xlsx = await admin.get(`${base}/sesi/${first.id}/daftar-hadir.xlsx`)
  expect(xlsx.status).toBe(200)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(await xlsx.arrayBuffer())
  expect(book.worksheets).toHaveLength(1)

  const whole = await admin.get(`${base}/daftar-hadir.pdf`)
  expect(whole.status).toBe(200)
  const all = new PDFParse({ data: new Uint8Array(await whole.arrayBuffer()) })
  expect((await all.getInfo()).total).toBe(2)
  await all.destroy()

  expect(await exportAudits(handle.db)).toEqual([
    { subject: 'attendance_sheet.pdf', actor: 'admin_token' },
    { subject: 'attendance_sheet.xlsx', actor: 'admin_token' },
    { subject: 'attendance_sheet.pdf', actor: 'admin_token' },
  ])

  // A Tajinan supervisor: not her cohort; a Singosari supervisor: hers.
  const tajinan = await seedPerson(handle.db, {
    name: 'Bu Sup Tajinan',
    roles: ['supervisor'],
    regionCode: TAJINAN,
  })
  const outsider = await signInAs(app, handle.db, tajinan, AFTER)
  expect((await outsider.get(`${base}/sesi/${first.id}/daftar-hadir.pdf`)).status).toBe(404)
  expect((await outsider.get(`${base}/daftar-hadir.pdf`)).status).toBe(404)
  const singosari = await seedPerson(handle.db, {
    name: 'Bu Sup Singosari',
    roles: ['supervisor'],
    regionCode: SINGOSARI,
  })
  const own = await signInAs(app, handle.db, singosari, AFTER)
  expect((await own.get(`${base}/sesi/${first.id}/daftar-hadir.xlsx`)).status).toBe(200)
  // A session id of another cohort, or none at all.
  expect((await admin.get(`${base}/sesi/999999/daftar-hadir.pdf`)).status).toBe(404)
  expect((await admin.get(`${base}/sesi/abc/daftar-hadir.pdf`)).status).toBe(404)
})
