/**
 * Certificates on a real database: a graduate's certificate is issued when her cohort completes
 * (its code in the congratulations by chat), the PDF read back (name, programme, track,
 * kecamatan, dates, hours, kompeten, the signer from the programme's settings, code and
 * verification address), the public verification page (found with initials, programme and date
 * only; unknown; malformed), and the dashboard's bulk download of a cohort (audit-logged).
 */
import { eq } from 'drizzle-orm'
import { PDFParse } from 'pdf-parse'
import { expect, test } from 'vitest'
import { completeCohortAndPlan } from '../../src/conversation/training-completion.js'
import { listCertificates } from '../../src/db/queries/training-certificates.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { auditLog, certificates, enrollments, programmes } from '../../src/db/schema/index.js'
import { DEFAULT_PROGRAMME_SETTINGS } from '../../src/domain/training.js'
import { certificatesPdf } from '../../src/certificates/pdf.js'
import { createDashboardApp, signInWithToken } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import {
  baselinesSettled,
  enrolParticipants,
  kompetenCohort,
  morningSession,
  sewingCohort,
  textsTo,
  wib,
} from '../harness/training-db.js'

const handle = useTestDb()

/** Two sessions (4 hours each); Nur Aini attends both, Lilis one, Wati none (not completing). */
async function graduates() {
  const { cohortId, programmeId } = await sewingCohort(handle.db)
  await handle.db
    .update(programmes)
    .set({
      settings: {
        ...DEFAULT_PROGRAMME_SETTINGS,
        completionThreshold: 0.5,
        certificateSignerName: 'Drs. Budi Santoso, M.Si.',
        certificateSignerNip: '19700101 199503 1 001',
      },
    })
    .where(eq(programmes.id, programmeId))
  const planned = wib('2026-11-20T10:00')
  const first = await morningSession(handle.db, { cohortId, topic: 'Pola dasar', now: planned })
  const last = await morningSession(handle.db, {
    cohortId,
    topic: 'Ujian praktik',
    date: '2026-12-02',
    now: planned,
  })
  const people = await enrolParticipants(handle.db, cohortId, planned, [
    { name: 'nur aini', chat: 'wa-nur' },
    { name: 'Lilis Suryani', chat: 'wa-lilis' },
    { name: 'Wati', chat: 'wa-wati' },
  ])
  await baselinesSettled(handle.db, Object.values(people), wib('2026-11-20T10:01'))
  const present = (sessionId: number, personId: number) =>
    recordAttendance(handle.db, {
      sessionId,
      personId,
      status: 'present',
      method: 'kode',
      at: wib('2026-12-01T07:55'),
    })
  await present(first.id, people['nur aini'])
  await present(last.id, people['nur aini'])
  await present(last.id, people['Lilis Suryani'])
  await handle.db
    .update(enrollments)
    .set({ kompeten: true })
    .where(eq(enrollments.personId, people['nur aini']))
  const at = wib('2026-12-02T12:00')
  const i18n = await testI18n()
  await completeCohortAndPlan(handle.db, { i18n, timeZone: 'Asia/Jakarta' }, cohortId, at)
  return { cohortId, people, i18n }
}

test('issued at completion, told by chat, and read back from the PDF', async () => {
  const { cohortId, i18n } = await graduates()
  const list = await listCertificates(handle.db, { cohortId })
  expect(list.map((c) => [c.name, c.attended, c.held, c.hours, c.kompeten])).toEqual([
    ['Lilis Suryani', 1, 2, 4, null],
    ['nur aini', 2, 2, 8, true],
  ])
  const nur = list[1]!
  expect(nur.code).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/)
  expect((await textsTo(handle.db, 'wa-nur')).at(-1)).toContain(
    `Ini sertifikat pelatihan atas nama Nur Aini, nomor ${nur.code}.`
  )
  expect(await textsTo(handle.db, 'wa-wati')).toEqual([])

  const bytes = new Uint8Array(await certificatesPdf([nur], i18n, 'https://kaderbot.example'))
  const parser = new PDFParse({ data: bytes })
  const info = await parser.getInfo()
  const text = (await parser.getText()).text.replace(/\s+/g, ' ')
  await parser.destroy()
  expect(info.total).toBe(1)
  for (const part of [
    'SERTIFIKAT',
    `Nomor: ${nur.code}`,
    'Nur Aini',
    'sebagai lulusan Pelatihan Ibu Muda, keterampilan menjahit,',
    'kelompok SGS-MJ-01, Kecamatan Singosari, Kabupaten Malang,',
    'yang diselenggarakan pada Selasa, 1 Desember 2026 sampai Rabu, 2 Desember 2026',
    'dengan kehadiran 2 dari 2 sesi (8 jam pelatihan).',
    'Hasil penilaian mentor: KOMPETEN',
    'Malang, Rabu, 2 Desember 2026',
    'Kepala Dinas Pengendalian Penduduk dan Keluarga Berencana Kabupaten Malang',
    'Drs. Budi Santoso, M.Si.',
    'NIP. 19700101 199503 1 001',
  ]) {
    expect(text).toContain(part)
  }
  // The address may wrap in the narrow column under the QR.
  expect(text.replace(/\s+/g, '')).toContain(`https://kaderbot.example/verifikasi/${nur.code}`)
})

