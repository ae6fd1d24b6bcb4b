/**
 * A small client of the simulator API (docs/design.md#contracts): post one message as a simulated
 * person, read their inbox from a cursor. Network failures and HTTP refusals are two typed errors,
 * so the chat can retry the first and explain the second.
 * @module
 */
import { z } from 'zod'

const choiceSchema = z.object({ id: z.string(), label: z.string() })

export const inboxMessageSchema = z.object({
  id: z.string(),
  at: z.string(),
  text: z.string(),
  choices: z.array(choiceSchema).optional(),
})
export type InboxMessage = z.infer<typeof inboxMessageSchema>

const inboxPageSchema = z.object({ messages: z.array(inboxMessageSchema), cursor: z.string() })
export type InboxPage = z.infer<typeof inboxPageSchema>

const sendResultSchema = z.object({
  replies: z.array(z.object({ text: z.string(), choices: z.array(choiceSchema).optional() })),
  duplicate: z.boolean().optional(),
})
export type SendResult = z.infer<typeof sendResultSchema>

/** One inbound message's content: exactly one of these, as the API requires. */
export type MessageContent =
  | { text: string }
  | { choice: string }
  | { location: { lat: number; lng: number } }
  | { photo: { base64: string } }

export type SendParams = { from: string; phone?: string; id: string; content: MessageContent }

export type SimulatorClient = {
  send: (params: SendParams) => Promise<SendResult>
  inbox: (params: { from: string; after: string; limit?: number }) => Promise<InboxPage>
}

export type SimulatorClientDeps = {
  baseUrl: string
  token?: string
  /** Injected in tests (e.g. `app.request`); the global fetch otherwise. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>
  timeoutMs?: number
}

/** The server could not be reached (refused, reset, timed out): worth retrying. */
export class SimulatorUnreachableError extends Error {
  readonly code = 'SIMULATOR_UNREACHABLE' as const

  constructor(options?: { cause?: unknown }) {
    super('simulator server unreachable', options)
    this.name = 'SimulatorUnreachableError'
  }
}

/** The server answered with an error status; `detail` is its message when it gave one. */
export class SimulatorHttpError extends Error {
  readonly code = 'SIMULATOR_HTTP' as const

  constructor(
    readonly status: number,
    readonly detail: string
  ) {
    super(`simulator server answered ${status}`)
    this.name = 'SimulatorHttpError'
  }
}

export function createSimulatorClient(deps: SimulatorClientDeps): SimulatorClient {
  const doFetch = deps.fetch ?? ((url, init) => fetch(url, init))
  const timeoutMs = deps.timeoutMs ?? 15_000
  const auth: Record<string, string> = deps.token ? { authorization: `Bearer ${deps.token}` } : {}

  async function request<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
    let response: Response
    try {
      response = await doFetch(`${deps.baseUrl}${path}`, {
        ...init,
        headers: { ...auth, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw new SimulatorUnreachableError({ cause: error })
    }
    const body: unknown = await response.json().catch(() => undefined)
    if (!response.ok) {
      const detail =
        typeof body === 'object' && body !== null && 'message' in body
          ? String(body.message)
          : response.statusText
      throw new SimulatorHttpError(response.status, detail)
    }
    return schema.parse(body)
  }

  return {
    send: ({ from, phone, id, content }) =>
      request(
        '/api/v1/simulator/messages',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from, ...(phone ? { phone } : {}), id, ...content }),
        },
        sendResultSchema
      ),
    inbox: ({ from, after, limit }) => {
      const query = new URLSearchParams({ from, after, ...(limit ? { limit: String(limit) } : {}) })
      return request(`/api/v1/simulator/inbox?${query}`, { method: 'GET' }, inboxPageSchema)
    },
  }
}
