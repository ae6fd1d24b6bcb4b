/**
 * A whole simulated programme: 2 cohorts × 5 participants × 6 sessions, driven
 * through the runtime and the scheduler with a moved clock (two schedulers tick every hour, as
 * two replicas would): reminders once each, check-ins inside and outside the window, wrong and
 * right codes, location inside and outside the radius, izin, a mentor's record for a participant
 * without a phone, absences and the 2-absence alert, completion at the last session, the
 * follow-up wave a month later (a minor without the guardian mark is held), and the indicators,
 * worked out by hand from the script below.
 *
 * Attendance (P on time, L late, M recorded by the mentor, I izin, A absent):
 *
 *   SGS-MJ-01 (menjahit, 08.00–12.00, code)   S1 S2 S3 S4 S5 S6  present
 *     Nur Aini                                 P  P  P  P  P  P   6  completes
 *     Lilis (minor, born 2010)                 P  L  P  I  P  P   5  completes (5/6 ≥ 80%)
 *     Rina                                     P  A  A  P  P  P   4  no (4/6 = 66.7%)
 *     Sumiati (no phone)                       M  M  M  M  M  A   5  completes
 *     Wati                                     P  P  A  A  A  A   2  no; drop-out
 *   TJN-MK-01 (makanan, 13.00–16.00, keduanya)
 *     Dewi (by location)                       P  P  P  P  P  P   6  completes
 *     Eka                                      P  P  P  P  A  P   5  completes
 *     Fitri (3 wrong codes at S1)              M  P  P  P  P  P   6  completes
 *     Gita                                     I  I  P  P  P  P   4  no
 *     Hana                                     A  A  A  A  A  A   0  no; drop-out
 */
import { and, asc, eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import type { InboundContent } from '../../src/domain/messages.js'
import { listDaftarHadir } from '../../src/db/queries/attendance.js'
import { markGuardianConsent } from '../../src/db/queries/follow-up.js'
import {
  attendanceRate,
  businessStartRate,
  completionRate,
  dropOutRate,
  graduatesWithIncomeRate,
  onlineSalesShare,
  targetAchievement,
  tracerResponseRate,
} from '../../src/db/queries/training-indicators.js'
import { upsertCohort } from '../../src/db/queries/training-cohorts.js'
import { enroll } from '../../src/db/queries/training-enrollments.js'
import { ensureDefaultProgramme } from '../../src/db/queries/training-programmes.js'
import { upsertSession } from '../../src/db/queries/training-sessions.js'
import { enrollments, followUpSurveys, trainingSessions } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  planReminderPlanning,
  planSessionReminders,
} from '../../src/scheduler/jobs/session-reminders.js'
import { useTestDb } from '../harness/db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import { textsTo, trainingFireDeps, trainingPerson, wib } from '../harness/training-db.js'

const TZ = 'Asia/Jakarta'
const HOUR = 3_600_000
const DAYS = [1, 2, 3, 4, 5, 6] as const
const VENUE_B = { lat: -8.05, lng: 112.75 }
const NEAR_B = { type: 'location', lat: -8.0504, lng: 112.75 } as const // ≈ 44 m
const FAR_B = { type: 'location', lat: -8.06, lng: 112.75 } as const // ≈ 1.1 km

const handle = useTestDb()

const date = (day: number) => `2026-12-0${day}`
const at = (day: number, time: string) => wib(`${date(day)}T${time}`)

