import { describe, expect, test } from 'vitest'
import type { SessionSummary } from '../domain/snapshot.js'
import { firstSession, participant, upcomingLookups } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-11-30 19:00 WIB'
const sessions: SessionSummary[] = [firstSession]
const lookups = upcomingLookups

/**
 * A participant with one coming session; the script starts at the reason question. `excused` is
 * what the applier found: her mentor told now (`queued`), once he uses the bot, none, or `already`.
 */
const izin = (excused = 'queued') =>
  transcript(flowRegistry, {
    at: AT,
    snapshot: participant,
    lookups: lookups(sessions),
    outcome: { excused },
  })
const TOLD =
  '< Izin Bapak/Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.'
const UNTIL_REASON = `
  > izin
  < Izin untuk sesi yang mana?
    1. Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit
  > 1
  < Apa alasannya? Pilih, atau tulis alasannya dengan singkat.
    1. Sakit
    2. Anak sakit
    3. Urusan keluarga
    4. Lainnya`

describe('izin (excused absence)', () => {
  test('a session and a reason', async () => {
    const chat = izin()
    await chat.expect(`${UNTIL_REASON}
      > sakit
      ${TOLD}
    `)
    expect(chat.effects).toEqual([{ type: 'absence_excused', sessionId: 1, reason: 'sakit' }])
  })

  test('a reason in her own words is kept as Lainnya with the words; a long one is re-asked', async () => {
    const chat = izin('mentorLater')
    await chat.expect(`${UNTIL_REASON}
      > 7
      < …
      > ${'ada acara sekolah anak, '.repeat(5)}
      < Maaf, tulisan ini 119 huruf, maksimal 100 huruf. Mohon dipersingkat.
        Apa alasannya? …
      > ada acara sekolah
      < Izin Bapak/Ibu sudah tercatat. Mentor akan menerima pemberitahuan saat beliau mulai memakai bot.
    `)
    expect(chat.effects).toEqual([
      { type: 'absence_excused', sessionId: 1, reason: 'lainnya', note: 'ada acara sekolah' },
    ])
  })

  test('"motor mogok" is a reason too; "anak saya demam" is still Anak sakit', async () => {
    for (const [typed, effect, excused, answer] of [
      ['motor mogok', { reason: 'lainnya', note: 'motor mogok' }, 'queued', TOLD],
      [
        'anak saya demam',
        { reason: 'anak_sakit' },
        'noMentor',
        '< Izin Bapak/Ibu sudah tercatat. Semoga semuanya baik, sampai jumpa di sesi berikutnya.',
      ],
      [
        'Urusan keluarga',
        { reason: 'keluarga' },
        'already',
        '< Kehadiran Bapak/Ibu untuk sesi itu sudah tercatat sebelumnya, jadi izin tidak diubah.',
      ],
    ] as const) {
      const chat = izin(excused)
      await chat.expect(`${UNTIL_REASON}
        > ${typed}
        ${answer}
      `)
      expect(chat.effects).toEqual([{ type: 'absence_excused', sessionId: 1, ...effect }])
    }
  })

  test('nothing coming up', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups([]) })
    await chat.expect(`
      > izin
      < Tidak ada sesi pelatihan yang akan datang untuk diizinkan.
    `)
  })
})
