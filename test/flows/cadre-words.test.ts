/**
 * The cadres' own words at the questions where they were refused before: yes/no words at choices
 * that mean yes or no, Javanese and Madurese, abbreviations, day words, spoken numbers, small
 * talk, and "batal" typed by mistake (`locales/id/lexicon.json`).
 */
import { describe, expect, test } from 'vitest'
import type { DataNeed, Lookups, Snapshot } from '../../src/domain/snapshot.js'
import { flowRegistry } from '../../src/conversation/registry.js'
import { cadreSiti } from '../harness/chat-people.js'
import { firstSession, participant, upcomingLookups } from '../harness/training-fixtures.js'
import { transcript } from '../harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

const supervisor: Partial<Snapshot> = {
  person: {
    id: 2,
    name: 'Pak Joko',
    roles: ['supervisor'],
    regionCode: '35.07.24',
    status: 'active',
  },
  lookups: {
    pendingRegistrations: {
      key: 'scope',
      registrations: [
        {
          personId: 12,
          name: 'Siti Rahayu',
          desaName: 'Tunjungtirto',
          kecamatanName: 'Singosari',
          cadreTier: 'ppkbd',
        },
      ],
    },
  },
}

const KENALAN_TO_SUMMARY = `
  > /kenalan
  < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
  > Siti
  < Bapak/Ibu sebagai apa?
    …
  > 1
  < Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
  > dua
  < …
  > lewati
  < Topik apa yang Bapak/Ibu minati?
    …
  > 1
  < Silakan kirim satu foto kegiatan Posyandu atau kegiatan Bapak/Ibu.
    Ketik LEWATI jika tidak ada.
  > tidak
  < Silakan bagikan lokasi Bapak/Ibu sekarang (tombol lampiran 📎, lalu Lokasi).
    Ketik LEWATI jika tidak ada.
  > gak ada
  < Mau dikirimi pengingat percobaan?
    1. Ya
    2. Tidak
  > mboten
  < …
    Sudah benar?
    1. Kirim
    2. Ubah
    3. Batal
`

describe('choices that mean yes or no take yes/no words', () => {
  test.each(['ya', 'nggih', 'enggi', 'iya'])(
    '"Setujui pendaftaran …?" + %j approves',
    async (word) => {
      const chat = transcript(flowRegistry, { at: AT, snapshot: supervisor })
      await chat.expect(`
      > [choice:start:approval:12]
      < Setujui pendaftaran Siti Rahayu sebagai kader?
        1. Setujui
        2. Tolak
      > ${word}
    `)
      expect(chat.effects).toMatchObject([
        { type: 'registration_decided', personId: 12, approved: true },
      ])
    }
  )

  test.each(['sudah', 'sampun', 'nggih'])('"Sudah benar?" + %j sends', async (word) => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`${KENALAN_TO_SUMMARY}
      > ${word}
      < …
    `)
    expect(chat.effects.length).toBeGreaterThan(0)
    expect(chat.session.active).toBeNull()
  })

  test('"Sudah benar?" + "tidak" asks what to change', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`${KENALAN_TO_SUMMARY}
      > tidak
      < Bagian mana yang ingin diubah?
        …
    `)
  })

  test('"tarik laporan ini?" + "gak" keeps the report', async () => {
    const visit = {
      id: 12,
      reference: 'KJ-2511-000012',
      visitDate: '2025-11-24',
      headName: 'Budi Santoso',
      status: 'submitted' as const,
      createdAt: '2025-11-24T00:30:00.000Z',
      sasaran: ['pus'],
      kbStatus: 'ber_kb',
      kbMethod: 'pil',
      kbIntent: null,
      risk4t: [],
      envRisks: [],
      lila: null,
      hb: null,
      actions: ['kie'],
      note: null,
    }
    const lookups = (need: DataNeed) =>
      need.kind === 'recent_visits' ? { recentVisits: { key: need.key, visits: [visit] } } : {}
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadreSiti, lookups })
    await chat.expect(`
      > /riwayat
      < …
        1. KJ-2511-000012, 24 Nov 2025, Budi Santoso
      > 1
      < Laporan KJ-2511-000012, keluarga Budi Santoso…
        1. Tarik laporan
        2. Biarkan
      > gak
      < Baik, laporan tidak diubah.
    `)
    expect(chat.effects).toEqual([])
  })

  test('"Sudah dilayani" + "sampun" records the referral as served', async () => {
    const lookups = (need: DataNeed) =>
      need.kind === 'open_referrals'
        ? {
            openReferrals: {
              key: need.key,
              referrals: [
                { id: 3, headName: 'Budiono', target: 'puskesmas', followUpDate: '2025-12-01' },
              ],
            },
          }
        : {}
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadreSiti, lookups })
    await chat.expect(`
      > [choice:start:referral-outcome:3]
      < Bagaimana hasil rujukannya?
        1. Belum dilayani
        2. Sudah dilayani
        …
      > sampun
      < Terima kasih, hasil rujukan sudah dicatat.
    `)
    expect(chat.effects).toEqual([
      { type: 'referral_followed_up', referralId: 3, status: 'sudah_dilayani' },
    ])
  })
})

