/**
 * A participant's training day through the scheduler and the runtime on a real database, with a
 * moved clock: the reminders of the evening before and the morning (once each, even when planned
 * twice and ticked by two schedulers), none for someone who said BERHENTI or excused herself (the
 * mentor is told), then /jadwal and /hadir
 * with the mentor's code, on time, and a second check-in that changes nothing.
 */
import { asc, eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { setOptedOut } from '../../src/db/queries/people.js'
import { attendance, outbox, trainingSessions } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  planSessionReminders,
  sessionReminderHandlers,
} from '../../src/scheduler/jobs/session-reminders.js'
import { useTestDb } from '../harness/db.js'
import { testI18n } from '../harness/i18n.js'
import { createTestRuntime, silentLogger, simulatorMessage } from '../harness/runtime.js'
import {
  enrolParticipants,
  morningSession,
  sewingCohort,
  trainingPerson,
  wib,
} from '../harness/training-db.js'

const TZ = 'Asia/Jakarta'

const handle = useTestDb()

const person = (name: string, roles: Role[], regionCode: string, chat: string) =>
  trainingPerson(handle.db, { name, roles, regionCode, chat })

test('reminders the evening before and the morning, then schedule and check-in', async () => {
  const { cohortId } = await sewingCohort(handle.db, { code: 'SGS-JHT-1' })
  const session = await morningSession(handle.db, {
    cohortId,
    topic: 'Mengenal mesin jahit',
    now: wib('2026-11-25T10:00'),
  })
  const {
    'Nur Aini': nur,
    Rina: stopped,
    Lilis: lilis,
  } = await enrolParticipants(handle.db, cohortId, wib('2026-11-25T10:00'), [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Rina', chat: 'wa-rina' },
    { name: 'Lilis', chat: 'wa-lilis', regionCode: '35.07.24.2001' },
  ])
  await setOptedOut(handle.db, { personId: stopped, at: wib('2026-11-25T10:00') })

  // Lilis excuses herself in the morning before: the mentor is told, and she gets no reminder.
  const { runtime, sender } = await createTestRuntime(handle.db)
  const chatAs = (chat: string) => async (text: string, at: Date) =>
    (await runtime.handleInbound(simulatorMessage(chat, text), at)).replies.map((r) => r.text)
  const lilisSays = chatAs('wa-lilis')
  expect(await lilisSays('izin', wib('2026-11-30T08:00'))).toEqual(['Izin untuk sesi yang mana?'])
  await lilisSays('1', wib('2026-11-30T08:01'))
  // A reason in her own words is kept as "lainnya" with the words, which the mentor reads.
  expect(await lilisSays('motor mogok', wib('2026-11-30T08:02'))).toEqual([
    'Izin Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.',
  ])
  const mentorTexts = async () =>
    (await handle.db.select().from(outbox).where(eq(outbox.recipientId, 'wa-mentor'))).map(
      (r) => (r.message as { text: string }).text
    )
  expect(await mentorTexts()).toEqual([
    'Lilis izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Mengenal mesin jahit). Alasan: motor mogok.',
  ])

  // Planned twice (an hourly planner and a restart): still one fire per reminder.
  const now = wib('2026-11-30T09:00')
  expect(await planSessionReminders(handle.db, now, TZ)).toBe(3) // two reminders, one end
  await planSessionReminders(handle.db, now, TZ)
  const deps = {
    db: handle.db,
    logger: silentLogger,
    handlers: sessionReminderHandlers({ i18n: await testI18n(), timeZone: TZ }),
  }
  expect(await runDueFires(deps, wib('2026-11-30T17:59'))).toMatchObject({ done: 0 })
  const evening = wib('2026-11-30T18:01')
  const ticks = await Promise.all([runDueFires(deps, evening), runDueFires(deps, evening)])
  expect(ticks.reduce((n, t) => n + t.done, 0)).toBe(1)
  expect(await runDueFires(deps, wib('2026-12-01T06:01'))).toMatchObject({ done: 1 })
  await sender.idle()

  const reminders = (await handle.db.select().from(outbox).orderBy(asc(outbox.id))).filter(
    (row) => row.priority === 1 && row.recipientId !== 'wa-mentor'
  )
  expect(reminders.map((r) => [r.recipientId, (r.message as { text: string }).text])).toEqual([
    [
      'wa-nur',
      'Pengingat pelatihan menjahit besok, Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, di Balai Desa Ardimulyo. Materi: Mengenal mesin jahit. Ketik IZIN jika berhalangan hadir.',
    ],
    [
      'wa-nur',
      'Selamat pagi! Hari ini pelatihan menjahit pukul 08.00 WIB di Balai Desa Ardimulyo. Materi: Mengenal mesin jahit. Sesampai di tempat, ketik HADIR.',
    ],
  ])

  const say = chatAs('wa-nur')
  expect(await say('jadwal', wib('2026-12-01T07:00'))).toEqual([
    'Jadwal pelatihan Ibu berikutnya:\n• Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, Balai Desa Ardimulyo: Mengenal mesin jahit',
  ])
  expect((await say('hadir', wib('2026-12-01T07:00')))[0]).toMatch(/^Saat ini tidak ada sesi/)
  const [row] = await handle.db
    .select({ code: trainingSessions.checkinCode })
    .from(trainingSessions)
    .where(eq(trainingSessions.id, session.id))
  expect((await mentorTexts()).at(-1)).toBe(
    `Kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo: ${row!.code}. Umumkan di kelas; peserta mengetik HADIR lalu kode ini.`
  )
  expect(await say('hadir', wib('2026-12-01T07:50'))).toEqual([
    'Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).',
  ])
  expect(await say(row!.code, wib('2026-12-01T07:51'))).toEqual([
    'Terima kasih, kehadiran Ibu tercatat. Selamat belajar!',
  ])
  expect(await say('hadir', wib('2026-12-01T08:10'))).toEqual([
    'Kehadiran Ibu untuk sesi ini sudah tercatat. Terima kasih!',
  ])
  expect(await handle.db.select().from(attendance).orderBy(asc(attendance.id))).toMatchObject([
    {
      sessionId: session.id,
      personId: lilis,
      status: 'izin',
      method: 'izin',
      reason: 'lainnya',
      reasonNote: 'motor mogok',
    },
    { sessionId: session.id, personId: nur, status: 'present', method: 'kode' },
  ])
  await sender.idle()
})

