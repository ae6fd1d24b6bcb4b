/**
 * A strict fake of the WhatsApp Cloud API on the Graph API (docs/design.md#testing: fakes only at
 * the network edge, and strict): a loopback server answering `/vXX.X/{phone-number-id}/messages`,
 * `/vXX.X/{phone-number-id}/media`, `/vXX.X/{media-id}` and the media download URL. It refuses
 * what Meta refuses, with Meta's error shape and codes: a wrong token (401, code 190), an unknown
 * phone number id (400, code 100), malformed bodies (400, code 100: text 1–4096, reply buttons 1–3
 * with unique titles ≤ 20, a list of ≤ 10 rows with titles ≤ 24 and a button ≤ 20, captions ≤
 * 1024, an unknown media id), unknown templates, a wrong parameter count or a quick-reply button the
 * template does not have (132001, 132000), a free-form message outside the 24-hour window (131047;
 * the window opens when the test's webhook sender tells the fake a person wrote), and, when
 * configured, the pair rate (131056) and the number's throughput (130429). It records every
 * accepted message and can inject any failure.
 * @module
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

type Json = Record<string, unknown>

export type SentCloudMessage = { to: string; body: Json; id: string; at: number }

export type RateRule = { count: number; windowMs: number }

export type FakeGraphOptions = {
  token?: string
  phoneNumberId?: string
  /** The fake's clock for the 24-hour window (default `Date.now`). */
  clock?: () => number
  /** Refuse more than `count` messages to one person in `windowMs` (131056). */
  pairRate?: RateRule
  /** Refuse more than `count` messages of the number in `windowMs` (130429). */
  throughput?: RateRule
  /**
   * Approved templates: `name:language` → number of body parameters, or that and the number of
   * quick-reply buttons the template has.
   */
  templates?: Record<string, number | ApprovedTemplate>
}

/** An approved template's shape: its body's `{{n}}` count and its quick-reply buttons. */
export type ApprovedTemplate = { body: number; quickReplies: number }

export type FakeGraph = {
  apiRoot: string
  token: string
  phoneNumberId: string
  /** Accepted messages, in order. */
  sent: SentCloudMessage[]
  /** Every refusal, in order: `[code, to]`. */
  refused: { code: number; to?: string }[]
  /** Uploaded media by id. */
  media: Map<string, { bytes: Uint8Array; mime: string }>
  /** A person wrote at `at` (ms): the 24-hour window to them opens. */
  noteInbound: (waId: string, at?: number) => void
  /** Makes a received medium available for download; returns its media id. */
  addInboundMedia: (bytes: Uint8Array, mime: string) => string
  /** The next `times` sends fail with Meta `code` (HTTP `status`, default 400). */
  failNext: (code: number, times?: number, status?: number) => void
  close: () => Promise<void>
}

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
/** Documents Meta accepts (PDF, text, Office), up to 100 MB. */
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
])
const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
const WINDOW_MS = 24 * 60 * 60 * 1000

class GraphRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly type = 'OAuthException'
  ) {
    super(message)
  }
}

const invalid = (message: string) => new GraphRefusal(400, 100, `(#100) ${message}`)
const chars = (value: unknown) => (typeof value === 'string' ? [...value].length : -1)

function requireString(value: unknown, path: string, min: number, max: number): string {
  const length = chars(value)
  if (length < min || length > max) {
    throw invalid(`Param ${path} must be a string of ${min} to ${max} characters`)
  }
  return value as string
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`Param ${path} must be an object`)
  }
  return value as Json
}

