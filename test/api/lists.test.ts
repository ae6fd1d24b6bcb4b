/**
 * The `/api/v1` lists and indicators (docs/design.md#contracts) through `app.request()` on the real
 * test database (PGlite, or Postgres with TEST_DATABASE_URL): the bearer token, `{ data, next }`
 * with keyset cursors that stay stable while rows are inserted, filters, friendly 400s, the
 * audit log, and the indicators of the hand-seeded month in `test/harness/api.ts`.
 */
import { asc } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { KB_INDICATOR_KEYS } from '../../src/db/queries/kb-indicators.js'
import { recordKbEvent } from '../../src/db/queries/kb-register.js'
import { createVisit } from '../../src/db/queries/visits.js'
import { auditLog } from '../../src/db/schema/index.js'
import {
  attendanceRowSchema,
  indicatorsResponseSchema,
  pageSchema,
  personRowSchema,
  visitRowSchema,
} from '../../src/http/api/schemas.js'
import { DENGKOL, WONOREJO, useSeededApiMonth } from '../harness/api.js'

const month = useSeededApiMonth()

type Page = { data: Record<string, unknown>[]; next: string | null }

async function page(path: string): Promise<Page> {
  const response = await month.api.get(path)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as Page
}

async function auditRows() {
  return month.db.select().from(auditLog).orderBy(asc(auditLog.id))
}

describe('GET /api/v1/visits', () => {
  test('answers every visit oldest first with codes, programme, period and keys, no names', async () => {
    const body = await page('/api/v1/visits')
    expect(pageSchema(visitRowSchema).parse(body)).toBeTruthy()
    expect(body.next).toBeNull()
    expect(body.data.map((row) => row['id'])).toEqual(month.seed.visits)
    expect(body.data[0]).toEqual({
      id: month.seed.visits[0],
      reference: 'KJ-2511-000001',
      programmeCode: 'DPPKB-KUNJUNGAN',
      period: '2025-11',
      visitDate: '2025-11-03',
      kecamatanCode: '35.07.24',
      kecamatanName: 'Singosari',
      desaCode: WONOREJO,
      desaName: 'Wonorejo',
      cadreId: month.seed.ids.siti,
      familyId: month.seed.families[0],
      sasaran: ['pus', 'krs'],
      kbStatus: 'ber_kb',
      kbMethod: 'suntik_3',
      kbIntent: null,
      risk4t: [],
      envRisks: [],
      actions: ['kie', 'rujukan'],
      referralTarget: 'puskesmas',
      referralReason: 'kb',
      referralStatus: 'sudah_dilayani',
      followUpDate: '2025-11-20',
      duplicateOf: null,
      status: 'submitted',
      createdAt: '2025-11-03T05:00:00.000Z',
    })
    // Personal data a sync does not need never leaves: family and cadre names, phones.
    const text = JSON.stringify(body)
    for (const name of ['Budi Santoso', 'Sutrisno', 'Siti Rahayu', '+6281200000001']) {
      expect(text).not.toContain(name)
    }
  })

  test('filters by period, region prefix, sasaran, cadre and since', async () => {
    const ids = async (query: string) =>
      (await page(`/api/v1/visits?${query}`)).data.map((row) => row['id'])
    const [v1, v2, v3, v4, v5] = month.seed.visits
    expect(await ids('period=2025-10')).toEqual([v5])
    expect(await ids('region=35.07.24')).toEqual([v1, v2, v3, v5])
    expect(await ids(`region=${DENGKOL}`)).toEqual([v3])
    expect(await ids('region=35.07.15&period=2025-11')).toEqual([v4])
    expect(await ids('sasaran=krs')).toEqual([v1, v3, v4])
    expect(await ids(`cadre=${month.seed.ids.siti}&period=2025-11`)).toEqual([v1, v2])
    // Created at 05:00 UTC of the visit date: 11-07 and 11-10 are on or after 11-06.
    expect(await ids('since=2025-11-06T00:00:00%2B07:00')).toEqual([v3, v4])
    expect(await ids('region=35.07.01')).toEqual([])
  })

  test('cursor pages stay stable while visits are inserted between them', async () => {
    const [v1, v2, v3, v4, v5] = month.seed.visits
    const first = await page('/api/v1/visits?limit=2')
    expect(first.data.map((row) => row['id'])).toEqual([v1, v2])
    expect(first.next).toEqual(expect.any(String))

    // A visit reported now, dated early in the month, lands after the rows already paged.
    const { id: late } = await createVisit(month.db, {
      cadreId: month.seed.ids.ani,
      familyId: month.seed.families[2]!,
      desaCode: DENGKOL,
      visitDate: '2025-11-01',
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'pil',
      actions: ['kie'],
      createdAt: new Date('2025-11-24T00:30:00Z'),
    })
    try {
      const second = await page(`/api/v1/visits?limit=2&cursor=${first.next}`)
      expect(second.data.map((row) => row['id'])).toEqual([v3, v4])
      const third = await page(`/api/v1/visits?limit=2&cursor=${second.next}`)
      expect(third.data.map((row) => row['id'])).toEqual([v5, late])
      // Exactly the rest: no empty page to fetch.
      expect(third.next).toBeNull()
    } finally {
      await month.db.execute(`delete from visits where id = ${late}`)
    }
  })

  test('every page read is written to the audit log with its filters and row count', async () => {
    const before = (await auditRows()).length
    await page('/api/v1/visits?period=2025-11&region=35.07.24')
    const rows = await auditRows()
    expect(rows).toHaveLength(before + 1)
    expect(rows.at(-1)).toMatchObject({
      actor: 'api:admin_token',
      action: 'api_read',
      subject: 'visits',
      detail: { period: '2025-11', region: '35.07.24', limit: 100, rows: 3 },
      at: new Date('2025-11-24T01:00:00Z'),
    })
  })
})

