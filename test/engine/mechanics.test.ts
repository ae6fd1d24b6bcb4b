/**
 * The engine's chat mechanics as transcripts, driven through the demo flow: global words mid-flow,
 * "ubah" with dependent answers, drafts, inactivity timers with a moved clock, a changed flow
 * version, and input no step expects.
 */
import { describe, expect, test } from 'vitest'
import {
  createFlowRegistry,
  emptyChatState,
  parseChatState,
  type ChatState,
} from '../../src/engine/index.js'
import { kenalan } from '../../src/flows/kenalan.js'
import { flowRegistry } from '../../src/conversation/registry.js'
import { transcript } from '../harness/transcript.js'

const AT = '2025-11-24 08:00 WIB'

/** Answers the demo up to the yes/no question. */
const UP_TO_REMINDER = `
  > /kenalan
  < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
  > Siti
  < …
  > 1
  < …
  > 2
  < …
  > lewati
  < …
  > 1
  < …
  > lewati
  < …
  > lewati
  < Mau dikirimi pengingat percobaan?
    1. Ya
    2. Tidak
`

describe('idle conversation', () => {
  test('unknown text and stickers get a kind answer and the menu; a number then picks from it', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > apa ini
      < Maaf, saya belum mengerti pesan Bapak/Ibu.
        Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
      > [voice]
      < Maaf, saya belum bisa mendengarkan pesan suara. Mohon ketik jawabannya.
        Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
      > 2
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
    `)
  })

  test('commands work with a slash, a bot name and any case', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan@kaderbot
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > MENU
      < Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
      > BATAL
      < Saat ini tidak ada yang sedang diisi.
        Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
    `)
  })

  test('a huge message is answered kindly and not parsed', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > /kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > ${'a'.repeat(5000)}
      < Maaf, pesan Bapak/Ibu terlalu panjang. Mohon kirim yang lebih singkat.
        Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
    `)
    expect(chat.session.active?.answers).toEqual({})
  })
})

describe('global words mid-flow', () => {
  test('BANTUAN helps and asks the same question again; KEMBALI goes one question back', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > bantuan
      < Bantuan: balas dengan angka pilihan, misalnya 1. Ketik MENU untuk menu utama, KEMBALI untuk pertanyaan sebelumnya, BATAL untuk berhenti. Butuh bantuan orang? Hubungi petugas KB (PKB/PLKB) di desa Bapak/Ibu.
        Bapak/Ibu sebagai apa?
        …
      > kembali
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Sri
      < Bapak/Ibu sebagai apa?
        …
    `)
    expect(chat.session.active?.answers).toEqual({ name: 'Sri' })
  })

  test('MENU mid-flow asks about the draft; the kept draft is offered when the flow starts again', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > menu
      < Bapak/Ibu sedang mengisi Kenalan (coba bot). Yang sudah diisi mau diapakan?
        1. Simpan dulu
        2. Hapus
        3. Lanjutkan mengisi
      > 1
      < Sudah disimpan. Ketik /kenalan untuk melanjutkan nanti.
        Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
      ~ +30m
      > 2
      < Bapak/Ibu belum selesai mengisi Kenalan (coba bot) (dimulai Senin, 24 November 2025 pukul 08.00 WIB). Lanjutkan?
        1. Lanjutkan
        2. Mulai baru
      > lanjutkan
      < Bapak/Ibu sebagai apa?
        …
    `)
    expect(chat.session.active?.answers).toEqual({ name: 'Siti' })
  })

  test('BATAL with answers can discard them; "lanjutkan mengisi" goes back to the question', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < Bapak/Ibu sedang mengisi Kenalan (coba bot). Yang sudah diisi mau diapakan?
        …
      > 3
      < Bapak/Ibu sebagai apa?
        …
      > batal
      < …
      > hapus isian
      < Baik, dibatalkan. Ketik MENU untuk melihat pilihan.
    `)
    expect(chat.session).toEqual({ v: 1, active: null, drafts: {}, menu: null })
  })
})