describe('lapor: the cadre’s abbreviations, Javanese and spoken numbers', () => {
  const lookups = (need: DataNeed): Partial<Lookups> =>
    need.kind === 'same_day_visit'
      ? { sameDayVisit: { key: need.key, reference: null } }
      : need.kind === 'recent_families'
        ? { recentFamilies: { key: need.key, families: [] } }
        : need.kind === 'last_visit'
          ? { lastVisit: { key: need.key, visit: null } }
          : need.kind === 'family_search'
            ? {
                familySearch: {
                  key: need.key,
                  results: [{ id: 42, headName: 'Budiono', dusunRwRt: null, lastVisitDate: null }],
                },
              }
            : {}

  test('"pus, bumil", "belum kb", "tunda", "mboten" at the risks, LiLA "dua tiga koma lima"', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: cadreSiti, lookups })
    await chat.expect(`
      > lapor
      < …
      > budiono
      < …
      > 1
      < …
      > pus, bumil
      < Status KB pasangan ini?
        …
      > belum kb
      < Keinginan punya anak?
        …
      > tunda
      < Ada risiko di keluarga ini?
        …
      > mboten
      < Lingkar lengan atas (LiLA) dalam cm? Misalnya 23,5.
        …
      > dua tiga koma lima
      < Kadar Hb (g/dL)? Misalnya 11,2.
        …
      > sebelas koma dua
      < …
    `)
    expect(chat.session.active?.answers).toMatchObject({
      sasaran: ['pus', 'bumil'],
      kbStatus: 'tidak_kb',
      kbIntent: 'tunda',
      risks: ['tidak_ada'],
      lila: 23.5,
      hb: 11.2,
    })
  })
})

describe('izin: a day word picks the session, a reason in the cadre’s words', () => {
  test('"besok" picks tomorrow’s session; "anak saya demam" is "Anak sakit"', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-11-30 19:00 WIB',
      snapshot: participant,
      lookups: upcomingLookups([firstSession]),
      outcome: { excused: 'queued' },
    })
    await chat.expect(`
      > izin
      < Izin untuk sesi yang mana?
        1. Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit
      > besok
      < Apa alasannya? Pilih, atau tulis alasannya dengan singkat.
        …
      > anak saya demam
      < Izin Bapak/Ibu sudah tercatat dan mentor sudah kami kabari. …
    `)
    expect(chat.effects).toEqual([{ type: 'absence_excused', sessionId: 1, reason: 'anak_sakit' }])
  })
})