describe('bad query parameters', () => {
  test.each([
    ['/api/v1/visits?limit=0', 'limit: must be at least 1'],
    ['/api/v1/visits?limit=5000', 'limit: must be at most 1000'],
    ['/api/v1/visits?limit=abc', 'limit: must be a whole number'],
    ['/api/v1/visits?period=2025-13', 'period: must be a month written YYYY-MM, such as 2025-11'],
    [
      '/api/v1/visits?region=Singosari',
      'region: must be a Kemendagri code such as 35.07, 35.07.24 or 35.07.24.2001',
    ],
    [
      '/api/v1/visits?since=yesterday',
      'since: must be an ISO 8601 time, such as 2025-11-01T00:00:00+07:00',
    ],
    [
      '/api/v1/visits?cursor=garbage',
      'cursor: not a cursor of this list: pass the "next" value of a previous visits page',
    ],
    ['/api/v1/visits?sasaran=kucing', 'sasaran: Invalid option'],
    ['/api/v1/visits?colour=red', 'Unrecognized key: "colour"'],
    ['/api/v1/people?role=raja', 'role: Invalid option'],
    ['/api/v1/indicators', 'period: Invalid input: expected string, received undefined'],
  ])('%s → 400 with a clear message', async (path, message) => {
    const response = await month.api.get(path)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('invalid_request')
    expect(body.message).toContain(message)
  })

  test('a cursor of another list is refused', async () => {
    const people = await page('/api/v1/people?limit=1')
    const response = await month.api.get(`/api/v1/visits?cursor=${people.next}`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain(
      'not a cursor of this list'
    )
  })

  test('an unknown region code for indicators is refused', async () => {
    const response = await month.api.get('/api/v1/indicators?period=2025-11&region=35.07.99')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      message: 'region: 35.07.99 is not a known region code of Kabupaten Malang',
    })
  })
})

