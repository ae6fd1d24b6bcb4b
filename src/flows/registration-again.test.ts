import { describe, expect, test } from 'vitest'
import type { Snapshot } from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

/** A self-registrant the supervisor rejected, typed in lower case, with the reason kept. */
const rejected = (rejectionReason: string | null): Partial<Snapshot> => ({
  person: {
    id: 12,
    name: 'siti rahayu',
    roles: ['kader'],
    regionCode: '35.07.24.2006',
    status: 'rejected',
    salutation: 'ibu',
    rejectionReason,
  },
})

describe('a rejected registrant is told why and may register again (no dead end)', () => {
  test('the menu says the reason; DAFTAR asks again and sends a new request', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: rejected('Desa yang dipilih tidak sesuai'),
    })
    await chat.expect(`
      > halo
      < …
        Halo, Ibu Siti Rahayu! Menu utama:
        Pendaftaran Ibu sebagai kader belum disetujui. Alasan: Desa yang dipilih tidak sesuai. Ketik DAFTAR untuk mendaftar lagi.
        1. Daftar sebagai kader
        …
      > daftar
      < Nomor ini belum terdaftar sebagai kader. Mari mendaftar.
        Siapa nama lengkap Ibu?
      > Siti Rahayu
      < Kami sapa dengan Ibu atau Bapak?
        …
      > 1
      < …
      > singosari
      < …
      > wonorejo
      < …
      > 1
      < Mohon periksa kembali:
        …
      > kirim
    `)
    expect(chat.effects).toEqual([
      {
        type: 'registration_requested',
        name: 'Siti Rahayu',
        salutation: 'ibu',
        desaCode: '35.07.24.2001',
        cadreTier: 'ppkbd',
      },
    ])
  })

  test('without a recorded reason the menu still opens DAFTAR', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: rejected(null) })
    await chat.expect(`
      > menu
      < Halo, Ibu Siti Rahayu! Menu utama:
        Pendaftaran Ibu sebagai kader belum disetujui. Ketik DAFTAR untuk mendaftar lagi.
        1. Daftar sebagai kader
        …
    `)
  })
})
