/**
 * Training helpers for tests on a real database: people with a consented simulator chat, the
 * texts queued to a chat, and the scheduler's training jobs.
 * @module
 */
import { asc, desc, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { enrollments, outbox, programmes } from '../../src/db/schema/index.js'
import { DEFAULT_PROGRAMME_SETTINGS } from '../../src/domain/training.js'
import { saveBaseline } from '../../src/db/queries/training-outcomes.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import type { Role } from '../../src/domain/people.js'
import { followUpSurveyHandlers } from '../../src/scheduler/jobs/follow-up-surveys.js'
import { sessionReminderHandlers } from '../../src/scheduler/jobs/session-reminders.js'
import { testI18n } from './i18n.js'
import { giveConsent, silentLogger } from './runtime.js'
import { seedPerson } from './visits-db.js'

/** An instant from a WIB wall-clock time, `'2026-12-01T08:00'`. */
export const wib = (local: string) => new Date(`${local}:00+07:00`)

/** A person with one simulator chat that has consented; returns the person id. */
export async function trainingPerson(
  db: Db,
  params: { name: string; roles: Role[]; regionCode: string; chat?: string; phone?: string }
): Promise<number> {
  const personId = await seedPerson(db, {
    name: params.name,
    roles: params.roles,
    regionCode: params.regionCode,
    ...(params.phone ? { phone: params.phone } : {}),
  })
  if (params.chat) {
    await linkIdentity(db, { personId, channel: 'simulator', externalId: params.chat })
    await giveConsent(db, [params.chat])
  }
  return personId
}

/**
 * Mentor Sri Wahyuni (Singosari, a consented simulator chat `wa-mentor` unless given) and her
 * sewing cohort in the default programme (`SGS-MJ-01` unless given).
 */
export async function sewingCohort(
  db: Db,
  options: { code?: string; mentorChat?: string; mentorPhone?: string } = {}
): Promise<{ mentorId: number; programmeId: number; cohortId: number }> {
  const mentorId = await trainingPerson(db, {
    name: 'Sri Wahyuni',
    roles: ['mentor'],
    regionCode: '35.07.24',
    chat: options.mentorChat ?? 'wa-mentor',
    ...(options.mentorPhone ? { phone: options.mentorPhone } : {}),
  })
  const programmeId = await ensureDefaultProgramme(db)
  const cohort = await upsertCohort(db, {
    programmeId,
    code: options.code ?? 'SGS-MJ-01',
    kecamatanCode: '35.07.24',
    track: 'menjahit',
    mentorId,
  })
  return { mentorId, programmeId, cohortId: cohort.id }
}

/**
 * A session of a cohort on `date` (1 Desember 2026 unless given), 08.00-12.00 WIB at Balai Desa
 * Ardimulyo unless given, check-in by code; planned at `now`.
 */
export function morningSession(
  db: Db,
  params: { cohortId: number; topic: string; now: Date; date?: string; venue?: string }
) {
  const date = params.date ?? '2026-12-01'
  return upsertSession(db, {
    cohortId: params.cohortId,
    date,
    startsAt: wib(`${date}T08:00`),
    endsAt: wib(`${date}T12:00`),
    venue: params.venue ?? 'Balai Desa Ardimulyo',
    topic: params.topic,
    checkinMode: 'kode',
    now: params.now,
  })
}

/**
 * Participants enrolled in a cohort at `now`, in the order given (a `chat` makes a consented
 * simulator chat; the desa is 35.07.24.2003 unless given); their person ids by name.
 */
export async function enrolParticipants<const Name extends string>(
  db: Db,
  cohortId: number,
  now: Date,
  list: ReadonlyArray<{ name: Name; chat?: string; phone?: string; regionCode?: string }>
): Promise<Record<Name, number>> {
  const ids = {} as Record<Name, number>
  for (const { name, chat, phone, regionCode } of list) {
    const personId = await trainingPerson(db, {
      name,
      roles: ['peserta'],
      regionCode: regionCode ?? '35.07.24.2003',
      ...(chat ? { chat } : {}),
      ...(phone ? { phone } : {}),
    })
    await enroll(db, { cohortId, personId, now, timeZone: 'Asia/Jakarta' })
    ids[name] = personId
  }
  return ids
}

/** The outbox texts queued for one simulator chat, oldest first. */
export async function textsTo(db: Db, chat: string): Promise<string[]> {
  const rows = await db
    .select()
    .from(outbox)
    .where(eq(outbox.recipientId, chat))
    .orderBy(asc(outbox.id))
  return rows.map((row) => (row.message as { text: string }).text)
}

/** The public base URL the training jobs name in links (a certificate's verification page). */
export const TRAINING_PUBLIC_URL = 'https://kaderbot.example.id'

/** The scheduler's view of the training jobs on a test database. */
export async function trainingFireDeps(db: Db) {
  return {
    db,
    logger: silentLogger,
    handlers: {
      ...sessionReminderHandlers({
        i18n: await testI18n(),
        timeZone: 'Asia/Jakarta',
        adminBaseUrl: () => TRAINING_PUBLIC_URL,
      }),
      ...followUpSurveyHandlers({ i18n: await testI18n(), timeZone: 'Asia/Jakarta' }),
    },
  }
}

/**
 * These participants have given their baseline (declined, the shortest answer) and the scheduler
 * has run the fires due at `at`: their baseline invitations are settled and send nothing, for
 * tests about what comes later.
 */
export async function baselinesSettled(db: Db, personIds: number[], at: Date): Promise<void> {
  for (const personId of personIds) {
    const [enrollment] = await db
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(eq(enrollments.personId, personId))
      .orderBy(desc(enrollments.id))
      .limit(1)
    if (!enrollment) throw new Error(`baselinesSettled: person ${personId} is not enrolled`)
    await saveBaseline(db, {
      enrollmentId: enrollment.id,
      actorId: personId,
      consent: false,
      workingForPay: null,
      businessStarted: null,
      businessKind: null,
      channels: null,
      incomeBracket: null,
      at,
    })
  }
  await runDueFires(await trainingFireDeps(db), at)
}

/**
 * A sewing cohort whose programme waits for the mentor's kompeten mark, with its exam session on
 * 1 Desember 2026 (planned 20 November 10.00 WIB, `topic`) attended by Nur Aini (`wa-nur`) and
 * Lilis (`wa-lilis`), whose baselines are settled: what the kompeten tests start from.
 */
export async function kompetenCohort(db: Db, topic: string) {
  const { cohortId, programmeId, mentorId } = await sewingCohort(db)
  await db
    .update(programmes)
    .set({ settings: { ...DEFAULT_PROGRAMME_SETTINGS, completionRequiresKompeten: true } })
    .where(eq(programmes.id, programmeId))
  const planned = wib('2026-11-20T10:00')
  const session = await morningSession(db, { cohortId, topic, now: planned })
  const people = await enrolParticipants(db, cohortId, planned, [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Lilis', chat: 'wa-lilis' },
  ])
  await baselinesSettled(db, Object.values(people), wib('2026-11-20T10:01'))
  for (const personId of Object.values(people)) {
    await recordAttendance(db, {
      sessionId: session.id,
      personId,
      status: 'present',
      method: 'kode',
      at: wib('2026-12-01T07:55'),
    })
  }
  return { cohortId, programmeId, mentorId, session, people }
}