describe('GET /api/v1/people', () => {
  test('answers key, name, roles and region codes, never phones, with role and region filters', async () => {
    const body = await page('/api/v1/people?role=kader')
    expect(pageSchema(personRowSchema).parse(body)).toBeTruthy()
    expect(body.data.map((row) => row['name'])).toEqual([
      'Siti Rahayu',
      'Ani Wulandari',
      'Rina Marlina',
    ])
    expect(body.data[0]).toMatchObject({
      id: month.seed.ids.siti,
      roles: ['kader'],
      regionCode: WONOREJO,
      kecamatanCode: '35.07.24',
      desaCode: WONOREJO,
      status: 'active',
      optedOut: false,
    })
    expect(JSON.stringify(body)).not.toContain('+6281200000001')
    const singosari = await page('/api/v1/people?region=35.07.24&role=mentor')
    expect(singosari.data).toEqual([
      expect.objectContaining({ name: 'Maya Sari', kecamatanCode: '35.07.24', desaCode: null }),
    ])
  })

  test('pages through everyone with the cursor', async () => {
    const seen: unknown[] = []
    let next: string | null = null
    do {
      const body: Page = await page(`/api/v1/people?limit=3${next ? `&cursor=${next}` : ''}`)
      seen.push(...body.data.map((row) => row['id']))
      next = body.next
    } while (next !== null)
    expect(seen).toEqual(Object.values(month.seed.ids))
  })
})

describe('GET /api/v1/attendance', () => {
  test('answers the recorded attendance with programme, cohort, codes and period', async () => {
    const body = await page('/api/v1/attendance')
    expect(pageSchema(attendanceRowSchema).parse(body)).toBeTruthy()
    const [s1, s2] = month.seed.sessions
    expect(body.data.map((row) => [row['sessionId'], row['personId'], row['status']])).toEqual([
      [s1, month.seed.ids.nur, 'present'],
      [s1, month.seed.ids.citra, 'late'],
      [s1, month.seed.ids.bunga, 'izin'],
      [s2, month.seed.ids.nur, 'present'],
      [s2, month.seed.ids.citra, 'absent'],
    ])
    expect(body.data[1]).toMatchObject({
      programmeCode: 'IBU-MUDA',
      cohortCode: 'SGS-01',
      kecamatanCode: '35.07.24',
      sessionDate: '2025-11-03',
      period: '2025-11',
      personRegionCode: DENGKOL,
      method: 'kode',
      at: '2025-11-03T01:20:00.000Z',
    })
    expect(JSON.stringify(body)).not.toContain('Citra Lestari')
  })

  test('filters by status, cohort, and a desa (the participants living there)', async () => {
    const statuses = async (query: string) =>
      (await page(`/api/v1/attendance?${query}`)).data.map((row) => row['status'])
    expect(await statuses('status=present')).toEqual(['present', 'present'])
    expect(await statuses(`region=${DENGKOL}`)).toEqual(['late', 'absent'])
    expect(await statuses('region=35.07.15')).toEqual([])
    expect(await statuses('cohort=SGS-01&period=2025-12')).toEqual([])
  })
})

