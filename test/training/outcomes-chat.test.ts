/**
 * The training's outcomes by chat on a real database, through the runtime and the scheduler: a
 * session added after the morning reminder still brings its code to the mentor (and its reminder
 * to the participants); KODE shows the code and records the mentor's presence in the session's
 * window; the baseline invitation at enrolment and the answers (hers, and the mentor's for a
 * participant without a phone, audit-logged); the kompeten marks, which complete the cohort when
 * the programme's rule waits for them.
 */
import { and, asc, eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import {
  auditLog,
  baselineSurveys,
  enrollments,
  followUpSurveys,
  trainingNotices,
  trainingSessions,
} from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import {
  baselinesSettled,
  enrolParticipants,
  kompetenCohort,
  morningSession,
  sewingCohort,
  textsTo,
  trainingFireDeps,
  wib,
} from '../harness/training-db.js'

const handle = useTestDb()

async function chats() {
  const { runtime } = await createTestRuntime(handle.db)
  return (chat: string) => async (text: string, at: string) =>
    (await runtime.handleInbound(simulatorMessage(chat, text), wib(at))).replies.map((r) =>
      [r.text, ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)].join('\n')
    )
}

const codeOf = async (sessionId: number) =>
  (
    await handle.db
      .select({ code: trainingSessions.checkinCode })
      .from(trainingSessions)
      .where(eq(trainingSessions.id, sessionId))
  )[0]!.code

test('a session added after the morning reminder: the mentor gets its code, participants their reminder', async () => {
  const { cohortId } = await sewingCohort(handle.db)
  const { 'Nur Aini': nur } = await enrolParticipants(
    handle.db,
    cohortId,
    wib('2026-11-20T10:00'),
    [{ name: 'Nur Aini', chat: 'wa-nur' }]
  )
  await baselinesSettled(handle.db, [nur], wib('2026-11-20T10:01'))
  // Added at 09.30 for 13.00 the same day: the 06.00 reminder is long past.
  const added = wib('2026-12-01T09:30')
  const session = await upsertSession(handle.db, {
    cohortId,
    date: '2026-12-01',
    startsAt: wib('2026-12-01T13:00'),
    endsAt: wib('2026-12-01T16:00'),
    venue: 'Balai Desa Ardimulyo',
    topic: 'Pola dasar',
    checkinMode: 'kode',
    now: added,
  })
  const deps = await trainingFireDeps(handle.db)
  await runDueFires(deps, wib('2026-12-01T09:31')) // plans the session's reminders at once
  await runDueFires(deps, wib('2026-12-01T09:32')) // the same-day reminder, due now
  const code = await codeOf(session.id)
  expect(await textsTo(handle.db, 'wa-mentor')).toEqual([
    `Kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 13.00 WIB di Balai Desa Ardimulyo: ${code}. Umumkan di kelas; peserta mengetik HADIR lalu kode ini.`,
  ])
  expect(await textsTo(handle.db, 'wa-nur')).toEqual([
    'Hari ini ada pelatihan menjahit pukul 13.00 WIB di Balai Desa Ardimulyo. Materi: Pola dasar. Sesampai di tempat, ketik HADIR.',
  ])
  expect(
    await handle.db
      .select({ key: trainingNotices.key })
      .from(trainingNotices)
      .where(eq(trainingNotices.key, `code_shown:${session.id}`))
  ).toHaveLength(1)
  // A second planning run (the hourly one) sends nothing twice.
  await runDueFires(deps, wib('2026-12-01T10:01'))
  expect(await textsTo(handle.db, 'wa-nur')).toHaveLength(1)
})

test('KODE shows today’s code; asked in the session’s window it records the mentor’s presence', async () => {
  const { cohortId } = await sewingCohort(handle.db)
  const session = await morningSession(handle.db, {
    cohortId,
    topic: 'Pola dasar',
    now: wib('2026-11-20T10:00'),
  })
  const code = await codeOf(session.id)
  const mentor = (await chats())('wa-mentor')
  const answer = [
    'Kode kehadiran hari ini:\n' +
      `• SGS-MJ-01, 08.00 WIB di Balai Desa Ardimulyo: ${code}\n` +
      'Umumkan kodenya di kelas; peserta mengetik HADIR lalu kode itu. Peserta tanpa HP dicatat dengan ABSEN.',
  ]
  expect(await mentor('kode', '2026-12-01T05:30')).toEqual(answer)
  const presence = async () =>
    (
      await handle.db
        .select({ at: trainingSessions.mentorPresentAt })
        .from(trainingSessions)
        .where(eq(trainingSessions.id, session.id))
    )[0]!.at
  expect(await presence()).toBeNull() // 05.30 is before the check-in opens (07.30)
  expect(await mentor('kode', '2026-12-01T07:40')).toEqual(answer)
  expect(await presence()).toEqual(wib('2026-12-01T07:40'))
  await mentor('kode', '2026-12-01T09:00')
  expect(await presence()).toEqual(wib('2026-12-01T07:40')) // the first time stays
  expect(await mentor('kode', '2026-12-01T12:30')).toEqual([
    'Hari ini tidak ada sesi kelompok Bapak/Ibu yang belum selesai, jadi tidak ada kode kehadiran. Ketik JADWAL untuk melihat jadwal berikutnya.',
  ])
})

