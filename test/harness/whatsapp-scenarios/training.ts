/**
 * The training flows as scenarios both WhatsApp transports run: a participant's `izin` (her mentor
 * told on WhatsApp), a mentor's `ABSEN` of several participants, and a graduate's follow-up
 * survey from the invitation's one option "Isi survei" (and typed SURVEI) to the stored answers.
 * @module
 */
import { asc, eq } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Db } from '../../../src/db/client.js'
import { planFires } from '../../../src/db/queries/fires.js'
import { enroll } from '../../../src/db/queries/training-enrollments.js'
import { attendance, auditLog, followUpSurveys } from '../../../src/db/schema/index.js'
import { runDueFires } from '../../../src/scheduler/fires.js'
import { FOLLOW_UP_KIND } from '../../../src/scheduler/jobs/follow-up-surveys.js'
import {
  morningSession,
  sewingCohort,
  trainingFireDeps,
  trainingPerson,
  wib,
} from '../training-db.js'
import type { FlowDriver, FlowPerson, Scenario, ScenarioTools } from './driver.js'

export const NUR: FlowPerson = { phone: '+6281234567890', lid: '111222333444555' }
export const SRI: FlowPerson = { phone: '+6281333444555', lid: '222333444555666' }

/**
 * Mentor Sri Wahyuni and her sewing cohort with a session on Tuesday 1 December 2026 at 08.00
 * WIB; Nur Aini (her phone imported) and Sumiati (no phone) enrolled.
 */
export async function seedCohort(db: Db) {
  const planned = wib('2026-11-20T10:00')
  const { mentorId, cohortId } = await sewingCohort(db, { mentorPhone: SRI.phone })
  const session = await morningSession(db, {
    cohortId,
    topic: 'Mengenal mesin jahit',
    now: planned,
  })
  const nur = await trainingPerson(db, {
    name: 'Nur Aini',
    roles: ['peserta'],
    regionCode: '35.07.24.2003',
    phone: NUR.phone,
  })
  const sumiati = await trainingPerson(db, {
    name: 'Sumiati',
    roles: ['peserta'],
    regionCode: '35.07.24.2003',
  })
  const enrolment = await enroll(db, {
    cohortId,
    personId: nur,
    now: planned,
    timeZone: 'Asia/Jakarta',
  })
  await enroll(db, { cohortId, personId: sumiati, now: planned, timeZone: 'Asia/Jakarta' })
  return { mentorId, cohortId, sessionId: session.id, nur, sumiati, enrolmentId: enrolment.id }
}

/**
 * The first follow-up survey of Nur's enrolment, its invitation planned for 6 January 2027 at
 * 09.00 WIB (`due`); the caller runs the due fires when the clock is there.
 */
export async function inviteToSurvey(
  db: Db,
  params: { personId: number; enrolmentId: number }
): Promise<{ surveyId: number; due: Date }> {
  const [survey] = await db
    .insert(followUpSurveys)
    .values({ enrollmentId: params.enrolmentId, personId: params.personId, wave: 1 })
    .returning({ id: followUpSurveys.id })
  const due = wib('2027-01-06T09:00')
  await planFires(db, [
    {
      kind: FOLLOW_UP_KIND,
      dedupeKey: `follow-up:${survey!.id}`,
      dueAt: due,
      graceSeconds: 3600,
      payload: { surveyId: survey!.id },
    },
  ])
  return { surveyId: survey!.id, due }
}

/** Each of `personIds` is present at the session as recorded by the mentor, each audited. */
export async function expectRecordedByMentor(
  db: Db,
  params: { sessionId: number; mentorId: number; personIds: number[] }
): Promise<void> {
  const rows = await db
    .select({
      personId: attendance.personId,
      status: attendance.status,
      method: attendance.method,
      recordedBy: attendance.recordedBy,
    })
    .from(attendance)
    .where(eq(attendance.sessionId, params.sessionId))
    .orderBy(asc(attendance.personId))
  expect(rows).toEqual(
    params.personIds.map((personId) => ({
      personId,
      status: 'present',
      method: 'mentor',
      recordedBy: params.mentorId,
    }))
  )
  const audits = await db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, 'attendance_recorded_by_mentor'))
  expect(audits).toHaveLength(params.personIds.length)
}

/**
 * Her answers as the scenario gives them: no paid job, a sewing business sold on WhatsApp and in
 * person, under Rp500 ribu, 6 orders, no UPPKA, no NIB.
 */
export async function expectSurveyAnswered(db: Db, surveyId: number, at: Date): Promise<void> {
  const [answered] = await db.select().from(followUpSurveys).where(eq(followUpSurveys.id, surveyId))
  expect(answered).toMatchObject({
    status: 'answered',
    consentGiven: true,
    workingForPay: false,
    businessStarted: true,
    businessKind: 'jahit',
    channels: ['wa', 'langsung'],
    ordersLastMonth: 6,
    incomeBracket: 'lt500k',
    joinedUppka: false,
    hasNib: false,
    answeredAt: at,
  })
}

/** The bot at `at`; each person writes first and accepts the privacy notice. */
async function startAt(t: ScenarioTools, at: Date, ...persons: FlowPerson[]): Promise<FlowDriver> {
  t.clock.now = at
  const d = await t.start()
  for (const person of persons) {
    await d.say(person, 'halo')
    expect(await d.choose(person, 'Ya')).toEqual([
      expect.stringMatching(/^Terima kasih, persetujuan (Ibu|Bapak\/Ibu) sudah kami catat\.$/),
      expect.stringMatching(/^Halo, .+! Menu utama:/),
    ])
  }
  return d
}

const SESSION = 'Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit'

