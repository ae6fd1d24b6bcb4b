/**
 * Effectiveness per cohort and per kecamatan, and the tracer study's response per wave, on a real
 * database: literals worked by hand below (the Singosari cohort of
 * `test/harness/training-effectiveness.ts` and a Tajinan cohort seeded here, with a graduate who
 * answered only the baseline in each), the Pelatihan page's tables with their n and formulas, the
 * breakdown's download, and the respondents' list for the incentive (admins only, audit-logged).
 */
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { expect, test } from 'vitest'
import { listTracerRespondents, listTracerWaves } from '../../src/db/queries/tracer.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { listEffectivenessBreakdown } from '../../src/db/queries/training-effectiveness.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { baselineSurveys, enrollments, followUpSurveys } from '../../src/db/schema/index.js'
import { createApiToken } from '../../src/db/queries/api-tokens.js'
import { createDashboardApp, exportAudits, signInAs, signInWithToken } from '../harness/admin.js'
import { ADMIN_TOKEN, buildApiApp } from '../harness/api.js'
import { useTestDb } from '../harness/db.js'
import { at, seedEffectivenessCohort } from '../harness/training-effectiveness.js'
import { GUNUNGSARI, TAJINAN, seedPerson } from '../harness/visits-db.js'

const handle = useTestDb()

/** 10 February 2027: every answer below is in. */
const AS_OF = new Date('2027-02-10T01:00:00Z')

type Survey = { business: boolean; channels?: string[]; income: string }
const none: Survey = { business: false, income: 'none' }

/*
 * Singosari, SGS-MJ-01 (the shared fixture): n = 3 (A, B, C; D answered only the baseline, E no
 * baseline, F declined it); business 1/3 → 2/3 (+33.3 pp); online 0/3 → 1/3 (+33.3 pp); income up
 * 1/3. Follow-ups: wave 1 answered by A, B, C, E, F; wave 3 by A.
 *
 * Tajinan, TJN-MK-01 (below), graduates completed 1 January 2027:
 *   P  business langsung lt500k → w1 business wa 500k_1m      (phone +6281200000001)
 *   Q  no business, none        → w1 no business, none        (phone +6281200000002)
 *   R  no business, none        → w1 sent, not answered        left out: baseline only
 *   S  no business, none        → w3 declined                  left out: baseline only
 *   T  no business, none        → w6 planned, not sent yet     left out: baseline only
 * n = 2 (P, Q): business 1/2 = 50 → 1/2 = 50 (0 pp); online 0/2 → 1/2 = 50 (+50 pp); income up
 * P = 1/2 = 50.
 *
 * Kabupaten: n = 5 (A, B, C, P, Q): business B, P = 2/5 = 40 → A, B, P = 3/5 = 60 (+20 pp);
 * online 0/5 → B, P = 2/5 = 40 (+40 pp); income up A, P = 2/5 = 40.
 * Tracer waves: w1 sent A, B, C, E, F, P, Q, R = 8, answered 7 → 87.5; w3 sent A, S = 2,
 * answered A, declined S → 50; w6 nothing sent (T planned) → no rate.
 */
async function seedTajinan(programmeId: number) {
  const db = handle.db
  const { id: cohortId } = await upsertCohort(db, {
    programmeId,
    code: 'TJN-MK-01',
    kecamatanCode: TAJINAN,
    track: 'makanan',
    mentorId: null,
  })
  const graduate = async (
    name: string,
    phone: string | null,
    baseline: Survey,
    wave?: {
      wave: number
      status: 'answered' | 'sent' | 'declined' | 'planned'
      survey?: Survey
    }
  ) => {
    const personId = await seedPerson(db, {
      name,
      roles: ['peserta'],
      regionCode: GUNUNGSARI,
      ...(phone ? { phone } : {}),
    })
    const { id } = await enroll(db, { cohortId, personId, now: at(1), timeZone: 'Asia/Jakarta' })
    await db
      .update(enrollments)
      .set({ status: 'completed', completedAt: at(1) })
      .where(eq(enrollments.id, id))
    const answers = (s: Survey) => ({
      businessStarted: s.business,
      channels: s.channels ?? null,
      incomeBracket: s.income,
    })
    await db.insert(baselineSurveys).values({
      enrollmentId: id,
      personId,
      consentGiven: true,
      answeredAt: at(1),
      ...answers(baseline),
    })
    if (!wave) return
    const sent = wave.status !== 'planned'
    const replied = wave.status === 'answered' || wave.status === 'declined'
    await db.insert(followUpSurveys).values({
      enrollmentId: id,
      personId,
      wave: wave.wave,
      status: wave.status,
      sentAt: sent ? at(wave.wave) : null,
      consentGiven: replied ? wave.status === 'answered' : null,
      answeredAt: replied ? at(wave.wave + 1) : null,
      ...(wave.survey ? answers(wave.survey) : {}),
    })
  }
  await graduate(
    'P',
    '+6281200000001',
    { business: true, channels: ['langsung'], income: 'lt500k' },
    {
      wave: 1,
      status: 'answered',
      survey: { business: true, channels: ['wa'], income: '500k_1m' },
    }
  )
  await graduate('Q', '+6281200000002', none, { wave: 1, status: 'answered', survey: none })
  await graduate('R', null, none, { wave: 1, status: 'sent' })
  await graduate('S', null, none, { wave: 3, status: 'declined' })
  await graduate('T', null, none, { wave: 6, status: 'planned' })
}

