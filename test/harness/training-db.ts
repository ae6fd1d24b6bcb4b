/**
 * Training helpers for tests on a real database: people with a consented simulator chat, the
 * texts queued to a chat, and the scheduler's training jobs.
 * @module
 */
import { asc, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { linkIdentity } from '../../src/db/queries/people.js'
import { outbox, people } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { followUpSurveyHandlers } from '../../src/scheduler/jobs/follow-up-surveys.js'
import { sessionReminderHandlers } from '../../src/scheduler/jobs/session-reminders.js'
import { testI18n } from './i18n.js'
import { giveConsent, silentLogger } from './runtime.js'

/** An instant from a WIB wall-clock time, `'2026-12-01T08:00'`. */
export const wib = (local: string) => new Date(`${local}:00+07:00`)

/** A person with one simulator chat that has consented; returns the person id. */
export async function trainingPerson(
  db: Db,
  params: { name: string; roles: Role[]; regionCode: string; chat?: string; phone?: string }
): Promise<number> {
  const [row] = await db
    .insert(people)
    .values({
      name: params.name,
      roles: params.roles,
      regionCode: params.regionCode,
      phone: params.phone ?? null,
    })
    .returning({ id: people.id })
  if (params.chat) {
    await linkIdentity(db, { personId: row!.id, channel: 'simulator', externalId: params.chat })
    await giveConsent(db, [params.chat])
  }
  return row!.id
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

/** The scheduler's view of the training jobs on a test database. */
export async function trainingFireDeps(db: Db) {
  return {
    db,
    logger: silentLogger,
    handlers: {
      ...sessionReminderHandlers({ i18n: await testI18n(), timeZone: 'Asia/Jakarta' }),
      ...followUpSurveyHandlers({ i18n: await testI18n(), timeZone: 'Asia/Jakarta' }),
    },
  }
}
