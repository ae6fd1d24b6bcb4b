/**
 * A session that moves or is cancelled after its reminders were planned: the
 * participants (also one who excused herself) and the mentor are told at the next tick, old →
 * new in Indonesian date style or "dibatalkan"; the reminders of the old time never go out, those
 * of the new time go out once; nobody is marked absent at a cancelled session; a change undone
 * before its notice went out tells nobody anything.
 */
import { and, asc, eq, like } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { setOptedOut } from '../../src/db/queries/people.js'
import {
  SessionDateTakenError,
  cancelSession,
  rescheduleSession,
  upsertSession,
} from '../../src/db/queries/training-sessions.js'
import { attendance, fires } from '../../src/db/schema/index.js'
import { importSessions } from '../../src/import/training.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { planSessionReminders } from '../../src/scheduler/jobs/session-reminders.js'
import { useTestDb } from '../harness/db.js'
import {
  baselinesSettled,
  enrolParticipants,
  morningSession,
  sewingCohort,
  textsTo,
  trainingFireDeps,
  wib,
} from '../harness/training-db.js'

const TZ = 'Asia/Jakarta'

const handle = useTestDb()

const sessionRow = (start: string, end: string, venue: string, status = '') =>
  [
    'kelompok;kode_kecamatan;keterampilan;telepon_mentor;tanggal;mulai;selesai;tempat;materi;checkin;status',
    `SGS-MJ-01;35.07.24;menjahit;0812-0000-0003;2026-12-01;${start};${end};${venue};Pola dasar;kode;${status}`,
  ].join('\n')

/** A mentor, two participants and one who said BERHENTI in SGS-MJ-01, reminders planned. */
async function setup() {
  const { cohortId } = await sewingCohort(handle.db, { mentorPhone: '+6281200000003' })
  const session = await morningSession(handle.db, {
    cohortId,
    topic: 'Pola dasar',
    now: wib('2026-11-20T10:00'),
  })
  const participants = await enrolParticipants(handle.db, cohortId, wib('2026-11-20T10:00'), [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Lilis', chat: 'wa-lilis' },
    { name: 'Rina', chat: 'wa-rina' },
  ])
  await baselinesSettled(handle.db, Object.values(participants), wib('2026-11-20T10:01'))
  await setOptedOut(handle.db, { personId: participants.Rina, at: wib('2026-11-21T10:00') })
  // Lilis excused herself: she gets no reminder, but she hears of the change.
  await handle.db.insert(attendance).values({
    sessionId: session.id,
    personId: participants.Lilis,
    status: 'izin',
    method: 'izin',
    reason: 'sakit',
    at: wib('2026-11-29T10:00'),
  })
  await planSessionReminders(handle.db, wib('2026-11-30T09:00'), TZ)
  return { cohortId, session, participants }
}

/** The mentor's note on a change: Rina said BERHENTI, so hers waits until she says MULAI. */
const toldButRina =
  '(Sudah kami kabari: 2 peserta. Belum bisa dihubungi lewat chat: Rina; mereka akan menerima ' +
  'kabar ini saat mulai memakai bot. Mohon kabari mereka langsung.)'

const sessionFires = (sessionId: number) =>
  handle.db
    .select({ key: fires.dedupeKey, status: fires.status, dueAt: fires.dueAt })
    .from(fires)
    .where(like(fires.dedupeKey, `session:${sessionId}:%`))
    .orderBy(asc(fires.id))

