/**
 * Check-in problems through the runtime on a real database: three wrong codes tell
 * the mentor once (however often the participant tries again) and send the participant to her
 * kindly; the mentor then records attendance for her and for a participant without a phone with
 * ABSEN: written with method `mentor`, audit-logged, over an automatic absence but never over a
 * participant's own check-in, and counted as present by the attendance rate.
 */
import { and, asc, eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { attendanceRate } from '../../src/db/queries/training-indicators.js'
import { markCodesShown } from '../../src/db/queries/training-outcomes.js'
import { attendance, auditLog, trainingSessions } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import {
  enrolParticipants,
  morningSession,
  sewingCohort,
  textsTo,
  wib,
} from '../harness/training-db.js'

const handle = useTestDb()

test('three wrong codes, then the mentor records attendance with ABSEN', async () => {
  const { mentorId: mentor, programmeId, cohortId } = await sewingCohort(handle.db)
  const session = await morningSession(handle.db, {
    cohortId,
    topic: 'Pola dasar',
    now: wib('2026-11-20T10:00'),
  })
  const [{ code }] = (await handle.db
    .select({ code: trainingSessions.checkinCode })
    .from(trainingSessions)
    .where(eq(trainingSessions.id, session.id))) as [{ code: string }]
  const wrong = code === '0000' ? '1111' : '0000'
  const people = await enrolParticipants(handle.db, cohortId, wib('2026-11-20T10:00'), [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Sumiati' }, // no phone: the mentor records her
    { name: 'Tutik', chat: 'wa-tutik' },
    { name: 'Wati', chat: 'wa-wati' },
  ])
  // Tutik was marked absent by an earlier run; Wati checked in herself.
  await handle.db.insert(attendance).values([
    {
      sessionId: session.id,
      personId: people.Tutik,
      status: 'absent',
      method: 'auto',
      at: wib('2026-12-01T12:00'),
    },
    {
      sessionId: session.id,
      personId: people.Wati,
      status: 'present',
      method: 'kode',
      at: wib('2026-12-01T07:55'),
    },
  ])

  // The mentor has had the day's code (the morning reminder): a failure is hers to help with.
  await markCodesShown(handle.db, {
    mentorId: mentor,
    sessionIds: [session.id],
    at: wib('2026-12-01T06:00'),
  })
  const { runtime, sender } = await createTestRuntime(handle.db)
  const chatAs = (chat: string) => async (text: string, at: string) =>
    (await runtime.handleInbound(simulatorMessage(chat, text), wib(at))).replies.map((r) =>
      [r.text, ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)].join('\n')
    )
  const nur = chatAs('wa-nur')
  await nur('hadir', '2026-12-01T08:05')
  await nur(wrong, '2026-12-01T08:05')
  await nur(wrong, '2026-12-01T08:06')
  expect(await nur(wrong, '2026-12-01T08:06')).toEqual([
    'Kodenya belum cocok, tidak apa-apa. Mentor sudah kami kabari; mohon temui mentor di kelas, nanti kehadiran Ibu dicatat oleh mentor.',
  ])
  // A second round of wrong codes does not tell the mentor again.
  for (let i = 0; i < 4; i++) await nur(wrong, '2026-12-01T08:07')
  const notice =
    'Nur Aini sudah 3 kali salah memasukkan kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 08.00 WIB. Mohon dibantu; kehadirannya bisa dicatat dengan mengetik ABSEN.'
  expect(await textsTo(handle.db, 'wa-mentor')).toEqual([notice])

  const mentorSays = chatAs('wa-mentor')
  expect(await mentorSays('absen', '2026-12-01T08:20')).toEqual([
    'Siapa saja yang dicatat? (nama dari daftar kelompok)\n' +
      'Boleh pilih lebih dari satu, misalnya: 1,3\n' +
      '1. Nur Aini\n2. Sumiati\n3. Tutik (tercatat tidak hadir)\n4. Wati (sudah hadir)',
  ])
  await mentorSays('1, 2, 3, 4', '2026-12-01T08:21')
  await mentorSays('hadir', '2026-12-01T08:21')
  expect(await mentorSays('kirim', '2026-12-01T08:22')).toEqual([
    'Tercatat 3 peserta sebagai hadir: Nur Aini, Sumiati, Tutik. Terima kasih!\n' +
      'Wati sudah mengisi kehadiran sendiri, jadi tidak diubah.',
  ])
  const rows = await handle.db
    .select({
      personId: attendance.personId,
      status: attendance.status,
      method: attendance.method,
      recordedBy: attendance.recordedBy,
    })
    .from(attendance)
    .where(eq(attendance.sessionId, session.id))
    .orderBy(asc(attendance.personId))
  expect(rows).toEqual([
    { personId: people['Nur Aini'], status: 'present', method: 'mentor', recordedBy: mentor },
    { personId: people.Sumiati, status: 'present', method: 'mentor', recordedBy: mentor },
    { personId: people.Tutik, status: 'present', method: 'mentor', recordedBy: mentor },
    { personId: people.Wati, status: 'present', method: 'kode', recordedBy: null },
  ])
  const audits = await handle.db
    .select({ actor: auditLog.actor, subject: auditLog.subject, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'attendance_recorded_by_mentor')))
    .orderBy(asc(auditLog.id))
  expect(audits).toEqual([
    {
      actor: `person:${mentor}`,
      subject: `attendance:${session.id}:${people['Nur Aini']}`,
      detail: { status: 'present', previous: null },
    },
    {
      actor: `person:${mentor}`,
      subject: `attendance:${session.id}:${people.Sumiati}`,
      detail: { status: 'present', previous: null },
    },
    {
      actor: `person:${mentor}`,
      subject: `attendance:${session.id}:${people.Tutik}`,
      detail: { status: 'present', previous: 'absent' },
    },
  ])
  // 4 enrolled × 1 session held, all 4 present (3 by the mentor): 4 ÷ 4 × 100 = 100.
  expect(await attendanceRate(handle.db, { programmeId, asOf: wib('2026-12-01T12:00') })).toEqual({
    numerator: 4,
    denominator: 4,
    value: 100,
  })
  await sender.idle()
})
