/**
 * The `/api/v1` test fixture: one hand-seeded month (November 2025) of visits, referrals, a
 * training cohort with sessions and attendance, and an app built around it with `app.request()`.
 * Expected values in the tests are worked out by hand from the table below.
 *
 * People (roles, region):
 *   siti   kader       Wonorejo (35.07.24.2001)     phone +6281200000001
 *   ani    kader       Dengkol  (35.07.24.2002)
 *   rina   kader       Gunungsari (35.07.15.2001, Kecamatan Tajinan)
 *   yanto  supervisor  Singosari (35.07.24)
 *   maya   mentor      Singosari
 *   nur    peserta     Wonorejo  "Nur Aini"
 *   citra  peserta     Dengkol   "Citra Lestari"
 *   bunga  peserta     Wonorejo  "Bunga Citra"
 *
 * Families: F1 Budi Santoso (Wonorejo, KRS), F2 Sutrisno (Wonorejo), F3 Joko (Dengkol, KRS),
 * F4 Hadi (Gunungsari, KRS).
 *
 * Visits, in insertion (id) order; created at 05:00 UTC of the visit date:
 *   V1 siti → F1 2025-11-03 pus+krs  ber_kb suntik_3    R1 puskesmas/kb → sudah_dilayani
 *   V2 siti → F2 2025-11-05 pus      ber_kb tradisional
 *   V3 ani  → F3 2025-11-10 pus+krs  tidak_kb           R3 bidan_desa/anc, belum
 *   V4 rina → F4 2025-11-07 pus+krs  ber_kb kondom
 *   V5 siti → F2 2025-10-20 pus      ber_kb pil          (October)
 *
 * Training (programme IBU-MUDA, target 300): cohort SGS-01 in Singosari, mentor maya, enrolled
 * nur, citra, bunga. Sessions (08.00-12.00 WIB): S1 2025-11-03, S2 2025-11-10, S3 2025-11-17
 * cancelled, S4 2025-12-01. Attendance: S1 nur present, citra late, bunga izin; S2 nur present,
 * citra absent, bunga nothing.
 * @module
 */
import { beforeAll } from 'vitest'
import { createApp } from '../../src/http/app.js'
import type { Db } from '../../src/db/client.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { createFamily } from '../../src/db/queries/visits.js'
import { attendance, cohorts, enrollments, trainingSessions } from '../../src/db/schema/index.js'
import type { AttendanceStatus } from '../../src/domain/training.js'
import type { Role } from '../../src/domain/people.js'
import type { SimulatorRouteDeps } from '../../src/http/routes/simulator.js'
import { useTestDb } from './db.js'
import { testI18n } from './i18n.js'
import { silentLogger } from './runtime.js'
import { DENGKOL, GUNUNGSARI, SINGOSARI, WONOREJO, seedPerson, seedVisit } from './visits-db.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'
export const NOW = new Date('2025-11-24T01:00:00Z')

export { DENGKOL, GUNUNGSARI, SINGOSARI, WONOREJO } from './visits-db.js'

export type ApiSeed = {
  ids: Record<'siti' | 'ani' | 'rina' | 'yanto' | 'maya' | 'nur' | 'citra' | 'bunga', number>
  visits: number[]
  families: number[]
  sessions: number[]
  cohortId: number
}

/** An instant from a WIB wall-clock time, `'2025-11-03T08:00'`. */
const wib = (local: string) => new Date(`${local}:00+07:00`)