describe('summary and "ubah"', () => {
  test('changing an answer re-asks only what depends on it, then shows the summary again', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      ${UP_TO_REMINDER}
      > ya
      < Kapan pengingatnya dikirim? (misalnya: besok 07.00)
      > kemarin 07.00
      < Waktu itu sudah lewat. Mohon pilih waktu yang akan datang.
        Kapan pengingatnya dikirim? (misalnya: besok 07.00)
      > besok jam 7 pagi
      < Mohon periksa kembali:
        • Nama: Siti
        • Peran: Kader KB (PPKBD/Sub-PPKBD)
        • Jumlah anak: 2
        • Terakhir ke Posyandu: (dilewati)
        • Topik: Keluarga Berencana (KB)
        • Foto: (dilewati)
        • Lokasi: (dilewati)
        • Mau pengingat: Ya
        • Waktu pengingat: Selasa, 25 November 2025 pukul 07.00 WIB
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > ubah
      < Bagian mana yang ingin diubah?
        1. Nama
        2. Peran
        3. Jumlah anak
        4. Terakhir ke Posyandu
        5. Topik
        6. Foto
        7. Lokasi
        8. Mau pengingat
        9. Waktu pengingat
        10. Kembali ke ringkasan
      > 8
      < Mau dikirimi pengingat percobaan?
        1. Ya
        2. Tidak
      > tidak
      < Mohon periksa kembali:
        • Nama: Siti
        • Peran: Kader KB (PPKBD/Sub-PPKBD)
        • Jumlah anak: 2
        • Terakhir ke Posyandu: (dilewati)
        • Topik: Keluarga Berencana (KB)
        • Foto: (dilewati)
        • Lokasi: (dilewati)
        • Mau pengingat: Tidak
        Sudah benar?
        1. Kirim
        2. Ubah
        3. Batal
      > 2
      < …
      > mau pengingat
      < …
      > [choice:yes]
      < Kapan pengingatnya dikirim? (misalnya: besok 07.00)
      > 25/11 08.30
      < Mohon periksa kembali:
        …
      > [choice:send]
      < Terima kasih, Siti! Data percobaan sudah tersimpan. Ketik MENU untuk kembali ke menu utama.
    `)
    expect(chat.effects).toHaveLength(1)
    expect(chat.effects[0]).toMatchObject({ type: 'demo_completed' })
    expect((chat.effects[0] as { answers: object }).answers).toMatchObject({
      wantsReminder: true,
      reminderAt: '2025-11-25T01:30:00.000Z',
    })
  })
})

describe('inactivity (docs/design.md P4)', () => {
  test('a reminder repeats the question; expiry keeps the draft, which can be continued', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      > kenalan
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
      > Siti
      < Bapak/Ibu sebagai apa?
        …
      ~ +2h
      ! remind
      < Halo, Bapak/Ibu, yang tadi belum selesai. Kita lanjutkan?
        Bapak/Ibu sebagai apa?
        1. Kader KB (PPKBD/Sub-PPKBD)
        2. Peserta pelatihan ibu muda
        3. Petugas DPPKB
        4. Lainnya
      ~ +22h
      ! expire
      < Yang tadi sudah lama tidak dilanjutkan, jadi kami simpan dulu. Ketik /kenalan untuk melanjutkan.
      > 2
      < Maaf, saya belum mengerti pesan Bapak/Ibu.
        Menu utama. Silakan pilih:
        1. Daftar sebagai kader
        2. Kenalan (coba bot)
      > kenalan
      < Bapak/Ibu belum selesai mengisi Kenalan (coba bot) (dimulai Senin, 24 November 2025 pukul 08.00 WIB). Lanjutkan?
        1. Lanjutkan
        2. Mulai baru
      > mulai baru
      < Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
    `)
    expect(chat.session.drafts).toEqual({})
  })

  test('a timer that arrives when nothing is active says nothing', async () => {
    const chat = transcript(flowRegistry, { at: AT })
    await chat.expect(`
      ! remind
      ! expire
    `)
    expect(chat.session).toEqual(emptyChatState())
  })
})

describe('flow versions', () => {
  test('a state written by an older version restarts the flow without its stale answers', async () => {
    const v1 = transcript(flowRegistry, { at: AT })
    await v1.expect(`
      > kenalan
      < …
      > Siti
      < Bapak/Ibu sebagai apa?
        …
    `)
    const registryV2 = createFlowRegistry([{ ...kenalan, version: 2 }])
    const v2 = transcript(registryV2, { at: AT, session: v1.session as ChatState })
    await v2.expect(`
      > 1
      < Maaf, formulir ini baru saja diperbarui. Kita mulai lagi dari awal, ya.
        Halo! Mari berkenalan. Siapa nama panggilan Bapak/Ibu?
    `)
    expect(v2.session.active).toMatchObject({ flowVersion: 2, answers: {} })
  })
})

describe('what an open flow keeps of its loaded data', () => {
  const active = {
    flowId: 'visit-report',
    flowVersion: 2,
    mode: 'ask',
    stepId: 'sasaran',
    answers: { familyQuery: 'sutri', family: '7' },
    history: ['familyQuery', 'family'],
    retries: 0,
    interrupt: null,
    startedAt: '2025-11-24T01:00:00.000Z',
    lastInputAt: '2025-11-24T01:01:00.000Z',
  }
  const family = { id: 7, headName: 'Sutrisno', dusunRwRt: null, lastVisitDate: null }

  test('is read back with the state', () => {
    const kept = { familySearch: { key: '3507010001|sutri', results: [family] } }
    const state = parseChatState({ v: 1, active: { ...active, kept }, drafts: {}, menu: null })
    expect(state.active?.kept).toEqual(kept)
  })

  test('a stored shape that no longer parses is dropped, not the conversation', () => {
    const kept = { familySearch: { key: '3507010001|sutri', results: [{ id: 'seven' }] } }
    const state = parseChatState({ v: 1, active: { ...active, kept }, drafts: {}, menu: null })
    expect(state.active?.kept).toBeUndefined()
    expect(state.active?.answers).toEqual(active.answers)
  })
})
