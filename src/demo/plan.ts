/**
 * The demo data as a plan: plain rows with references by index, drawn from a seeded generator
 * and the real region list, so the same seed and moment always give the same demo. Nothing here
 * touches the database; `writeDemo` stores a plan. One month of a living programme:
 *
 * - an admin, a supervisor per kecamatan (33), two training mentors (sewing, food);
 * - 200 cadres in real desa, some inactive this month, with the families they know (some KRS);
 * - home visits over the month's first days (up to the 28th), with referrals (some closed), two
 *   withdrawn visits, three same-day repeats the cadre confirmed and three families entered twice
 *   under a slightly different name;
 * - 12 cohorts of 25 (6 sewing, 6 food) in 12 kecamatan, 8 held sessions each, attendance with
 *   lateness, izin, absences, drop-outs (3 absences in a row at the end) and withdrawals; the
 *   first six ran four months earlier and are finished, the other six end in the demo month;
 * - the training's evidence (`outcomes.ts`): baselines, kompeten marks, graduates with
 *   certificates, and their answers to the +1 and +3-month follow-up surveys;
 * - one finished broadcast to every cadre.
 *
 * Every demo phone is `+62812 0000 1xxx` (the `0812-0000-…` range the examples reserve).
 * @module
 */
import { DEFAULT_TIME_ZONE, addDays, localDate, localInstant } from '../domain/dates.js'
import type { PersonRecord, VisitRecord } from '../domain/records.js'
import {
  ACTIONS,
  type FollowUpStatus,
  IZIN_REASONS_FOR_DEMO,
  KB_METHODS_WEIGHTS,
  SASARAN_WEIGHTS,
} from './weights.js'
import { kecamatanPosition } from '../domain/kecamatan-positions.js'
import type { AttendanceStatus, SkillTrack } from '../domain/training.js'
import { MEN_FIRST, MEN_SECOND, SECOND_NAMES, WOMEN_FIRST } from './names.js'
import { createRandom, type Random } from './random.js'
import { type DemoOutcomes, planOutcomes } from './outcomes.js'

/** The seed of `npm run seed:demo`. */
export const DEMO_SEED = 20251

/** Cadres in the demo. */
export const DEMO_CADRES = 200
/** Participants per cohort. */
export const DEMO_COHORT_SIZE = 25
/** Held sessions per cohort. */
export const DEMO_SESSIONS_PER_COHORT = 8
/** The first this many cohorts are finished: their sessions ran `DEMO_FINISHED_DAYS_AGO` earlier. */
export const DEMO_FINISHED_COHORTS = 6
/** How many days before the demo month's last day the finished cohorts ended (about 4 months). */
export const DEMO_FINISHED_DAYS_AGO = 120

/** The first demo phone (local form `0812-0000-1000`, the demo admin). */
const PHONE_BASE = 6281200001000

/** The demo's cohorts: kecamatan, short name for the code, skill. */
export const DEMO_COHORTS: readonly { kecamatanCode: string; abbr: string; track: SkillTrack }[] = [
  { kecamatanCode: '35.07.13', abbr: 'KPJ', track: 'menjahit' }, // Kepanjen
  { kecamatanCode: '35.07.24', abbr: 'SGS', track: 'makanan' }, // Singosari
  { kecamatanCode: '35.07.25', abbr: 'LWG', track: 'menjahit' }, // Lawang
  { kecamatanCode: '35.07.09', abbr: 'TRN', track: 'makanan' }, // Turen
  { kecamatanCode: '35.07.05', abbr: 'DPT', track: 'menjahit' }, // Dampit
  { kecamatanCode: '35.07.18', abbr: 'PKS', track: 'makanan' }, // Pakis
  { kecamatanCode: '35.07.16', abbr: 'TMP', track: 'menjahit' }, // Tumpang
  { kecamatanCode: '35.07.10', abbr: 'GDL', track: 'makanan' }, // Gondanglegi
  { kecamatanCode: '35.07.14', abbr: 'BLL', track: 'menjahit' }, // Bululawang
  { kecamatanCode: '35.07.33', abbr: 'PGL', track: 'makanan' }, // Pagelaran
  { kecamatanCode: '35.07.12', abbr: 'SBP', track: 'menjahit' }, // Sumberpucung
  { kecamatanCode: '35.07.22', abbr: 'DAU', track: 'makanan' }, // Dau
]