function checkInteractive(interactive: Json): void {
  const body = object(interactive.body, 'interactive.body')
  const action = object(interactive.action, 'interactive.action')
  if (interactive.type === 'button') {
    requireString(body.text, 'interactive.body.text', 1, 1024)
    const buttons = action.buttons
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
      throw invalid('Param interactive.action.buttons must have 1 to 3 buttons')
    }
    const ids = new Set<string>()
    const titles = new Set<string>()
    buttons.forEach((button: unknown, i) => {
      const b = object(button, `buttons[${i}]`)
      if (b.type !== 'reply') throw invalid(`Param buttons[${i}].type must be reply`)
      const reply = object(b.reply, `buttons[${i}].reply`)
      ids.add(requireString(reply.id, `buttons[${i}].reply.id`, 1, 256))
      titles.add(requireString(reply.title, `buttons[${i}].reply.title`, 1, 20))
    })
    if (ids.size !== buttons.length || titles.size !== buttons.length) {
      throw invalid('Buttons must have unique ids and titles')
    }
    return
  }
  if (interactive.type === 'list') {
    requireString(body.text, 'interactive.body.text', 1, 4096)
    requireString(action.button, 'interactive.action.button', 1, 20)
    const sections = action.sections
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) {
      throw invalid('Param interactive.action.sections must have 1 to 10 sections')
    }
    let rows = 0
    const ids = new Set<string>()
    sections.forEach((section: unknown, i) => {
      const s = object(section, `sections[${i}]`)
      if (sections.length > 1 || s.title !== undefined) {
        requireString(s.title, `sections[${i}].title`, 1, 24)
      }
      if (!Array.isArray(s.rows) || s.rows.length < 1) {
        throw invalid(`Param sections[${i}].rows must not be empty`)
      }
      for (const [j, row] of (s.rows as unknown[]).entries()) {
        const r = object(row, `sections[${i}].rows[${j}]`)
        ids.add(requireString(r.id, `rows[${j}].id`, 1, 200))
        requireString(r.title, `rows[${j}].title`, 1, 24)
        if (r.description !== undefined) requireString(r.description, 'description', 1, 72)
        rows++
      }
    })
    if (rows > 10) throw invalid('Total row count exceed max allowed count: 10')
    if (ids.size !== rows) throw invalid('Row ids must be unique')
    return
  }
  throw invalid('Param interactive.type is not supported')
}

const templateMismatch = (message: string) =>
  new GraphRefusal(400, 132000, `(#132000) Number of parameters does not match: ${message}`)

/**
 * A template's `button` components as Meta checks them: only the quick-reply buttons the template
 * has (`index` "0" … n-1, each once), each with one `payload` parameter; no other component type
 * than header, body and button.
 */
