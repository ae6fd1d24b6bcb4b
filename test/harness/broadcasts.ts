/**
 * A small roster for broadcast tests: people of every role in two kecamatan, cadres with and
 * without recent visits, two cohorts whose last sessions were attended or missed. Every count a
 * test expects is worked out by hand from the comments here.
 * @module
 */
import { asc, eq } from 'drizzle-orm'
import type { ChannelName } from '../../src/domain/messages.js'
import type { Db } from '../../src/db/client.js'
import { recordConsent } from '../../src/db/queries/consent.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { NOTICE_VERSION } from '../../src/domain/consent.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import {
  attendance,
  broadcastRecipients,
  cohorts,
  consents,
  enrollments,
  families,
  outbox,
  people,
  trainingSessions,
  visits,
} from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { broadcastHandlers } from '../../src/scheduler/jobs/broadcasts.js'
import { testI18n } from './i18n.js'
import { silentLogger } from './runtime.js'

/** Monday 23 November 2026, 08.00 WIB. */
export const NOW = new Date('2026-11-23T01:00:00Z')
const DAY = 24 * 3600 * 1000
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY)

export const SINGOSARI = '35.07.24'
export const PAGENTAN = '35.07.24.1011'
export const LOSARI = '35.07.24.1014'
export const LAWANG = '35.07.25'
export const KALIREJO = '35.07.25.1005'

export type PersonParams = {
  name: string
  roles: Role[]
  region: string
  /** Chat identity on the simulator; none when null. */
  chat?: string | null
  status?: 'active' | 'pending'
  optedOutAt?: Date
  /**
   * The chat's answer to the privacy notice (docs/domain.md, decision 21): consented unless
   * `refused` or `none` (never answered); only consenting chats get broadcasts and reminders.
   */
  consent?: 'given' | 'refused' | 'none'
}

/**
 * Inserts a person with a simulator identity (`chat`, default `sim-<name>`) that has accepted the
 * privacy notice unless `consent` says otherwise.
 */
export async function addPerson(db: Db, params: PersonParams): Promise<number> {
  const [row] = await db
    .insert(people)
    .values({
      name: params.name,
      roles: params.roles,
      regionCode: params.region,
      status: params.status ?? 'active',
      optedOutAt: params.optedOutAt ?? null,
    })
    .returning({ id: people.id })
  const chat = params.chat === undefined ? `sim-${params.name.toLowerCase()}` : params.chat
  if (chat !== null) {
    await linkIdentity(db, { personId: row!.id, channel: 'simulator', externalId: chat })
    const consent = params.consent ?? 'given'
    if (consent !== 'none') {
      await recordConsent(db, {
        channel: 'simulator',
        senderId: chat,
        personId: row!.id,
        noticeVersion: NOTICE_VERSION,
        given: consent === 'given',
        at: daysAgo(30),
      })
    }
  }
  return row!.id
}

/** Records that these chats accepted the current privacy notice, in one statement. */
export async function consentChats(
  db: Db,
  chats: { personId: number; channel: ChannelName; externalId: string }[]
): Promise<void> {
  if (chats.length === 0) return
  await db.insert(consents).values(
    chats.map((chat) => ({
      channel: chat.channel,
      senderId: chat.externalId,
      personId: chat.personId,
      noticeVersion: NOTICE_VERSION,
      given: true,
      at: daysAgo(30),
    }))
  )
}

async function addVisit(db: Db, cadreId: number, desaCode: string, at: Date, withdrawn = false) {
  const [family] = await db
    .insert(families)
    .values({ headName: `Keluarga ${cadreId}-${at.getTime()}`, desaCode })
    .returning({ id: families.id })
  await db.insert(visits).values({
    reference: `KJ-${cadreId}-${at.getTime()}`,
    cadreId,
    familyId: family!.id,
    desaCode,
    visitDate: at.toISOString().slice(0, 10),
    period: at.toISOString().slice(0, 7),
    sasaran: ['pus'],
    actions: ['kie'],
    status: withdrawn ? 'withdrawn' : 'submitted',
    createdAt: at,
  })
}

async function addSession(db: Db, cohortId: number, start: Date) {
  const [row] = await db
    .insert(trainingSessions)
    .values({
      cohortId,
      date: start.toISOString().slice(0, 10),
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3600 * 1000),
      venue: 'Balai desa',
      topic: 'Menjahit',
      checkinCode: '1234',
    })
    .returning({ id: trainingSessions.id })
  return row!.id
}

async function attend(
  db: Db,
  sessionId: number,
  personId: number,
  status: 'present' | 'izin' | 'absent'
) {
  await db.insert(attendance).values({ sessionId, personId, status, method: 'kode', at: NOW })
}

