/**
 * Notices through the real runtime on a test database (docs/domain.md, decision 20): simulator
 * chats that say things and read what was delivered to them, and the notices still waiting for a
 * person.
 * @module
 */
import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { outbox } from '../../src/db/schema/index.js'
import { createTestRuntime, simulatorMessage } from './runtime.js'
import { enrolParticipants, morningSession, trainingPerson, wib } from './training-db.js'

/** The runtime and its simulator sender, and `chatAs` to talk as one chat. */
export async function noticeChats(db: Db) {
  const { runtime, sender } = await createTestRuntime(db)
  /** A simulator chat; like WhatsApp it may give the sender's phone with every message. */
  const chatAs = (from: string, phone?: string) => ({
    async say(text: string, at: Date) {
      const message = { ...simulatorMessage(from, text), phone }
      return (await runtime.handleInbound(message, at)).replies.map((r) => r.text)
    },
    /** Everything delivered to this chat, in delivery order. */
    async inbox() {
      await sender.idle()
      const rows = await listSimulatorInbox(db, { recipientId: from, afterId: 0, limit: 50 })
      return rows.map((row) => (row.message as { text: string }).text)
    },
  })
  return { runtime, sender, chatAs }
}

/** The notices kept for a person the bot cannot reach yet, oldest first. */
export const waitingFor = (db: Db, personId: number) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.personId, personId), eq(outbox.status, 'waiting')))
    .orderBy(asc(outbox.id))

/**
 * Mentor Sri Wahyuni (Singosari; with `chat` a consented simulator chat, with only `phone` a
 * mentor who never wrote), her sewing cohort `code`, its session "Pola dasar" on 1 Desember 2026
 * 08.00 WIB (check-in by code) and the participants, planned on 25 November.
 */
export async function mentorCohort<const Name extends string>(
  db: Db,
  code: string,
  mentor: { chat?: string; phone?: string },
  participants: ReadonlyArray<{ name: Name; chat?: string; phone?: string }>
) {
  const planned = wib('2026-11-25T10:00')
  const mentorId = await trainingPerson(db, {
    name: 'Sri Wahyuni',
    roles: ['mentor'],
    regionCode: '35.07.24',
    ...mentor,
  })
  const cohort = await upsertCohort(db, {
    programmeId: await ensureDefaultProgramme(db),
    code,
    kecamatanCode: '35.07.24',
    track: 'menjahit',
    mentorId,
  })
  const session = await morningSession(db, {
    cohortId: cohort.id,
    topic: 'Pola dasar',
    now: planned,
  })
  const ids = await enrolParticipants(db, cohort.id, planned, participants)
  return { mentorId, cohortId: cohort.id, sessionId: session.id, participants: ids }
}