/** Seeds the month described in the module comment. */
export async function seedApiMonth(db: Db): Promise<ApiSeed> {
  const person = (name: string, roles: Role[], regionCode: string, phone?: string) =>
    seedPerson(db, { name, roles, regionCode, ...(phone ? { phone } : {}) })
  const ids = {
    siti: await person('Siti Rahayu', ['kader'], WONOREJO, '+6281200000001'),
    ani: await person('Ani Wulandari', ['kader'], DENGKOL),
    rina: await person('Rina Marlina', ['kader'], GUNUNGSARI),
    yanto: await person('Yanto', ['supervisor'], SINGOSARI),
    maya: await person('Maya Sari', ['mentor'], SINGOSARI),
    nur: await person('Nur Aini', ['peserta'], WONOREJO),
    citra: await person('Citra Lestari', ['peserta'], DENGKOL),
    bunga: await person('Bunga Citra', ['peserta'], WONOREJO),
  }

  const family = async (headName: string, desaCode: string, krs: boolean) =>
    (await createFamily(db, { headName, desaCode, createdBy: ids.siti, consentedAt: null, krs })).id
  const families = [
    await family('Budi Santoso', WONOREJO, true),
    await family('Sutrisno', WONOREJO, false),
    await family('Joko', DENGKOL, true),
    await family('Hadi', GUNUNGSARI, true),
  ]
  const [f1, f2, f3, f4] = families as [number, number, number, number]

  const visit = (
    cadreId: number,
    familyId: number,
    desaCode: string,
    visitDate: string,
    seen: { sasaran: string[]; kbStatus: string; kbMethod?: string },
    referral?: { target: string; reason: string; status?: 'sudah_dilayani' }
  ) =>
    seedVisit(db, {
      cadreId,
      familyId,
      desaCode,
      visitDate,
      ...seen,
      ...(referral ? { referral: { ...referral, followUpDate: '2025-11-20', statusAt: NOW } } : {}),
    })
  const visits = [
    await visit(
      ids.siti,
      f1,
      WONOREJO,
      '2025-11-03',
      { sasaran: ['pus', 'krs'], kbStatus: 'ber_kb', kbMethod: 'suntik_3' },
      { target: 'puskesmas', reason: 'kb', status: 'sudah_dilayani' }
    ),
    await visit(ids.siti, f2, WONOREJO, '2025-11-05', {
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'tradisional',
    }),
    await visit(
      ids.ani,
      f3,
      DENGKOL,
      '2025-11-10',
      { sasaran: ['pus', 'krs'], kbStatus: 'tidak_kb' },
      { target: 'bidan_desa', reason: 'anc' }
    ),
    await visit(ids.rina, f4, GUNUNGSARI, '2025-11-07', {
      sasaran: ['pus', 'krs'],
      kbStatus: 'ber_kb',
      kbMethod: 'kondom',
    }),
    await visit(ids.siti, f2, WONOREJO, '2025-10-20', {
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'pil',
    }),
  ]

  const programmeId = await ensureDefaultProgramme(db)
  const [cohort] = await db
    .insert(cohorts)
    .values({
      programmeId,
      code: 'SGS-01',
      kecamatanCode: SINGOSARI,
      track: 'menjahit',
      mentorId: ids.maya,
    })
    .returning({ id: cohorts.id })
  const cohortId = cohort!.id
  const session = async (date: string, cancelled = false) => {
    const [row] = await db
      .insert(trainingSessions)
      .values({
        cohortId,
        date,
        startsAt: wib(`${date}T08:00`),
        endsAt: wib(`${date}T12:00`),
        venue: 'Balai Desa Wonorejo',
        topic: 'Menjahit',
        checkinCode: 'ABCD',
        cancelled,
      })
      .returning({ id: trainingSessions.id })
    return row!.id
  }
  const sessions = [
    await session('2025-11-03'),
    await session('2025-11-10'),
    await session('2025-11-17', true),
    await session('2025-12-01'),
  ]
  const [s1, s2] = sessions as [number, number]
  for (const personId of [ids.nur, ids.citra, ids.bunga]) {
    await db.insert(enrollments).values({ cohortId, personId })
  }
  const mark = async (sessionId: number, personId: number, status: AttendanceStatus, at: string) =>
    db.insert(attendance).values({
      sessionId,
      personId,
      status,
      method: status === 'izin' ? 'izin' : status === 'absent' ? 'auto' : 'kode',
      at: wib(at),
    })
  await mark(s1, ids.nur, 'present', '2025-11-03T07:55')
  await mark(s1, ids.citra, 'late', '2025-11-03T08:20')
  await mark(s1, ids.bunga, 'izin', '2025-11-02T19:00')
  await mark(s2, ids.nur, 'present', '2025-11-10T07:50')
  await mark(s2, ids.citra, 'absent', '2025-11-10T12:05')
  return { ids, visits, families, sessions, cohortId }
}

export type ApiAppOptions = {
  /** `undefined`: ADMIN_TOKEN unset (the API is closed). */
  adminToken?: string
  simulator?: SimulatorRouteDeps
  clock?: () => Date
  /** Called when a request queued messages (a broadcast for now). */
  onQueued?: () => void
}

/** The whole app with the API on `db`, as `createApp` builds it in production. */
export async function buildApiApp(db: Db, options: ApiAppOptions = {}) {
  const app = createApp({
    logger: silentLogger,
    databaseKind: 'pglite',
    pingDatabase: async () => undefined,
    ...(options.simulator ? { simulator: options.simulator } : {}),
    api: {
      db,
      i18n: await testI18n(),
      timeZone: 'Asia/Jakarta',
      clock: options.clock ?? (() => NOW),
      ...(options.onQueued ? { onQueued: options.onQueued } : {}),
      ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    },
  })
  const get = (path: string, token: string | null = options.adminToken ?? null) =>
    app.request(path, token === null ? {} : { headers: { authorization: `Bearer ${token}` } })
  const post = (path: string, body: unknown, token: string | null = options.adminToken ?? null) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  return { app, get, post }
}

export type SeededApi = {
  readonly db: Db
  readonly seed: ApiSeed
  readonly api: Awaited<ReturnType<typeof buildApiApp>>
}

/**
 * One test database for a whole file (`beforeAll`, closed in `afterAll`): the month of the module
 * comment seeded, `prepare` run on it, then the app built with ADMIN_TOKEN. Read the fields
 * inside tests.
 */
export function useSeededApiMonth(
  prepare: (db: Db, seed: ApiSeed) => Promise<void> = async () => {}
): SeededApi {
  const database = useTestDb('file')
  let state: { seed: ApiSeed; api: Awaited<ReturnType<typeof buildApiApp>> } | undefined
  beforeAll(async () => {
    const seed = await seedApiMonth(database.db)
    await prepare(database.db, seed)
    state = { seed, api: await buildApiApp(database.db, { adminToken: ADMIN_TOKEN }) }
  })
  const ready = () => {
    if (!state) throw new Error('useSeededApiMonth: read its fields inside a test or hook')
    return state
  }
  return {
    get db() {
      return database.db
    },
    get seed() {
      return ready().seed
    },
    get api() {
      return ready().api
    },
  }
}
