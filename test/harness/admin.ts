/**
 * The dashboard's test fixture: one hand-seeded month (November 2025) in two kecamatan, the
 * dashboard app on it, and a tiny browser (cookie jar, same-origin header) for `app.request()`.
 * The indicator values the tests expect are worked out by hand from the rows listed here.
 */
import { eq } from 'drizzle-orm'
import { beforeAll, beforeEach } from 'vitest'
import { type AppDeps, createApp } from '../../src/http/app.js'
import type { AdminDeps } from '../../src/http/admin/index.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { createLoginToken } from '../../src/db/queries/admin.js'
import type { Db } from '../../src/db/client.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import { createFamily } from '../../src/db/queries/visits.js'
import { auditLog, people } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import type { FollowUpStatus } from '../../src/domain/visits.js'
import { useTestDb } from './db.js'
import { testI18n } from './i18n.js'
import { silentLogger } from './runtime.js'
import {
  DENGKOL,
  GUNUNGSARI,
  SINGOSARI,
  TAJINAN,
  WONOREJO,
  seedPerson,
  seedVisit,
} from './visits-db.js'

export const ADMIN_TOKEN = 'token-admin-pertama-0123456789'
export const ORIGIN = 'http://localhost'
/** 28 November 2025, 12.00 WIB. */
export const NOW = new Date('2025-11-28T05:00:00Z')

export { DENGKOL, GUNUNGSARI, SINGOSARI, TAJINAN, WONOREJO } from './visits-db.js'

export const SCRIPT_NAME = '<script>alert("x")</script> Keluarga'

/*
 * People (roles, region, status):
 *   admin    admin        35.07       active   (simulator chat "sim-admin")
 *   supSgs   supervisor   Singosari   active   (simulator chat "sim-sup")
 *   supTjn   supervisor   Tajinan     active
 *   siti     kader        Wonorejo    active   (simulator chat "sim-siti")
 *   ani      kader        Dengkol     active
 *   dewi     kader        Dengkol     active   (no visit)
 *   rina     kader        Gunungsari  active
 *   nur      kader        Wonorejo    pending  (self-registered)
 *   tuti     kader        Gunungsari  pending  (self-registered)
 *   p1, p2   peserta      Wonorejo    (cohort SGS-MJ-01);  p3 peserta Gunungsari (TJN-MK-01)
 *
 * Families: F1 Budi Santoso (Wonorejo, KRS), F2 SCRIPT_NAME (Wonorejo), F3 Joko (Dengkol, KRS),
 *           F4 Hadi (Gunungsari, KRS), F5 Slamet (Wonorejo, KRS, never visited).
 *
 * Visits in November 2025 (cadre → family, date, sasaran, KB method, referral):
 *   V1 siti → F1  11-03  pus krs  suntik_3     sudah_dilayani   (photo, location)
 *   V2 siti → F2  11-10  pus      tradisional  belum
 *   V3 ani  → F3  11-18  pus krs  implan       -
 *   V4 rina → F4  11-07  pus krs  kondom       ditolak
 *
 * Training (programme IBU-MUDA, target 300): SGS-MJ-01 in Singosari, sessions 3 and 10 Nov
 * (08.00-12.00 WIB), p1 present + late, p2 present + izin. TJN-MK-01 in Tajinan, no session,
 * p3 enrolled.
 */
export type DashboardSeed = {
  admin: number
  supSgs: number
  supTjn: number
  siti: number
  nur: number
  tuti: number
  visits: { v1: number; v2: number; v3: number; v4: number }
  cohorts: { sgs: number; tjn: number }
}