async function seed() {
  const { programmeId } = await seedEffectivenessCohort(handle.db)
  await seedTajinan(programmeId)
}

/** [n, baseline %, latest %, change pp] of business and online, [n, %] of income up. */
function figures(f: Awaited<ReturnType<typeof listEffectivenessBreakdown>> & object) {
  const of = (g: (typeof f.groups)[number]['figures']) => ({
    business: [
      g.businessStartChange.n,
      g.businessStartChange.baseline.value,
      g.businessStartChange.latest.value,
      g.businessStartChange.change,
    ],
    online: [
      g.onlineSellingChange.n,
      g.onlineSellingChange.baseline.value,
      g.onlineSellingChange.latest.value,
      g.onlineSellingChange.change,
    ],
    incomeUp: [g.incomeBracketUp.denominator, g.incomeBracketUp.value],
  })
  return {
    groups: Object.fromEntries(f.groups.map((g) => [g.code, of(g.figures)])),
    total: of(f.total),
  }
}

const SGS = {
  business: [3, 33.3, 66.7, 33.3],
  online: [3, 0, 33.3, 33.3],
  incomeUp: [3, 33.3],
}
const TJN = {
  business: [2, 50, 50, 0],
  online: [2, 0, 50, 50],
  incomeUp: [2, 50],
}
const KABUPATEN = {
  business: [5, 40, 60, 20],
  online: [5, 0, 40, 40],
  incomeUp: [5, 40],
}

test('effectiveness per cohort and per kecamatan, worked by hand', async () => {
  await seed()
  const byCohort = await listEffectivenessBreakdown(handle.db, {
    programmeCode: 'IBU-MUDA',
    by: 'cohort',
    asOf: AS_OF,
  })
  expect(figures(byCohort!)).toEqual({
    groups: { 'SGS-MJ-01': SGS, 'TJN-MK-01': TJN },
    total: KABUPATEN,
  })
  const byKecamatan = await listEffectivenessBreakdown(handle.db, {
    programmeCode: 'IBU-MUDA',
    by: 'kecamatan',
    asOf: AS_OF,
  })
  expect(byKecamatan!.groups.map((g) => [g.code, g.kecamatanName])).toEqual([
    [TAJINAN, 'Tajinan'],
    ['35.07.24', 'Singosari'],
  ])
  expect(figures(byKecamatan!)).toEqual({
    groups: { [TAJINAN]: TJN, '35.07.24': SGS },
    total: KABUPATEN,
  })
  // A Tajinan reader: her kecamatan only, its total the same.
  const tajinan = await listEffectivenessBreakdown(handle.db, {
    programmeCode: 'IBU-MUDA',
    by: 'cohort',
    kecamatanCode: TAJINAN,
    asOf: AS_OF,
  })
  expect(figures(tajinan!)).toEqual({ groups: { 'TJN-MK-01': TJN }, total: TJN })
  // Before anyone answered a follow-up (2 January), nobody answered both: n = 0, no figure.
  const early = await listEffectivenessBreakdown(handle.db, {
    programmeCode: 'IBU-MUDA',
    by: 'cohort',
    asOf: new Date('2027-01-02T00:00:00Z'),
  })
  expect(figures(early!).total).toEqual({
    business: [0, null, null, null],
    online: [0, null, null, null],
    incomeUp: [0, null],
  })
  expect(
    await listEffectivenessBreakdown(handle.db, {
      programmeCode: 'NOPE',
      by: 'cohort',
      asOf: AS_OF,
    })
  ).toBeUndefined()
})