test('the baseline: invited at enrolment, answered by her; the mentor fills it in for one without a phone', async () => {
  const { cohortId, mentorId } = await sewingCohort(handle.db)
  const people = await enrolParticipants(handle.db, cohortId, wib('2026-11-20T10:00'), [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Sumiati' }, // no phone
  ])
  await runDueFires(await trainingFireDeps(handle.db), wib('2026-11-20T10:01'))
  expect(await textsTo(handle.db, 'wa-nur')).toEqual([
    'Selamat bergabung di pelatihan, Nur Aini! Sebelum mulai, ada survei awal singkat (4 pertanyaan, 2 menit). Ketik AWAL, atau pilih "Isi survei awal" di bawah.',
  ])
  const chatAs = await chats()
  const nur = chatAs('wa-nur')
  await nur('awal', '2026-11-20T19:00')
  for (const answer of ['ya', 'tidak', 'ya', '2', '1', '2']) await nur(answer, '2026-11-20T19:01')
  const mentor = chatAs('wa-mentor')
  expect(await mentor('awal', '2026-11-21T08:00')).toEqual([
    'Survei awal untuk peserta yang mana? (untuk peserta tanpa HP; tanyakan langsung kepadanya)\n1. Sumiati',
  ])
  for (const answer of ['1', 'ya', 'ya', 'tidak']) await mentor(answer, '2026-11-21T08:01')
  expect(await mentor('3', '2026-11-21T08:02')).toEqual([
    'Survei awal Sumiati sudah tersimpan. Terima kasih!',
  ])
  const rows = await handle.db.select().from(baselineSurveys).orderBy(asc(baselineSurveys.id))
  expect(rows).toMatchObject([
    {
      personId: people['Nur Aini'],
      consentGiven: true,
      workingForPay: false,
      businessStarted: true,
      businessKind: 'makanan',
      channels: ['wa'],
      incomeBracket: 'lt500k',
      recordedBy: null,
    },
    {
      personId: people.Sumiati,
      consentGiven: true,
      workingForPay: true,
      businessStarted: false,
      incomeBracket: '500k_1m',
      recordedBy: mentorId,
    },
  ])
  expect(
    await handle.db
      .select({ action: auditLog.action, actor: auditLog.actor })
      .from(auditLog)
      .where(eq(auditLog.action, 'baseline_recorded_by_mentor'))
  ).toEqual([{ action: 'baseline_recorded_by_mentor', actor: `person:${mentorId}` }])
  // Nothing left to fill; her own a second time is refused kindly.
  expect(await mentor('awal', '2026-11-21T09:00')).toEqual([
    'Survei awal sudah terisi semua. Terima kasih!',
  ])
})

test('kompeten marks complete the cohort when the programme waits for them', async () => {
  const { cohortId, people } = await kompetenCohort(handle.db, 'Ujian praktik')
  const deps = await trainingFireDeps(handle.db)
  await runDueFires(deps, wib('2026-11-30T09:00')) // plans the reminders and the session's end
  await runDueFires(deps, wib('2026-12-01T12:01')) // the last session ends: nobody marked yet
  const statuses = async () =>
    (
      await handle.db
        .select({ status: enrollments.status, kompeten: enrollments.kompeten })
        .from(enrollments)
        .where(eq(enrollments.cohortId, cohortId))
        .orderBy(asc(enrollments.id))
    ).map((e) => `${e.status}:${e.kompeten}`)
  expect(await statuses()).toEqual(['active:null', 'active:null'])

  const mentor = (await chats())('wa-mentor')
  expect(await mentor('kompeten', '2026-12-01T13:00')).toEqual([
    'Peserta kelompok SGS-MJ-01:\n1. Lilis\n2. Nur Aini\nApakah semuanya KOMPETEN?\n1. Ya\n2. Tidak',
  ])
  await mentor('tidak', '2026-12-01T13:01')
  await mentor('1', '2026-12-01T13:01')
  expect(await mentor('kirim', '2026-12-01T13:02')).toEqual([
    'Tersimpan: 1 peserta kompeten, 1 belum kompeten. Terima kasih!\n' +
      '1 peserta kini lulus dan menerima ucapan selamat serta sertifikatnya.',
  ])
  expect(await statuses()).toEqual(['completed:true', 'active:false'])
  expect(
    await handle.db
      .select({ wave: followUpSurveys.wave })
      .from(followUpSurveys)
      .where(and(eq(followUpSurveys.personId, people['Nur Aini'])))
  ).toHaveLength(3)
  const [congratulations, certificate] = (await textsTo(handle.db, 'wa-nur')).slice(-2)
  expect(congratulations).toMatch(/^Selamat, Nur Aini, atas kelulusan/)
  expect(certificate).toMatch(/^Ini sertifikat pelatihan atas nama Nur Aini, nomor /)
  expect(
    await handle.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'kompeten_marked'))
  ).toHaveLength(1)
})
