/**
 * The fake Graph API is strict like Meta's: it refuses a wrong token, an unknown phone number id,
 * bodies over the documented limits, unknown media and templates, free-form messages outside the
 * 24-hour window, and throttles when configured; it accepts what the real API accepts.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { GraphError, createGraphClient } from '../../src/channels/whatsapp-cloud/graph.js'
import { type FakeGraph, startFakeGraph } from '../harness/fake-graph.js'

const TO = '6281234567890'
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

let graph: FakeGraph
beforeEach(async () => {
  graph = await startFakeGraph({ templates: { 'kaderbot_pengingat:id': 1 } })
  graph.noteInbound(TO)
})
afterEach(() => graph.close())

const client = (overrides: { token?: string; phoneNumberId?: string } = {}) =>
  createGraphClient({
    token: overrides.token ?? graph.token,
    phoneNumberId: overrides.phoneNumberId ?? graph.phoneNumberId,
    apiRoot: graph.apiRoot,
  })

/** The Meta error code of a refused send. */
async function codeOf(promise: Promise<unknown>): Promise<[number, number]> {
  try {
    await promise
  } catch (error) {
    if (error instanceof GraphError) return [error.status, error.code]
    throw error
  }
  throw new Error('accepted')
}

const buttons = (titles: string[]) => ({
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'Pilih' },
    action: {
      buttons: titles.map((title, i) => ({ type: 'reply', reply: { id: `c${i}`, title } })),
    },
  },
})

const list = (rows: string[], button = 'Lihat pilihan') => ({
  type: 'interactive',
  interactive: {
    type: 'list',
    body: { text: 'Pilih' },
    action: {
      button,
      sections: [{ title: 'Pilihan', rows: rows.map((title, i) => ({ id: `r${i}`, title })) }],
    },
  },
})

