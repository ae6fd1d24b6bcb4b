/** Transcripts of AWAL, the baseline survey: her own, or filled in by the mentor for a participant without a phone. */
import { describe, expect, test } from 'vitest'
import type { BaselineDue, DataNeed } from '../domain/snapshot.js'
import { mentor, participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-12-01 07:40 WIB'

const baselineLookups =
  (self: BaselineDue | null, participants: BaselineDue[] = []) =>
  (need: DataNeed) =>
    need.kind === 'baseline_pending'
      ? { baselinePending: { key: need.key, self, participants } }
      : {}

describe('awal (the baseline survey)', () => {
  test('her own: consent first, then the follow-up survey’s questions and codes', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-11-20 19:00 WIB',
      snapshot: participant,
      lookups: baselineLookups({ enrollmentId: 4, personId: 5, name: 'Nur Aini' }),
    })
    await chat.expect(`
      > awal
      < Sebelum pelatihan dimulai, ada survei awal singkat: 4 pertanyaan tentang pekerjaan dan usaha saat ini. Jawabannya dibandingkan dengan survei setelah pelatihan, supaya DPPKB tahu manfaat pelatihan; penghasilan hanya ditanya kisarannya. Boleh tidak dijawab. Bersedia mengisi?
        1. Ya
        2. Tidak
      > ya
      < Saat ini bekerja dengan upah atau gaji (ikut orang lain)?
        1. Ya
        2. Tidak
      > tidak
      < Saat ini punya usaha sendiri?
        1. Ya
        2. Tidak
      > iya
      < Usaha apa?
        1. Jahit
        2. Makanan
        3. Lainnya
      > makanan
      < Dijual lewat mana saja?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. WhatsApp (status/grup)
        2. Facebook
        3. Shopee/Tokopedia
        4. GoFood/GrabFood/ShopeeFood
        5. Langsung (tetangga, pasar)
      > 1 dan 5
      < Kisaran penghasilan sendiri (dari kerja atau usaha) bulan lalu?
        1. Belum ada
        2. Kurang dari Rp500 ribu
        3. Rp500 ribu - 1 juta
        4. Rp1 - 2 juta
        5. Lebih dari Rp2 juta
      > 2
    `)
    expect(chat.effects).toEqual([
      {
        type: 'baseline_answered',
        enrollmentId: 4,
        consent: true,
        workingForPay: false,
        businessStarted: true,
        businessKind: 'makanan',
        channels: ['wa', 'langsung'],
        incomeBracket: 'lt500k',
        at: '2026-11-20T12:00:00.000Z',
      },
    ])
  })

  test('her own words: Javanese and everyday yes and no, labels typed instead of numbers', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-11-20 19:00 WIB',
      snapshot: participant,
      lookups: baselineLookups({ enrollmentId: 4, personId: 5, name: 'Nur Aini' }),
    })
    await chat.expect(`
      > awal
      < …
      > nggih
      < Saat ini bekerja dengan upah atau gaji (ikut orang lain)?…
      > ndak
      < Saat ini punya usaha sendiri?…
      > iya, jualan kue
      < Usaha apa?…
      > makanan
      < Dijual lewat mana saja?…
      > facebook dan langsung
      < Kisaran penghasilan sendiri (dari kerja atau usaha) bulan lalu?…
      > kurang dari 500 ribu
    `)
    expect(chat.effects).toEqual([
      {
        type: 'baseline_answered',
        enrollmentId: 4,
        consent: true,
        workingForPay: false,
        businessStarted: true,
        businessKind: 'makanan',
        channels: ['facebook', 'langsung'],
        incomeBracket: 'lt500k',
        at: '2026-11-20T12:00:00.000Z',
      },
    ])
  })

  test('declined: only the refusal is kept', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-11-20 19:00 WIB',
      snapshot: participant,
      lookups: baselineLookups({ enrollmentId: 4, personId: 5, name: 'Nur Aini' }),
    })
    await chat.expect(`
      > awal
      < …
      > tidak
    `)
    expect(chat.effects).toMatchObject([
      { type: 'baseline_answered', enrollmentId: 4, consent: false, businessStarted: null },
    ])
  })

  test('the mentor fills it in for a participant without a phone, asking her in person', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-12-01 09:00 WIB',
      snapshot: mentor,
      lookups: baselineLookups(null, [
        { enrollmentId: 6, personId: 21, name: 'SITI AMINAH' },
        { enrollmentId: 7, personId: 22, name: 'wati' },
      ]),
    })
    await chat.expect(`
      > awal
      < Survei awal untuk peserta yang mana? (untuk peserta tanpa HP; tanyakan langsung kepadanya)
        1. Siti Aminah
        2. Wati
      > 2
      < Survei awal untuk Wati: 4 pertanyaan tentang pekerjaan dan usahanya saat ini, dibandingkan dengan survei setelah pelatihan; penghasilan hanya kisarannya. Mohon tanyakan dulu kepadanya: apakah ia bersedia datanya dicatat?
        1. Ya
        2. Tidak
      > ya
      < Saat ini bekerja dengan upah atau gaji (ikut orang lain)?
        1. Ya
        2. Tidak
      > ya
      < Saat ini punya usaha sendiri?
        1. Ya
        2. Tidak
      > tidak
      < Kisaran penghasilan sendiri (dari kerja atau usaha) bulan lalu?
        1. Belum ada
        2. Kurang dari Rp500 ribu
        3. Rp500 ribu - 1 juta
        4. Rp1 - 2 juta
        5. Lebih dari Rp2 juta
      > 3
    `)
    expect(chat.effects).toEqual([
      {
        type: 'baseline_answered',
        enrollmentId: 7,
        consent: true,
        workingForPay: true,
        businessStarted: false,
        businessKind: null,
        channels: null,
        incomeBracket: '500k_1m',
        at: '2026-12-01T02:00:00.000Z',
      },
    ])
  })

  test('nothing left to fill', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: mentor,
      lookups: baselineLookups(null, []),
    })
    await chat.expect(`
      > awal
      < Survei awal sudah terisi semua. Terima kasih!
    `)
  })
})
