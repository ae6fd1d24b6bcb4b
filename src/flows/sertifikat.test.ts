/** Transcripts of SERTIFIKAT: a participant asks for her certificate again. */
import { describe, expect, test } from 'vitest'
import { mentor, participant } from '../../test/harness/training-fixtures.js'
import { flowRegistry, transcript } from '../../test/harness/transcript.js'

const AT = '2026-12-10 19:00 WIB'

describe('sertifikat (a graduate’s certificate again)', () => {
  test('her certificates are queued to this chat; the reply says the PDF follows', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      outcome: { sent: 'some' },
    })
    await chat.expect(`
      > Sertifikat
      < Sertifikat Bapak/Ibu kami kirim sebagai berkas PDF di pesan berikut.
    `)
    expect(chat.effects).toEqual([{ type: 'certificate_requested' }])
  })

  test('not graduated yet: says when it comes', async () => {
    const chat = transcript(flowRegistry, {
      at: AT,
      snapshot: participant,
      outcome: { sent: 'none' },
    })
    await chat.expect(`
      > sertifikat
      < Belum ada sertifikat untuk Bapak/Ibu. Sertifikat terbit setelah Bapak/Ibu lulus pelatihan dan kami kirim otomatis saat itu.
    `)
  })

  test('someone who is no participant gets no certificate flow', async () => {
    const chat = transcript(flowRegistry, { at: AT, snapshot: mentor, outcome: { sent: 'some' } })
    await chat.expect(`
      > sertifikat
      < …
    `)
    expect(chat.effects).toEqual([])
  })
})
