import { describe, expect, test } from 'vitest'
import type { DataNeed } from '../domain/snapshot.js'
import { participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { emptySnapshot } from '../domain/snapshot.js'
import { OUTCOME_QUESTIONS } from './outcome-questions.js'

const AT = '2027-01-05 10:00 WIB'
const emptyCtx = {
  now: new Date(AT.replace(' WIB', ':00+07:00').replace(' ', 'T')),
  timeZone: 'Asia/Jakarta',
  label: () => '',
  snapshot: emptySnapshot({ kecamatan: [], desaByKecamatan: {} }),
}
const lookups = (survey: { id: number; wave: number } | null) => (need: DataNeed) =>
  need.kind === 'open_follow_up' ? { openFollowUp: { key: need.key, survey } } : {}

describe('survei (a graduate’s follow-up)', () => {
  test('consent first, then the baseline’s questions in its words, then its own', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ id: 3, wave: 1 }),
    })
    await chat.expect(`
      > survei
      < Survei singkat 1 bulan setelah pelatihan: pertanyaan survei awal tentang pekerjaan dan usaha Bapak/Ibu saat ini, ditambah tiga tentang usaha. Jawaban dipakai DPPKB untuk menilai pelatihan; penghasilan hanya ditanya kisarannya. Boleh tidak dijawab. Bersedia mengisi?
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
      > jahit
      < Dijual lewat mana saja?
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. WhatsApp (status/grup)
        2. Facebook
        3. Shopee/Tokopedia
        4. GoFood/GrabFood/ShopeeFood
        5. Langsung (tetangga, pasar)
      > 1, 5
      < Kisaran penghasilan sendiri (dari kerja atau usaha) bulan lalu?
        1. Belum ada
        2. Kurang dari Rp500 ribu
        3. Rp500 ribu - 1 juta
        4. Rp1 - 2 juta
        5. Lebih dari Rp2 juta
      > 2
      < Berapa pesanan bulan lalu? (tulis angka, 0 jika belum ada)
      > 6
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
        workingForPay: false,
        businessStarted: true,
        businessKind: 'jahit',
        channels: ['wa', 'langsung'],
        incomeBracket: 'lt500k',
        ordersLastMonth: 6,
        joinedUppka: false,
        hasNib: false,
        at: '2027-01-05T03:00:00.000Z',
      },
    ])
  })

  test('a mother’s own words: Javanese yes and no, labels typed, a job and no business', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups({ id: 5, wave: 3 }),
    })
    await chat.expect(`
      > survei
      < …
      > nggih bu
      < Saat ini bekerja dengan upah atau gaji (ikut orang lain)?…
      > nggih, buruh pabrik
      < Saat ini punya usaha sendiri?…
      > mboten
      < Kisaran penghasilan sendiri (dari kerja atau usaha) bulan lalu?…
      > 1 - 2 juta
      < Apakah Bapak/Ibu sudah bergabung dengan kelompok UPPKA?…
      > belum
    `)
    expect(chat.effects).toEqual([
      {
        type: 'follow_up_answered',
        surveyId: 5,
        consent: true,
        workingForPay: true,
        businessStarted: false,
        businessKind: null,
        channels: null,
        incomeBracket: '1m_2m',
        ordersLastMonth: null,
        joinedUppka: false,
        hasNib: null,
        at: '2027-01-05T03:00:00.000Z',
      },
    ])
  })

  test('the baseline and the follow-up ask the shared questions with the same words and codes', () => {
    const shared = (id: string) =>
      flowRegistry
        .get(id)!
        .steps.filter((step) => step.id in OUTCOME_QUESTIONS)
        .map((step) => ({
          id: step.id,
          kind: step.kind,
          options: step.options?.({}, emptyCtx, id).map((o) => [o.id, o.label]),
        }))
    expect(shared('follow-up')).toEqual(shared('baseline'))
    expect(shared('baseline').map((step) => step.id)).toEqual(Object.keys(OUTCOME_QUESTIONS))
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
