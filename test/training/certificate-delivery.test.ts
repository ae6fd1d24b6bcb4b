/**
 * A graduate receives her certificate by chat as a document (docs/domain.md, decision 18): her
 * cohort's completion queues one message naming the PDF (`certificate:<code>`, never its bytes),
 * only to a chat that can reach her; each channel's sender draws the PDF from the database when
 * it goes out and hands it to the strict fakes (Telegram sendDocument, Cloud API upload then a
 * document message, Baileys' document content), and the PDF read back names her and the code.
 */
import { eq } from 'drizzle-orm'
import { Api } from 'grammy'
import { PDFParse } from 'pdf-parse'
import { afterEach, expect, test } from 'vitest'
import { readCertificateDocument } from '../../src/certificates/delivery.js'
import { createTelegramSender } from '../../src/channels/telegram/sender.js'
import { createHumanPacer } from '../../src/channels/whatsapp/pacing.js'
import { createWhatsAppSender } from '../../src/channels/whatsapp/sender.js'
import { createGraphClient } from '../../src/channels/whatsapp-cloud/graph.js'
import { createCloudSender } from '../../src/channels/whatsapp-cloud/sender.js'
import { DEFAULT_TEMPLATES } from '../../src/channels/whatsapp-cloud/templates.js'
import { completeCohortAndPlan } from '../../src/conversation/training-completion.js'
import { recordAttendance } from '../../src/db/queries/attendance.js'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { listCertificates } from '../../src/db/queries/training-certificates.js'
import { createWhatsAppStore } from '../../src/db/queries/whatsapp.js'
import { enrollments, outbox } from '../../src/db/schema/index.js'
import type { OutboundMessage } from '../../src/domain/messages.js'
import { useTestDb } from '../harness/db.js'
import { startFakeGraph } from '../harness/fake-graph.js'
import { startFakeTelegram } from '../harness/fake-telegram.js'
import { testI18n } from '../harness/i18n.js'
import {
  baselinesSettled,
  enrolParticipants,
  morningSession,
  sewingCohort,
  wib,
} from '../harness/training-db.js'
import { createTestRuntime, simulatorMessage } from '../harness/runtime.js'
import { simulatorRoutes } from '../../src/http/routes/simulator.js'
import { deliverToSimulator, listSimulatorInbox } from '../../src/db/queries/simulator.js'
import { createStandInSocket } from '../harness/whatsapp.js'

const handle = useTestDb()
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

const BASE_URL = 'https://kaderbot.example'
const COMPLETED_AT = wib('2026-12-01T12:00')

/**
 * One session; Nur Aini (a consented chat), Lilis (a chat that never accepted the notice) and
 * Wati (enrolled by the mentor, no chat) all attend it, and the cohort completes.
 */
async function graduation() {
  const { cohortId } = await sewingCohort(handle.db)
  const planned = wib('2026-11-20T10:00')
  const session = await morningSession(handle.db, { cohortId, topic: 'Pola dasar', now: planned })
  const people = await enrolParticipants(handle.db, cohortId, planned, [
    { name: 'Nur Aini', chat: 'wa-nur' },
    { name: 'Lilis' },
    { name: 'Wati' },
  ])
  await linkIdentity(handle.db, {
    personId: people.Lilis,
    channel: 'simulator',
    externalId: 'wa-lilis',
  })
  await baselinesSettled(handle.db, Object.values(people), wib('2026-11-20T10:01'))
  for (const personId of Object.values(people)) {
    await recordAttendance(handle.db, {
      sessionId: session.id,
      personId,
      status: 'present',
      method: 'kode',
      at: wib('2026-12-01T07:55'),
    })
  }
  const i18n = await testI18n()
  const deps = { i18n, timeZone: 'Asia/Jakarta', adminBaseUrl: BASE_URL }
  await completeCohortAndPlan(handle.db, deps, cohortId, COMPLETED_AT)
  const readDocument = readCertificateDocument({ db: handle.db, i18n, baseUrl: () => BASE_URL })
  return { cohortId, deps, people, readDocument }
}

/** The outbox rows that carry a document. */
async function documentRows() {
  const rows = await handle.db.select().from(outbox)
  return rows.filter((row) => (row.message as OutboundMessage).media?.kind === 'document')
}