describe('GET /api/v1/indicators', () => {
  test('Singosari, November 2025: every indicator of decision 13 with its formula', async () => {
    const response = await month.api.get('/api/v1/indicators?period=2025-11&region=35.07.24')
    expect(response.status).toBe(200)
    const body = indicatorsResponseSchema.parse(await response.json())
    expect(body.region).toEqual({ code: '35.07.24', level: 'kecamatan', name: 'Singosari' })
    const figures = Object.fromEntries(
      body.data
        .filter((row) => !(KB_INDICATOR_KEYS as readonly string[]).includes(row.key))
        .map((row) => [row.key, [row.numerator, row.denominator, row.value]])
    )
    expect(figures).toEqual({
      // Cadres registered in Singosari: siti, ani (rina is in Tajinan). November visits by them:
      // V1, V2 (siti), V3 (ani) = 3; active cadres 2 → 3 ÷ 2 = 1.5.
      visitsPerCadre: [3, 2, 1.5],
      // Both registered cadres reported in November: 2 ÷ 2 × 100.
      activeCadreRate: [2, 2, 100],
      // F1, F2 (Wonorejo), F3 (Dengkol); F4 lies in Tajinan.
      familiesVisited: [null, null, 3],
      // R1 sudah_dilayani, R3 belum: 1 ÷ 2 × 100.
      referralCompletion: [1, 2, 50],
      // KRS families of Singosari F1, F3, both visited: 2 ÷ 2 × 100.
      krsCoverage: [2, 2, 100],
      // PUS visited F1 (latest V1 suntik_3, modern), F2 (V2 tradisional), F3 (V3 none): 1 ÷ 3.
      kbParticipation: [1, 3, 33.3],
      // Held by now (24 Nov): S1, S2 (S3 cancelled, S4 in December). Present: nur 2, citra 1
      // (late) = 3 of 3 enrolled × 2 held = 6 → 50.
      attendanceRate: [3, 6, 50],
      // Fewer than 3 sessions held and nobody withdrawn: 0 ÷ 3.
      dropOutRate: [0, 3, 0],
      // ≥ 0.8 × 2 = 1.6 sessions present: only nur (2) → 1 ÷ 3 = 33.3.
      completionRate: [1, 3, 33.3],
      // 3 enrolled ÷ target 300 × 100 = 1.
      targetAchievement: [3, 300, 1],
      // Nobody graduated yet, nobody marked kompeten: no effectiveness figure.
      businessStartChange: [0, 0, null],
      onlineSellingChange: [0, 0, null],
      incomeBracketUp: [0, 0, null],
      tracerResponseRate: [0, 0, null],
      kompetenRate: [0, 0, null],
    })
    const perCadre = body.data.find((row) => row.key === 'visitsPerCadre')!
    expect(perCadre).toMatchObject({
      label: 'Kunjungan per kader',
      formula: 'kunjungan dalam bulan ÷ kader aktif',
      programmeCode: 'DPPKB-KUNJUNGAN',
      period: '2025-11',
      regionCode: '35.07.24',
      unit: 'ratio',
      asOf: null,
    })
    expect(body.data.find((row) => row.key === 'attendanceRate')).toMatchObject({
      programmeCode: 'IBU-MUDA',
      asOf: '2025-11-24T01:00:00.000Z',
    })
  })

  test('a desa gets the visit indicators only (training is organised per kecamatan)', async () => {
    const response = await month.api.get(`/api/v1/indicators?period=2025-11&region=${WONOREJO}`)
    const body = indicatorsResponseSchema.parse(await response.json())
    expect([...new Set(body.data.map((row) => row.key))]).toEqual([
      'visitsPerCadre',
      'activeCadreRate',
      'familiesVisited',
      'referralCompletion',
      'krsCoverage',
      'kbParticipation',
      ...KB_INDICATOR_KEYS,
    ])
    // Wonorejo: siti's V1, V2 → 2 visits ÷ 1 active cadre.
    expect(body.data[0]).toMatchObject({ numerator: 2, denominator: 1, value: 2 })
  })

  test('a past month counts the training sessions held by its end', async () => {
    const response = await month.api.get('/api/v1/indicators?period=2025-10&region=35.07')
    const body = indicatorsResponseSchema.parse(await response.json())
    // By 1 November 00.00 WIB no session was held: attendance has no denominator.
    expect(body.data.find((row) => row.key === 'attendanceRate')).toMatchObject({
      numerator: 0,
      denominator: 0,
      value: null,
      asOf: '2025-10-31T17:00:00.000Z',
    })
    // October in the whole kabupaten: V5 by siti, the only active cadre → 1 ÷ 1.
    expect(body.data[0]).toMatchObject({ numerator: 1, denominator: 1, value: 1 })
  })
})

