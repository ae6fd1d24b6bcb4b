import { describe, expect, test } from 'vitest'
import type { DataNeed } from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'
import { cadreSiti } from '../../test/harness/chat-people.js'

const AT = '2025-12-01 08:00 WIB'
const cadre = cadreSiti
const lookups = (need: DataNeed) =>
  need.kind === 'open_referrals'
    ? {
        openReferrals: {
          key: need.key,
          referrals: [
            { id: 3, headName: 'Budiono', target: 'puskesmas', followUpDate: '2025-12-01' },
            { id: 5, headName: 'Sutrisno', target: 'bidan_desa', followUpDate: '2025-12-04' },
          ],
        },
      }
    : {}

describe('rujukan (referral outcome)', () => {
  test('the reminder’s button opens that referral; the outcome is recorded', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > [choice:start:referral-outcome:3]
      < Bagaimana hasil rujukannya?
        1. Belum dilayani
        2. Sudah dilayani
        3. Ditolak/tidak mau
        4. Pindah
        5. Tidak ditemukan
      > sudah
      < Terima kasih, hasil rujukan sudah dicatat.
    `)
    expect(chat.effects).toEqual([
      { type: 'referral_followed_up', referralId: 3, status: 'sudah_dilayani' },
    ])
  })

  test('typed, it lists the open referrals; "belum" asks again later', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadre, lookups })
    await chat.expect(`
      > rujukan
      < Rujukan mana yang ingin dilaporkan?
        1. Budiono, ke Puskesmas, tindak lanjut 1 Des 2025
        2. Sutrisno, ke Bidan desa, tindak lanjut 4 Des 2025
      > 2
      < …
      > belum
      < Baik, kami tanyakan lagi minggu depan.
    `)
    expect(chat.effects).toMatchObject([{ referralId: 5, status: 'belum' }])
  })
})