/**
 * The roster (13 active people, 1 pending):
 * - admin Rina (35.07), supervisor Joko (Singosari), mentor Sri (Singosari)
 * - cadres: Siti (Pagentan, visit 2 days ago), Ani (Pagentan, visit 10 days ago), Dewi (Losari,
 *   no visit), Fitri (Losari, her only visit 1 day ago was withdrawn), Lastri (Kalirejo in
 *   Lawang, no visit); Eka (Losari) is pending
 * - cohort SGS-1 (Singosari): sessions ended 16 and 21 Nov (the last held), one on 30 Nov.
 *   Putri (Pagentan) present on 21 Nov; Rani (Losari) absent; Tari (Losari) izin; Wati
 *   (Pagentan) present on 16 Nov, no record on 21 Nov
 * - cohort LWG-1 (Lawang): a session ended 20 Nov; Yuni (Kalirejo) absent
 * Both cohorts are in the default programme IBU-MUDA.
 */
export async function seedRoster(db: Db) {
  const id = {
    rina: await addPerson(db, { name: 'Rina', roles: ['admin'], region: '35.07' }),
    joko: await addPerson(db, { name: 'Joko', roles: ['supervisor'], region: SINGOSARI }),
    sri: await addPerson(db, { name: 'Sri', roles: ['mentor'], region: SINGOSARI }),
    siti: await addPerson(db, { name: 'Siti', roles: ['kader'], region: PAGENTAN }),
    ani: await addPerson(db, { name: 'Ani', roles: ['kader'], region: PAGENTAN }),
    dewi: await addPerson(db, { name: 'Dewi', roles: ['kader'], region: LOSARI }),
    fitri: await addPerson(db, { name: 'Fitri', roles: ['kader'], region: LOSARI }),
    lastri: await addPerson(db, { name: 'Lastri', roles: ['kader'], region: KALIREJO }),
    eka: await addPerson(db, { name: 'Eka', roles: ['kader'], region: LOSARI, status: 'pending' }),
    putri: await addPerson(db, { name: 'Putri', roles: ['peserta'], region: PAGENTAN }),
    rani: await addPerson(db, { name: 'Rani', roles: ['peserta'], region: LOSARI }),
    tari: await addPerson(db, { name: 'Tari', roles: ['peserta'], region: LOSARI }),
    wati: await addPerson(db, { name: 'Wati', roles: ['peserta'], region: PAGENTAN }),
    yuni: await addPerson(db, { name: 'Yuni', roles: ['peserta'], region: KALIREJO }),
  }
  await addVisit(db, id.siti, PAGENTAN, daysAgo(2))
  await addVisit(db, id.ani, PAGENTAN, daysAgo(10))
  await addVisit(db, id.fitri, LOSARI, daysAgo(1), true)

  const programmeId = await ensureDefaultProgramme(db)
  const [sgs, lwg] = await db
    .insert(cohorts)
    .values([
      { programmeId, code: 'SGS-1', kecamatanCode: SINGOSARI, track: 'menjahit', mentorId: id.sri },
      { programmeId, code: 'LWG-1', kecamatanCode: LAWANG, track: 'makanan', mentorId: null },
    ])
    .returning({ id: cohorts.id })
  await db
    .insert(enrollments)
    .values(
      [id.putri, id.rani, id.tari, id.wati].map((personId) => ({ cohortId: sgs!.id, personId }))
    )
  await db.insert(enrollments).values({ cohortId: lwg!.id, personId: id.yuni })
  const s16 = await addSession(db, sgs!.id, new Date('2026-11-16T01:00:00Z'))
  const s21 = await addSession(db, sgs!.id, new Date('2026-11-21T01:00:00Z'))
  await addSession(db, sgs!.id, new Date('2026-11-30T01:00:00Z'))
  const l20 = await addSession(db, lwg!.id, new Date('2026-11-20T01:00:00Z'))
  await attend(db, s16, id.wati, 'present')
  await attend(db, s21, id.putri, 'present')
  await attend(db, s21, id.rani, 'absent')
  await attend(db, s21, id.tari, 'izin')
  await attend(db, l20, id.yuni, 'absent')
  return id
}

/** Runs the broadcast fires (send, progress) due at `at`, as the scheduler's tick does. */
export async function tickBroadcasts(db: Db, at: Date) {
  const i18n = await testI18n()
  return runDueFires(
    { db, handlers: broadcastHandlers({ i18n, timeZone: 'Asia/Jakarta' }), logger: silentLogger },
    at
  )
}

/** The outbox rows carrying a broadcast's messages, by recipient. */
export async function broadcastMessages(db: Db, broadcastId: number) {
  return db
    .select({
      id: outbox.id,
      recipientId: outbox.recipientId,
      personId: outbox.personId,
      status: outbox.status,
      skipReason: outbox.skipReason,
    })
    .from(broadcastRecipients)
    .innerJoin(outbox, eq(outbox.id, broadcastRecipients.outboxId))
    .where(eq(broadcastRecipients.broadcastId, broadcastId))
    .orderBy(asc(outbox.recipientId))
}
