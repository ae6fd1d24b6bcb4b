/** The Cloud API rendering and the webhook mapping, pure. */
import { describe, expect, test } from 'vitest'
import { validSignature } from '../../src/channels/whatsapp-cloud/channel.js'
import { cloudMessageSchema } from '../../src/channels/whatsapp-cloud/payload.js'
import { renderCloud, rowText, splitText } from '../../src/channels/whatsapp-cloud/render.js'
import {
  asParameter,
  pickTemplate,
  templateBody,
  templateKindOf,
  templateTableSchema,
} from '../../src/channels/whatsapp-cloud/templates.js'
import { toCloudInbound } from '../../src/channels/whatsapp-cloud/to-inbound.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { cloudMessage, cloudText, signBody } from '../harness/whatsapp-cloud.js'
import visitReport from '../../locales/id/visit-report.json' with { type: 'json' }

const TEXTS = {
  choiceHint: 'Balas dengan angka.',
  contactHint: 'Ketik nomor HP Anda.',
  listButton: 'Lihat pilihan',
}
const choices = (labels: string[]) => labels.map((label, i) => ({ id: `c${i}`, label }))

describe('renderCloud', () => {
  test('up to 3 short choices are reply buttons whose ids are the choice ids', () => {
    const [send] = renderCloud({ text: 'Setuju?', choices: choices(['Ya', 'Tidak']) }, TEXTS)
    expect(send).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Setuju?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'c0', title: 'Ya' } },
            { type: 'reply', reply: { id: 'c1', title: 'Tidak' } },
          ],
        },
      },
    })
  })

  test('a label over 20 characters or a 4th choice makes a list; over 24 or 10 a numbered text', () => {
    const long = renderCloud(
      { text: 'Pilih', choices: choices(['Keluarga baru: sutrisna']) },
      TEXTS
    )
    expect(long[0]).toMatchObject({
      interactive: { type: 'list', action: { button: 'Lihat pilihan' } },
    })
    const four = renderCloud({ text: 'Pilih', choices: choices(['a', 'b', 'c', 'd']) }, TEXTS)
    expect(four[0]).toMatchObject({ interactive: { type: 'list' } })
    const eleven = renderCloud(
      { text: 'Pilih', choices: choices(Array.from({ length: 11 }, (_, i) => `p${i}`)) },
      TEXTS
    )
    expect(eleven).toHaveLength(1)
    expect(eleven[0]).toMatchObject({ type: 'text' })
    expect((eleven[0] as { text: { body: string } }).text.body).toMatch(/^Pilih\n\n1\. p0\n/)
    const tooLong = renderCloud({ text: 'Pilih', choices: choices(['x'.repeat(25)]) }, TEXTS)
    expect((tooLong[0] as { text: { body: string } }).text.body).toMatch(/_Balas dengan angka\._$/)
  })

  test('a label over a row title keeps a short title and the rest as the row description', () => {
    expect(rowText('PUS (pasangan usia subur)')).toEqual({
      title: 'PUS',
      description: '(pasangan usia subur)',
    })
    expect(rowText('Keluarga berisiko stunting (KRS)')).toEqual({
      title: 'Keluarga berisiko',
      description: 'stunting (KRS)',
    })
    expect(rowText('Balita')).toEqual({ title: 'Balita' })
    expect(rowText('x'.repeat(25))).toBeUndefined()
    expect(rowText(`Pilihan ${'y'.repeat(73)}`)).toBeUndefined()
    // Sasaran, KB status and 4 Terlalu come as lists (docs/domain.md#chat-conventions), every row
    // within Meta's limits.
    for (const labels of [visitReport.sasaran, visitReport.kbStatus, visitReport.risk4t]) {
      const options = Object.entries(labels).map(([id, label]) => ({ id, label }))
      const [send] = renderCloud({ text: 'Pilih', choices: options }, TEXTS)
      expect(send).toMatchObject({ type: 'interactive', interactive: { type: 'list' } })
      const rows = (send as { interactive: { action: { sections: { rows: unknown[] }[] } } })
        .interactive.action.sections[0]!.rows as {
        id: string
        title: string
        description?: string
      }[]
      expect(rows.map((r) => r.id)).toEqual(options.map((o) => o.id))
      for (const row of rows) {
        expect([...row.title].length).toBeLessThanOrEqual(24)
        expect([...(row.description ?? '')].length).toBeLessThanOrEqual(72)
        const label = options.find((o) => o.id === row.id)!.label
        expect([row.title, row.description].filter(Boolean).join(' ')).toBe(label)
      }
    }
  })

  test('long texts are split at line breaks; the interactive part comes last', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Baris nomor ${i} dari laporan.`).join('\n')
    const plain = renderCloud({ text }, TEXTS)
    expect(plain.length).toBeGreaterThan(1)
    for (const part of plain)
      expect([...(part as { text: { body: string } }).text.body].length).toBeLessThanOrEqual(4096)
    const withButtons = renderCloud({ text, choices: choices(['Ya']) }, TEXTS)
    expect(withButtons.at(-1)).toMatchObject({ type: 'interactive' })
    expect(
      (withButtons.at(-1) as { interactive: { body: { text: string } } }).interactive.body.text
        .length
    ).toBeLessThanOrEqual(1024)
    expect(splitText('abc', 10)).toEqual(['abc'])
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)])
  })

  test('a photo is an image captioned with the text; a location follows as a location', () => {
    const sends = renderCloud(
      {
        text: 'Foto *kegiatan*',
        media: { kind: 'photo', ref: 'media:ab.png' },
        location: { lat: -7.9, lng: 112.6, name: 'Posyandu' },
      },
      TEXTS
    )
    expect(sends).toEqual([
      { type: 'image', ref: 'media:ab.png', caption: 'Foto *\u200bkegiatan*\u200b' },
      { type: 'location', location: { latitude: -7.9, longitude: 112.6, name: 'Posyandu' } },
    ])
  })
})

describe('toCloudInbound and templates', () => {
  const parse = (m: Record<string, unknown>) => toCloudInbound(cloudMessageSchema.parse(m))
  test('maps each kind', () => {
    expect(parse(cloudText('628', 'halo'))).toEqual({
      kind: 'message',
      content: { type: 'text', text: 'halo' },
    })
    expect(
      parse(
        cloudMessage('628', 'interactive', {
          interactive: { type: 'list_reply', list_reply: { id: 'c2', title: 'x' } },
        })
      )
    ).toEqual({
      kind: 'message',
      content: { type: 'choice', id: 'c2' },
    })
    expect(
      parse(cloudMessage('628', 'location', { location: { latitude: 1, longitude: 2 } }))
    ).toEqual({
      kind: 'message',
      content: { type: 'location', lat: 1, lng: 2 },
    })
    expect(
      parse(cloudMessage('628', 'image', { image: { id: 'm1', mime_type: 'image/jpeg' } }))
    ).toEqual({
      kind: 'image',
      mediaId: 'm1',
      mimeType: 'image/jpeg',
    })
    expect(parse(cloudMessage('628', 'video', { video: { id: 'v' } }))).toEqual({
      kind: 'message',
      content: { type: 'unsupported', kind: 'video' },
    })
    expect(parse(cloudMessage('628', 'unknown', {}))).toMatchObject({ content: { kind: 'other' } })
  })

  test('template kinds by priority; parameters on one line', () => {
    expect(templateKindOf(PRIORITY.live)).toBeUndefined()
    expect(templateKindOf(PRIORITY.reminder)).toBe('reminder')
    expect(templateKindOf(PRIORITY.bulk)).toBe('broadcast')
    expect(asParameter('a\n\n  b\tc     d')).toBe('a · b c d')
    // User values keep their characters: no accidental bold in a template either.
    expect(asParameter('*rapat* besok')).toBe('*\u200brapat*\u200b besok')
    expect([...asParameter('x'.repeat(2000))].length).toBe(1000)
  })

  test('a template quick-reply tap is the choice its payload names; one without ours is text', () => {
    const tap = (button: Record<string, string>) => parse(cloudMessage('628', 'button', { button }))
    expect(tap({ text: 'Buka', payload: 'start:follow-up' })).toEqual({
      kind: 'message',
      content: { type: 'choice', id: 'start:follow-up' },
    })
    expect(tap({ text: 'Berhenti', payload: 'Berhenti' })).toEqual({
      kind: 'message',
      content: { type: 'text', text: 'Berhenti' },
    })
    expect(tap({ text: 'Ya' })).toMatchObject({ content: { type: 'text', text: 'Ya' } })
  })

  test('a kind’s template: the one with as many quick replies as choices, else text-only', () => {
    const text = { name: 'pengingat', language: 'id', parameters: ['text' as const] }
    const one = { ...text, name: 'pengingat_satu', quickReplies: 1 }
    const two = { ...text, name: 'pengingat_dua', quickReplies: 2 }
    const choices = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `c${i}`, label: `Pilihan ${i}` }))
    expect(pickTemplate([text, one, two], choices(2))).toBe(two)
    expect(pickTemplate([two, one, text], choices(1))).toBe(one)
    expect(pickTemplate([one, text], choices(3))).toBe(text)
    expect(pickTemplate([one, text], [])).toBe(text)
    expect(pickTemplate(text, choices(1))).toBe(text)
    expect(pickTemplate([one], [])).toBeUndefined()
    expect(pickTemplate(undefined, [])).toBeUndefined()
    expect(templateBody(two, 'Halo\nlagi', choices(2)).components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Halo · lagi' }] },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'c0' }],
      },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '1',
        parameters: [{ type: 'payload', payload: 'c1' }],
      },
    ])
    expect(templateTableSchema.parse({ reminder: [text, one] }).reminder).toHaveLength(2)
    expect(() => templateTableSchema.parse({ reminder: { ...text, quickReplies: 11 } })).toThrow()
  })

  test('signatures are checked over the raw bytes', () => {
    const body = Buffer.from('{"a":1}')
    expect(validSignature(body, signBody('{"a":1}'), 'cloud-app-secret-1234')).toBe(true)
    expect(validSignature(body, signBody('{"a":2}'), 'cloud-app-secret-1234')).toBe(false)
    expect(validSignature(body, undefined, 'cloud-app-secret-1234')).toBe(false)
    expect(validSignature(body, 'sha256=zz', 'cloud-app-secret-1234')).toBe(false)
  })
})
