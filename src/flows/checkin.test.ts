import { describe, expect, test } from 'vitest'
import type { CheckinSession, DataNeed } from '../domain/snapshot.js'
import { firstSession, participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

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
  test('with the code the mentor announced; a wrong code is tried again', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(session),
    })
    await chat.expect(`
      > hadir
      < Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).
      > 4812
      < Kode belum cocok. Mohon periksa lagi kode dari mentor, lalu ketik sekali lagi.
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
      < Bagikan lokasi Bapak/Ibu sekarang (tombol lampiran 📎, lalu Lokasi).
      > [location:-7.9000,112.6631]
      < Lokasi Bapak/Ibu sekitar 1156 meter dari tempat pelatihan. Mohon bagikan lokasi saat sudah di tempat pelatihan.
        Bagikan lokasi Bapak/Ibu sekarang (tombol lampiran 📎, lalu Lokasi).
      > [location:-7.8898,112.6632]
    `)
    expect(chat.effects).toMatchObject([{ type: 'attendance_checked_in', method: 'lokasi' }])
  })

  test('three wrong codes: the mentor is to be told (by the applier)', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(session),
    })
    await chat.expect(`
      > hadir
      < Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).
      > 4812
      < Kode belum cocok. Mohon periksa lagi kode dari mentor, lalu ketik sekali lagi.
      > 1284
      < Kode masih belum cocok. Coba sekali lagi: ketik 4 angka yang diumumkan mentor.
      > 8421
    `)
    // What she is told comes from the applier, which knows whether the mentor has it yet.
    expect(chat.effects).toEqual([
      { type: 'checkin_code_failed', sessionId: 7, at: '2026-12-01T00:50:00.000Z' },
    ])
  })

  test('keduanya: the participant picks code or location, and either is accepted', async () => {
    const both = lookups({ ...session, mode: 'keduanya' })
    const byCode = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: both })
    await byCode.expect(`
      > hadir
      < Isi kehadiran dengan cara apa?
        1. Ketik kode dari mentor
        2. Bagikan lokasi saya
      > 1
      < Ketik kode kehadiran yang diumumkan mentor di kelas (4 angka).
      > 4821
    `)
    expect(byCode.effects).toMatchObject([{ type: 'attendance_checked_in', method: 'kode' }])
    const byPlace = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: both })
    await byPlace.expect(`
      > hadir
      < Isi kehadiran dengan cara apa?
        1. Ketik kode dari mentor
        2. Bagikan lokasi saya
      > lokasi
      < Bagikan lokasi Bapak/Ibu sekarang (tombol lampiran 📎, lalu Lokasi).
      > [location:-7.8898,112.6632]
    `)
    expect(byPlace.effects).toMatchObject([{ type: 'attendance_checked_in', method: 'lokasi' }])
    // Three wrong codes in this mode fail too (the applier's answer points to the location).
    const failing = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: both })
    await failing.expect(`
      > hadir
      < …
      > kode
      < …
      > 1111
      < …
      > 2222
      < …
      > 3333
    `)
    expect(failing.effects).toMatchObject([{ type: 'checkin_code_failed' }])
  })

  test('a mentor who types HADIR sees her menu, with ABSEN (recording for participants) in it', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: { person: { ...participant.person!, name: 'Sri', roles: ['mentor'] } },
      lookups: lookups(null),
    })
    await chat.expect(`
      > hadir
      < …
        Halo, Sri! Menu utama:
        1. Jadwal pelatihan
        2. Catat kehadiran peserta
        3. Kode kehadiran hari ini
        4. Tandai kompeten
        5. Kenalan (coba bot)
    `)
  })

  test('outside the window, or a second time, it says so kindly', async () => {
    const none = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups(null) })
    await none.expect(`
      > hadir
      < Saat ini tidak ada sesi pelatihan yang bisa diisi kehadirannya. Kehadiran bisa diisi mulai 30 menit sebelum sesi sampai 60 menit sesudah mulai. Ketik /jadwal untuk melihat jadwal.
    `)
    // The window named is the participant's programme's.
    const ownWindow = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: (need) =>
        need.kind === 'checkin_session'
          ? {
              checkinSession: {
                key: need.key,
                session: null,
                window: { opensMinutes: 15, closesMinutes: 90 },
              },
            }
          : {},
    })
    await ownWindow.expect(`
      > hadir
      < Saat ini tidak ada sesi pelatihan yang bisa diisi kehadirannya. Kehadiran bisa diisi mulai 15 menit sebelum sesi sampai 90 menit sesudah mulai. Ketik /jadwal untuk melihat jadwal.
    `)
    const again = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ ...session, recorded: true }),
    })
    await again.expect(`
      > hadir
      < Kehadiran Bapak/Ibu untuk sesi ini sudah tercatat. Terima kasih!
    `)
  })
})