const TOPICS: Record<SkillTrack, readonly string[]> = {
  menjahit: [
    'Pengenalan mesin jahit dan keselamatan kerja',
    'Mengukur badan dan membuat pola dasar',
    'Menjahit lurus dan kampuh',
    'Membuat masker dan tas kain',
    'Menjahit rok sederhana',
    'Menjahit baju anak',
    'Finishing dan obras',
    'Menghitung harga jual',
  ],
  makanan: [
    'Keamanan pangan dan kebersihan dapur',
    'Kue basah tradisional',
    'Keripik dan camilan',
    'Frozen food rumahan',
    'Kemasan dan label',
    'Menghitung modal dan harga jual',
    'Foto produk dengan HP',
    'Jualan daring dan izin PIRT',
  ],
}

export type DemoRegions = {
  kecamatan: readonly { code: string; name: string }[]
  /** Desa and kelurahan per kecamatan code. */
  desaByKecamatan: Readonly<Record<string, readonly { code: string; name: string }[]>>
}

/** A person of the demo: the fields of the person record it writes, and what the demo adds. */
export type DemoPerson = Pick<PersonRecord, 'name' | 'roles' | 'regionCode' | 'cadreTier'> & {
  /** E.164, or null (a few participants have no phone). */
  phone: string | null
  birthYear: number | null
  /** A simulator chat id, for the people the broadcast reached. */
  chat: string | null
}

export type DemoFamily = {
  headName: string
  desaCode: string
  dusunRwRt: string
  krs: boolean
  /** Index into `people`. */
  createdBy: number
  createdAt: Date
}

/**
 * A visit of the demo: the fields of the visit record it writes (`visitRecordSchema`), with the
 * cadre, the family and a repeated visit as indexes into the plan, and the fields the record
 * leaves out (measurements, location).
 */
export type DemoVisit = Pick<
  VisitRecord,
  | 'desaCode'
  | 'visitDate'
  | 'sasaran'
  | 'kbStatus'
  | 'kbMethod'
  | 'kbIntent'
  | 'risk4t'
  | 'envRisks'
  | 'actions'
  | 'status'
  | 'createdAt'
> & {
  /** Index into `people`. */
  cadre: number
  /** Index into `families`. */
  family: number
  lila: number | null
  hb: number | null
  lat: number | null
  lng: number | null
  /** Index into `visits` of the same-day visit this one repeats. */
  duplicateOf: number | null
}

export type DemoReferral = {
  /** Index into `visits`. */
  visit: number
  target: string
  reason: string
  followUpDate: string
  status: FollowUpStatus
  closedAt: Date | null
}

export type DemoCohort = {
  code: string
  kecamatanCode: string
  track: SkillTrack
  /** Index into `people`. */
  mentor: number
}

export type DemoSession = {
  /** Index into `cohorts`. */
  cohort: number
  date: string
  startsAt: Date
  endsAt: Date
  venue: string
  lat: number | null
  lng: number | null
  topic: string
  checkinCode: string
}

export type DemoEnrollment = {
  cohort: number
  /** Index into `people`. */
  person: number
  birthYear: number
  status: 'active' | 'withdrawn'
  /** Enrolled two to three weeks before the cohort's first session. */
  enrolledAt: Date
}

export type DemoAttendance = {
  /** Index into `sessions`. */
  session: number
  person: number
  status: AttendanceStatus
  method: string
  reason: string | null
  /** Index into `people` (the mentor), when the mentor recorded it. */
  recordedBy: number | null
  at: Date
}

