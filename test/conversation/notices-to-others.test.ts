/**
 * Every notice one person causes for another goes out as a notice (docs/domain.md, decision 20),
 * through the runtime and the simulator sender on a real database: three wrong check-in codes for
 * the mentor, a registration decision for the applicant, a session's change for its participants
 * and an absence alert for the mentor. Whoever caused it is told the truth (the other has it now,
 * gets it once using the bot, or there is nobody to tell), and a notice that waited arrives right
 * after the other's first contact and consent.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { setOptedOut } from '../../src/db/queries/people.js'
import { cancelSession } from '../../src/db/queries/training-sessions.js'
import { cohorts, trainingSessions } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { planSessionReminders } from '../../src/scheduler/jobs/session-reminders.js'
import { useTestDb } from '../harness/db.js'
import { mentorCohort, noticeChats, waitingFor } from '../harness/notices.js'
import { giveConsent } from '../harness/runtime.js'
import {
  baselinesSettled,
  morningSession,
  textsTo,
  trainingFireDeps,
  trainingPerson,
  wib,
} from '../harness/training-db.js'
import { seedPerson } from '../harness/visits-db.js'

const handle = useTestDb()

const MENTOR_PHONE = '+6281200000003'

/** A code that is not the session's. */
async function wrongCodeOf(sessionId: number): Promise<string> {
  const [row] = await handle.db
    .select({ code: trainingSessions.checkinCode })
    .from(trainingSessions)
    .where(eq(trainingSessions.id, sessionId))
  return row?.code === '0000' ? '1111' : '0000'
}

describe('three wrong check-in codes', () => {
  test('a mentor who never wrote has no code: no alert about the participant; the code waits for the mentor', async () => {
    const { mentorId, sessionId } = await mentorCohort(
      handle.db,
      'SGS-MJ-11',
      { phone: MENTOR_PHONE },
      [{ name: 'Lilis', chat: 'wa-lilis' }]
    )
    const wrong = await wrongCodeOf(sessionId)
    const { chatAs } = await noticeChats(handle.db)
    const lilis = chatAs('wa-lilis')
    const failThrice = async (at: string) => {
      await lilis.say('hadir', wib(at))
      await lilis.say(wrong, wib(at))
      await lilis.say(wrong, wib(at))
      return lilis.say(wrong, wib(at))
    }
    // The morning code could not reach her: the failure is the product's, not Lilis's.
    const waits =
      'Maaf, kode kehadiran sesi ini belum sampai ke mentor: mentor belum bisa kami hubungi lewat chat. Mohon temui mentor di kelas; kehadiran Ibu bisa dicatat oleh mentor.'
    expect(await failThrice('2026-12-01T08:05')).toEqual([waits])
    // Trying again adds nothing for the mentor, and tells the participant the same truth.
    expect(await failThrice('2026-12-01T08:08')).toEqual([waits])
    expect(await waitingFor(handle.db, mentorId)).toHaveLength(1)

    const sri = chatAs('sim-sri', MENTOR_PHONE)
    await sri.say('halo', wib('2026-12-01T08:10'))
    await sri.say('ya', wib('2026-12-01T08:11'))
    const inbox = await sri.inbox()
    expect(inbox.join('\n')).toMatch(
      /Kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 08\.00 WIB di .*: \d{4}\. Ada peserta yang mencoba/
    )
    expect(inbox.join('\n')).not.toContain('salah memasukkan')
    expect(await waitingFor(handle.db, mentorId)).toEqual([])
    // The mentor has the code now: the participant is told to wait for it...
    expect(await failThrice('2026-12-01T08:15')).toEqual([
      'Maaf, kode kehadiran sesi ini belum sampai ke mentor, jadi belum bisa diumumkan. Kodenya sudah kami kirim kepada mentor sekarang. Mohon tunggu mentor mengumumkan kode di kelas, lalu ketik HADIR lagi.',
    ])
    // ...and wrong codes after that are hers: the mentor hears of it.
    expect(await failThrice('2026-12-01T08:25')).toEqual([
      'Kodenya belum cocok, tidak apa-apa. Mentor sudah kami kabari; mohon temui mentor di kelas, nanti kehadiran Ibu dicatat oleh mentor.',
    ])
    expect((await sri.inbox()).join('\n')).toContain(
      'Lilis sudah 3 kali salah memasukkan kode kehadiran untuk sesi Selasa, 1 Desember 2026 pukul 08.00 WIB.'
    )
  })

  test('a session without a mentor: nobody is said to be told', async () => {
    const { cohortId, sessionId } = await mentorCohort(
      handle.db,
      'SGS-MJ-12',
      { chat: 'wa-mentor' },
      [{ name: 'Lilis', chat: 'wa-lilis' }]
    )
    await handle.db.update(cohorts).set({ mentorId: null }).where(eq(cohorts.id, cohortId))
    const wrong = await wrongCodeOf(sessionId)
    const lilis = (await noticeChats(handle.db)).chatAs('wa-lilis')
    await lilis.say('hadir', wib('2026-12-01T08:05'))
    await lilis.say(wrong, wib('2026-12-01T08:05'))
    await lilis.say(wrong, wib('2026-12-01T08:05'))
    expect(await lilis.say(wrong, wib('2026-12-01T08:05'))).toEqual([
      'Kodenya belum cocok, tidak apa-apa. Sesi ini belum punya mentor di kaderbot, jadi belum ada yang kami kabari. Mohon sampaikan kepada petugas pelatihan di kelas agar kehadiran Ibu dicatat.',
    ])
    expect(await textsTo(handle.db, 'wa-mentor')).toEqual([])
  })
})

