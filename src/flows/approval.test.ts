import { describe, expect, test } from 'vitest'
import type { Snapshot } from '../domain/snapshot.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

const supervisor: Partial<Snapshot> = {
  person: {
    id: 2,
    name: 'Pak Joko',
    roles: ['supervisor', 'kader'],
    regionCode: '35.07.24',
    status: 'active',
  },
  helpContact: 'DPPKB Kabupaten Malang (0341-000000)',
  lookups: {
    pendingRegistrations: {
      key: 'scope',
      registrations: [
        {
          personId: 12,
          name: 'Siti Rahayu',
          desaName: 'Tunjungtirto',
          kecamatanName: 'Singosari',
          cadreTier: 'sub_ppkbd',
        },
        {
          personId: 15,
          name: 'Dewi Lestari',
          desaName: 'Wonorejo',
          kecamatanName: 'Singosari',
          cadreTier: 'ppkbd',
        },
      ],
    },
  },
}

describe('persetujuan (a supervisor decides on registrations)', () => {
  test('the menu of a person with two roles has both roles’ items; a request is approved', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
    await chat.expect(`
      > menu
      < Halo, Joko! Menu utama:
        2 pendaftaran menunggu persetujuan. Pilih “Persetujuan pendaftaran kader” untuk meninjau.
        1. Persetujuan pendaftaran kader
        2. Siaran
        3. Kenalan (coba bot)
      > 1
      < Pendaftaran mana yang ingin ditinjau?
        1. Siti Rahayu, Sub-PPKBD (Sub-IMP, tingkat dusun/RW), Desa Tunjungtirto, Kec. Singosari
        2. Dewi Lestari, PPKBD (IMP, tingkat desa), Desa Wonorejo, Kec. Singosari
      > dewi
      < Setujui pendaftaran Dewi Lestari sebagai kader?
        1. Setujui
        2. Tolak
      > setujui
    `)
    // What the supervisor is told comes from the applier, which knows if the applicant has it.
    expect(chat.effects).toEqual([
      { type: 'registration_decided', personId: 15, approved: true, reason: null },
    ])
  })

  test('the "Tinjau" button of an unprompted request opens that request directly', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
    await chat.expect(`
      > [choice:start:approval:12]
      < Setujui pendaftaran Siti Rahayu sebagai kader?
        1. Setujui
        2. Tolak
      > 2
      < Alasan menolak? Pendaftar akan diberi tahu alasannya.
        …
      > 3
    `)
    expect(chat.effects).toEqual([
      {
        type: 'registration_decided',
        personId: 12,
        approved: false,
        reason: { code: 'data_salah', text: null },
      },
    ])
  })

  test('a request already decided elsewhere is no longer offered', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
    await chat.expect(`
      > [choice:start:approval:99]
      < Pendaftaran mana yang ingin ditinjau?
        …
    `)
  })

  test('with nothing pending it says so', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: {
        ...supervisor,
        lookups: { pendingRegistrations: { key: 'scope', registrations: [] } },
      },
    })
    await chat.expect(`
      > persetujuan
      < Tidak ada pendaftaran kader yang menunggu persetujuan di wilayah Bapak/Ibu.
    `)
  })

  test('a cadre cannot open it', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: { ...supervisor, person: { ...supervisor.person!, roles: ['kader'] } },
    })
    await chat.expect(`
      > /persetujuan
      < Maaf, menu itu tidak tersedia untuk Bapak/Ibu.
        Halo, Joko! Menu utama:
        1. Kenalan (coba bot)
    `)
  })
})

describe('menus, help and opting out', () => {
  test('BANTUAN names the human contact; BERHENTI and MULAI are confirmed and recorded', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
    await chat.expect(`
      > bantuan
      < Bantuan: balas dengan angka pilihan, misalnya 1. Ketik MENU untuk menu utama, KEMBALI untuk pertanyaan sebelumnya, BATAL untuk berhenti. Butuh bantuan orang? Hubungi DPPKB Kabupaten Malang (0341-000000).
        Halo, Joko! Menu utama:
        …
      > BERHENTI
      < Baik, Bapak/Ibu tidak akan menerima pengingat dan pengumuman lagi. Ketik MULAI untuk menerimanya kembali.
      > kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > mulai
      < Baik, pengingat dan pengumuman akan dikirim lagi. Ketik BERHENTI untuk menghentikannya.
        Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
    `)
    expect(chat.effects).toEqual([
      { type: 'opted_out', at: '2025-11-24T01:00:00.000Z' },
      { type: 'opted_in', at: '2025-11-24T01:00:00.000Z' },
    ])
  })

  test('a participant sees only what is open to everyone; a pending cadre is told to wait', async () => {
    const pending = transcript(flowRegistry, {
      at: AT,
      snapshot: {
        person: {
          id: 9,
          name: 'Siti',
          roles: ['kader'],
          regionCode: '35.07.24.2006',
          status: 'pending',
        },
      },
    })
    await pending.expect(`
      > menu
      < Halo, Siti! Menu utama:
        Pendaftaran Bapak/Ibu masih menunggu persetujuan pengawas.
        1. Kenalan (coba bot)
    `)
  })
})
