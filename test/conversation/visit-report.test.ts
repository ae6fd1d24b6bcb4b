/**
 * The visit report through the runtime on a real database: the family search by trigram, the
 * reference number and the monthly count, a new family with its consent, a referral, and the
 * flag on a second report of the same family and day.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFamily } from '../../src/db/queries/visits.js'
import { families, people, referrals, visits } from '../../src/db/schema/index.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { createTestRuntime, giveConsent, simulatorMessage } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z') // Senin, 24 November 2025 08.00 WIB
const WONOREJO = '35.07.24.2001'

let handle: TestDbHandle
let cadreId: number
beforeEach(async () => {
  handle = await createTestDb()
  const [cadre] = await handle.db
    .insert(people)
    .values({
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: WONOREJO,
      phone: '+6281200000004',
    })
    .returning({ id: people.id })
  cadreId = cadre!.id
  await giveConsent(handle.db, ['wa-siti'])
  for (const headName of ['Budi Santoso', 'Sutrisno', 'Ahmad Fauzi']) {
    await createFamily(handle.db, {
      headName,
      desaCode: WONOREJO,
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: cadreId,
      consentedAt: NOW,
    })
  }
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

const COMMON_CASE = ['suntik 3', 'tidak ada', 'tidak ada', 'kie', 'lewati', 'lewati', 'lewati']

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
      'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000001. Ini kunjungan ke-1 Anda bulan ini.',
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

  test('only families of the cadre’s desa are found; a new family is created with its consent', async () => {
    const { say, sender } = await chat()
    await say('lapor')
    const found = await say('budi')
    expect(found[0]!.choices!.map((c) => c.label)).toEqual([
      'Budi Santoso (Krajan RT 02 RW 03)',
      'Keluarga baru: budi',
    ])
    await say('kembali')
    await say('Wahyu Hidayat')
    await say('keluarga baru')
    await say('Sumberejo RT 05 RW 01')
    await say('ya')
    for (const text of [
      'krs',
      'air minum',
      'kie, rujukan',
      'puskesmas',
      'gizi',
      'lewati',
      'lewati',
      'lewati',
    ]) {
      await say(text)
    }
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
          'Anda sudah melaporkan kunjungan ke keluarga ini pada tanggal yang sama (KJ-2511-000001). Ini kunjungan lain di hari yang sama?'
        )
        await say('ya')
      }
      await say('lansia')
      for (const text of ['tidak ada', 'kie', 'lewati', 'lewati', 'lewati']) await say(text)
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
