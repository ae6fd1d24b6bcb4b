/**
 * Notices to people the bot cannot reach yet (docs/domain.md, decision 20), through the runtime and
 * the simulator sender on a real database: an izin for a mentor who never wrote and a registration
 * for a supervisor who never wrote wait (the one who caused them is told so), and are delivered,
 * oldest first, right after that person's first contact and consent; the supervisor's menu says
 * what waits for him.
 */
import { describe, expect, test } from 'vitest'
import { people } from '../../src/db/schema/index.js'
import { useTestDb } from '../harness/db.js'
import { mentorCohort, noticeChats, waitingFor as waitingIn } from '../harness/notices.js'
import { wib } from '../harness/training-db.js'

const handle = useTestDb()

const setup = () => noticeChats(handle.db)
const waitingFor = (personId: number) => waitingIn(handle.db, personId)

/** A cohort of mentor Sri Wahyuni (see `mentorCohort`) with participants Lilis and Nur Aini. */
async function izinSetup(code: string, mentor: { chat?: string; phone?: string }, chats: string[]) {
  const names = ['Lilis', 'Nur Aini']
  const participants = chats.map((chat, i) => ({ name: names[i]!, chat }))
  return (await mentorCohort(handle.db, code, mentor, participants)).mentorId
}

describe('izin for a mentor who never wrote', () => {
  test('the participant is told the truth; the mentor gets the notices, oldest first, right after consenting', async () => {
    const mentorId = await izinSetup('SGS-MJ-09', { phone: '+6281200000003' }, [
      'wa-lilis',
      'wa-nur',
    ])
    const { chatAs } = await setup()

    const lilis = chatAs('wa-lilis')
    await lilis.say('izin', wib('2026-11-30T07:00'))
    await lilis.say('1', wib('2026-11-30T07:01'))
    expect(await lilis.say('anak sakit', wib('2026-11-30T07:02'))).toEqual([
      'Izin Ibu sudah tercatat. Mentor akan menerima pemberitahuan saat beliau mulai memakai bot.',
    ])
    const nur = chatAs('wa-nur')
    await nur.say('izin', wib('2026-11-30T08:00'))
    await nur.say('1', wib('2026-11-30T08:01'))
    expect(await nur.say('sakit', wib('2026-11-30T08:02'))).toEqual([
      'Izin Ibu sudah tercatat. Mentor akan menerima pemberitahuan saat beliau mulai memakai bot.',
    ])
    // Kept for her, with no chat: no sender claims them.
    expect(await waitingFor(mentorId)).toMatchObject([
      { channel: null, recipientId: null },
      { channel: null, recipientId: null },
    ])

    // She writes for the first time: the privacy notice comes first, nothing else yet.
    const sri = chatAs('sim-sri', '+6281200000003')
    const [notice] = await sri.say('halo', wib('2026-12-02T09:00'))
    expect(notice).toMatch(/^Selamat datang di kaderbot/)
    expect(await sri.inbox()).toEqual([notice])
    expect(await waitingFor(mentorId)).toHaveLength(2)

    // Right after her consent (and the menu it brings), the two izin, oldest first.
    expect(await sri.say('ya', wib('2026-12-02T09:01'))).toEqual([
      'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
      'Halo, Sri Wahyuni! Menu utama:',
    ])
    expect(await sri.inbox()).toEqual([
      notice,
      'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
      'Halo, Sri Wahyuni! Menu utama:',
      'Lilis izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Pola dasar). Alasan: Anak sakit.',
      'Nur Aini izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Pola dasar). Alasan: Sakit.',
    ])
    expect(await waitingFor(mentorId)).toEqual([])
  })

  test('a mentor who uses the bot is notified at once, as before', async () => {
    const mentorId = await izinSetup('SGS-MJ-10', { chat: 'wa-mentor' }, ['wa-lilis'])
    const { chatAs } = await setup()
    const lilis = chatAs('wa-lilis')
    await lilis.say('izin', wib('2026-11-30T07:00'))
    await lilis.say('1', wib('2026-11-30T07:01'))
    expect(await lilis.say('anak sakit', wib('2026-11-30T07:02'))).toEqual([
      'Izin Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.',
    ])
    expect(await chatAs('wa-mentor').inbox()).toEqual([
      'Lilis izin tidak hadir pada Selasa, 1 Desember 2026 pukul 08.00 WIB (Pola dasar). Alasan: Anak sakit.',
    ])
    expect(await waitingFor(mentorId)).toEqual([])
  })
})

describe('a registration for a supervisor who never wrote', () => {
  test('the applicant is told the truth; his menu shows it waiting, and the request follows his consent', async () => {
    const [bambang] = await handle.db
      .insert(people)
      .values({
        name: 'Bambang Supriyadi',
        roles: ['supervisor'],
        regionCode: '35.07.24',
        phone: '+6281200000002',
      })
      .returning({ id: people.id })
    const { chatAs } = await setup()
    const at = new Date('2025-11-24T01:00:00Z')

    const siti = chatAs('sim-siti', '+6281299990000')
    await siti.say('halo', at)
    await siti.say('ya', at)
    for (const text of ['daftar', 'Siti Rahayu', 'ibu', 'Singosari', 'Tunjungtirto', '1']) {
      await siti.say(text, at)
    }
    expect(await siti.say('kirim', at)).toEqual([
      'Terima kasih, Siti Rahayu. Pendaftaran Ibu sudah tercatat. Pengawas (PKB) setempat akan menerima permintaan persetujuan saat beliau mulai memakai bot. Kami kabari di sini setelah disetujui.',
    ])
    expect(await waitingFor(bambang!.id)).toHaveLength(1)

    const sup = chatAs('sim-bambang', '+6281200000002')
    await sup.say('halo', at)
    const afterConsent = await sup.say('ya', at)
    expect(afterConsent).toEqual([
      'Terima kasih, persetujuan Bapak/Ibu sudah kami catat.',
      expect.stringContaining('1 pendaftaran menunggu persetujuan'),
    ])
    const inbox = await sup.inbox()
    expect(inbox.slice(1, 3)).toEqual(afterConsent)
    expect(inbox[3]).toBe(
      'Pendaftaran kader baru menunggu persetujuan:\nSiti Rahayu, PPKBD (IMP, tingkat desa), Desa Tunjungtirto, Kec. Singosari\nPilih Tinjau di bawah, atau ketik PERSETUJUAN.'
    )
    expect(inbox).toHaveLength(4)
    expect(await waitingFor(bambang!.id)).toEqual([])
  })
})