/** The text of a PDF, whitespace collapsed. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) })
  const text = (await parser.getText()).text.replace(/\s+/g, ' ')
  await parser.destroy()
  return text
}

test('queued once, by reference, only to a chat that can reach her', async () => {
  const { cohortId, deps } = await graduation()
  const codes = (await listCertificates(handle.db, { cohortId })).map((c) => [c.name, c.code])
  expect(codes.map(([name]) => name)).toEqual(['Lilis', 'Nur Aini', 'Wati'])
  const nurCode = codes.find(([name]) => name === 'Nur Aini')![1]!

  const rows = await documentRows()
  expect(rows.map((row) => [row.channel, row.recipientId, row.message])).toEqual([
    [
      'simulator',
      'wa-nur',
      {
        text: `Ini sertifikat pelatihan atas nama Nur Aini, nomor ${nurCode}. Keasliannya bisa diperiksa di ${BASE_URL}/verifikasi/${nurCode}. Ketik SERTIFIKAT kapan saja untuk menerimanya lagi.`,
        media: {
          kind: 'document',
          ref: `certificate:${nurCode}`,
          fileName: `sertifikat-${nurCode}.pdf`,
          mimeType: 'application/pdf',
        },
      },
    ],
  ])
  // Completion again (a second fire, a later kompeten mark): nothing is queued twice.
  await completeCohortAndPlan(handle.db, deps, cohortId, new Date(COMPLETED_AT.getTime() + 60_000))
  expect(await documentRows()).toHaveLength(1)
})

test('Telegram: sendDocument with the PDF uploaded, the caption naming the code', async () => {
  const { readDocument } = await graduation()
  const [row] = await documentRows()
  const message = row!.message as OutboundMessage
  const fake = await startFakeTelegram()
  closers.push(() => fake.close())
  const sender = createTelegramSender(new Api(fake.token, { apiRoot: fake.apiRoot }), {
    readDocument,
  })
  expect(await sender.send('8', message)).toMatchObject({ ok: true })
  const [sent] = fake.sentTo(8)
  const code = message.media!.ref.slice('certificate:'.length)
  expect(sent).toMatchObject({
    method: 'sendDocument',
    caption: message.text,
    document: { fileName: `sertifikat-${code}.pdf`, mimeType: 'application/pdf' },
  })
  const text = await pdfText(fake.fileBytes(sent!.document!.fileId)!)
  expect(text).toContain('Nur Aini')
  expect(text).toContain(`Nomor: ${code}`)
})

test('WhatsApp Cloud API: the PDF uploaded, then a document message by its media id', async () => {
  const { readDocument } = await graduation()
  const message = (await documentRows())[0]!.message as OutboundMessage
  const graph = await startFakeGraph()
  closers.push(() => graph.close())
  const to = '6281234567890'
  graph.noteInbound(to)
  const sender = createCloudSender({
    graph: createGraphClient({
      token: graph.token,
      phoneNumberId: graph.phoneNumberId,
      apiRoot: graph.apiRoot,
    }),
    store: { lastInboundAt: async () => new Date() },
    texts: { choiceHint: 'Balas dengan angka.', contactHint: '', listButton: 'Lihat pilihan' },
    templates: DEFAULT_TEMPLATES,
    readMedia: async () => new Uint8Array(),
    readDocument,
  })
  expect(await sender.send(to, message)).toMatchObject({ ok: true })
  const [sent] = graph.sent
  const code = message.media!.ref.slice('certificate:'.length)
  const document = sent!.body.document as { id: string; filename: string; caption: string }
  expect(document).toEqual({
    id: expect.any(String),
    filename: `sertifikat-${code}.pdf`,
    caption: message.text,
  })
  const uploaded = graph.media.get(document.id)!
  expect(uploaded.mime).toBe('application/pdf')
  const text = await pdfText(uploaded.bytes)
  expect(text).toContain('Nur Aini')
  expect(text).toContain(`Nomor: ${code}`)
})

test('Baileys: a document content with the PDF; a certificate that no longer stands is not sent', async () => {
  const { readDocument, people } = await graduation()
  const message = (await documentRows())[0]!.message as OutboundMessage
  const store = createWhatsAppStore(handle.db, 'test')
  const jid = '100000000001@lid'
  await store.noteInbound({ lid: jid }, new Date())
  const socket = createStandInSocket({} as never)
  socket.open()
  const limits = {
    perChatGapMs: 1,
    perChatJitterMs: 0,
    globalGapMs: 1,
    globalJitterMs: 0,
    unsolicitedPerDay: 10,
    replyWindowMs: 3600_000,
  }
  const sender = createWhatsAppSender({
    socket: () => socket,
    store,
    pacer: createHumanPacer({
      limits,
      clock: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
    limits,
    texts: { choiceHint: 'Balas dengan angka.', contactHint: '' },
    readMedia: async () => new Uint8Array(),
    readDocument,
    clock: () => new Date(),
    dayOf: (now) => now.toISOString().slice(0, 10),
    sentTtlMs: 3600_000,
  })
  expect(await sender.send(jid, message)).toMatchObject({ ok: true })
  const code = message.media!.ref.slice('certificate:'.length)
  const content = socket.sent[0]!.content as {
    document: Buffer
    mimetype: string
    fileName: string
    caption: string
  }
  expect([content.mimetype, content.fileName, content.caption]).toEqual([
    'application/pdf',
    `sertifikat-${code}.pdf`,
    message.text,
  ])
  expect(await pdfText(content.document)).toContain(`Nomor: ${code}`)

  // Her enrollment is no longer completed (corrected on the dashboard): nothing to draw, and
  // the failure is final.
  await handle.db
    .update(enrollments)
    .set({ status: 'active' })
    .where(eq(enrollments.personId, people['Nur Aini']))
  expect(await sender.send(jid, message)).toEqual({
    ok: false,
    retryable: false,
    error: 'document not found',
  })
  expect(socket.sent).toHaveLength(1)
})

test('SERTIFIKAT sends her certificate again to the chat she asks in; none before she graduates', async () => {
  const { cohortId } = await graduation()
  const { code } = (await listCertificates(handle.db, { cohortId })).find(
    (c) => c.name === 'Nur Aini'
  )!
  const { runtime } = await createTestRuntime(handle.db)
  const say = async (chat: string, text: string) =>
    (
      await runtime.handleInbound(simulatorMessage(chat, text), wib('2026-12-10T19:00'))
    ).replies.map((reply) => reply.text)
  expect(await say('wa-nur', 'sertifikat')).toEqual([
    'Sertifikat Ibu kami kirim sebagai berkas PDF di pesan berikut.',
  ])
  const rows = await documentRows()
  expect(rows.map((row) => [row.recipientId, (row.message as OutboundMessage).media])).toEqual([
    ['wa-nur', expect.objectContaining({ ref: `certificate:${code}` })],
    ['wa-nur', expect.objectContaining({ ref: `certificate:${code}` })],
  ])

  // A participant of a later cohort, not graduated: nothing to send.
  const later = await sewingCohort(handle.db, { code: 'SGS-MJ-02', mentorChat: 'wa-mentor-2' })
  await enrolParticipants(handle.db, later.cohortId, wib('2026-12-05T10:00'), [
    { name: 'Dewi', chat: 'wa-dewi' },
  ])
  expect(await say('wa-dewi', 'sertifikat')).toEqual([
    'Belum ada sertifikat untuk Ibu. Sertifikat terbit setelah Ibu lulus pelatihan dan kami kirim otomatis saat itu.',
  ])
  expect(await documentRows()).toHaveLength(2)
})

test('simulator: the inbox offers the document as a link that downloads the PDF', async () => {
  const { readDocument } = await graduation()
  const message = (await documentRows())[0]!.message as OutboundMessage
  await deliverToSimulator(handle.db, { recipientId: 'wa-nur', message })
  const app = simulatorRoutes({
    handleInbound: async () => {
      throw new Error('not used')
    },
    listInbox: (params) => listSimulatorInbox(handle.db, params),
    media: {} as never,
    readDocument,
    requiredToken: 'sim-token',
  })
  const headers = { authorization: 'Bearer sim-token' }
  const inbox = (await (await app.request('/inbox?from=wa-nur', { headers })).json()) as {
    messages: { text: string; document?: { fileName: string; url: string } }[]
  }
  const code = message.media!.ref.slice('certificate:'.length)
  const [shown] = inbox.messages
  expect(shown).toMatchObject({
    text: message.text,
    document: {
      fileName: `sertifikat-${code}.pdf`,
      url: `/api/v1/simulator/documents/certificate%3A${code}`,
    },
  })
  const download = await app.request(shown!.document!.url.replace('/api/v1/simulator', ''), {
    headers,
  })
  expect(download.status).toBe(200)
  expect(download.headers.get('content-type')).toBe('application/pdf')
  expect(await pdfText(new Uint8Array(await download.arrayBuffer()))).toContain(`Nomor: ${code}`)
  expect((await app.request('/documents/certificate%3AABCDE-23456', { headers })).status).toBe(404)
  expect((await app.request(shown!.document!.url.replace('/api/v1/simulator', ''))).status).toBe(
    401
  )
})
