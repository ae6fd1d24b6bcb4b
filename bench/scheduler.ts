/**
 * @module Benchmark 2, the scheduler: a training programme of `participants` people in cohorts of
 * `cohortSize`, each cohort with `sessions` daily sessions, imported through the real importers.
 * Then simulated time runs hour by hour through the whole programme and each hour runs one
 * scheduler tick (`runDueFires` with the real session-reminder handlers, as `startKaderbot` wires
 * them): the hourly planning fire plans the next two days' reminders, reminder fires enqueue one
 * message per participant, session-end fires mark absences. Every query is counted through a
 * drizzle logger on a second drizzle instance over the same connection.
 */
import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'
import { createI18n } from '../src/i18n/index.js'
import { importEnrollments, importSessions } from '../src/import/training.js'
import { createLogger } from '../src/lib/logger.js'
import { type FireHandler, runDueFires } from '../src/scheduler/fires.js'
import { followUpSurveyHandlers } from '../src/scheduler/jobs/follow-up-surveys.js'
import {
  PLAN_REMINDERS_KIND,
  SESSION_END_KIND,
  SESSION_REMINDER_KIND,
  planReminderPlanning,
  planSessionReminders,
  sessionReminderHandlers,
} from '../src/scheduler/jobs/session-reminders.js'
import { countingDb, createBenchDatabase, rowsOf } from './database.js'
import { seedPeople } from './seed.js'
import { type LatencySummary, round, summarize } from './stats.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const TIME_ZONE = 'Asia/Jakarta'

export type SchedulerOptions = {
  participants: number
  sessions: number
  cohortSize: number
  serverUrl?: string
  log: (line: string) => void
}

/** Time and queries of a set of ticks. */
export type TickFigures = {
  ticks: number
  timeMs: LatencySummary
  queries: { mean: number; max: number; total: number }
}

export type SchedulerResult = {
  database: 'pglite' | 'postgres'
  participants: number
  sessionsPerCohort: number
  cohorts: number
  setupMs: number
  /** Planning at start-up (`planSessionReminders` + `planReminderPlanning`, as `startKaderbot`). */
  startPlan: { timeMs: number; queries: number; firesPlanned: number }
  /** Ticks that ran at least one fire; by the kind of work they did. */
  busyTicks: TickFigures
  reminderTicks: TickFigures
  /** Ticks that marked a session's absences (and sent the missed-session notes). */
  sessionEndTicks: TickFigures
  /** Ticks with nothing due (half past each hour): the cost of the idle minute tick. */
  idleTicks: TickFigures
  /** Queries per enqueued reminder message (reminder ticks only). */
  queriesPerReminder: number
  totalSimulatedHours: number
  verified: {
    reminders: number
    expectedReminders: number
    duplicateReminders: number
    firesNotDone: number
    ok: boolean
  }
}

type Tick = { ms: number; queries: number; done: number; kinds: Set<string> }

function tickFigures(ticks: readonly Tick[]): TickFigures {
  const total = ticks.reduce((sum, t) => sum + t.queries, 0)
  return {
    ticks: ticks.length,
    timeMs: summarize(ticks.map((t) => t.ms)),
    queries: {
      mean: ticks.length === 0 ? Number.NaN : round(total / ticks.length, 1),
      max: ticks.reduce((max, t) => Math.max(max, t.queries), 0),
      total,
    },
  }
}

/** Midnight UTC of the day `days` after `from`'s day, as `YYYY-MM-DD`. */
const dayString = (from: Date, days: number) =>
  new Date(from.getTime() + days * DAY_MS).toISOString().slice(0, 10)