describe('small talk gets a warm answer and the menu, never "belum mengerti"', () => {
  test.each([
    ['halo', 'Halo juga! Selamat datang di kaderbot.'],
    ['Selamat pagi bu', 'Halo juga! Selamat datang di kaderbot.'],
    ['sugeng enjing', 'Halo juga! Selamat datang di kaderbot.'],
    ['Assalamualaikum', 'Waalaikumsalam warahmatullahi wabarakatuh.'],
    ['terima kasih', 'Sama-sama, senang bisa membantu.'],
    ['matur nuwun', 'Sama-sama, senang bisa membantu.'],
    ['sakalangkong', 'Sama-sama, senang bisa membantu.'],
  ])('%j', async (text, answer) => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > ${text}
      < ${answer}
        Menu utama. Silakan pilih:
        …
    `)
  })

  test('"Mulai lagi" shows the menu', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > Mulai lagi
      < Menu utama. Silakan pilih:
        …
    `)
  })

  test('mid-flow, "terima kasih" does not break the flow', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > terima kasih
      < Sama-sama, senang bisa membantu.
        Kita lanjutkan isiannya, ya.
        Bapak/Ibu sebagai apa?
        …
      > 1
      < Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
    `)
  })
})

describe('"batal" typed by mistake, and "batalkan" as an option', () => {
  const broadcastLookups = (need: DataNeed): Partial<Lookups> =>
    need.kind === 'cancellable_broadcasts'
      ? {
          cancellableBroadcasts: {
            key: need.key,
            broadcasts: [
              { id: 7, at: '2025-11-25T00:00:00.000Z', text: 'Posyandu besok', sending: false },
            ],
          },
        }
      : need.kind === 'broadcast_audience'
        ? { broadcastAudience: { key: need.key, count: 3 } }
        : {}

  test('"batalkan" at "Kirim siaran baru / Batalkan siaran" picks the option', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: supervisor,
      lookups: broadcastLookups,
    })
    await chat.expect(`
      > /siaran
      < Apa yang ingin Bapak/Ibu lakukan?
        1. Kirim siaran baru
        2. Batalkan siaran
      > batalkan
      < Siaran mana yang ingin dibatalkan?
        …
    `)
  })

  test('"Ingin melampirkan foto?" + "tidak" skips it; "Kirim siaran ini?" + "ya" sends', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: supervisor,
      lookups: broadcastLookups,
    })
    await chat.expect(`
      > /siaran
      < …
      > baru
      < Siaran ini untuk siapa?
        …
      > kader
      < …
      > pagentan
      < …
      > semua
      < Tulis pesan siaran. Ketik {nama} …
      > Rapat kader hari Rabu pukul 09.00.
      < Ingin melampirkan foto? Kirim fotonya sekarang.
        …
      > tidak
      < Kapan siaran dikirim?
        …
      > sekarang
      < …
        Kirim siaran ini?
        1. Kirim
        2. Jangan kirim
      > ya
    `)
    expect(chat.effects).toMatchObject([
      { type: 'broadcast_requested', text: 'Rapat kader hari Rabu pukul 09.00.', photoRef: null },
    ])
  })

  test.each(['ya', 'nggih'])('"batal", then %j keeps the draft', async (word) => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < … sedang mengisi Kenalan (coba bot). …
        1. Simpan dulu
        2. Hapus
        3. Lanjutkan mengisi
      > ${word}
      < Sudah disimpan. Ketik /kenalan untuk melanjutkan nanti.
        …
    `)
    expect(chat.session.drafts.kenalan?.answers).toEqual({ name: 'Siti' })
  })

  test('"batal", then the next answer typed: the flow goes on and takes it', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < …
        1. Simpan dulu
        2. Hapus
        3. Lanjutkan mengisi
      > peserta pelatihan
      < Berapa jumlah anak Bapak/Ibu? Tulis 0 jika belum ada.
    `)
  })

  test('"batal", then the flow’s own command: the flow goes on', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < …
        1. Simpan dulu
        2. Hapus
        3. Lanjutkan mengisi
      > /kenalan
      < … Kita lanjutkan, ya.
        Bapak/Ibu sebagai apa?
        …
    `)
  })

  test('"batal", then "gak jadi": the flow goes on', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < …
      > gak jadi
      < Bapak/Ibu sebagai apa?
        …
    `)
  })

  test('a kept draft: "Lanjutkan?" + "iya" continues it', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < …
      > Siti
      < …
      > batal
      < …
      > simpan
      < …
      > /kenalan
      < … Lanjutkan?
        1. Lanjutkan
        2. Mulai baru
      > iya
      < Bapak/Ibu sebagai apa?
        …
    `)
  })
})