export const TRAINING_SCENARIOS: Scenario[] = [
  {
    name: 'izin: a participant excuses herself; her mentor is told on WhatsApp',
    async run(t) {
      const { sessionId, nur } = await seedCohort(t.db)
      const d = await startAt(t, wib('2026-11-30T19:00'), SRI, NUR)
      expect((await d.say(NUR, 'izin'))[0]).toMatch(/^Izin untuk sesi yang mana\?/)
      expect(d.options(NUR)).toEqual([SESSION])
      expect((await d.choose(NUR, SESSION))[0]).toMatch(/^Apa alasannya\?/)
      expect(d.options(NUR)).toEqual(['Sakit', 'Anak sakit', 'Urusan keluarga', 'Lainnya'])
      expect(await d.choose(NUR, 'Anak sakit')).toEqual([
        'Izin Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.',
      ])
      expect(await t.db.select().from(attendance)).toMatchObject([
        { sessionId, personId: nur, status: 'izin', method: 'izin', reason: 'anak_sakit' },
      ])
      await d.flush()
      expect(d.inbox(SRI).at(-1)).toBe(
        'Nur Aini izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Mengenal mesin jahit). Alasan: Anak sakit.'
      )
    },
  },
  {
    name: 'ABSEN: the mentor picks several participants and confirms',
    async run(t) {
      const { mentorId, sessionId, nur, sumiati } = await seedCohort(t.db)
      const d = await startAt(t, wib('2026-12-01T08:20'), SRI)
      expect((await d.say(SRI, 'ABSEN'))[0]).toMatch(
        /^Siapa saja yang dicatat\? \(nama dari daftar kelompok\)\nBoleh pilih lebih dari satu/
      )
      expect(d.options(SRI)).toEqual(['Nur Aini', 'Sumiati'])
      expect((await d.chooseMany(SRI, ['Nur Aini', 'Sumiati']))[0]).toMatch(
        /^Dicatat sebagai apa\?/
      )
      expect(d.options(SRI)).toEqual(['Hadir', 'Hadir terlambat', 'Izin'])
      const [summary] = await d.choose(SRI, 'Hadir')
      expect(summary).toMatch(/^Mohon periksa kembali:\n/)
      expect(summary).toContain('• Peserta: Nur Aini, Sumiati\n')
      expect(d.options(SRI)).toEqual(['Kirim', 'Ubah', 'Batal'])
      expect(await d.choose(SRI, 'Kirim')).toEqual([
        'Tercatat 2 peserta sebagai hadir: Nur Aini, Sumiati. Terima kasih!',
      ])
      await expectRecordedByMentor(t.db, { sessionId, mentorId, personIds: [nur, sumiati] })
    },
  },
  {
    name: 'SURVEI: the invitation’s one option "Isi survei" starts the survey; answers are stored',
    async run(t) {
      const { nur, enrolmentId } = await seedCohort(t.db)
      const d = await startAt(t, wib('2027-01-05T19:00'), NUR)
      const { surveyId, due } = await inviteToSurvey(t.db, { personId: nur, enrolmentId })
      t.clock.now = due
      expect(await runDueFires(await trainingFireDeps(t.db), due)).toMatchObject({ done: 1 })
      await d.flush()
      expect(d.inbox(NUR).at(-1)).toMatch(
        /^Halo Nur Aini, sudah 1 bulan sejak lulus pelatihan\. .+ pilih "Isi survei" di bawah\./
      )
      expect(d.options(NUR)).toEqual(['Isi survei'])
      t.clock.now = wib('2027-01-06T10:00')
      expect((await d.choose(NUR, 'Isi survei'))[0]).toMatch(/^Survei singkat 1 bulan/)
      expect((await d.choose(NUR, 'Ya'))[0]).toMatch(
        /^Saat ini bekerja dengan upah atau gaji \(ikut orang lain\)\?/
      )
      expect((await d.choose(NUR, 'Tidak'))[0]).toMatch(/^Saat ini punya usaha sendiri\?/)
      await d.choose(NUR, 'Ya')
      await d.choose(NUR, 'Jahit')
      expect(
        (await d.chooseMany(NUR, ['WhatsApp (status/grup)', 'Langsung (tetangga, pasar)']))[0]
      ).toMatch(/^Kisaran penghasilan sendiri \(dari kerja atau usaha\) bulan lalu\?/)
      expect(await d.choose(NUR, 'Kurang dari Rp500 ribu')).toEqual([
        'Berapa pesanan bulan lalu? (tulis angka, 0 jika belum ada)',
      ])
      await d.say(NUR, '6')
      await d.choose(NUR, 'Tidak') // UPPKA
      expect(await d.choose(NUR, 'Tidak')).toEqual([
        'Terima kasih, jawaban Ibu sudah tersimpan. Semoga usahanya lancar!',
      ])
      await expectSurveyAnswered(t.db, surveyId, t.clock.now)
    },
  },
  {
    name: 'SURVEI typed works as well; "Tidak" declines',
    async run(t) {
      const { nur, enrolmentId } = await seedCohort(t.db)
      const d = await startAt(t, wib('2027-01-06T10:00'), NUR)
      await t.db.insert(followUpSurveys).values({
        enrollmentId: enrolmentId,
        personId: nur,
        wave: 1,
        status: 'sent',
        sentAt: t.clock.now,
      })
      expect((await d.say(NUR, 'SURVEI'))[0]).toMatch(
        /^Survei singkat 1 bulan .+ Bersedia mengisi\?/
      )
      expect(d.options(NUR)).toEqual(['Ya', 'Tidak'])
      expect(await d.choose(NUR, 'Tidak')).toEqual([
        'Baik, tidak apa-apa. Terima kasih, semoga sehat selalu.',
      ])
      const [row] = await t.db.select().from(followUpSurveys)
      expect(row).toMatchObject({ status: 'declined', consentGiven: false })
    },
  },
]