export async function benchScheduler(options: SchedulerOptions): Promise<SchedulerResult> {
  const { log } = options
  const database = await createBenchDatabase('scheduler', options.serverUrl)
  const handle = await database.open()
  try {
    const setupStarted = performance.now()
    // Simulated time starts at the next whole hour; the first session is two days later.
    const start = new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS)
    const cohorts = Math.ceil(options.participants / options.cohortSize)
    const mentors = await seedPeople(handle.db, {
      count: cohorts,
      role: 'mentor',
      telegramBase: 720_000_000,
      now: start,
    })
    const participants = await seedPeople(handle.db, {
      count: options.participants,
      role: 'peserta',
      telegramBase: 730_000_000,
      now: start,
    })
    const sessionLines = [
      'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin',
    ]
    const enrollmentLines = ['kelompok;telepon']
    for (let c = 0; c < cohorts; c++) {
      const mentor = mentors[c]!
      const cohort = `BENCH-${String(c + 1).padStart(3, '0')}`
      const kecamatan = mentor.desaCode.split('.').slice(0, 3).join('.')
      for (let s = 0; s < options.sessions; s++) {
        sessionLines.push(
          [
            cohort,
            kecamatan,
            c % 2 === 0 ? 'menjahit' : 'makanan',
            mentor.phone,
            dayString(start, 2 + s),
            '08.00',
            '12.00',
            'Balai Desa',
            `Materi ${s + 1}`,
            'kode',
          ].join(';')
        )
      }
      for (const p of participants.slice(c * options.cohortSize, (c + 1) * options.cohortSize)) {
        enrollmentLines.push(`${cohort};${p.phone}`)
      }
    }
    const sessionReport = await importSessions(handle.db, sessionLines.join('\n'))
    const enrollmentReport = await importEnrollments(handle.db, enrollmentLines.join('\n'), {
      now: start,
    })
    for (const report of [sessionReport, enrollmentReport]) {
      const rejected = report.rows.filter((row) => row.status === 'rejected')
      if (rejected.length > 0) {
        throw new Error(`training import rejected ${rejected.length} rows: ${rejected[0]?.reason}`)
      }
    }
    const setupMs = round(performance.now() - setupStarted, 0)
    log(
      `scheduler: ${options.participants} participants, ${cohorts} cohorts × ${options.sessions} sessions imported in ${setupMs} ms`
    )

    const counting = countingDb(handle)
    const i18n = await createI18n({ timeZone: TIME_ZONE })
    // The real handlers, each noting its kind so a tick can be labelled by the work it did.
    let tickKinds = new Set<string>()
    // Session reminders, and the baseline invitations every enrolment plans (their fires come due
    // in the same ticks).
    const handlers = Object.fromEntries(
      Object.entries({
        ...sessionReminderHandlers({ i18n, timeZone: TIME_ZONE }),
        ...followUpSurveyHandlers({ i18n, timeZone: TIME_ZONE }),
      }).map(([kind, handler]): [string, FireHandler] => [
        kind,
        (tx, fire, now) => {
          tickKinds.add(kind)
          return handler(tx, fire, now)
        },
      ])
    )
    const logger = createLogger({ level: 'silent' })

    // As startKaderbot does at start: plan now, then the first hourly planning run.
    let q0 = counting.queries()
    let t0 = performance.now()
    const firesPlanned = await planSessionReminders(counting.db, start, TIME_ZONE)
    await planReminderPlanning(counting.db, start)
    const startPlan = {
      timeMs: round(performance.now() - t0),
      queries: counting.queries() - q0,
      firesPlanned,
    }

    // Hour by hour until the last session has ended.
    const hours = Math.ceil((2 + options.sessions) * 24) + 1
    const ticks: Tick[] = []
    const idle: Tick[] = []
    for (let h = 0; h <= hours; h++) {
      const now = new Date(start.getTime() + h * HOUR_MS)
      tickKinds = new Set()
      q0 = counting.queries()
      t0 = performance.now()
      const result = await runDueFires({ db: counting.db, handlers, logger }, now)
      ticks.push({
        ms: performance.now() - t0,
        queries: counting.queries() - q0,
        done: result.done + result.skipped + result.failed,
        kinds: tickKinds,
      })
      if (result.failed > 0 || result.skipped > 0) {
        throw new Error(`scheduler tick at ${now.toISOString()}: ${JSON.stringify(result)}`)
      }
      // Half past: nothing is due (the cost of the idle minute tick).
      q0 = counting.queries()
      t0 = performance.now()
      await runDueFires(
        { db: counting.db, handlers, logger },
        new Date(now.getTime() + HOUR_MS / 2)
      )
      idle.push({
        ms: performance.now() - t0,
        queries: counting.queries() - q0,
        done: 0,
        kinds: new Set(),
      })
    }
    const busy = ticks.filter((t) => t.done > 0)
    const reminderTicks = busy.filter((t) => t.kinds.has(SESSION_REMINDER_KIND))

    const reminders = await countReminders(handle.db)
    const expectedReminders = options.participants * options.sessions * 2
    const notDone = await handle.db.execute<{ count: number }>(
      sql`select count(*)::int as count from fires where status <> 'done' and kind <> ${PLAN_REMINDERS_KIND}`
    )
    const firesNotDone = Number(rowsOf<{ count: number }>(notDone)[0]?.count ?? -1)
    const reminderQueries = reminderTicks.reduce((sum, t) => sum + t.queries, 0)
    const result: SchedulerResult = {
      database: database.kind,
      participants: options.participants,
      sessionsPerCohort: options.sessions,
      cohorts,
      setupMs,
      startPlan,
      busyTicks: tickFigures(busy),
      reminderTicks: tickFigures(reminderTicks),
      idleTicks: tickFigures(idle),
      sessionEndTicks: tickFigures(busy.filter((t) => t.kinds.has(SESSION_END_KIND))),
      queriesPerReminder:
        reminders.total === 0 ? Number.NaN : round(reminderQueries / reminders.total, 2),
      totalSimulatedHours: hours,
      verified: {
        reminders: reminders.total,
        expectedReminders,
        duplicateReminders: reminders.total - reminders.distinct,
        firesNotDone,
        ok: false,
      },
    }
    result.verified.ok =
      reminders.total === expectedReminders &&
      reminders.distinct === reminders.total &&
      firesNotDone === 0
    log(
      `scheduler: ${reminders.total} reminders enqueued over ${busy.length} busy ticks, p95 ${result.busyTicks.timeMs.p95} ms`
    )
    return result
  } finally {
    await handle.close()
    await database.dispose()
  }
}

/** The reminder messages in the outbox (both kinds), and how many distinct (chat, text) pairs. */
async function countReminders(db: Db): Promise<{ total: number; distinct: number }> {
  const rows = rowsOf<{ total: number; distinct: number }>(
    await db.execute(sql`
      select count(*)::int as total,
             count(distinct (recipient_id, message::text))::int as distinct
      from outbox
      where message::text like '%Pengingat pelatihan%'
         or message::text like '%Selamat pagi! Hari ini pelatihan%'`)
  )
  return rows[0] ?? { total: -1, distinct: -1 }
}
