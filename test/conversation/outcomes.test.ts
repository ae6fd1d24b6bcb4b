/**
 * A flow's closing reply names what its appliers return (`{ outcome: name }`); the runtime fills it
 * in before rendering. Rendered with the real `locales/id`.
 */
import { describe, expect, test } from 'vitest'
import type { Reply } from '../../src/engine/index.js'
import {
  MissingOutcomeError,
  addressedTo,
  fillOutcomes,
  renderReply,
} from '../../src/messaging/render.js'
import { testI18n } from '../harness/i18n.js'

const saved: Reply = {
  texts: [
    {
      key: 'visit-report:saved',
      params: {
        reference: { outcome: 'reference' },
        count: { outcome: 'visitCountThisMonth' },
        month: '2025-11-24',
      },
    },
  ],
}

describe('outcomes in replies', () => {
  test('the visit report names its reference and count, rendered as the applier returned them', async () => {
    const i18n = await testI18n()
    const reader = addressedTo(i18n, { name: 'Siti Rahayu', salutation: 'ibu' })
    const filled = fillOutcomes(saved, { reference: 'KJ-2511-000123', visitCountThisMonth: 3 })
    expect(renderReply(reader, filled)).toEqual({
      text: 'Terima kasih! Laporan tersimpan dengan nomor KJ-2511-000123. Ini kunjungan ke-3 Ibu bulan November 2025.',
    })
    // The reply itself is left as the flow declared it.
    expect(saved.texts[0]?.params?.['reference']).toEqual({ outcome: 'reference' })
  })

  test('the excuse applier’s result picks the closing text', async () => {
    const i18n = await testI18n()
    const reader = addressedTo(i18n, { name: 'Rina', salutation: 'ibu' })
    const recorded: Reply = {
      texts: [{ key: 'excuse:recorded', params: { context: { outcome: 'excused' } } }],
    }
    const said = (excused: string) => renderReply(reader, fillOutcomes(recorded, { excused })).text
    expect(said('queued')).toBe(
      'Izin Ibu sudah tercatat dan mentor sudah kami kabari. Semoga semuanya baik, sampai jumpa di sesi berikutnya.'
    )
    expect(said('mentorLater')).toBe(
      'Izin Ibu sudah tercatat. Mentor akan menerima pemberitahuan saat beliau mulai memakai bot.'
    )
    expect(said('noMentor')).toBe(
      'Izin Ibu sudah tercatat. Semoga semuanya baik, sampai jumpa di sesi berikutnya.'
    )
    expect(said('already')).toBe(
      'Kehadiran Ibu untuk sesi itu sudah tercatat sebelumnya, jadi izin tidak diubah.'
    )
    // A result no text is written for is a missing key, never a silent fallback.
    expect(() => said('lost')).toThrow(/Missing text excuse:recorded/)
  })

  test('outcomes inside nested texts and choice labels are filled too', () => {
    const reply: Reply = {
      texts: [{ key: 'a', params: { inner: { key: 'b', params: { n: { outcome: 'n' } } } } }],
      choices: [{ id: 'x', label: { key: 'c', params: { ref: { outcome: 'ref' } } } }],
    }
    expect(fillOutcomes(reply, { n: 2, ref: 'R-1' })).toEqual({
      texts: [{ key: 'a', params: { inner: { key: 'b', params: { n: 2 } } } }],
      choices: [{ id: 'x', label: { key: 'c', params: { ref: 'R-1' } } }],
    })
  })

  test('a name the appliers did not give is an error, unless a fallback gives it', () => {
    expect(() => fillOutcomes(saved, { reference: 'KJ-2511-000123' })).toThrow(MissingOutcomeError)
    const filled = fillOutcomes(saved, { reference: 'KJ-2511-000123' }, (name) => `[${name}]`)
    expect(filled.texts[0]?.params).toEqual({
      reference: 'KJ-2511-000123',
      count: '[visitCountThisMonth]',
      month: '2025-11-24',
    })
  })

  test('an outcome rendered unfilled is refused rather than shown as an object', async () => {
    const i18n = await testI18n()
    expect(() => renderReply(i18n, saved)).toThrow(/outcome reference rendered unfilled/)
  })
})