test('after a session the absent are marked and greeted; two in a row alert the mentor and cadres', async () => {
  const { cohortId } = await sewingCohort(handle.db, { code: 'SGS-JHT-2' })
  await person('Siti Rahayu', ['kader'], '35.07.24.2003', 'wa-kader')
  await person('Kader lain desa', ['kader'], '35.07.24.2001', 'wa-kader-lain')
  const sessionIds: number[] = []
  for (const date of ['2026-12-01', '2026-12-02']) {
    const made = await morningSession(handle.db, {
      cohortId,
      date,
      topic: 'Praktik',
      now: wib('2026-11-25T10:00'),
    })
    sessionIds.push(made.id)
  }
  const { Rina: rina, 'Nur Aini': nur } = await enrolParticipants(
    handle.db,
    cohortId,
    wib('2026-11-25T10:00'),
    [
      { name: 'Rina', chat: 'wa-rina' },
      { name: 'Nur Aini', chat: 'wa-nur' },
    ]
  )
  await handle.db.insert(attendance).values(
    sessionIds.map((sessionId) => ({
      sessionId,
      personId: nur,
      status: 'present' as const,
      method: 'kode',
      at: wib('2026-12-01T07:55'),
    }))
  )
  await planSessionReminders(handle.db, wib('2026-11-30T09:00'), TZ)
  const deps = {
    db: handle.db,
    logger: silentLogger,
    handlers: sessionReminderHandlers({ i18n: await testI18n(), timeZone: TZ }),
  }
  await runDueFires(deps, wib('2026-12-01T12:01'))
  await planSessionReminders(handle.db, wib('2026-12-01T13:00'), TZ)
  await runDueFires(deps, wib('2026-12-02T12:01'))

  const statuses = await handle.db.select().from(attendance).where(eq(attendance.personId, rina))
  expect(statuses.map((a) => [a.status, a.method])).toEqual([
    ['absent', 'auto'],
    ['absent', 'auto'],
  ])
  const sent = await handle.db.select().from(outbox).orderBy(asc(outbox.id))
  const textsTo = (chat: string) =>
    sent.filter((r) => r.recipientId === chat).map((r) => (r.message as { text: string }).text)
  const missed = expect.stringMatching(/^Hari ini kehadiran di pelatihan belum tercatat/)
  expect(textsTo('wa-rina').filter((t) => t.startsWith('Hari ini'))).toEqual([missed, missed])
  expect(textsTo('wa-nur').filter((t) => t.startsWith('Hari ini'))).toEqual([])
  const alert =
    'Rina tidak hadir 2 sesi pelatihan berturut-turut tanpa izin. Mohon disapa dan ditanyakan kabarnya.'
  expect(textsTo('wa-mentor')).toContain(alert)
  expect(textsTo('wa-kader')).toEqual([alert])
  expect(textsTo('wa-kader-lain')).toEqual([])
})