describe('a registration decided for an applicant the bot cannot reach', () => {
  test('the supervisor is told it waits; the applicant has it right after MULAI', async () => {
    const at = wib('2026-12-01T09:00')
    await trainingPerson(handle.db, {
      name: 'Bambang Supriyadi',
      roles: ['supervisor'],
      regionCode: '35.07.24',
      chat: 'sim-bambang',
    })
    const siti = await seedPerson(handle.db, {
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: '35.07.24.2003',
      status: 'pending',
      chat: 'sim-siti',
    })
    await giveConsent(handle.db, ['sim-siti'])
    // She registered, then said BERHENTI: the bot may not write to her.
    await setOptedOut(handle.db, { personId: siti, at })
    const { chatAs } = await noticeChats(handle.db)

    const bambang = chatAs('sim-bambang')
    await bambang.say('persetujuan', at)
    await bambang.say('1', at)
    expect(await bambang.say('setujui', at)).toEqual([
      'Pendaftaran disetujui. Kader belum bisa kami hubungi lewat chat; beliau akan menerima kabar ini saat mulai memakai bot.',
    ])
    expect(await waitingFor(handle.db, siti)).toHaveLength(1)

    const sitiChat = chatAs('sim-siti')
    await sitiChat.say('mulai', wib('2026-12-02T09:00'))
    expect(await sitiChat.inbox()).toContainEqual(
      expect.stringMatching(/^Selamat, Siti Rahayu! .*kader sudah disetujui/)
    )
    expect(await waitingFor(handle.db, siti)).toEqual([])
  })
})

describe("a session's change", () => {
  test('the mentor hears who has it and who gets it once using the bot; she gets it after her consent', async () => {
    const { sessionId, participants } = await mentorCohort(
      handle.db,
      'SGS-MJ-13',
      { chat: 'wa-mentor' },
      [
        { name: 'Nur Aini', chat: 'wa-nur' },
        { name: 'Lilis', phone: '+6281300000001' },
      ]
    )
    await baselinesSettled(handle.db, Object.values(participants), wib('2026-11-25T10:01'))
    await cancelSession(handle.db, { sessionId, now: wib('2026-11-30T10:00') })
    await runDueFires(await trainingFireDeps(handle.db), wib('2026-11-30T10:01'))
    const cancelled =
      'Pelatihan menjahit pada Selasa, 1 Desember 2026 pukul 08.00 WIB di Balai Desa Ardimulyo dibatalkan. Ketik JADWAL untuk melihat jadwal berikutnya.'
    expect(await textsTo(handle.db, 'wa-nur')).toEqual([cancelled])
    expect(await textsTo(handle.db, 'wa-mentor')).toEqual([
      `Kelompok SGS-MJ-13: ${cancelled}\n(Sudah kami kabari: 1 peserta. Belum bisa dihubungi lewat chat: Lilis; mereka akan menerima kabar ini saat mulai memakai bot. Mohon kabari mereka langsung.)`,
    ])
    expect(await waitingFor(handle.db, participants.Lilis)).toHaveLength(1)

    const lilis = (await noticeChats(handle.db)).chatAs('sim-lilis', '+6281300000001')
    await lilis.say('halo', wib('2026-11-30T12:00'))
    await lilis.say('ya', wib('2026-11-30T12:01'))
    expect(await lilis.inbox()).toContain(cancelled)
    expect(await waitingFor(handle.db, participants.Lilis)).toEqual([])
  })

  test('a cohort with nobody to tell says so', async () => {
    const { sessionId } = await mentorCohort(handle.db, 'SGS-MJ-14', { chat: 'wa-mentor' }, [])
    await cancelSession(handle.db, { sessionId, now: wib('2026-11-30T10:00') })
    await runDueFires(await trainingFireDeps(handle.db), wib('2026-11-30T10:01'))
    expect(await textsTo(handle.db, 'wa-mentor')).toEqual([
      expect.stringMatching(
        /dibatalkan\. Ketik JADWAL untuk melihat jadwal berikutnya\.\n\(Kelompok ini belum punya peserta, jadi tidak ada yang kami kabari\.\)$/
      ),
    ])
  })
})

describe('an absence alert', () => {
  test('for a mentor who never wrote, it waits and arrives after her consent', async () => {
    const { mentorId, cohortId } = await mentorCohort(
      handle.db,
      'SGS-MJ-15',
      { phone: MENTOR_PHONE },
      [{ name: 'Rina', chat: 'wa-rina' }]
    )
    await morningSession(handle.db, {
      cohortId,
      date: '2026-12-02',
      topic: 'Praktik',
      now: wib('2026-11-25T10:00'),
    })
    const deps = await trainingFireDeps(handle.db)
    await planSessionReminders(handle.db, wib('2026-11-30T09:00'), 'Asia/Jakarta')
    await runDueFires(deps, wib('2026-12-01T12:01'))
    await planSessionReminders(handle.db, wib('2026-12-01T13:00'), 'Asia/Jakarta')
    await runDueFires(deps, wib('2026-12-02T12:01'))
    const alert =
      'Rina tidak hadir 2 sesi pelatihan berturut-turut tanpa izin. Mohon disapa dan ditanyakan kabarnya.'
    expect((await waitingFor(handle.db, mentorId)).map((row) => row.message)).toEqual([
      { text: alert },
    ])

    const sri = (await noticeChats(handle.db)).chatAs('sim-sri', MENTOR_PHONE)
    await sri.say('halo', wib('2026-12-02T13:00'))
    await sri.say('ya', wib('2026-12-02T13:01'))
    expect(await sri.inbox()).toContain(alert)
  })
})