test('tracer response per wave and who answered, worked by hand', async () => {
  await seed()
  expect(await listTracerWaves(handle.db, { programmeCode: 'IBU-MUDA', asOf: AS_OF })).toEqual([
    { wave: 1, sent: 8, answered: 7, declined: 0, rate: 87.5 },
    { wave: 3, sent: 2, answered: 1, declined: 1, rate: 50 },
    { wave: 6, sent: 0, answered: 0, declined: 0, rate: null },
  ])
  expect(
    await listTracerWaves(handle.db, {
      programmeCode: 'IBU-MUDA',
      kecamatanCode: TAJINAN,
      asOf: AS_OF,
    })
  ).toEqual([
    { wave: 1, sent: 3, answered: 2, declined: 0, rate: 66.7 },
    { wave: 3, sent: 1, answered: 0, declined: 1, rate: 0 },
    { wave: 6, sent: 0, answered: 0, declined: 0, rate: null },
  ])
  const respondents = await listTracerRespondents(handle.db, {
    programmeCode: 'IBU-MUDA',
    regionPrefix: TAJINAN,
    asOf: AS_OF,
  })
  expect(respondents.map((r) => [r.name, r.phone, r.cohortCode, r.wave, r.answeredAt])).toEqual([
    ['P', '+6281200000001', 'TJN-MK-01', 1, at(2)],
    ['Q', '+6281200000002', 'TJN-MK-01', 1, at(2)],
  ])
  const all = await listTracerRespondents(handle.db, {
    programmeCode: 'IBU-MUDA',
    regionPrefix: '35.07',
    asOf: AS_OF,
  })
  expect(all.map((r) => `${r.name}:${r.wave}`)).toEqual([
    'P:1',
    'Q:1',
    'A:1',
    'A:3',
    'B:1',
    'C:1',
    'E:1',
    'F:1',
  ])
})

test('the Pelatihan page, the breakdown download and the respondents (admins only)', async () => {
  await seed()
  const app = await createDashboardApp(handle.db, { clock: () => AS_OF })
  const admin = await signInWithToken(app)
  const html = (await (await admin.get('/admin/pelatihan')).text()).replace(/\s+/g, ' ')
  expect(html).toContain('Efektivitas per kelompok: IBU-MUDA')
  expect(html).toContain('TJN-MK-01 (Tajinan)')
  expect(html).toContain('Lulusan yang baru menjawab survei awal tidak dihitung.')
  expect(html).toContain('Punya usaha (%) = lulusan yang punya usaha ÷ n × 100')
  expect(html).toContain('+1 bulan')
  expect(html).toContain('87,5%')
  expect(html).toContain('href="/admin/ekspor/tracer.xlsx?program=IBU-MUDA"')
  const byKecamatan = await (await admin.get('/admin/pelatihan?rincian=kecamatan')).text()
  expect(byKecamatan).toContain('Efektivitas per kecamatan: IBU-MUDA')

  const csv = await admin.get('/admin/ekspor/efektivitas.csv?program=IBU-MUDA&rincian=kelompok')
  expect(csv.status).toBe(200)
  const lines = (await csv.text()).replace('\uFEFF', '').trim().split('\r\n')
  expect(lines[0]).toBe(
    'Kode program;Kode;Kelompok/kecamatan;n usaha;Punya usaha awal (%);Punya usaha terakhir (%);' +
      'Perubahan usaha (poin);n jualan online;Jualan online awal (%);Jualan online terakhir (%);' +
      'Perubahan jualan online (poin);n penghasilan;Penghasilan naik (%);Dihitung sampai'
  )
  expect(lines.slice(1).map((line) => line.split(';').slice(0, 13))).toEqual([
    [
      'IBU-MUDA',
      'SGS-MJ-01',
      'Singosari',
      '3',
      '33,3',
      '66,7',
      '33,3',
      '3',
      '0',
      '33,3',
      '33,3',
      '3',
      '33,3',
    ],
    ['IBU-MUDA', 'TJN-MK-01', 'Tajinan', '2', '50', '50', '0', '2', '0', '50', '50', '2', '50'],
    [
      'IBU-MUDA',
      '35.07',
      'Seluruh wilayah',
      '5',
      '40',
      '60',
      '20',
      '5',
      '0',
      '40',
      '40',
      '5',
      '40',
    ],
  ])

  const xlsx = await admin.get('/admin/ekspor/tracer.xlsx?program=IBU-MUDA')
  expect(xlsx.status).toBe(200)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(await xlsx.arrayBuffer())
  const rows: unknown[][] = []
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  expect(rows[0]).toEqual([
    'Kode program',
    'Kode kecamatan',
    'Kecamatan',
    'Kelompok',
    'Nama',
    'Nomor telepon',
    'Gelombang (bulan)',
    'Dijawab pada',
  ])
  expect(rows[1]!.slice(0, 7)).toEqual([
    'IBU-MUDA',
    TAJINAN,
    'Tajinan',
    'TJN-MK-01',
    'P',
    '+6281200000001',
    1,
  ])
  expect(rows).toHaveLength(9)
  expect(await exportAudits(handle.db)).toEqual([
    { subject: 'training_effectiveness.csv', actor: 'admin_token' },
    { subject: 'tracer_respondents.xlsx', actor: 'admin_token' },
  ])

  // A Tajinan supervisor: her kecamatan's breakdown, no respondents' list (names and phones).
  const supervisor = await seedPerson(handle.db, {
    name: 'Bu Sup Tajinan',
    roles: ['supervisor'],
    regionCode: TAJINAN,
  })
  const sup = await signInAs(app, handle.db, supervisor, AS_OF)
  const page = await (await sup.get('/admin/pelatihan')).text()
  expect(page).toContain('TJN-MK-01 (Tajinan)')
  expect(page).not.toContain('SGS-MJ-01')
  expect(page).not.toContain('/admin/ekspor/tracer.')
  expect((await sup.get('/admin/ekspor/tracer.xlsx?program=IBU-MUDA')).status).toBe(403)
  expect((await sup.get('/admin/ekspor/tracer.csv?program=IBU-MUDA')).status).toBe(403)
  const own = await sup.get('/admin/ekspor/efektivitas.csv?program=IBU-MUDA')
  const ownLines = (await own.text()).trim().split('\r\n').slice(1)
  expect(ownLines.map((line) => line.split(';').slice(1, 4))).toEqual([
    ['TJN-MK-01', 'Tajinan', '2'],
    [TAJINAN, 'Seluruh wilayah', '2'],
  ])
  expect((await admin.get('/admin/ekspor/efektivitas.csv')).status).toBe(400)
  expect((await admin.get('/admin/ekspor/efektivitas.csv?program=NOPE')).status).toBe(404)
})