describe('fake Graph API', () => {
  test('accepts valid messages and records them with a wamid', async () => {
    const id = await client().sendMessage(TO, { type: 'text', text: { body: 'Halo' } })
    expect(id).toMatch(/^wamid\./)
    await client().sendMessage(TO, buttons(['Ya', 'Tidak', 'Nanti saja']))
    await client().sendMessage(TO, list(Array.from({ length: 10 }, (_, i) => `Pilihan nomor ${i}`)))
    const described = list(['PUS'])
    Object.assign(described.interactive.action.sections[0]!.rows[0]!, {
      description: 'y'.repeat(72),
    })
    await client().sendMessage(TO, described)
    await client().sendMessage(TO, {
      type: 'location',
      location: { latitude: -7.9, longitude: 112.6 },
    })
    expect(graph.sent.map((s) => s.body.type)).toEqual([
      'text',
      'interactive',
      'interactive',
      'interactive',
      'location',
    ])
  })

  test('refuses a wrong token (401, 190) and an unknown phone number id (400, 100)', async () => {
    const text = { type: 'text', text: { body: 'Halo' } }
    expect(await codeOf(client({ token: 'wrong' }).sendMessage(TO, text))).toEqual([401, 190])
    expect(await codeOf(client({ phoneNumberId: '999' }).sendMessage(TO, text))).toEqual([400, 100])
  })

  test('refuses bodies over the limits', async () => {
    const send = (body: Record<string, unknown>) => codeOf(client().sendMessage(TO, body))
    expect(await send({ type: 'text', text: { body: 'x'.repeat(4097) } })).toEqual([400, 100])
    expect(await send({ type: 'text', text: { body: '' } })).toEqual([400, 100])
    expect(await send(buttons(['a', 'b', 'c', 'd']))).toEqual([400, 100])
    expect(await send(buttons(['x'.repeat(21)]))).toEqual([400, 100])
    expect(await send(buttons(['Ya', 'Ya']))).toEqual([400, 100])
    expect(await send(list(Array.from({ length: 11 }, (_, i) => `r${i}`)))).toEqual([400, 100])
    expect(await send(list(['x'.repeat(25)]))).toEqual([400, 100])
    const described = (description: string) => {
      const body = list(['PUS'])
      const [row] = body.interactive.action.sections[0]!.rows
      Object.assign(row!, { description })
      return body
    }
    expect(await send(described('y'.repeat(73)))).toEqual([400, 100])
    expect(await send(described(''))).toEqual([400, 100])
    expect(await send(list(['a'], 'x'.repeat(21)))).toEqual([400, 100])
    expect(await send({ type: 'image', image: { id: 'unknown' } })).toEqual([400, 100])
    expect(await send({ type: 'sticker', sticker: {} })).toEqual([400, 100])
    expect(graph.sent).toEqual([])
  })

  test('uploads a photo, sends it by id, and serves inbound media with the token', async () => {
    const mediaId = await client().uploadMedia(PNG, 'image/png', 'photo.png')
    await client().sendMessage(TO, { type: 'image', image: { id: mediaId, caption: 'Foto' } })
    expect(await codeOf(client().uploadMedia(PNG, 'application/pdf', 'x.pdf'))).toEqual([400, 100])
    const inbound = graph.addInboundMedia(PNG, 'image/png')
    const info = await client().mediaInfo(inbound)
    expect(info.mime_type).toBe('image/png')
    expect(Buffer.from(await client().download(info.url, 1000))).toEqual(PNG)
    expect(await codeOf(client().download(info.url, 10))).toEqual([200, 0])
    expect(await codeOf(client({ token: 'wrong' }).download(info.url, 1000))).toEqual([401, 190])
  })

  test('uploads a PDF and sends it as a document by id; refuses what Meta refuses', async () => {
    const pdf = Buffer.from('%PDF-1.7\n%…\n')
    const id = await client().uploadMedia(pdf, 'application/pdf', 'sertifikat.pdf')
    const document = (fields: Record<string, unknown>) => ({ type: 'document', document: fields })
    await client().sendMessage(
      TO,
      document({ id, filename: 'sertifikat.pdf', caption: 'Sertifikat' })
    )
    expect(graph.sent.map((m) => m.body.document)).toEqual([
      { id, filename: 'sertifikat.pdf', caption: 'Sertifikat' },
    ])
    expect(Buffer.from(graph.media.get(id)!.bytes)).toEqual(pdf)
    // Not a PDF's bytes, an empty file, a type Meta does not take.
    expect(await codeOf(client().uploadMedia(PNG, 'application/pdf', 'x.pdf'))).toEqual([400, 100])
    expect(
      await codeOf(client().uploadMedia(new Uint8Array(), 'application/pdf', 'x.pdf'))
    ).toEqual([400, 100])
    expect(await codeOf(client().uploadMedia(pdf, 'application/zip', 'x.zip'))).toEqual([400, 100])
    const photo = await client().uploadMedia(PNG, 'image/png', 'photo.png')
    for (const wrong of [
      document({ id, caption: 'x'.repeat(1025) }),
      document({ id, file_name: 'sertifikat.pdf' }),
      document({ id: 'unknown' }),
      document({ id: photo }),
      document({ filename: 'sertifikat.pdf' }),
    ]) {
      expect(await codeOf(client().sendMessage(TO, wrong))).toEqual([400, 100])
    }
    expect(graph.sent).toHaveLength(1)
  })

  test('outside the 24-hour window only templates go; templates are checked', async () => {
    const stranger = '6285700000000'
    const text = { type: 'text', text: { body: 'Halo' } }
    expect(await codeOf(client().sendMessage(stranger, text))).toEqual([400, 131047])
    const template = (name: string, params: string[]) => ({
      type: 'template',
      template: {
        name,
        language: { code: 'id' },
        components: [{ type: 'body', parameters: params.map((p) => ({ type: 'text', text: p })) }],
      },
    })
    await client().sendMessage(stranger, template('kaderbot_pengingat', ['Posyandu besok']))
    expect(await codeOf(client().sendMessage(stranger, template('unknown', ['x'])))).toEqual([
      404, 132001,
    ])
    expect(
      await codeOf(client().sendMessage(stranger, template('kaderbot_pengingat', [])))
    ).toEqual([400, 132000])
    expect(
      await codeOf(client().sendMessage(stranger, template('kaderbot_pengingat', ['a\nb'])))
    ).toEqual([400, 100])
  })

  test('a template’s quick-reply buttons: only those it has, each with one payload', async () => {
    const strict = await startFakeGraph({
      templates: {
        'kaderbot_pengingat:id': 1,
        'kaderbot_pengingat_tombol:id': { body: 1, quickReplies: 2 },
      },
    })
    const c = createGraphClient({
      token: strict.token,
      phoneNumberId: strict.phoneNumberId,
      apiRoot: strict.apiRoot,
    })
    const body = { type: 'body', parameters: [{ type: 'text', text: 'Pengingat' }] }
    const button = (index: unknown, parameters: unknown[], subType = 'quick_reply') => ({
      type: 'button',
      sub_type: subType,
      index,
      parameters,
    })
    const payload = (value: string) => ({ type: 'payload', payload: value })
    const send = (name: string, ...components: unknown[]) =>
      c.sendMessage(TO, {
        type: 'template',
        template: { name, language: { code: 'id' }, components: [body, ...components] },
      })
    await send(
      'kaderbot_pengingat_tombol',
      button('0', [payload('a')]),
      button('1', [payload('b')])
    )
    // Buttons left out keep the template's own payload; a number index is read too.
    await send('kaderbot_pengingat_tombol', button(1, [payload('b')]))
    await send('kaderbot_pengingat_tombol')
    const refusals: [string, unknown[]][] = [
      ['kaderbot_pengingat', [button('0', [payload('a')])]],
      ['kaderbot_pengingat_tombol', [button('2', [payload('a')])]],
      ['kaderbot_pengingat_tombol', [button('0', [payload('a')]), button('0', [payload('b')])]],
      ['kaderbot_pengingat_tombol', [button('0', [])]],
      ['kaderbot_pengingat_tombol', [button('0', [payload('a'), payload('b')])]],
      ['kaderbot_pengingat_tombol', [button('0', [payload('a')], 'url')]],
    ]
    for (const [name, components] of refusals) {
      expect(await codeOf(send(name, ...components))).toEqual([400, 132000])
    }
    for (const components of [
      [button('0', [payload('')])],
      [button('0', [{ type: 'text', text: 'a' }])],
      [button('x', [payload('a')])],
      [{ type: 'footer' }],
    ]) {
      expect(await codeOf(send('kaderbot_pengingat_tombol', ...components))).toEqual([400, 100])
    }
    expect(strict.sent).toHaveLength(3)
    await strict.close()
  })

  test('throttles by pair rate and throughput when configured; injects failures', async () => {
    const strict = await startFakeGraph({
      pairRate: { count: 1, windowMs: 60_000 },
      throughput: { count: 2, windowMs: 60_000 },
    })
    const c = createGraphClient({
      token: strict.token,
      phoneNumberId: strict.phoneNumberId,
      apiRoot: strict.apiRoot,
    })
    for (const who of ['6281100000001', '6281100000002', '6281100000003']) strict.noteInbound(who)
    const text = { type: 'text', text: { body: 'Halo' } }
    await c.sendMessage('6281100000001', text)
    expect(await codeOf(c.sendMessage('6281100000001', text))).toEqual([400, 131056])
    await c.sendMessage('6281100000002', text)
    expect(await codeOf(c.sendMessage('6281100000003', text))).toEqual([400, 130429])
    await strict.close()
    graph.failNext(131000, 1, 500)
    expect(await codeOf(client().sendMessage(TO, text))).toEqual([500, 131000])
    await client().sendMessage(TO, text)
  })
})