export type DemoBroadcast = {
  author: number
  text: string
  at: Date
  finishedAt: Date
  /** Each cadre and what became of their message. */
  recipients: { person: number; outcome: 'sent' | 'failed' | 'no_identity' }[]
}

export type DemoPlan = {
  seed: number
  /** `YYYY-MM`: the month the visits are in. */
  period: string
  /** Visits fall on days 1 to `days` of the period. */
  days: number
  people: DemoPerson[]
  families: DemoFamily[]
  visits: DemoVisit[]
  referrals: DemoReferral[]
  cohorts: DemoCohort[]
  sessions: DemoSession[]
  enrollments: DemoEnrollment[]
  attendance: DemoAttendance[]
  broadcast: DemoBroadcast
  outcomes: DemoOutcomes
}

export type BuildDemoPlanParams = {
  regions: DemoRegions
  /** The moment of seeding: the demo month ends before it. */
  now: Date
  seed?: number
}

const DAY_MS = 86_400_000

/** The WIB calendar date (`YYYY-MM-DD`) of an instant: the demo is a month in Malang. */
function wibDate(at: Date): string {
  return localDate(at, DEFAULT_TIME_ZONE)
}

/** An instant from a WIB date and minutes after midnight. */
function wibAt(date: string, minutes: number): Date {
  const time = { hour: Math.floor(minutes / 60), minute: minutes % 60 }
  return localInstant(date, time, DEFAULT_TIME_ZONE)
}

/**
 * The month the demo fills and how many of its days: the current WIB month up to yesterday (at
 * most the 28th), or, in a month's first week, the whole previous month (28 days).
 */
export function demoWindow(now: Date): { period: string; days: number } {
  const today = wibDate(now)
  const day = Number(today.slice(8, 10))
  if (day >= 8) return { period: today.slice(0, 7), days: Math.min(28, day - 1) }
  const previous = wibDate(new Date(now.getTime() - day * DAY_MS))
  return { period: previous.slice(0, 7), days: 28 }
}

const phoneOf = (index: number) => `+${PHONE_BASE + index}`

const womanName = (random: Random) => `${random.pick(WOMEN_FIRST)} ${random.pick(SECOND_NAMES)}`
const manName = (random: Random) => `${random.pick(MEN_FIRST)} ${random.pick(MEN_SECOND)}`

/** A family head's name written a little differently (as a second cadre might type it). */
function variantOf(name: string): string {
  if (name.includes('u')) return name.replace('u', 'oe')
  if (name.includes('i')) return name.replace('i', 'ie')
  return `${name}a`
}

/** A point near a kecamatan's centroid (within about 2 km), or null when unknown. */
function near(random: Random, kecamatanCode: string): { lat: number; lng: number } | null {
  const position = kecamatanPosition(kecamatanCode)
  if (!position) return null
  const jitter = () => Math.round((random.next() - 0.5) * 0.04 * 10_000) / 10_000
  return {
    lat: Math.round((position.lat + jitter()) * 10_000) / 10_000,
    lng: Math.round((position.lng + jitter()) * 10_000) / 10_000,
  }
}