test('the verification page: found (initials, programme, date only), unknown, malformed', async () => {
  await graduates()
  const [code] = (await handle.db.select({ code: certificates.code }).from(certificates)).map(
    (r) => r.code
  )
  const app = await createDashboardApp(
    handle.db,
    {},
    {
      verification: { db: handle.db, i18n: await testI18n() },
    }
  )
  const found = await app.request(`/verifikasi/${code!.toLowerCase().replace('-', '')}`)
  expect(found.status).toBe(200)
  expect(found.headers.get('cache-control')).toContain('no-store')
  const html = await found.text()
  const [list] = [await listCertificates(handle.db, { code: code! })]
  const holder = list[0]!
  expect(html).toContain('Sertifikat ini asli.')
  expect(html).toContain(`Pemegang (inisial): ${holder.name === 'nur aini' ? 'N. A.' : 'L. S.'}`)
  expect(html).toContain('Program: Pelatihan Ibu Muda')
  expect(html).toContain('Tanggal terbit: Rabu, 2 Desember 2026')
  // No personal data beyond the initials: no name, cohort, kecamatan or attendance.
  for (const secret of [
    'nur aini',
    'Nur Aini',
    'Lilis',
    'Suryani',
    'SGS-MJ-01',
    'Singosari',
    'sesi',
  ]) {
    expect(html).not.toContain(secret)
  }
  const unknown = await app.request('/verifikasi/ABCDE-23456')
  expect(unknown.status).toBe(404)
  expect(await unknown.text()).toContain('Kode ABCDE-23456 tidak ditemukan.')
  const malformed = await app.request('/verifikasi/12')
  expect(malformed.status).toBe(400)
  expect(await malformed.text()).toContain('Kode sertifikat terdiri dari 10 huruf dan angka')
})

test('the dashboard downloads a cohort’s certificates in one PDF, audit-logged', async () => {
  const { cohortId } = await graduates()
  const app = await createDashboardApp(handle.db)
  const browser = await signInWithToken(app)
  const grid = await (await browser.get(`/admin/pelatihan/${cohortId}`)).text()
  expect(grid).toContain(`href="/admin/pelatihan/${cohortId}/sertifikat.pdf"`)
  const response = await browser.get(`/admin/pelatihan/${cohortId}/sertifikat.pdf`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/pdf')
  expect(response.headers.get('content-disposition')).toBe(
    'attachment; filename="sertifikat-SGS-MJ-01.pdf"'
  )
  const parser = new PDFParse({ data: new Uint8Array(await response.arrayBuffer()) })
  const info = await parser.getInfo()
  const text = (await parser.getText()).text
  await parser.destroy()
  expect(info.total).toBe(2)
  expect(text).toContain('Lilis Suryani')
  expect(text).toContain('Nur Aini')
  expect(
    await handle.db
      .select({ action: auditLog.action, subject: auditLog.subject })
      .from(auditLog)
      .where(eq(auditLog.action, 'certificates_downloaded'))
  ).toEqual([{ action: 'certificates_downloaded', subject: `cohort:${cohortId}` }])
  expect((await browser.get('/admin/pelatihan/999999/sertifikat.pdf')).status).toBe(404)
})

test('the dashboard’s kompeten marks complete the participants the programme waited for', async () => {
  const { cohortId, people } = await kompetenCohort(handle.db, 'Ujian')
  // The dashboard's clock (NOW of the harness) is before the session: set it after.
  const app = await createDashboardApp(handle.db, { clock: () => wib('2026-12-02T09:00') })
  const browser = await signInWithToken(app)
  const grid = await (await browser.get(`/admin/pelatihan/${cohortId}`)).text()
  expect(grid).toContain('Penilaian kompeten')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(grid)![1]!
  const form = new URLSearchParams()
  form.append('_csrf', csrf)
  for (const id of Object.values(people)) form.append('dinilai', String(id))
  form.append('kompeten', String(people['Nur Aini']))
  const saved = await app.request(`/admin/pelatihan/${cohortId}/kompeten`, {
    method: 'POST',
    body: form,
    headers: { origin: 'http://localhost', cookie: browser.cookie },
  })
  expect(saved.status).toBe(303)
  const rows = await handle.db
    .select({
      personId: enrollments.personId,
      status: enrollments.status,
      kompeten: enrollments.kompeten,
    })
    .from(enrollments)
    .where(eq(enrollments.cohortId, cohortId))
  expect(rows.sort((a, b) => a.personId - b.personId)).toEqual([
    { personId: people['Nur Aini'], status: 'completed', kompeten: true },
    { personId: people.Lilis, status: 'active', kompeten: false },
  ])
  expect(await listCertificates(handle.db, { cohortId })).toHaveLength(1)
  expect((await textsTo(handle.db, 'wa-nur')).at(-1)).toMatch(
    /sertifikat pelatihan atas nama Nur Aini/
  )
})