describe('a session changes after its reminders were planned', () => {
  test('a CSV re-import moves it: old → new at the next tick, reminders at the new time only', async () => {
    const { session } = await setup()
    expect((await sessionFires(session.id)).map((f) => f.key)).toEqual([
      `session:${session.id}:day_before:2026-12-01T01:00:00.000Z`,
      `session:${session.id}:same_day:2026-12-01T01:00:00.000Z`,
      `session:${session.id}:end:2026-12-01T01:00:00.000Z`,
    ])
    const moved = await importSessions(
      handle.db,
      sessionRow('09.00', '13.00', 'Balai Dusun Krajan'),
      {
        now: wib('2026-11-30T10:00'),
      }
    )
    expect(moved.rows).toEqual([{ line: 2, status: 'updated', name: 'SGS-MJ-01 2026-12-01' }])
    // The reminders planned for 08.00 are gone; one notice waits for the tick.
    expect((await sessionFires(session.id)).map((f) => [f.key, f.status])).toEqual([
      [`session:${session.id}:change:1`, 'pending'],
    ])

    const deps = await trainingFireDeps(handle.db)
    expect(await runDueFires(deps, wib('2026-11-30T10:01'))).toMatchObject({ done: 1 })
    const notice =
      'Jadwal pelatihan menjahit berubah:\n' +
      'Selasa, 1 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo\n' +
      '→ Selasa, 1 Desember 2026 pukul 09.00 WIB sampai 13.00 di Balai Dusun Krajan.\n' +
      'Materi: Pola dasar. Jika berhalangan, ketik IZIN.'
    expect(await textsTo(handle.db, 'wa-nur')).toEqual([notice])
    expect(await textsTo(handle.db, 'wa-lilis')).toEqual([notice])
    expect(await textsTo(handle.db, 'wa-rina')).toEqual([])
    expect(await textsTo(handle.db, 'wa-mentor')).toEqual([
      `Kelompok SGS-MJ-01: ${notice}\n${toldButRina}`,
    ])
    // The reminders of 09.00 were planned by the notice, and go out once each.
    expect(
      (await sessionFires(session.id)).filter((f) => f.status === 'pending').map((f) => f.key)
    ).toEqual([
      `session:${session.id}:day_before:2026-12-01T02:00:00.000Z`,
      `session:${session.id}:same_day:2026-12-01T02:00:00.000Z`,
      `session:${session.id}:end:2026-12-01T02:00:00.000Z`,
    ])
    await planSessionReminders(handle.db, wib('2026-11-30T11:00'), TZ)
    await runDueFires(deps, wib('2026-11-30T18:01'))
    await runDueFires(deps, wib('2026-12-01T06:01'))
    const nur = await textsTo(handle.db, 'wa-nur')
    expect(nur.slice(1)).toEqual([
      'Pengingat pelatihan menjahit besok, Selasa, 1 Desember 2026 pukul 09.00 WIB sampai 13.00, di Balai Dusun Krajan. Materi: Pola dasar. Ketik IZIN jika berhalangan hadir.',
      'Selamat pagi! Hari ini pelatihan menjahit pukul 09.00 WIB di Balai Dusun Krajan. Materi: Pola dasar. Sesampai di tempat, ketik HADIR.',
    ])
    // 12.01 is after the old end but before the new one: nobody is marked absent yet.
    await runDueFires(deps, wib('2026-12-01T12:01'))
    expect(await absentees(session.id)).toEqual([])
    await runDueFires(deps, wib('2026-12-01T13:01'))
    expect(await absentees(session.id)).toHaveLength(2) // Nur and Rina; Lilis has izin
  })

  test('the CSV status column cancels it: "dibatalkan", no reminder, no absence', async () => {
    const { session } = await setup()
    const deps = await trainingFireDeps(handle.db)
    await runDueFires(deps, wib('2026-11-30T18:01'))
    const report = await importSessions(
      handle.db,
      sessionRow('08.00', '12.00', 'Balai Desa Ardimulyo', 'batal'),
      { now: wib('2026-11-30T20:00') }
    )
    expect(report.rows).toMatchObject([{ status: 'updated' }])
    await runDueFires(deps, wib('2026-11-30T20:01'))
    const cancelled =
      'Pelatihan menjahit pada Selasa, 1 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo dibatalkan. Ketik JADWAL untuk melihat jadwal berikutnya.'
    await runDueFires(deps, wib('2026-12-01T06:01'))
    await runDueFires(deps, wib('2026-12-01T12:01'))
    // The evening reminder went out at 18.00, before the cancellation; nothing after it.
    expect(await textsTo(handle.db, 'wa-nur')).toEqual([
      expect.stringMatching(/^Pengingat pelatihan menjahit besok/),
      cancelled,
    ])
    expect(await textsTo(handle.db, 'wa-mentor')).toEqual([
      `Kelompok SGS-MJ-01: ${cancelled}\n${toldButRina}`,
    ])
    expect(await absentees(session.id)).toEqual([])
  })

  test('cancelSession and rescheduleSession (API paths); a change undone before the tick is silent', async () => {
    const { session, cohortId } = await setup()
    const deps = await trainingFireDeps(handle.db)
    // Moved to 09.00 and back to 08.00 before any tick: nothing to tell.
    const base = {
      cohortId,
      date: '2026-12-01',
      endsAt: wib('2026-12-01T12:00'),
      venue: 'Balai Desa Ardimulyo',
      topic: 'Pola dasar',
      checkinMode: 'kode' as const,
      now: wib('2026-11-30T10:00'),
    }
    await upsertSession(handle.db, { ...base, startsAt: wib('2026-12-01T09:00') })
    await upsertSession(handle.db, { ...base, startsAt: wib('2026-12-01T08:00') })
    await runDueFires(deps, wib('2026-11-30T10:01'))
    expect(await textsTo(handle.db, 'wa-nur')).toEqual([])

    // To another day, then cancelled before the tick: one notice, from what they knew.
    expect(
      await rescheduleSession(handle.db, {
        sessionId: session.id,
        date: '2026-12-03',
        startsAt: wib('2026-12-03T08:00'),
        endsAt: wib('2026-12-03T12:00'),
        now: wib('2026-11-30T11:00'),
      })
    ).toBe(true)
    await runDueFires(deps, wib('2026-11-30T11:01'))
    expect(await textsTo(handle.db, 'wa-nur')).toEqual([
      'Jadwal pelatihan menjahit berubah:\n' +
        'Selasa, 1 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo\n' +
        '→ Kamis, 3 Desember 2026 pukul 08.00 WIB sampai 12.00 di Balai Desa Ardimulyo.\n' +
        'Materi: Pola dasar. Jika berhalangan, ketik IZIN.',
    ])
    expect(
      await cancelSession(handle.db, { sessionId: session.id, now: wib('2026-12-01T07:00') })
    ).toBe(true)
    expect(
      await cancelSession(handle.db, { sessionId: session.id, now: wib('2026-12-01T07:00') })
    ).toBe(false)
    await runDueFires(deps, wib('2026-12-01T07:01'))
    expect((await textsTo(handle.db, 'wa-nur')).at(-1)).toBe(
      'Pelatihan menjahit pada Kamis, 3 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo dibatalkan. Ketik JADWAL untuk melihat jadwal berikutnya.'
    )
    // No reminder of the 3rd is left to go out.
    const pending = await handle.db
      .select({ key: fires.dedupeKey })
      .from(fires)
      .where(and(eq(fires.status, 'pending'), like(fires.dedupeKey, `session:${session.id}:%`)))
    expect(pending).toEqual([])
  })

  test('rescheduling onto a date the cohort already uses is refused', async () => {
    const { session, cohortId } = await setup()
    await upsertSession(handle.db, {
      cohortId,
      date: '2026-12-02',
      startsAt: wib('2026-12-02T08:00'),
      endsAt: wib('2026-12-02T12:00'),
      venue: 'Balai Desa Ardimulyo',
      topic: 'Memotong kain',
      checkinMode: 'kode',
      now: wib('2026-11-20T10:00'),
    })
    await expect(
      rescheduleSession(handle.db, {
        sessionId: session.id,
        date: '2026-12-02',
        startsAt: wib('2026-12-02T13:00'),
        endsAt: wib('2026-12-02T15:00'),
        now: wib('2026-11-30T11:00'),
      })
    ).rejects.toBeInstanceOf(SessionDateTakenError)
  })
})

async function absentees(sessionId: number) {
  return handle.db
    .select({ personId: attendance.personId })
    .from(attendance)
    .where(and(eq(attendance.sessionId, sessionId), eq(attendance.status, 'absent')))
}
