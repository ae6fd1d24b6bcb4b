import { describe, expect, test } from 'vitest'
import type { CheckinSession, DataNeed } from '../domain/snapshot.js'
import { firstSession, participant } from '../../test/harness/training-fixtures.js'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2026-12-01 07:50 WIB'
const session: CheckinSession = {
  ...firstSession,
  id: 7,
  mode: 'kode',
  code: '4821',
  lat: -7.8896,
  lng: 112.6631,
  radiusMeters: 200,
  recorded: false,
}
const lookups = (open: CheckinSession | null) => (need: DataNeed) =>
  need.kind === 'checkin_session' ? { checkinSession: { key: need.key, session: open } } : {}

describe('hadir (check-in)', () => {
  test('with the code the mentor announced; a wrong code is re-asked', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(session),
    })
    await chat.expect(`
      > hadir
      < Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).
      > 4812
      < Kode belum cocok. Mohon periksa lagi kode dari mentor.
        Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).
      > 48 21
    `)
    expect(chat.effects).toEqual([
      {
        type: 'attendance_checked_in',
        sessionId: 7,
        method: 'kode',
        at: '2026-12-01T00:50:00.000Z',
      },
    ])
  })

  // 0.0104° of latitude × 111,195 m per degree ≈ 1,156 m from the venue; the second point is 25 m off.
  test('by location within the venue’s radius', async () => {
    const byPlace = lookups({ ...session, mode: 'lokasi' })
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: byPlace })
    await chat.expect(`
      > hadir
      < Bagikan lokasi Anda sekarang (tombol lampiran 📎, lalu Lokasi).
      > [location:-7.9000,112.6631]
      < Lokasi Anda sekitar 1156 meter dari tempat pelatihan. Mohon bagikan lokasi saat sudah di tempat pelatihan.
        Bagikan lokasi Anda sekarang (tombol lampiran 📎, lalu Lokasi).
      > [location:-7.8898,112.6632]
    `)
    expect(chat.effects).toMatchObject([{ type: 'attendance_checked_in', method: 'lokasi' }])
  })

  test('outside the window, or a second time, it says so kindly', async () => {
    const none = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups(null) })
    await none.expect(`
      > hadir
      < Saat ini tidak ada sesi pelatihan yang bisa diisi kehadirannya. Kehadiran bisa diisi mulai 30 menit sebelum sesi sampai 1 jam sesudah mulai. Ketik /jadwal untuk melihat jadwal.
    `)
    const again = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ ...session, recorded: true }),
    })
    await again.expect(`
      > hadir
      < Kehadiran Anda untuk sesi ini sudah tercatat. Terima kasih!
    `)
  })
})