/** Builds the whole demo from the regions, the moment and the seed. */
export function buildDemoPlan(params: BuildDemoPlanParams): DemoPlan {
  const seed = params.seed ?? DEMO_SEED
  const random = createRandom(seed)
  const { period, days } = demoWindow(params.now)
  const monthStart = `${period}-01`
  const lastDay = addDays(monthStart, days - 1)
  const year = Number(period.slice(0, 4))
  const kecamatan = [...params.regions.kecamatan].sort((a, b) => a.code.localeCompare(b.code))
  const desaOf = (code: string) =>
    [...(params.regions.desaByKecamatan[code] ?? [])].sort((a, b) => a.code.localeCompare(b.code))
  const allDesa = kecamatan.flatMap((k) => desaOf(k.code))

  const people: DemoPerson[] = []
  const addPerson = (person: Omit<DemoPerson, 'phone' | 'chat'>, phone = true): number => {
    const index = people.length
    people.push({
      ...person,
      phone: phone ? phoneOf(index) : null,
      chat: phone ? `demo-${PHONE_BASE + index}` : null,
    })
    return index
  }

  // --- Staff ---
  const admin = addPerson({
    name: 'Dewi Kartikasari',
    roles: ['admin'],
    regionCode: '35.07',
    birthYear: 1979,
    cadreTier: null,
  })
  for (const k of kecamatan) {
    addPerson({
      name: random.chance(0.5) ? manName(random) : womanName(random),
      roles: ['supervisor'],
      regionCode: k.code,
      birthYear: random.int(1970, 1988),
      cadreTier: null,
    })
  }
  const mentors: Record<SkillTrack, number> = {
    menjahit: addPerson({
      name: 'Sri Wahyuningsih',
      roles: ['mentor'],
      regionCode: '35.07',
      birthYear: 1983,
      cadreTier: null,
    }),
    makanan: addPerson({
      name: 'Ratna Kusumawati',
      roles: ['mentor'],
      regionCode: '35.07',
      birthYear: 1986,
      cadreTier: null,
    }),
  }

  // --- Cadres, their families and visits ---
  const families: DemoFamily[] = []
  const visits: DemoVisit[] = []
  const referrals: DemoReferral[] = []
  const cadres: number[] = []
  for (let i = 0; i < DEMO_CADRES; i++) {
    const desa = random.pick(allDesa)
    const cadre = addPerson({
      name: womanName(random),
      roles: ['kader'],
      regionCode: desa.code,
      birthYear: random.int(1968, 1995),
      cadreTier: random.chance(0.3) ? 'ppkbd' : 'sub_ppkbd',
    })
    cadres.push(cadre)
    const kecamatanCode = desa.code.split('.').slice(0, 3).join('.')
    const activity = random.weighted({ inactive: 15, low: 25, mid: 40, high: 20 })
    const count =
      activity === 'inactive'
        ? 0
        : activity === 'low'
          ? random.int(1, 3)
          : activity === 'mid'
            ? random.int(4, 8)
            : random.int(9, 14)

    // Families known from earlier months, some at risk of stunting, some not visited this month.
    const known: number[] = []
    const earlier = random.int(0, 2)
    for (let f = 0; f < earlier; f++) {
      known.push(families.length)
      families.push({
        headName: manName(random),
        desaCode: desa.code,
        dusunRwRt: `RT ${String(random.int(1, 9)).padStart(2, '0')} / RW ${String(random.int(1, 6)).padStart(2, '0')}`,
        krs: random.chance(0.4),
        createdBy: cadre,
        createdAt: wibAt(addDays(monthStart, -random.int(20, 90)), random.int(8 * 60, 15 * 60)),
      })
    }

    // Days 1 to days − 1 are drawn, so a revisit can always move to a later day.
    const visitDays = Array.from(
      { length: count },
      () => 1 + Math.floor(random.next() * (days - 1))
    )
    visitDays.sort((a, b) => a - b)
    const visitedOn = new Map<number, number>()
    for (let day of visitDays) {
      // A revisit of a known family, else a new one. The draws never depend on the dates, so
      // every month gives the same counts; a revisit on the family's last day moves a day.
      const revisit = random.chance(0.25)
      const which = random.next()
      const minutes = random.int(8 * 60, 17 * 60)
      let family: number
      if (revisit && known.length > 0) {
        family = known[Math.floor(which * known.length)]!
        while (visitedOn.get(family) === day && day < days) day++
      } else {
        family = families.length
        families.push({
          headName: manName(random),
          desaCode: desa.code,
          dusunRwRt: `RT ${String(random.int(1, 9)).padStart(2, '0')} / RW ${String(random.int(1, 6)).padStart(2, '0')}`,
          krs: random.chance(0.22),
          createdBy: cadre,
          createdAt: wibAt(addDays(monthStart, day - 1), minutes),
        })
        known.push(family)
      }
      const visitDate = addDays(monthStart, day - 1)
      const createdAt = wibAt(visitDate, minutes)
      visitedOn.set(family, day)
      const visit = drawVisit(random, {
        cadre,
        family,
        krs: families[family]!.krs,
        desaCode: desa.code,
        kecamatanCode,
        visitDate,
        createdAt,
      })
      visits.push(visit.visit)
      if (visit.referral) {
        referrals.push(
          drawReferral(random, {
            visit: visits.length - 1,
            ...visit.referral,
            visitDate,
            day,
            days,
            lastDay,
          })
        )
      }
    }
  }

  // Three same-day repeats the cadre confirmed (decision 11) and two withdrawn visits.
  const repeatable = visits
    .map((visit, index) => ({ visit, index }))
    .filter(({ visit }) => visit.status === 'submitted' && visit.actions.length === 1)
  for (let r = 0; r < 3; r++) {
    const { visit, index } = repeatable[Math.floor(((r + 1) * repeatable.length) / 4)]!
    visits.push({
      ...visit,
      duplicateOf: index,
      createdAt: new Date(visit.createdAt.getTime() + random.int(20, 90) * 60_000),
    })
  }
  for (let w = 0; w < 2; w++) {
    const { index } = repeatable[Math.floor(((w + 1) * repeatable.length) / 3) + 1]!
    visits[index] = { ...visits[index]!, status: 'withdrawn' }
  }
  // Three families entered twice under a slightly different name, by another visit of a cadre.
  for (let d = 0; d < 3; d++) {
    const { visit } = repeatable[Math.floor(((d + 1) * repeatable.length) / 5) + 2]!
    const original = families[visit.family]!
    const family = families.length
    const visitDate = addDays(visit.visitDate, visit.visitDate < lastDay ? 1 : 0)
    const createdAt = wibAt(visitDate, random.int(8 * 60, 17 * 60))
    families.push({ ...original, headName: variantOf(original.headName), createdAt })
    visits.push({ ...visit, family, visitDate, createdAt, duplicateOf: null })
  }

  // --- Training ---
  const cohorts: DemoCohort[] = []
  const sessions: DemoSession[] = []
  const enrollments: DemoEnrollment[] = []
  const attendance: DemoAttendance[] = []
  DEMO_COHORTS.forEach((spec, c) => {
    const mentor = mentors[spec.track]
    cohorts.push({
      code: `${spec.abbr}-${spec.track === 'menjahit' ? 'MJ' : 'MK'}-01`,
      kecamatanCode: spec.kecamatanCode,
      track: spec.track,
      mentor,
    })
    const desa = desaOf(spec.kecamatanCode)
    const venueDesa = desa[0]!
    const place = near(random, spec.kecamatanCode)
    const morning = c % 2 === 0
    const cohortSessions: number[] = []
    for (let k = 0; k < DEMO_SESSIONS_PER_COHORT; k++) {
      const ago = c < DEMO_FINISHED_COHORTS ? DEMO_FINISHED_DAYS_AGO : 0
      const date = addDays(lastDay, -ago - (c % 3) - 3 * (DEMO_SESSIONS_PER_COHORT - 1 - k))
      const start = morning ? 8 * 60 : 13 * 60
      cohortSessions.push(sessions.length)
      sessions.push({
        cohort: c,
        date,
        startsAt: wibAt(date, start),
        endsAt: wibAt(date, start + 180),
        venue: `Balai Desa ${venueDesa.name}`,
        lat: place?.lat ?? null,
        lng: place?.lng ?? null,
        topic: TOPICS[spec.track][k]!,
        checkinCode: String(random.int(0, 9999)).padStart(4, '0'),
      })
    }
    for (let p = 0; p < DEMO_COHORT_SIZE; p++) {
      const birthYear = year - random.int(19, 34)
      const person = addPerson(
        {
          name: womanName(random),
          roles: ['peserta'],
          regionCode: random.pick(desa).code,
          birthYear,
          cadreTier: null,
        },
        random.chance(0.9)
      )
      const profile = random.weighted({
        reliable: 45,
        average: 35,
        struggling: 12,
        dropOut: 5,
        withdrawn: 3,
      })
      const presence =
        profile === 'reliable'
          ? 0.95
          : profile === 'average'
            ? 0.8
            : profile === 'struggling'
              ? 0.55
              : 0.7
      // Drop-outs stop coming for the last 3 or 4 sessions; the withdrawn leave after session 3.
      const stopsAt =
        profile === 'dropOut'
          ? DEMO_SESSIONS_PER_COHORT - random.int(3, 4)
          : DEMO_SESSIONS_PER_COHORT
      const rowsUntil = profile === 'withdrawn' ? 3 : DEMO_SESSIONS_PER_COHORT
      enrollments.push({
        cohort: c,
        person,
        birthYear,
        status: profile === 'withdrawn' ? 'withdrawn' : 'active',
        // Not drawn, so the draws after it (and the counts) stay those of earlier demos.
        enrolledAt: wibAt(addDays(sessions[cohortSessions[0]!]!.date, -14 - (p % 7)), 9 * 60),
      })
      cohortSessions.forEach((s, k) => {
        if (k >= rowsUntil) return
        const session = sessions[s]!
        const u = random.next()
        const late = random.chance(0.12)
        const byMentor = random.chance(0.15)
        if (k < stopsAt && u < presence) {
          attendance.push({
            session: s,
            person,
            status: late ? 'late' : 'present',
            method: byMentor ? 'mentor' : 'kode',
            reason: null,
            recordedBy: byMentor ? mentor : null,
            at: new Date(
              session.startsAt.getTime() +
                (late ? random.int(20, 50) : random.int(-15, 10)) * 60_000
            ),
          })
        } else if (k < stopsAt && random.chance(0.4)) {
          attendance.push({
            session: s,
            person,
            status: 'izin',
            method: 'izin',
            reason: random.pick(IZIN_REASONS_FOR_DEMO),
            recordedBy: null,
            at: new Date(session.startsAt.getTime() - random.int(60, 600) * 60_000),
          })
        } else {
          attendance.push({
            session: s,
            person,
            status: 'absent',
            method: 'auto',
            reason: null,
            recordedBy: null,
            at: session.endsAt,
          })
        }
      })
    }
  })

  // --- A finished broadcast to every cadre ---
  const broadcastAt = wibAt(addDays(lastDay, -Math.min(5, days - 1)), 7 * 60)
  const broadcast: DemoBroadcast = {
    author: admin,
    text: '[DEMO] Yth. Ibu {nama}, rapat koordinasi kader KB se-kecamatan hari Jumat pukul 09.00 di kantor kecamatan. Mohon membawa rekap kunjungan bulan ini.',
    at: broadcastAt,
    finishedAt: new Date(broadcastAt.getTime() + 25 * 60_000),
    recipients: cadres.map((person) => {
      const outcome = random.weighted({ sent: 94, failed: 2, no_identity: 4 })
      if (outcome === 'no_identity') people[person]!.chat = null
      return { person, outcome }
    }),
  }

  const training = { cohorts, sessions, enrollments, attendance }
  return {
    seed,
    period,
    days,
    people,
    families,
    visits,
    referrals,
    ...training,
    broadcast,
    outcomes: planOutcomes({ ...training, seed, finishedCohorts: DEMO_FINISHED_COHORTS }),
  }
}

