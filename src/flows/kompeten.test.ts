/** Transcripts of KOMPETEN: the mentor's marks from one numbered list. */
import { describe, expect, test } from 'vitest'
import type { DataNeed, KompetenCohort } from '../domain/snapshot.js'
import { mentor } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const finished: KompetenCohort = {
  cohortId: 2,
  cohortCode: 'SGS-MJ-01',
  participants: [
    { enrollmentId: 4, name: 'Nur Aini', kompeten: null },
    { enrollmentId: 5, name: 'siti aminah', kompeten: false },
    { enrollmentId: 6, name: 'Wati', kompeten: null },
  ],
}
const kompetenLookups = (cohorts: KompetenCohort[]) => (need: DataNeed) =>
  need.kind === 'kompeten_roster' ? { kompetenRoster: { key: need.key, cohorts } } : {}

describe('kompeten (the mentor’s marks)', () => {
  test('one numbered list; the numbers of those belum kompeten; a summary to check', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-12-30 13:00 WIB',
      snapshot: mentor,
      lookups: kompetenLookups([finished]),
    })
    await chat.expect(`
      > kompeten
      < Peserta kelompok SGS-MJ-01:
        1. Nur Aini
        2. Siti Aminah (sekarang: belum kompeten)
        3. Wati
        Apakah semuanya KOMPETEN?
        1. Ya
        2. Tidak
      > tidak
      < Ketik nomor peserta yang BELUM KOMPETEN (boleh beberapa, mis. 2, 5). Yang lain dicatat kompeten.
        Boleh pilih lebih dari satu, misalnya: 1,3
        1. Nur Aini
        2. Siti Aminah (sekarang: belum kompeten)
        3. Wati
      > 3
      < …
      > ya
    `)
    expect(chat.effects).toEqual([
      {
        type: 'kompeten_marked',
        cohortId: 2,
        enrollmentIds: [4, 5, 6],
        kompeten: [4, 5],
        at: '2026-12-30T06:00:00.000Z',
      },
    ])
  })

  test('all kompeten with one answer', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-12-30 13:00 WIB',
      snapshot: mentor,
      lookups: kompetenLookups([finished]),
    })
    await chat.expect(`
      > kompeten
      < …
      > ya
      < …
      > ya
    `)
    expect(chat.effects).toMatchObject([{ type: 'kompeten_marked', kompeten: [4, 5, 6] }])
  })

  test('no finished cohort yet', async () => {
    const chat = transcript(flowRegistry, {
      at: '2026-12-01 13:00 WIB',
      snapshot: mentor,
      lookups: kompetenLookups([]),
    })
    await chat.expect(`
      > kompeten
      < Belum ada kelompok Bapak/Ibu yang sudah menyelesaikan sesi terakhirnya. Penilaian kompeten diisi setelah sesi terakhir.
    `)
  })
})