test(
  'two cohorts, six sessions each, from the first reminder to the follow-up survey',
  { timeout: 600_000 },
  async () => {
    const db = handle.db
    const mentorA = await trainingPerson(db, {
      name: 'Sri Wahyuni',
      roles: ['mentor'],
      regionCode: '35.07.24',
      chat: 'm-a',
    })
    const mentorB = await trainingPerson(db, {
      name: 'Endang',
      roles: ['mentor'],
      regionCode: '35.07.15',
      chat: 'm-b',
    })
    await trainingPerson(db, {
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: '35.07.24.2003',
      chat: 'kader-baturetno',
    })
    const programmeId = await ensureDefaultProgramme(db)
    const setupAt = wib('2026-11-20T10:00')
    const cohortA = await upsertCohort(db, {
      programmeId,
      code: 'SGS-MJ-01',
      kecamatanCode: '35.07.24',
      track: 'menjahit',
      mentorId: mentorA,
    })
    const cohortB = await upsertCohort(db, {
      programmeId,
      code: 'TJN-MK-01',
      kecamatanCode: '35.07.15',
      track: 'makanan',
      mentorId: mentorB,
    })
    const codes = new Map<string, string>()
    for (const day of DAYS) {
      const a = await upsertSession(db, {
        cohortId: cohortA.id,
        date: date(day),
        startsAt: at(day, '08:00'),
        endsAt: at(day, '12:00'),
        venue: 'Balai Desa Baturetno',
        topic: `Menjahit ${day}`,
        checkinMode: 'kode',
        now: setupAt,
      })
      const b = await upsertSession(db, {
        cohortId: cohortB.id,
        date: date(day),
        startsAt: at(day, '13:00'),
        endsAt: at(day, '16:00'),
        venue: 'Balai Desa Gunungsari',
        ...VENUE_B,
        topic: `Makanan ${day}`,
        checkinMode: 'keduanya',
        now: setupAt,
      })
      for (const [cohort, id] of [
        ['A', a.id],
        ['B', b.id],
      ] as const) {
        const [row] = await db
          .select({ code: trainingSessions.checkinCode })
          .from(trainingSessions)
          .where(eq(trainingSessions.id, id))
        codes.set(`${cohort}${day}`, row!.code)
      }
    }
    const code = (key: string) => codes.get(key)!
    const wrongCode = (key: string, n: number) =>
      String((Number(code(key)) + n) % 10_000).padStart(4, '0')

    const participants = [
      ['Nur Aini', 'a1', '35.07.24.2003', cohortA.id, undefined],
      ['Lilis', 'a2', '35.07.24.2001', cohortA.id, 2010],
      ['Rina', 'a3', '35.07.24.2003', cohortA.id, undefined],
      ['Sumiati', undefined, '35.07.24.2001', cohortA.id, undefined],
      ['Wati', 'a5', '35.07.24.2003', cohortA.id, undefined],
      ['Dewi', 'b1', '35.07.15.2001', cohortB.id, undefined],
      ['Eka', 'b2', '35.07.15.2001', cohortB.id, undefined],
      ['Fitri', 'b3', '35.07.15.2001', cohortB.id, undefined],
      ['Gita', 'b4', '35.07.15.2001', cohortB.id, undefined],
      ['Hana', 'b5', '35.07.15.2002', cohortB.id, undefined],
    ] as const
    const ids = new Map<string, number>()
    for (const [name, chat, regionCode, cohortId, birthYear] of participants) {
      const personId = await trainingPerson(db, { name, roles: ['peserta'], regionCode, chat })
      ids.set(name, personId)
      await enroll(db, {
        cohortId,
        personId,
        now: setupAt,
        timeZone: 'Asia/Jakarta',
        ...(birthYear ? { birthYear } : {}),
      })
    }

    // Start-up plans the reminders and the hourly planner; then two schedulers tick every hour.
    const deps = await trainingFireDeps(db)
    const start = wib('2026-11-30T09:00')
    await planSessionReminders(db, start, TZ)
    await planReminderPlanning(db, start)
    let nextTick = start.getTime() + HOUR + 60_000 // 10.01, 11.01, ...
    const advanceTo = async (moment: Date) => {
      while (nextTick <= moment.getTime()) {
        const tick = new Date(nextTick)
        await Promise.all([runDueFires(deps, tick), runDueFires(deps, tick)])
        nextTick += HOUR
      }
    }
    /** After the programme: one tick at the moment (the hourly planner's chain may lapse). */
    const jumpTo = async (moment: Date) => {
      nextTick = moment.getTime()
      await advanceTo(moment)
    }
    const { runtime, sender } = await createTestRuntime(db)
    const say = async (chat: string, content: InboundContent | string, moment: Date) => {
      await advanceTo(moment)
      const result = await runtime.handleInbound(simulatorMessage(chat, content), moment)
      return result.replies.map((r) => r.text)
    }
    const checkInByCode = async (chat: string, key: string, moment: Date, both = false) => {
      await say(chat, 'hadir', moment)
      if (both) await say(chat, 'kode', moment)
      return say(chat, code(key), moment)
    }

    // The evening before: Gita excuses herself from the first two sessions of TJN-MK-01.
    for (const pick of ['1', '2']) {
      await say('b4', 'izin', wib('2026-11-30T19:00'))
      await say('b4', pick, wib('2026-11-30T19:00'))
      await say('b4', 'sakit', wib('2026-11-30T19:01'))
    }

    for (const day of DAYS) {
      const a = `A${day}`
      const b = `B${day}`
      // --- SGS-MJ-01, 08.00–12.00 ---
      if (day === 1) {
        // 35 minutes early: the window opens 30 minutes before the start.
        expect((await say('a1', 'hadir', at(1, '07:25')))[0]).toMatch(/^Saat ini tidak ada sesi/)
      }
      expect(await checkInByCode('a1', a, at(day, '07:45'))).toEqual([
        'Terima kasih, kehadiran Ibu tercatat. Selamat belajar!',
      ])
      if (day === 2) {
        expect(await checkInByCode('a2', a, at(day, '08:20'))).toEqual([
          'Terima kasih, kehadiran Ibu tercatat (terlambat). Selamat belajar!',
        ])
      } else if (day !== 4) {
        await checkInByCode('a2', a, at(day, '07:50'))
      }
      if (day === 1) {
        await say('a3', 'hadir', at(1, '07:55'))
        expect(await say('a3', wrongCode(a, 1), at(1, '07:55'))).toEqual([
          'Kode belum cocok. Mohon periksa lagi kode dari mentor, lalu ketik sekali lagi.',
        ])
        await say('a3', code(a), at(1, '07:56'))
      } else if (day >= 4) {
        await checkInByCode('a3', a, at(day, '07:55'))
      }
      if (day <= 2) await checkInByCode('a5', a, at(day, '07:58'))
      if (day === 3) {
        // Five minutes after the window closed (60 minutes after the start).
        expect((await say('a5', 'hadir', at(3, '09:05')))[0]).toMatch(/^Saat ini tidak ada sesi/)
      }
      if (day <= 5) {
        // Sumiati has no phone: the mentor records her.
        await say('m-a', 'absen', at(day, '09:30'))
        await say('m-a', 'Sumiati', at(day, '09:30'))
        await say('m-a', 'hadir', at(day, '09:31'))
        expect(await say('m-a', 'kirim', at(day, '09:31'))).toEqual([
          'Tercatat 1 peserta sebagai hadir: Sumiati. Terima kasih!',
        ])
      }

      // --- TJN-MK-01, 13.00–16.00, code or location ---
      expect(await say('b1', 'hadir', at(day, '12:45')), `day ${day}`).toEqual([
        'Isi kehadiran dengan cara apa?',
      ])
      expect(await say('b1', 'lokasi', at(day, '12:45')), `day ${day}`).toEqual([
        'Bagikan lokasi Ibu sekarang (tombol lampiran 📎, lalu Lokasi).',
      ])
      if (day === 1) {
        expect(await say('b1', FAR_B, at(1, '12:46'))).toEqual([
          expect.stringMatching(/^Lokasi Ibu sekitar 11\d\d meter dari tempat pelatihan/),
        ])
      }
      expect(await say('b1', NEAR_B, at(day, '12:47'))).toEqual([
        'Terima kasih, kehadiran Ibu tercatat. Selamat belajar!',
      ])
      if (day !== 5) await checkInByCode('b2', b, at(day, '12:50'), true)
      if (day === 1) {
        await say('b3', 'hadir', at(1, '12:55'))
        await say('b3', 'kode', at(1, '12:55'))
        for (const n of [1, 2]) await say('b3', wrongCode(b, n), at(1, '12:56'))
        expect(await say('b3', wrongCode(b, 3), at(1, '12:57'))).toEqual([
          'Kodenya belum cocok, tidak apa-apa. Mentor sudah kami kabari; mohon temui mentor di kelas. Ibu juga bisa ketik HADIR lagi lalu pilih Bagikan lokasi saya.',
        ])
        await say('m-b', 'absen', at(1, '13:30'))
        await say('m-b', 'Fitri', at(1, '13:30'))
        await say('m-b', 'hadir', at(1, '13:31'))
        await say('m-b', 'kirim', at(1, '13:31'))
      } else {
        await checkInByCode('b3', b, at(day, '12:55'), true)
      }
      if (day >= 3) await checkInByCode('b4', b, at(day, '12:58'), true)
      if (day === 3) {
        // Lilis excuses herself from tomorrow's session.
        await say('a2', 'izin', at(3, '19:00'))
        await say('a2', '1', at(3, '19:00'))
        await say('a2', 'urusan keluarga', at(3, '19:01'))
      }
    }
    // The evening after the last session: every end-of-session fire has run.
    await advanceTo(wib('2026-12-06T20:00'))
    await sender.idle()

    // Reminders: each once, at its time; none for an izin, none without a chat.
    const dayBefore = (texts: string[]) => texts.filter((t) => t.startsWith('Pengingat pelatihan'))
    const sameDay = (texts: string[]) => texts.filter((t) => t.startsWith('Selamat pagi!'))
    const nur = await textsTo(db, 'a1')
    expect(dayBefore(nur)).toHaveLength(6)
    expect(sameDay(nur)).toHaveLength(6)
    expect(dayBefore(nur)[0]).toBe(
      'Pengingat pelatihan menjahit besok, Selasa, 1 Desember 2026 pukul 08.00 WIB sampai 12.00, di Balai Desa Baturetno. Materi: Menjahit 1. Ketik IZIN jika berhalangan hadir.'
    )
    const lilis = await textsTo(db, 'a2')
    // Her izin for S4 came at 19.00, after that evening's reminder: no morning reminder.
    expect([dayBefore(lilis).length, sameDay(lilis).length]).toEqual([6, 5])
    const gita = await textsTo(db, 'b4')
    // Izin for S1 and S2 at 19.00 the evening before S1 (after its 18.00 reminder).
    expect([dayBefore(gita).length, sameDay(gita).length]).toEqual([5, 4])
    const mentorCodes = (await textsTo(db, 'm-a')).filter((t) => t.startsWith('Kode kehadiran'))
    expect(mentorCodes).toHaveLength(6)

    // Absences: a warm word each time; the alert once, after the second absence in a row.
    const missed = (texts: string[]) =>
      texts.filter((t) => t.startsWith('Hari ini kehadiran di pelatihan belum'))
    expect(missed(await textsTo(db, 'a3'))).toHaveLength(2)
    expect(missed(await textsTo(db, 'b5'))).toHaveLength(6)
    const alerts = (texts: string[]) => texts.filter((t) => t.includes('berturut-turut'))
    expect(alerts(await textsTo(db, 'm-a'))).toEqual([
      'Rina tidak hadir 2 sesi pelatihan berturut-turut tanpa izin. Mohon disapa dan ditanyakan kabarnya.',
      'Wati tidak hadir 2 sesi pelatihan berturut-turut tanpa izin. Mohon disapa dan ditanyakan kabarnya.',
    ])
    expect(alerts(await textsTo(db, 'kader-baturetno'))).toHaveLength(2) // Rina's and Wati's desa
    expect(alerts(await textsTo(db, 'm-b'))).toEqual([
      'Hana tidak hadir 2 sesi pelatihan berturut-turut tanpa izin. Mohon disapa dan ditanyakan kabarnya.',
    ])
    expect((await textsTo(db, 'm-b')).filter((t) => t.includes('salah memasukkan kode'))).toEqual([
      'Fitri sudah 3 kali salah memasukkan kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 13.00 WIB. Mohon dibantu; kehadirannya bisa dicatat dengan mengetik ABSEN.',
    ])

    // Completion at the end of each cohort's last session.
    const statuses = await db
      .select({ personId: enrollments.personId, status: enrollments.status })
      .from(enrollments)
      .orderBy(asc(enrollments.personId))
    const completed = statuses.filter((s) => s.status === 'completed').map((s) => s.personId)
    expect(completed).toEqual(
      ['Nur Aini', 'Lilis', 'Sumiati', 'Dewi', 'Eka', 'Fitri'].map((name) => ids.get(name))
    )
    // The congratulations, then the certificate's PDF with its number and verification page.
    expect((await textsTo(db, 'a1')).slice(-2)).toEqual([
      'Selamat, Nur Aini, atas kelulusan pelatihan menjahit! Terima kasih atas semangatnya. Satu bulan lagi kami akan mengirim survei singkat tentang usaha yang dijalankan.',
      expect.stringMatching(
        /^Ini sertifikat pelatihan atas nama Nur Aini, nomor ([A-Z2-9]{5}-[A-Z2-9]{5})\. Keasliannya bisa diperiksa di https:\/\/kaderbot\.example\.id\/verifikasi\/\1\./
      ),
    ])
    expect((await textsTo(db, 'a3')).some((t) => t.startsWith('Selamat,'))).toBe(false)

    // Indicators as of the evening of the last day (present = on time, late or by the mentor).
    const asOf = wib('2026-12-06T20:00')
    const scope = { programmeId, asOf }
    // SGS-MJ-01: 6+5+4+5+2 = 22 present of 5 × 6 = 30 → 73.3; TJN-MK-01: 6+5+6+4+0 = 21 of 30 →
    // 70.0; the programme: 43 of 60 → 71.7.
    expect(await attendanceRate(db, { ...scope, cohortId: cohortA.id })).toEqual({
      numerator: 22,
      denominator: 30,
      value: 73.3,
    })
    expect(await attendanceRate(db, { ...scope, kecamatanCode: '35.07.15' })).toEqual({
      numerator: 21,
      denominator: 30,
      value: 70,
    })
    expect(await attendanceRate(db, scope)).toEqual({ numerator: 43, denominator: 60, value: 71.7 })
    // Completers: Nur, Lilis, Sumiati | Dewi, Eka, Fitri → 6 of 10 = 60.0.
    expect(await completionRate(db, scope)).toEqual({ numerator: 6, denominator: 10, value: 60 })
    // Absent from S4–S6 without izin: Wati and Hana → 2 of 10 = 20.0.
    expect(await dropOutRate(db, scope)).toEqual({ numerator: 2, denominator: 10, value: 20 })
    // 10 enrolled of the target 300 → 3.3.
    expect(await targetAchievement(db, scope)).toEqual({
      numerator: 10,
      denominator: 300,
      value: 3.3,
    })

    // The daily attendance list of SGS-MJ-01's first session, in the paper sheet's order.
    const list = await listDaftarHadir(db, {
      cohortCode: 'SGS-MJ-01',
      regionPrefix: '35.07',
      from: '2026-12-01',
      to: '2026-12-01',
    })
    expect(
      list.map((r) => [r.no, r.name, r.desaName, r.kecamatanName, r.status, r.method])
    ).toEqual([
      [1, 'Lilis', 'Wonorejo', 'Singosari', 'present', 'kode'],
      [2, 'Nur Aini', 'Baturetno', 'Singosari', 'present', 'kode'],
      [3, 'Rina', 'Baturetno', 'Singosari', 'present', 'kode'],
      [4, 'Sumiati', 'Wonorejo', 'Singosari', 'present', 'mentor'],
      [5, 'Wati', 'Baturetno', 'Singosari', 'present', 'kode'],
    ])
    expect(list[1]!.recordedAt).toEqual(at(1, '07:45'))
    // A desa supervisor sees her desa's participants only; the whole week is 6 lists.
    const desaWeek = await listDaftarHadir(db, {
      regionPrefix: '35.07.24.2001',
      from: '2026-12-01',
      to: '2026-12-07',
    })
    expect(desaWeek.map((r) => `${r.sessionDate} ${r.no} ${r.name} ${r.status}`)).toEqual(
      DAYS.flatMap((day) => [
        `${date(day)} 1 Lilis ${day === 2 ? 'late' : day === 4 ? 'izin' : 'present'}`,
        `${date(day)} 2 Sumiati ${day === 6 ? 'absent' : 'present'}`,
      ])
    )

    // A month later: the first follow-up wave. Lilis is a minor without the guardian mark: held.
    await jumpTo(wib('2027-01-06T09:01'))
    await sender.idle()
    const waves = await db
      .select({ personId: followUpSurveys.personId, status: followUpSurveys.status })
      .from(followUpSurveys)
      .where(eq(followUpSurveys.wave, 1))
      .orderBy(asc(followUpSurveys.personId))
    expect(waves.map((w) => w.status)).toEqual(['sent', 'held', 'sent', 'sent', 'sent', 'sent'])
    expect((await textsTo(db, 'a1')).at(-1)).toBe(
      'Halo Nur Aini, sudah 1 bulan sejak lulus pelatihan. Boleh minta waktu 2 menit untuk survei singkat? Ketik SURVEI, atau pilih "Isi survei" di bawah.'
    )
    expect((await textsTo(db, 'a2')).some((t) => t.startsWith('Halo Lilis'))).toBe(false)

    const answer = async (chat: string, replies: string[], moment: Date) => {
      await say(chat, { type: 'choice', id: 'start:follow-up' }, moment)
      let last: string[] = []
      for (const reply of replies) last = await say(chat, reply, moment)
      return last
    }
    // Nur: not employed; a sewing business sold on WhatsApp and in person, under Rp500 thousand,
    // 6 orders last month.
    expect(
      await answer(
        'a1',
        ['ya', 'tidak', 'ya', 'jahit', '1, 5', '2', '6', 'tidak', 'tidak'],
        wib('2027-01-06T10:00')
      )
    ).toEqual(['Terima kasih, jawaban Ibu sudah tersimpan. Semoga usahanya lancar!'])
    // Dewi: not employed; food sold in person only, Rp500 thousand to 1 million, 10 orders.
    await answer(
      'b1',
      ['ya', 'tidak', 'ya', 'makanan', '5', '3', '10', 'ya', 'ya'],
      wib('2027-01-06T11:00')
    )
    // Eka declines the survey.
    expect(await answer('b2', ['tidak'], wib('2027-01-06T12:00'))).toEqual([
      'Baik, tidak apa-apa. Terima kasih, semoga sehat selalu.',
    ])
    // Fitri answers after the one reminder (three days later): no work, no business, no income yet.
    await jumpTo(wib('2027-01-10T09:00'))
    await sender.idle()
    const reminderOf = (texts: string[]) => texts.filter((t) => t.startsWith('Pengingat: survei'))
    expect(reminderOf(await textsTo(db, 'b3'))).toHaveLength(1)
    expect(reminderOf(await textsTo(db, 'a1'))).toEqual([])
    await answer('b3', ['ya', 'tidak', 'tidak', '1', 'tidak'], wib('2027-01-10T10:00'))

    // Follow-up indicators as of the end of January. Graduates: 6; reached (answered with
    // consent): Nur, Dewi, Fitri = 3 → tracer 3 ÷ 6 = 50.0. Business: Nur, Dewi of 3 → 66.7.
    // Income: Nur (< Rp500 rb), Dewi (0.5–1 jt) of 3 → 66.7. Online: Nur (WhatsApp) of the 2 with
    // a business → 50.0.
    const later = { programmeId, asOf: wib('2027-01-31T23:00') }
    expect(await tracerResponseRate(db, later)).toEqual({ numerator: 3, denominator: 6, value: 50 })
    expect(await businessStartRate(db, later)).toEqual({
      numerator: 2,
      denominator: 3,
      value: 66.7,
    })
    expect(await graduatesWithIncomeRate(db, later)).toEqual({
      numerator: 2,
      denominator: 3,
      value: 66.7,
    })
    expect(await onlineSalesShare(db, later)).toEqual({ numerator: 1, denominator: 2, value: 50 })
    // Per cohort: SGS-MJ-01 reached 1 of 3 (Nur) → 33.3, her business online → 100.0;
    // TJN-MK-01 reached 2 of 3 → 66.7, Dewi's business sells in person only → 0 of 1 = 0.
    expect(await tracerResponseRate(db, { ...later, cohortId: cohortA.id })).toEqual({
      numerator: 1,
      denominator: 3,
      value: 33.3,
    })
    expect(await onlineSalesShare(db, { ...later, cohortId: cohortB.id })).toEqual({
      numerator: 0,
      denominator: 1,
      value: 0,
    })
    // Before the answers nobody was reached: no denominator.
    expect(await businessStartRate(db, { programmeId, asOf: wib('2027-01-06T09:30') })).toEqual({
      numerator: 0,
      denominator: 0,
      value: null,
    })
    const stored = await db
      .select()
      .from(followUpSurveys)
      .where(and(eq(followUpSurveys.personId, ids.get('Eka')!), eq(followUpSurveys.wave, 1)))
    expect(stored[0]).toMatchObject({
      status: 'declined',
      consentGiven: false,
      incomeBracket: null,
    })

    // Lilis's guardian consents (marked by her mentor): the held wave is invited at the next tick.
    const [lilisEnrollment] = await db
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(eq(enrollments.personId, ids.get('Lilis')!))
    await markGuardianConsent(db, {
      enrollmentId: lilisEnrollment!.id,
      byPersonId: mentorA,
      at: wib('2027-01-11T08:00'),
    })
    await jumpTo(wib('2027-01-11T08:01'))
    expect((await textsTo(db, 'a2')).at(-1)).toMatch(/^Halo Lilis, sudah 1 bulan sejak lulus/)
    await sender.idle()
  }
)