export async function seedDashboard(db: Db): Promise<DashboardSeed> {
  const person = (
    name: string,
    roles: Role[],
    regionCode: string,
    status: 'active' | 'pending' = 'active',
    chat?: string
  ) => seedPerson(db, { name, roles, regionCode, status, ...(chat ? { chat } : {}) })
  const admin = await person('Admin Kabupaten', ['admin'], '35.07', 'active', 'sim-admin')
  const supSgs = await person('Lestari', ['supervisor'], SINGOSARI, 'active', 'sim-sup')
  const supTjn = await person('Yanto', ['supervisor'], TAJINAN)
  const siti = await person('Siti Rahayu', ['kader'], WONOREJO, 'active', 'sim-siti')
  const ani = await person('Ani Wulandari', ['kader'], DENGKOL)
  await person('Dewi Sartika', ['kader'], DENGKOL)
  const rina = await person('Rina Marlina', ['kader'], GUNUNGSARI)
  const nur = await person('Nur Hidayah', ['kader'], WONOREJO, 'pending', 'sim-nur')
  const tuti = await person('Tuti', ['kader'], GUNUNGSARI, 'pending')

  const family = async (headName: string, desaCode: string, krs: boolean) =>
    (await createFamily(db, { headName, desaCode, createdBy: siti, consentedAt: null, krs })).id
  const f1 = await family('Budi Santoso', WONOREJO, true)
  const f2 = await family(SCRIPT_NAME, WONOREJO, false)
  const f3 = await family('Joko', DENGKOL, true)
  const f4 = await family('Hadi', GUNUNGSARI, true)
  await family('Slamet', WONOREJO, true)

  const visit = (
    cadreId: number,
    familyId: number,
    desaCode: string,
    visitDate: string,
    seen: {
      sasaran: string[]
      kbMethod: string
      referral?: FollowUpStatus
      photoRef?: string
      lat?: number
      lng?: number
    }
  ) => {
    const { referral, ...rest } = seen
    return seedVisit(db, {
      cadreId,
      familyId,
      desaCode,
      visitDate,
      kbStatus: 'ber_kb',
      ...rest,
      ...(referral ? { referral: { status: referral } } : {}),
    })
  }
  const v1 = await visit(siti, f1, WONOREJO, '2025-11-03', {
    sasaran: ['pus', 'krs'],
    kbMethod: 'suntik_3',
    referral: 'sudah_dilayani',
    photoRef: `media:${'ab'.repeat(32)}.png`,
    lat: -7.89,
    lng: 112.66,
  })
  const v2 = await visit(siti, f2, WONOREJO, '2025-11-10', {
    sasaran: ['pus'],
    kbMethod: 'tradisional',
    referral: 'belum',
  })
  const v3 = await visit(ani, f3, DENGKOL, '2025-11-18', {
    sasaran: ['pus', 'krs'],
    kbMethod: 'implan',
  })
  const v4 = await visit(rina, f4, GUNUNGSARI, '2025-11-07', {
    sasaran: ['pus', 'krs'],
    kbMethod: 'kondom',
    referral: 'ditolak',
  })

  const programmeId = await ensureDefaultProgramme(db)
  const wib = (day: number, hour: number) => new Date(Date.UTC(2025, 10, day, hour - 7))
  const cohort = async (code: string, kecamatanCode: string, days: number[]) => {
    const { id } = await upsertCohort(db, {
      programmeId,
      code,
      kecamatanCode,
      track: 'menjahit',
      mentorId: null,
    })
    const sessions: number[] = []
    for (const day of days) {
      const session = await upsertSession(db, {
        cohortId: id,
        date: `2025-11-${String(day).padStart(2, '0')}`,
        startsAt: wib(day, 8),
        endsAt: wib(day, 12),
        venue: 'Balai Desa',
        topic: `Sesi ${day}`,
        checkinMode: 'kode',
        now: wib(1, 0),
      })
      sessions.push(session.id)
    }
    return { id, sessions }
  }
  const sgs = await cohort('SGS-MJ-01', SINGOSARI, [3, 10])
  const tjn = await cohort('TJN-MK-01', TAJINAN, [])
  const participant = async (
    group: { id: number; sessions: number[] },
    name: string,
    regionCode: string,
    marks: ('present' | 'late' | 'izin' | 'absent')[]
  ) => {
    const personId = await person(name, ['peserta'], regionCode)
    await enroll(db, { cohortId: group.id, personId, now: wib(1, 0), timeZone: 'Asia/Jakarta' })
    for (const [i, status] of marks.entries()) {
      await recordAttendance(db, {
        sessionId: group.sessions[i]!,
        personId,
        status,
        method: 'mentor',
        at: wib(i === 0 ? 3 : 10, 9),
      })
    }
  }
  await participant(sgs, 'Peserta Satu', WONOREJO, ['present', 'late'])
  await participant(sgs, 'Peserta Dua', WONOREJO, ['present', 'izin'])
  await participant(tjn, 'Peserta Tiga', GUNUNGSARI, [])

  return {
    admin,
    supSgs,
    supTjn,
    siti,
    nur,
    tuti,
    visits: { v1, v2, v3, v4 },
    cohorts: { sgs: sgs.id, tjn: tjn.id },
  }
}