function checkTemplateButtons(components: Json[], quickReplies: number): void {
  const indexes = new Set<number>()
  for (const [i, component] of components.entries()) {
    const c = object(component, `template.components[${i}]`)
    if (!['header', 'body', 'button'].includes(String(c.type))) {
      throw invalid(`Param template.components[${i}].type must be header, body or button`)
    }
    if (c.type !== 'button') continue
    if (c.sub_type !== 'quick_reply') {
      throw templateMismatch(`the template has no ${String(c.sub_type)} button`)
    }
    const index = typeof c.index === 'number' ? c.index : Number.parseInt(String(c.index), 10)
    if (!Number.isInteger(index) || String(index) !== String(c.index).trim()) {
      throw invalid(`Param template.components[${i}].index must be a button index`)
    }
    if (index < 0 || index >= quickReplies || indexes.has(index)) {
      throw templateMismatch(`no quick-reply button ${index} (the template has ${quickReplies})`)
    }
    indexes.add(index)
    const parameters = c.parameters
    if (!Array.isArray(parameters) || parameters.length !== 1) {
      throw templateMismatch(`button ${index} takes one payload parameter`)
    }
    const parameter = object(parameters[0], `buttons[${index}].parameters[0]`)
    if (parameter.type !== 'payload') {
      throw invalid(`Param buttons[${index}].parameters[0].type must be payload`)
    }
    requireString(parameter.payload, `buttons[${index}].parameters[0].payload`, 1, 256)
  }
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const token = options.token ?? 'EAAG-fake-graph-token'
  const phoneNumberId = options.phoneNumberId ?? '106540352242922'
  const clock = options.clock ?? (() => Date.now())
  const templates = options.templates ?? {}
  const sent: SentCloudMessage[] = []
  const refused: FakeGraph['refused'] = []
  const media = new Map<string, { bytes: Uint8Array; mime: string }>()
  const lastInbound = new Map<string, number>()
  const failures: { code: number; status: number }[] = []
  const sendTimes: { to: string; at: number }[] = []
  let counter = 0
  let apiRoot = ''

  const nextId = (prefix: string) => `${prefix}${(++counter).toString().padStart(8, '0')}`

  function checkAuth(header: string | undefined): void {
    if (header !== `Bearer ${token}`) {
      throw new GraphRefusal(401, 190, 'Invalid OAuth access token - Cannot parse access token')
    }
  }

  function checkNumber(id: string): void {
    if (id !== phoneNumberId) {
      throw new GraphRefusal(
        400,
        100,
        `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
        'GraphMethodException'
      )
    }
  }

  function checkRate(to: string, now: number): void {
    const recent = (rule: RateRule, who?: string) =>
      sendTimes.filter((s) => s.at > now - rule.windowMs && (who === undefined || s.to === who))
        .length
    if (options.throughput && recent(options.throughput) >= options.throughput.count) {
      throw new GraphRefusal(400, 130429, '(#130429) Rate limit hit')
    }
    if (options.pairRate && recent(options.pairRate, to) >= options.pairRate.count) {
      throw new GraphRefusal(
        400,
        131056,
        '(#131056) (Business Account, Consumer Account) pair rate limit hit'
      )
    }
  }

  function checkMessage(body: Json): string {
    if (body.messaging_product !== 'whatsapp') throw invalid('Param messaging_product is required')
    if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
      throw invalid('Param recipient_type must be individual')
    }
    const to = requireString(body.to, 'to', 6, 20)
    if (!/^\+?\d+$/.test(to)) throw invalid('Param to must be a phone number')
    const now = clock()
    const open = (lastInbound.get(to) ?? -Infinity) > now - WINDOW_MS
    switch (body.type) {
      case 'text': {
        const text = object(body.text, 'text')
        requireString(text.body, 'text.body', 1, 4096)
        break
      }
      case 'interactive':
        checkInteractive(object(body.interactive, 'interactive'))
        break
      case 'image': {
        const image = object(body.image, 'image')
        if (typeof image.id !== 'string' || !media.has(image.id)) {
          throw invalid('Param image.id is not a valid media id')
        }
        if (image.caption !== undefined) requireString(image.caption, 'image.caption', 1, 1024)
        break
      }
      case 'document': {
        // developers.facebook.com …/messages/document-messages: id (uploaded) or link, caption
        // up to 1024 characters, filename with its extension.
        const document = object(body.document, 'document')
        if (document.link !== undefined)
          throw invalid('Param document.link is not served by the fake')
        const uploaded = typeof document.id === 'string' ? media.get(document.id) : undefined
        if (!uploaded) throw invalid('Param document.id is not a valid media id')
        if (!DOCUMENT_TYPES.has(uploaded.mime)) throw invalid('Param document.id is not a document')
        if (document.caption !== undefined) {
          requireString(document.caption, 'document.caption', 1, 1024)
        }
        if (document.filename !== undefined) {
          requireString(document.filename, 'document.filename', 1, 240)
        }
        const allowed = new Set(['id', 'link', 'caption', 'filename'])
        const unknown = Object.keys(document).find((key) => !allowed.has(key))
        if (unknown) throw invalid(`Param document.${unknown} is not a valid parameter`)
        break
      }
      case 'location': {
        const location = object(body.location, 'location')
        if (typeof location.latitude !== 'number' || typeof location.longitude !== 'number') {
          throw invalid('Param location.latitude and location.longitude must be numbers')
        }
        break
      }
      case 'template': {
        const template = object(body.template, 'template')
        const language = object(template.language, 'template.language')
        const key = `${String(template.name)}:${String(language.code)}`
        const approved = templates[key]
        if (approved === undefined) {
          throw new GraphRefusal(
            404,
            132001,
            '(#132001) Template name does not exist in the translation'
          )
        }
        const { body: expected, quickReplies } =
          typeof approved === 'number' ? { body: approved, quickReplies: 0 } : approved
        const components = Array.isArray(template.components) ? (template.components as Json[]) : []
        checkTemplateButtons(components, quickReplies)
        const params = components
          .filter((c) => c.type === 'body')
          .flatMap((c) => (Array.isArray(c.parameters) ? (c.parameters as Json[]) : []))
        if (params.length !== expected) {
          throw new GraphRefusal(
            400,
            132000,
            '(#132000) Number of parameters does not match the expected number of params'
          )
        }
        for (const param of params) {
          const text = requireString(param.text, 'template parameter', 1, 1024)
          if (/[\n\t]| {5,}/.test(text)) {
            throw new GraphRefusal(
              400,
              100,
              '(#100) Param text cannot have new-line/tab characters or more than 4 consecutive spaces'
            )
          }
        }
        return to
      }
      default:
        throw invalid('Param type is not a supported message type')
    }
    if (!open) {
      throw new GraphRefusal(400, 131047, '(#131047) Re-engagement message')
    }
    return to
  }

  const app = new Hono()
  app.onError((error, c) => {
    if (error instanceof GraphRefusal) {
      return c.json(
        {
          error: {
            message: error.message,
            type: error.type,
            code: error.code,
            error_data: { messaging_product: 'whatsapp', details: error.message },
            fbtrace_id: 'AfakeTrace',
          },
        },
        error.status as 400
      )
    }
    return c.json({ error: { message: 'internal', type: 'OAuthException', code: 1 } }, 500)
  })

  app.post('/:version/:number/messages', async (c) => {
    checkAuth(c.req.header('authorization'))
    checkNumber(c.req.param('number'))
    if (!/^v\d+\.\d+$/.test(c.req.param('version'))) throw invalid('Unknown version')
    let body: Json
    try {
      body = object(await c.req.json(), 'body')
    } catch {
      throw invalid('The request body must be JSON')
    }
    const to = typeof body.to === 'string' ? body.to : undefined
    try {
      const failure = failures.shift()
      if (failure)
        throw new GraphRefusal(failure.status, failure.code, `(#${failure.code}) injected`)
      const checked = checkMessage(body)
      checkRate(checked, clock())
    } catch (error) {
      if (error instanceof GraphRefusal) refused.push({ code: error.code, ...(to ? { to } : {}) })
      throw error
    }
    const id = nextId('wamid.HBgM')
    const now = clock()
    sendTimes.push({ to: to!, at: now })
    sent.push({ to: to!, body, id, at: now })
    return c.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to }],
      messages: [{ id }],
    })
  })

  app.post('/:version/:number/media', async (c) => {
    checkAuth(c.req.header('authorization'))
    checkNumber(c.req.param('number'))
    const form = await c.req.formData()
    if (form.get('messaging_product') !== 'whatsapp')
      throw invalid('Param messaging_product is required')
    const file = form.get('file')
    const type = form.get('type')
    if (!(file instanceof Blob)) throw invalid('Param file must be a file upload')
    const isImage = typeof type === 'string' && /^image\/(jpeg|png|webp)$/.test(type)
    if (typeof type !== 'string' || (!isImage && !DOCUMENT_TYPES.has(type))) {
      throw invalid('Param type must be a supported media type')
    }
    const bytes = new Uint8Array(await file.arrayBuffer())
    const limit = isImage ? MAX_UPLOAD_BYTES : MAX_DOCUMENT_BYTES
    if (bytes.length === 0 || bytes.length > limit) throw invalid('File size is invalid')
    if (type === 'application/pdf' && Buffer.from(bytes.subarray(0, 5)).toString() !== '%PDF-') {
      throw invalid('File content does not match its type')
    }
    const id = nextId('10')
    media.set(id, { bytes, mime: type })
    return c.json({ id })
  })

  app.get('/download/:id', (c) => {
    checkAuth(c.req.header('authorization'))
    const item = media.get(c.req.param('id'))
    if (!item) return c.text('not found', 404)
    return c.body(item.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': item.mime })
  })

  app.get('/:version/:id', (c) => {
    checkAuth(c.req.header('authorization'))
    const id = c.req.param('id')
    const item = media.get(id)
    if (!item) {
      throw new GraphRefusal(
        400,
        100,
        `Unsupported get request. Object with ID '${id}' does not exist`
      )
    }
    return c.json({
      messaging_product: 'whatsapp',
      url: `${apiRoot}/download/${id}`,
      mime_type: item.mime,
      sha256: 'x',
      file_size: item.bytes.length,
      id,
    })
  })

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  apiRoot = `http://127.0.0.1:${port}`

  return {
    apiRoot,
    token,
    phoneNumberId,
    sent,
    refused,
    media,
    noteInbound(waId, at) {
      const time = at ?? clock()
      lastInbound.set(waId, Math.max(lastInbound.get(waId) ?? -Infinity, time))
    },
    addInboundMedia(bytes, mime) {
      const id = nextId('20')
      media.set(id, { bytes, mime })
      return id
    },
    failNext(code, times = 1, status = 400) {
      for (let i = 0; i < times; i++) failures.push({ code, status })
    },
    async close() {
      await new Promise<void>((resolve) => {
        const s = server as unknown as {
          closeAllConnections?: () => void
          close: (cb: () => void) => void
        }
        s.closeAllConnections?.()
        s.close(() => resolve())
      })
    },
  }
}
