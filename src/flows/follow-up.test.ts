import { describe, expect, test } from 'vitest'
import type { DataNeed } from '../domain/snapshot.js'
import { participant } from '../../test/harness/training-fixtures.js'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2027-01-05 10:00 WIB'
const lookups = (survey: { id: number; wave: number } | null) => (need: DataNeed) =>
  need.kind === 'open_follow_up' ? { openFollowUp: { key: need.key, survey } } : {}

describe('survei (a graduate’s follow-up)', () => {
  test('consent first, then the business questions', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ id: 3, wave: 1 }),
    })
    await chat.expect(`
      > survei
      < Survei singkat 1 bulan setelah pelatihan: beberapa pertanyaan tentang usaha Bapak/Ibu. Jawaban dipakai DPPKB untuk menilai pelatihan; penghasilan hanya ditanya kisarannya. Boleh tidak dijawab. Bersedia mengisi?
        1. Ya
        2. Tidak
      > ya
      < Apakah Bapak/Ibu sudah menjalankan usaha dari keterampilan pelatihan?
        1. Ya
        2. Tidak
      > iya
      < Usaha apa?
        1. Jahit
        2. Makanan
        3. Lainnya
      > jahit
      < Dijual lewat mana saja?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. WhatsApp (status/grup)
        2. Facebook
        3. Shopee/Tokopedia
        4. GoFood/GrabFood/ShopeeFood
        5. Langsung (tetangga, pasar)
      > 1, 5
      < Berapa pesanan bulan lalu? (tulis angka, 0 jika belum ada)
      > 6
      < Kisaran penghasilan dari keterampilan ini bulan lalu?
        1. Belum ada
        2. Kurang dari Rp500 ribu
        3. Rp500 ribu - 1 juta
        4. Rp1 - 2 juta
        5. Lebih dari Rp2 juta
      > 2
      < Apakah Bapak/Ibu sudah bergabung dengan kelompok UPPKA?
        1. Ya
        2. Tidak
      > tidak
      < Apakah usaha Bapak/Ibu sudah punya NIB (Nomor Induk Berusaha)?
        1. Ya
        2. Tidak
      > ora
    `)
    expect(chat.effects).toEqual([
      {
        type: 'follow_up_answered',
        surveyId: 3,
        consent: true,
        businessStarted: true,
        businessKind: 'jahit',
        channels: ['wa', 'langsung'],
        ordersLastMonth: 6,
        incomeBracket: 'lt500k',
        joinedUppka: false,
        hasNib: false,
        at: '2027-01-05T03:00:00.000Z',
      },
    ])
  })

  test('no consent: nothing else is asked', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ id: 4, wave: 3 }),
    })
    await chat.expect(`
      > survei
      < …
      > tidak
    `)
    expect(chat.effects).toMatchObject([
      { type: 'follow_up_answered', surveyId: 4, consent: false, businessStarted: null },
    ])
  })

  test('no open wave', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups(null) })
    await chat.expect(`
      > survei
      < Saat ini tidak ada survei untuk Bapak/Ibu. Terima kasih!
    `)
  })
})