type DrawVisitParams = {
  cadre: number
  family: number
  krs: boolean
  desaCode: string
  kecamatanCode: string
  visitDate: string
  createdAt: Date
}

/** One visit's answers, in the shapes the visit report stores, and maybe a referral. */
function drawVisit(
  random: Random,
  params: DrawVisitParams
): { visit: DemoVisit; referral: { target: string; reason: string } | null } {
  const primary = random.weighted(SASARAN_WEIGHTS)
  const sasaran: string[] = params.krs ? [primary, 'krs'] : [primary]
  let kbStatus: string | null = null
  let kbMethod: string | null = null
  let kbIntent: string | null = null
  let risk4t: string[] = []
  let lila: number | null = null
  let hb: number | null = null
  let referral: { target: string; reason: string } | null = null
  if (primary === 'pus') {
    kbStatus = random.weighted({ ber_kb: 66, tidak_kb: 26, hamil: 8 })
    if (kbStatus === 'ber_kb') kbMethod = random.weighted(KB_METHODS_WEIGHTS)
    if (kbStatus === 'tidak_kb') {
      kbIntent = random.weighted({ segera: 30, tunda: 45, tidak_lagi: 25 })
      if (kbIntent === 'segera' && random.chance(0.5)) {
        referral = { target: 'puskesmas', reason: 'kb' }
      }
    }
    risk4t = random.chance(0.7)
      ? ['tidak_ada']
      : [random.pick(['terlalu_muda', 'terlalu_tua', 'terlalu_dekat', 'terlalu_banyak'])]
  }
  if (primary === 'bumil') {
    lila = Math.round((21 + random.next() * 8) * 10) / 10
    hb = Math.round((9.5 + random.next() * 4) * 10) / 10
    if (hb < 11 && random.chance(0.7)) referral = { target: 'bidan_desa', reason: 'anemia' }
    else if (random.chance(0.15)) referral = { target: 'bidan_desa', reason: 'anc' }
  }
  if ((primary === 'baduta' || primary === 'balita') && random.chance(0.1)) {
    referral = { target: 'puskesmas', reason: random.pick(['gizi', 'imunisasi']) }
  }
  const envRisks = params.krs
    ? random.chance(0.4)
      ? ['tidak_ada']
      : [random.pick(['air_minum', 'jamban', 'rumah'])]
    : []
  if (params.krs && !referral && random.chance(0.1)) {
    referral = { target: 'dinsos_desa', reason: 'bansos' }
  }
  const actions: string[] = ['kie']
  if ((primary === 'baduta' || primary === 'balita') && random.chance(0.3)) actions.push('posyandu')
  if (referral) actions.push('rujukan')
  const location = random.chance(0.85) ? near(random, params.kecamatanCode) : null
  return {
    visit: {
      cadre: params.cadre,
      family: params.family,
      desaCode: params.desaCode,
      visitDate: params.visitDate,
      sasaran,
      kbStatus,
      kbMethod,
      kbIntent,
      risk4t,
      envRisks,
      lila,
      hb,
      actions: actions.filter((action) => (ACTIONS as readonly string[]).includes(action)),
      lat: location?.lat ?? null,
      lng: location?.lng ?? null,
      duplicateOf: null,
      status: 'submitted',
      createdAt: params.createdAt,
    },
    referral,
  }
}

type DrawReferralParams = {
  visit: number
  target: string
  reason: string
  visitDate: string
  /** The visit's day of the month. */
  day: number
  days: number
  lastDay: string
}

/** A referral's follow-up: closed at its follow-up date when that has passed, often served. */
function drawReferral(random: Random, params: DrawReferralParams): DemoReferral {
  const followUpDate = addDays(params.visitDate, 7)
  const base = { visit: params.visit, target: params.target, reason: params.reason, followUpDate }
  // Every draw is made whatever the dates, so the counts stay the same in every month.
  const outcome = random.weighted<FollowUpStatus>({
    sudah_dilayani: 60,
    belum: 20,
    ditolak: 7,
    pindah: 5,
    tidak_ditemukan: 8,
  })
  const minutes = random.int(9 * 60, 15 * 60)
  const servedEarly = random.chance(0.3)
  if (params.day + 7 <= params.days) {
    return {
      ...base,
      status: outcome,
      closedAt: outcome === 'belum' ? null : wibAt(followUpDate, minutes),
    }
  }
  if (params.day < params.days && servedEarly) {
    return { ...base, status: 'sudah_dilayani', closedAt: wibAt(params.lastDay, minutes) }
  }
  return { ...base, status: 'belum', closedAt: null }
}
