/**
 * The visit report through the runtime on a real database: the family search by trigram, the
 * reference number and the monthly count, a new family with its consent, a referral, and the
 * flag on a second report of the same family and day.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { activeUsersAt } from '../../src/db/queries/kb-register.js'
import { createFamily } from '../../src/db/queries/visits.js'
import {
  auditLog,
  families,
  kbEvents,
  outbox,
  referrals,
  visits,
} from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import { referralFollowUpHandlers } from '../../src/scheduler/jobs/referral-follow-ups.js'
import { testI18n } from '../harness/i18n.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, silentLogger, simulatorMessage } from '../harness/runtime.js'
import { seedSitiAndFamilies } from '../harness/visits-db.js'

const NOW = new Date('2025-11-24T01:00:00Z') // Senin, 24 November 2025 08.00 WIB
const WONOREJO = '35.07.24.2001'

let handle: TestDbHandle
let cadreId: number
beforeEach(async () => {
  handle = await createTestDb()
  cadreId = await seedSitiAndFamilies(handle.db, ['Budi Santoso', 'Sutrisno', 'Ahmad Fauzi'], NOW)
  // A namesake in another desa must never be offered.
  await createFamily(handle.db, {
    headName: 'Budi Santoso',
    desaCode: '35.07.24.2002',
    createdBy: cadreId,
    consentedAt: NOW,
  })
})
afterEach(async () => {
  await handle.close()
})

async function chat() {
  const { runtime, sender } = await createTestRuntime(handle.db)
  const say = async (text: string) => {
    const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
    return (await runtime.handleInbound(message, NOW)).replies
  }
  return { say, sender }
}

const COMMON_CASE = ['suntik 3', 'tidak', 'puskesmas', 'tidak ada', 'kie']

describe('lapor on the database', () => {
  test('the common case is saved with a monthly reference and the count this month', async () => {
    const { say, sender } = await chat()
    await say('/lapor')
    const found = await say('sutrisna') // a typo of Sutrisno
    expect(found[0]!.choices!.map((c) => c.label)).toEqual([
      'Sutrisno (Krajan RT 02 RW 03)',
      'Keluarga baru: sutrisna',
    ])
    await say('1')
    await say('pus')
    await say('ber-KB')
    for (const text of COMMON_CASE) await say(text)
    const done = await say('kirim')
    expect(done.map((r) => r.text)).toEqual([
      'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001. Ini kunjungan ke-1 Ibu bulan November 2025.',
    ])
    const [visit] = await handle.db.select().from(visits)
    expect(visit).toMatchObject({
      reference: 'KJ-2511-000001',
      cadreId,
      desaCode: WONOREJO,
      visitDate: '2025-11-24',
      period: '2025-11',
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'suntik_3',
      actions: ['kie'],
      duplicateOf: null,
      status: 'submitted',
    })
    await sender.idle()
  })

  test('a November visit reported in December is counted in, and named as, November', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const december = new Date('2025-12-01T01:00:00Z') // Senin, 1 Desember 2025 08.00 WIB
    const say = async (text: string) => {
      const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
      return (await runtime.handleInbound(message, december)).replies
    }
    for (const text of ['/lapor', 'sutrisno', '1', 'pus', 'ber-KB', ...COMMON_CASE]) await say(text)
    await say('ubah')
    await say('tanggal kunjungan')
    await say('30/11')
    const done = await say('kirim')
    expect(done.map((r) => r.text)).toEqual([
      'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001. Ini kunjungan ke-1 Ibu bulan November 2025.',
    ])
    const [visit] = await handle.db.select().from(visits)
    expect(visit).toMatchObject({ visitDate: '2025-11-30', period: '2025-11' })
    await sender.idle()
  })

  test('only families of the cadre’s desa are found; a new family is created with its consent', async () => {
    const { say, sender } = await chat()
    await say('lapor')
    const found = await say('budi')
    expect(found[0]!.choices!.map((c) => c.label)).toEqual([
      'Budi Santoso (Krajan RT 02 RW 03)',
      'Keluarga baru: budi',
    ])
    await say('kembali')
    // A name that finds nobody is a new family at once: its address comes next.
    expect((await say('Wahyu Hidayat'))[0]!.text).toMatch(
      /^Nama Wahyu Hidayat belum ada di desa ini, jadi dicatat sebagai keluarga baru/
    )
    await say('Sumberejo RT 05 RW 01')
    await say('ya')
    for (const text of ['krs', 'air minum', 'kie, rujukan', 'puskesmas', 'gizi']) await say(text)
    expect((await say('kirim'))[0]!.text).toMatch(
      /^Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001/
    )
    const [family] = await handle.db
      .select()
      .from(families)
      .where(eq(families.headName, 'Wahyu Hidayat'))
    expect(family).toMatchObject({
      desaCode: WONOREJO,
      dusunRwRt: 'Sumberejo RT 05 RW 01',
      krs: true,
      consentedAt: NOW,
    })
    const [referral] = await handle.db.select().from(referrals)
    expect(referral).toMatchObject({
      familyId: family!.id,
      target: 'puskesmas',
      reason: 'gizi',
      followUpDate: '2025-12-01',
      status: 'belum',
    })
    await sender.idle()
  })

  test('a second report of the same family and day is flagged, and recorded as such once confirmed', async () => {
    const { say, sender } = await chat()
    for (const round of [1, 2]) {
      await say('lapor')
      await say('ahmad')
      const picked = await say('1')
      if (round === 2) {
        expect(picked[0]!.text).toBe(
          'Ibu sudah melaporkan kunjungan ke keluarga ini pada tanggal yang sama (KJ-2511-000001). Ini kunjungan lain di hari yang sama?'
        )
        await say('ya')
        await say('ya') // the same as the last visit
      } else {
        await say('lansia')
        await say('tidak ada')
      }
      await say('kie')
      await say('kirim')
    }
    const rows = await handle.db.select().from(visits).orderBy(asc(visits.id))
    expect(rows.map((v) => [v.reference, v.duplicateOf])).toEqual([
      ['KJ-2511-000001', null],
      ['KJ-2511-000002', rows[0]!.id],
    ])
    await sender.idle()
  })
})

describe('a routine visit to a family visited before', () => {
  test('picked by number from the recent families; "Ya" keeps the last visit’s answers', async () => {
    const { say, sender } = await chat()
    const first = [
      'lapor',
      'budi',
      '1',
      'pus, balita',
      'ber-KB',
      'implan',
      'ya',
      'bidan praktik',
      'jamban',
      'kie',
      'kirim',
    ]
    for (const text of first) await say(text)
    // Ahmad's report is withdrawn: he is not a recent family, and his visit is nobody's last.
    for (const text of ['lapor', 'ahmad', '1', 'lansia', 'tidak ada', 'kie', 'kirim'])
      await say(text)
    await say('riwayat')
    await say('KJ-2511-000002')
    await say('tarik laporan')

    const sent: string[] = []
    const send = async (text: string) => {
      sent.push(text)
      return say(text)
    }
    const offered = await send('/lapor')
    expect(offered[0]!.choices!.map((c) => c.label)).toEqual(['Budi Santoso (Krajan RT 02 RW 03)'])
    // The same day as the first visit: the duplicate question comes first.
    expect((await send('1'))[0]!.text).toMatch(/^Ibu sudah melaporkan kunjungan/)
    const asked = await send('ya')
    expect(asked[0]!.text).toBe(
      'Kunjungan lalu (Senin, 24 November 2025): PUS (pasangan usia subur), Balita; Implan/susuk; Jamban tidak layak.\nSama seperti kunjungan lalu?'
    )
    await send('ya')
    await send('posyandu')
    const done = await send('kirim')
    expect(done[0]!.text).toMatch(/^Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000003\./)
    // One more than the 7 of a routine visit for the same-day question.
    expect(sent.length - 1).toBeLessThanOrEqual(7)
    const rows = await handle.db.select().from(visits).orderBy(asc(visits.id))
    expect(rows[2]).toMatchObject({
      familyId: rows[0]!.familyId,
      sasaran: ['pus', 'balita'],
      kbStatus: 'ber_kb',
      kbMethod: 'implan',
      risk4t: [],
      envRisks: ['jamban'],
      actions: ['posyandu'],
      duplicateOf: rows[0]!.id,
    })
    await sender.idle()
  })
})

describe('riwayat and referral follow-up on the database', () => {
  test('a report can be withdrawn within 24 hours, not after; both are kept and audited', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const sayAt = async (at: Date, text: string) => {
      const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
      return (await runtime.handleInbound(message, at)).replies.map((r) => r.text)
    }
    for (const at of [NOW, new Date(NOW.getTime() + 60_000)]) {
      for (const text of ['lapor', 'ahmad', '1']) await sayAt(at, text)
      // The second report of the day is confirmed, and is the same as the first.
      const rest = at === NOW ? ['lansia', 'tidak ada'] : ['ya', 'ya']
      for (const text of [...rest, 'kie', 'kirim']) await sayAt(at, text)
    }
    const later = new Date(NOW.getTime() + 23 * 3_600_000)
    await sayAt(later, 'riwayat')
    await sayAt(later, 'KJ-2511-000002')
    expect(await sayAt(later, 'tarik laporan')).toEqual([
      'Laporan sudah ditarik. Riwayatnya tetap tersimpan. Ketik /lapor untuk mengirim laporan yang benar.',
    ])
    const tooLate = new Date(NOW.getTime() + 25 * 3_600_000)
    await sayAt(tooLate, 'riwayat')
    // After a day the report is shown with why it cannot be withdrawn, and nothing is offered.
    const shown = await sayAt(tooLate, '2')
    expect(shown[0]).toMatch(/^Laporan KJ-2511-000001, keluarga [^\n]+\nTanggal kunjungan: /)
    expect(shown[0]).toMatch(
      /\nLaporan ini dikirim lebih dari 24 jam lalu, jadi tidak bisa ditarik/
    )
    const rows = await handle.db.select().from(visits).orderBy(asc(visits.id))
    expect(rows.map((v) => v.status)).toEqual(['submitted', 'withdrawn'])
    const audit = await handle.db.select().from(auditLog)
    expect(audit).toMatchObject([{ action: 'visit_withdrawn', subject: `visit:${rows[1]!.id}` }])
    await sender.idle()
  })

  test('on the follow-up date the cadre is asked, answers with the button, and it is recorded', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const sayAt = async (at: Date, input: string | { type: 'choice'; id: string }) => {
      const message = { ...simulatorMessage('wa-siti', input), phone: '+6281200000004' }
      return (await runtime.handleInbound(message, at)).replies.map((r) => r.text)
    }
    for (const text of ['lapor', 'sutrisno', '1', 'balita', 'tidak ada', 'rujukan', 'puskesmas']) {
      await sayAt(NOW, text)
    }
    for (const text of ['imunisasi', 'kirim']) await sayAt(NOW, text)
    const [referral] = await handle.db.select().from(referrals)
    expect(referral).toMatchObject({ followUpDate: '2025-12-01', status: 'belum' })

    const deps = {
      db: handle.db,
      logger: silentLogger,
      handlers: referralFollowUpHandlers({ i18n: await testI18n() }),
    }
    // 1 December 2025 07.59 WIB: not yet; 08.01 WIB: the reminder goes out, once.
    expect(await runDueFires(deps, new Date('2025-12-01T00:59:00Z'))).toMatchObject({ done: 0 })
    expect(await runDueFires(deps, new Date('2025-12-01T01:01:00Z'))).toMatchObject({ done: 1 })
    expect(await runDueFires(deps, new Date('2025-12-01T02:00:00Z'))).toMatchObject({ done: 0 })
    const reminders = (await handle.db.select().from(outbox).orderBy(asc(outbox.id))).filter(
      (row) => row.conversationId === null
    )
    expect(reminders.map((r) => r.message)).toEqual([
      {
        text: 'Pengingat tindak lanjut rujukan: keluarga Sutrisno dirujuk ke Puskesmas. Bagaimana hasilnya?',
        choices: [{ id: `start:referral-outcome:${referral!.id}`, label: 'Laporkan hasil' }],
      },
    ])
    const at = new Date('2025-12-01T03:00:00Z')
    await sayAt(at, { type: 'choice', id: `start:referral-outcome:${referral!.id}` })
    expect(await sayAt(at, 'sudah dilayani')).toEqual([
      'Terima kasih, hasil rujukan sudah dicatat.',
    ])
    const [closed] = await handle.db.select().from(referrals)
    expect(closed).toMatchObject({ status: 'sudah_dilayani', closedAt: at })
    await sender.idle()
  })
})

describe('the KB register on the database', () => {
  test('three visits: a new pill user, a change to the implant, then a routine visit', async () => {
    const { runtime, sender } = await createTestRuntime(handle.db)
    const report = async (at: string, script: string[]) => {
      let last: string[] = []
      for (const text of script) {
        const message = { ...simulatorMessage('wa-siti', text), phone: '+6281200000004' }
        last = (await runtime.handleInbound(message, new Date(at))).replies.map((r) => r.text)
      }
      return last
    }
    // 24 November 08.00 WIB: first KB record, a new pill user at the puskesmas without JKN.
    const first = await report(NOW.toISOString(), [
      ...['/lapor', 'sutrisno', '1', 'pus', 'ber-KB', 'pil', 'ya', 'puskesmas'],
      ...['tidak ada', 'kie', 'kirim'],
    ])
    expect(first[0]).toMatch(/^Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001/)
    // 26 November: "Tidak" to the last visit, "Tidak" to "Masih pakai Pil?", the implant now.
    await report('2025-11-26T01:00:00Z', [
      ...['/lapor', '1', 'tidak', 'pus', 'tidak', 'ber kb', 'susuk', 'tidak', '3'],
      ...['tidak ada', 'kie', 'kirim'],
    ])
    // 2 December: the routine visit, five messages.
    const routine = ['/lapor', '1', 'ya', 'kie', 'kirim']
    const last = await report('2025-12-02T01:00:00Z', routine)
    expect(last[0]).toMatch(/^Terima kasih! Laporan tersimpan dengan nomor KJ-2512-000001/)

    const rows = await handle.db.select().from(kbEvents).orderBy(asc(kbEvents.id))
    const visitIds = (await handle.db.select({ id: visits.id }).from(visits)).map((v) => v.id)
    expect(
      rows.map((r) => [r.eventDate, r.kind, r.method, r.newAcceptor, r.servicePlace, r.jkn])
    ).toEqual([
      ['2025-11-24', 'started', 'pil', true, 'pemerintah', false],
      ['2025-11-26', 'changed', 'implan', false, 'swasta', true],
      // Kept from the last record: same method, same place and JKN, not new.
      ['2025-12-02', 'continued', 'implan', false, 'swasta', true],
    ])
    expect(rows.map((r) => r.visitId).sort()).toEqual([...visitIds].sort())
    const november = await activeUsersAt(handle.db, { period: '2025-11', regionPrefix: WONOREJO })
    expect([...november.values()]).toEqual(['implan'])
    await sender.idle()
  })
})