test('GET /api/v1/training/effectiveness: the same breakdown with n and formulas, in the token region', async () => {
  await seed()
  const api = await buildApiApp(handle.db, { adminToken: ADMIN_TOKEN, clock: () => AS_OF })
  const response = await api.get('/api/v1/training/effectiveness?by=kecamatan')
  expect(response.status, await response.clone().text()).toBe(200)
  const body = (await response.json()) as {
    programme: string
    by: string
    region: string
    asOf: string
    formulas: Record<string, string>
    total: Record<string, { n?: number; denominator: number; value: number | null }>
    data: {
      code: string
      kecamatanName: string
      businessStartChange: { n: number; baseline: { value: number }; change: number }
      onlineSellingChange: { n: number; latest: { numerator: number; value: number } }
      incomeBracketUp: { numerator: number; denominator: number; value: number }
    }[]
  }
  expect(body).toMatchObject({
    programme: 'IBU-MUDA',
    by: 'kecamatan',
    region: '35.07',
    asOf: AS_OF.toISOString(),
    formulas: {
      businessStartChange: expect.stringContaining('÷ lulusan yang menjawab survei awal'),
    },
  })
  expect(
    body.data.map((row) => [
      row.code,
      row.kecamatanName,
      row.businessStartChange.n,
      row.businessStartChange.baseline.value,
      row.businessStartChange.change,
      row.onlineSellingChange.latest.numerator,
      row.incomeBracketUp.value,
    ])
  ).toEqual([
    [TAJINAN, 'Tajinan', 2, 50, 0, 1, 50],
    ['35.07.24', 'Singosari', 3, 33.3, 33.3, 1, 33.3],
  ])
  expect(body.total).toMatchObject({
    businessStartChange: { n: 5, change: 20 },
    onlineSellingChange: { n: 5, change: 40 },
    incomeBracketUp: { numerator: 2, denominator: 5, value: 40 },
  })

  // A Tajinan token: its kecamatan by default; Singosari refused.
  const { token } = await createApiToken(handle.db, {
    label: 'uji tajinan',
    scopes: ['indicators:read'],
    regionCode: TAJINAN,
    createdBy: null,
    expiresAt: null,
    now: new Date('2027-02-01T00:00:00Z'),
  })
  const own = (await (await api.get('/api/v1/training/effectiveness', token)).json()) as {
    region: string
    data: { code: string }[]
  }
  expect(own.region).toBe(TAJINAN)
  expect(own.data.map((row) => row.code)).toEqual(['TJN-MK-01'])
  expect((await api.get('/api/v1/training/effectiveness?region=35.07.24', token)).status).toBe(403)
  expect((await api.get('/api/v1/training/effectiveness?programme=NOPE')).status).toBe(404)
  expect((await api.get('/api/v1/training/effectiveness?by=desa')).status).toBe(400)
  expect((await api.get('/api/v1/training/effectiveness?period=2027-01')).status).toBe(400)
})
