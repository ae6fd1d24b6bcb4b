/**
 * Two scheduler processes on one Postgres database (two replicas), with a restart in between:
 * every session reminder, end-of-session fire and change notice is acted on once. Real Postgres
 * only: the point is two separate connection pools racing for the same fires (`FOR UPDATE SKIP
 * LOCKED` across connections), which one embedded PGlite connection cannot show.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type DbHandle, createDb } from '../../src/db/client.js'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import { attendance, outbox } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  planReminderPlanning,
  planSessionReminders,
} from '../../src/scheduler/jobs/session-reminders.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { enrolParticipants, sewingCohort, trainingFireDeps, wib } from '../harness/training-db.js'

const TZ = 'Asia/Jakarta'

describe.runIf(hasPostgres)('training fires with two schedulers on one database', () => {
  let database: TestDatabase
  let a: DbHandle
  let b: DbHandle
  beforeAll(async () => {
    database = await createTestDbUrl()
    a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 3 })
    b = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 3 })
    await Promise.all([a.db.execute(sql`select 1`), b.db.execute(sql`select 1`)])
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await database?.drop()
  })

  test('reminders, a move and the absences, once each across replicas and a restart', async () => {
    const { cohortId } = await sewingCohort(a.db, { mentorChat: 'm' })
    const base = {
      cohortId,
      date: '2026-12-01',
      endsAt: wib('2026-12-01T12:00'),
      venue: 'Balai Desa Baturetno',
      topic: 'Pola dasar',
      checkinMode: 'kode' as const,
    }
    await upsertSession(a.db, {
      ...base,
      startsAt: wib('2026-12-01T08:00'),
      now: wib('2026-11-20T10:00'),
    })
    await enrolParticipants(a.db, cohortId, wib('2026-11-20T10:00'), [
      { name: 'Nur Aini', chat: 'p1' },
      { name: 'Rina', chat: 'p2' },
    ])
    // Both replicas start up: each plans (the same fires).
    for (const handle of [a, b]) {
      await planSessionReminders(handle.db, wib('2026-11-30T09:00'), TZ)
      await planReminderPlanning(handle.db, wib('2026-11-30T09:00'))
    }
    const depsA = await trainingFireDeps(a.db)
    const depsB = await trainingFireDeps(b.db)
    const both = (at: Date) => Promise.all([runDueFires(depsA, at), runDueFires(depsB, at)])

    await both(wib('2026-11-30T18:01'))
    // The session moves to 09.00 in the evening; a restart of replica b plans again.
    await upsertSession(b.db, {
      ...base,
      startsAt: wib('2026-12-01T09:00'),
      endsAt: wib('2026-12-01T13:00'),
      now: wib('2026-11-30T20:00'),
    })
    await both(wib('2026-11-30T20:01'))
    await planSessionReminders(b.db, wib('2026-11-30T21:00'), TZ)
    await both(wib('2026-12-01T06:01'))
    await both(wib('2026-12-01T12:01'))
    await both(wib('2026-12-01T13:01'))

    const rows = await a.db
      .select({ to: outbox.recipientId, message: outbox.message })
      .from(outbox)
      .where(eq(outbox.recipientId, 'p1'))
      .orderBy(asc(outbox.id))
    expect(rows.map((r) => (r.message as { text: string }).text.split(/[,:\n]/)[0])).toEqual([
      'Selamat bergabung di pelatihan', // the baseline invitation every enrolment plans, once
      'Pengingat pelatihan menjahit besok', // 18.00, for 08.00
      'Jadwal pelatihan menjahit berubah', // 20.00, the move
      'Selamat pagi! Hari ini pelatihan menjahit pukul 09.00 WIB di Balai Desa Baturetno. Materi', // 06.00
      'Hari ini kehadiran di pelatihan belum tercatat. Semoga sehat bersama keluarga. Sampai jumpa di sesi berikutnya! Jika berhalangan', // 13.00
    ])
    const absent = await a.db.select().from(attendance)
    expect(absent.map((r) => [r.status, r.at])).toEqual([
      ['absent', wib('2026-12-01T13:01')],
      ['absent', wib('2026-12-01T13:01')],
    ])
  })
})
