/**
 * A small client of the WhatsApp Cloud API on the Graph API (plain fetch, no SDK): send one
 * message (`POST /{phone-number-id}/messages`), upload a photo (`POST /{phone-number-id}/media`),
 * and fetch a received medium (`GET /{media-id}` → a short-lived URL → the bytes, both with the
 * token). A refusal comes back as a `GraphError` carrying Meta's numeric `code` (130429, 131047…),
 * never the request body (it holds message text).
 * @module
 */
import { z } from 'zod'

/** The Graph API version the bot speaks (the path's `/vXX.X`). */
export const GRAPH_VERSION = 'v21.0'

/** Graph API refusals: `{ error: { message, type, code, error_subcode?, error_data? } }`. */
const errorBodySchema = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
  }),
})

/** The Cloud API refused a call (HTTP 4xx/5xx with a Graph error body, or none). */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    /** Meta's error code (e.g. 131047); the HTTP status when the body had none. */
    readonly code: number,
    readonly title: string,
    readonly details?: string
  ) {
    super(`graph ${status} code ${code}: ${title}`)
    this.name = 'GraphError'
  }
}

/** The network call itself failed (no answer, timeout). */
export class GraphNetworkError extends Error {
  constructor(override readonly cause: unknown) {
    super(`graph network: ${cause instanceof Error ? cause.name : 'unknown'}`)
    this.name = 'GraphNetworkError'
  }
}

const sendAnswerSchema = z.object({
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
})
const uploadAnswerSchema = z.object({ id: z.string().min(1) })
const mediaInfoSchema = z.object({
  url: z.string().url(),
  mime_type: z.string().optional(),
  file_size: z.number().optional(),
})

export type MediaInfo = z.infer<typeof mediaInfoSchema>

export type GraphClient = {
  /** Sends one message body (without `messaging_product`/`to`); resolves with the `wamid`. */
  sendMessage: (to: string, body: Record<string, unknown>) => Promise<string>
  /** Uploads bytes for sending; resolves with the media id. */
  uploadMedia: (bytes: Uint8Array, mimeType: string, filename: string) => Promise<string>
  mediaInfo: (mediaId: string) => Promise<MediaInfo>
  /** Downloads a media URL (from `mediaInfo`) with the token, refusing more than `maxBytes`. */
  download: (url: string, maxBytes: number) => Promise<Uint8Array>
}

export type GraphClientOptions = {
  token: string
  phoneNumberId: string
  /** The Graph API root without a trailing slash (`WHATSAPP_CLOUD_API_ROOT`). */
  apiRoot: string
  /** Per call (default 15 s). */
  timeoutMs?: number
  fetch?: typeof fetch
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 15_000
  const base = `${options.apiRoot.replace(/\/+$/, '')}/${GRAPH_VERSION}`
  const auth = { authorization: `Bearer ${options.token}` }

  async function call(url: string, init: RequestInit): Promise<Response> {
    let response: Response
    try {
      response = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      throw new GraphNetworkError(error)
    }
    if (response.ok) return response
    const text = await response.text().catch(() => '')
    let parsed: z.infer<typeof errorBodySchema> | undefined
    try {
      const result = errorBodySchema.safeParse(JSON.parse(text))
      if (result.success) parsed = result.data
    } catch {
      // Not JSON: only the status is known.
    }
    const error = parsed?.error
    throw new GraphError(
      response.status,
      error?.code ?? response.status,
      (error?.message ?? response.statusText).slice(0, 200),
      error?.error_data?.details?.slice(0, 300)
    )
  }

  async function json<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const result = schema.safeParse(await response.json().catch(() => undefined))
    if (!result.success) throw new GraphError(response.status, 0, 'unexpected answer')
    return result.data
  }

  return {
    async sendMessage(to, body) {
      const response = await call(`${base}/${options.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to,
          ...body,
        }),
      })
      return (await json(response, sendAnswerSchema)).messages[0]!.id
    },
    async uploadMedia(bytes, mimeType, filename) {
      const form = new FormData()
      form.set('messaging_product', 'whatsapp')
      form.set('type', mimeType)
      // A copy on its own ArrayBuffer: a Blob takes no view of a shared buffer.
      form.set('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), filename)
      const response = await call(`${base}/${options.phoneNumberId}/media`, {
        method: 'POST',
        headers: auth,
        body: form,
      })
      return (await json(response, uploadAnswerSchema)).id
    },
    async mediaInfo(mediaId) {
      const response = await call(`${base}/${encodeURIComponent(mediaId)}`, { headers: auth })
      return json(response, mediaInfoSchema)
    },
    async download(url, maxBytes) {
      const response = await call(url, { headers: auth })
      const declared = Number(response.headers.get('content-length') ?? 0)
      if (declared > maxBytes) throw new GraphError(response.status, 0, 'media too large')
      const bytes = new Uint8Array(await response.arrayBuffer())
      if (bytes.length > maxBytes) throw new GraphError(response.status, 0, 'media too large')
      return bytes
    },
  }
}
