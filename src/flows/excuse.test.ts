import { describe, expect, test } from 'vitest'
import type { SessionSummary } from '../domain/snapshot.js'
import { firstSession, participant, upcomingLookups } from '../../test/harness/training-fixtures.js'
import { transcript } from '../../test/harness/transcript.js'
import { flowRegistry } from './index.js'

const AT = '2026-11-30 19:00 WIB'
const sessions: SessionSummary[] = [firstSession]
const lookups = upcomingLookups

describe('izin (excused absence)', () => {
  test('a session and a reason', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      lookups: lookups(sessions),
    })
    await chat.expect(`
      > izin
      < Izin untuk sesi yang mana?
        1. Selasa, 1 Desember 2026 pukul 08.00 WIB: Mengenal mesin jahit
      > 1
      < Apa alasannya?
        1. Sakit
        2. Anak sakit
        3. Urusan keluarga
        4. Lainnya
      > sakit
    `)
    expect(chat.effects).toEqual([{ type: 'absence_excused', sessionId: 1, reason: 'sakit' }])
  })

  test('nothing coming up', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: participant, lookups: lookups([]) })
    await chat.expect(`
      > izin
      < Tidak ada sesi pelatihan yang akan datang untuk diizinkan.
    `)
  })
})