export type SeededDashboard = { readonly db: Db; readonly seed: DashboardSeed }

/**
 * A test database with the month of `seedDashboard`, new for each test (`'test'`) or shared by
 * the file (`'file'`, the default), closed after. Read the fields inside tests and hooks.
 */
export function useSeededDashboard(per: 'file' | 'test' = 'file'): SeededDashboard {
  const database = useTestDb(per)
  let seed: DashboardSeed | undefined
  const seedMonth = async () => {
    seed = await seedDashboard(database.db)
  }
  if (per === 'file') beforeAll(seedMonth)
  else beforeEach(seedMonth)
  return {
    get db() {
      return database.db
    },
    get seed() {
      if (!seed) throw new Error('useSeededDashboard: read seed inside a test or hook')
      return seed
    },
  }
}

/** The whole HTTP app with only the dashboard mounted, on a test database. */
export async function createDashboardApp(
  db: Db,
  options: Partial<AdminDeps> = {},
  others: Partial<AppDeps> = {}
) {
  return createApp({
    logger: silentLogger,
    databaseKind: 'pglite',
    pingDatabase: async () => undefined,
    ...others,
    admin: {
      db,
      i18n: await testI18n(),
      timeZone: 'Asia/Jakarta',
      logger: silentLogger,
      adminToken: ADMIN_TOKEN,
      media: createMediaStore('/nonexistent-kaderbot-media'),
      clock: () => NOW,
      ...options,
    },
  })
}

type App = Awaited<ReturnType<typeof createDashboardApp>>

/** The dashboard and `/api/v1` on one app, both opened by ADMIN_TOKEN, as production mounts them. */
export async function createDashboardWithApi(db: Db, options: Partial<AdminDeps> = {}) {
  const api = { db, i18n: await testI18n(), timeZone: 'Asia/Jakarta', adminToken: ADMIN_TOKEN }
  return createDashboardApp(db, options, { api: { ...api, clock: () => NOW } })
}

/** A browser of one: keeps the session cookie and sends same-origin form posts. */
export function createBrowser(app: App) {
  let cookie = ''
  const remember = (response: Response) => {
    const set = response.headers.get('set-cookie')
    if (set) cookie = set.split(';')[0]!
    return response
  }
  return {
    get cookie() {
      return cookie
    },
    async get(path: string): Promise<Response> {
      return remember(await app.request(path, { headers: cookie ? { cookie } : {} }))
    },
    async post(
      path: string,
      form: Record<string, string> | FormData,
      headers: Record<string, string> = {}
    ): Promise<Response> {
      const body = form instanceof FormData ? form : new URLSearchParams(form)
      return remember(
        await app.request(path, {
          method: 'POST',
          body,
          headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}), ...headers },
        })
      )
    },
    /** The per-session CSRF token of the page at `path` (from its first hidden field). */
    async csrf(path = '/admin'): Promise<string> {
      const html = await (await this.get(path)).text()
      const match = /name="_csrf" value="([^"]+)"/.exec(html)
      if (!match) throw new Error(`no CSRF field on ${path}`)
      return match[1]!
    },
  }
}

/** Signs a browser in with ADMIN_TOKEN. */
export async function signInWithToken(app: App) {
  const browser = createBrowser(app)
  const response = await browser.post('/admin/login', { token: ADMIN_TOKEN })
  if (response.status !== 303) throw new Error(`token login failed: ${response.status}`)
  return browser
}

/** Makes a person lose the dashboard (tests of a role taken away). */
export async function setRoles(db: Db, personId: number, roles: Role[]) {
  await db.update(people).set({ roles }).where(eq(people.id, personId))
}

/**
 * Signs a browser in as a person through a one-time link made for them at `now` (the app's clock;
 * the fixture's `NOW` unless given).
 */
export async function signInAs(app: App, db: Db, personId: number, now: Date = NOW) {
  const { token } = await createLoginToken(db, { personId, now })
  const browser = createBrowser(app)
  const response = await browser.post(`/admin/login/${token}`, {})
  if (response.status !== 303) throw new Error(`link login failed: ${response.status}`)
  return browser
}

/** The dashboard's downloads the audit log recorded, oldest first: what and by whom. */
export function exportAudits(db: Db): Promise<{ subject: string | null; actor: string }[]> {
  return db
    .select({ subject: auditLog.subject, actor: auditLog.actor })
    .from(auditLog)
    .where(eq(auditLog.action, 'export'))
    .orderBy(auditLog.id)
}