describe('KB indicators', () => {
  test('Singosari, November 2025, from the KB register of the visits, with SIGA codes', async () => {
    /*
     * Register rows of the harness's visits (docs/domain.md "KB register"):
     *   F1 V1 11-03 suntik_3, new, pemerintah   F2 V5 10-20 pil   F2 V2 11-05 tradisional
     *   F3 V3 11-10 tidak_kb, wants to delay (IAT)
     * End of November: users F1 (suntik, modern), F2 (tradisional) = 2; PUS visited F1 F2 F3 = 3
     * (no PUS imported). End of October: F2 (pil), still a user → no drop-out.
     */
    const { visits, families } = month.seed
    const [v1, v2, v3, , v5] = visits as [number, number, number, number, number]
    const [f1, f2, f3] = families as [number, number, number]
    const row = (
      familyId: number,
      desaCode: string,
      visitId: number,
      eventDate: string,
      state: { status: 'ber_kb' | 'tidak_kb'; method?: string; intent?: string; isNew?: boolean }
    ) =>
      recordKbEvent(month.db, {
        familyId,
        desaCode,
        visitId,
        recordedBy: null,
        eventDate,
        status: state.status,
        method: state.method ?? null,
        newAcceptor: state.isNew ?? false,
        servicePlace: state.isNew ? 'pemerintah' : null,
        jkn: state.isNew ? true : null,
        intent: state.intent ?? null,
        createdAt: new Date(`${eventDate}T05:00:00Z`),
      })
    await row(f1, WONOREJO, v1, '2025-11-03', { status: 'ber_kb', method: 'suntik_3', isNew: true })
    await row(f2, WONOREJO, v5, '2025-10-20', { status: 'ber_kb', method: 'pil' })
    await row(f2, WONOREJO, v2, '2025-11-05', { status: 'ber_kb', method: 'tradisional' })
    await row(f3, DENGKOL, v3, '2025-11-10', { status: 'tidak_kb', intent: 'tunda' })

    const response = await month.api.get('/api/v1/indicators?period=2025-11&region=35.07.24')
    const body = indicatorsResponseSchema.parse(await response.json())
    const kb = body.data.filter((r) => (KB_INDICATOR_KEYS as readonly string[]).includes(r.key))
    const shown = (key: string) =>
      kb
        .filter((r) => r.key === key && (r.method === null || (r.value ?? 0) > 0))
        .map((r) => [r.method, r.numerator, r.denominator, r.value, r.denominatorSource])
    expect(shown('kbActiveUsers')).toEqual([[null, null, null, 2, null]])
    expect(shown('kbNewAcceptors')).toEqual([[null, null, null, 1, null]])
    expect(shown('mkjpShare')).toEqual([[null, 0, 2, 0, null]]) // 0 ÷ 2
    expect(shown('unmetNeed')).toEqual([[null, 1, 3, 33.3, 'visited']]) // F3 ÷ 3
    expect(shown('mcpr')).toEqual([[null, 1, 3, 33.3, 'visited']]) // F1 ÷ 3
    expect(shown('kbDropOutRate')).toEqual([[null, 0, 1, 0, null]]) // 0 ÷ F2
    expect(shown('kbActiveUsersByMethod')).toEqual([
      ['SUNTIK', null, null, 1, null],
      ['TRADISIONAL', null, null, 1, null],
    ])
    expect(shown('kbNewAcceptorsByMethod')).toEqual([['SUNTIK', null, null, 1, null]])
    expect(kb.find((r) => r.key === 'kbActiveUsersByMethod' && r.method === 'IUD')).toMatchObject({
      label: 'Peserta KB aktif: IUD',
      value: 0,
      unit: 'count',
    })
    expect(kb.find((r) => r.key === 'mcpr')!.formula).toContain('÷ PUS × 100')
  })
})
