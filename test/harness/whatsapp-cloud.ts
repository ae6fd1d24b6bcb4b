/**
 * Meta's side of the WhatsApp Cloud API webhook for tests: payload builders in the documented
 * shape (`entry[].changes[].value.messages|statuses`), and a sender that signs each body with the
 * app secret (`X-Hub-Signature-256`) and tells the fake Graph API that the person wrote (the
 * 24-hour window opens there too, as it would at Meta).
 * @module
 */
import { createHmac } from 'node:crypto'
import type { FakeGraph } from './fake-graph.js'

type Json = Record<string, unknown>

export const CLOUD_SECRETS = {
  token: 'EAAG-fake-graph-token',
  phoneNumberId: '106540352242922',
  appSecret: 'cloud-app-secret-1234',
  verifyToken: 'cloud-verify-token-5678',
}

let counter = 0
const nextId = () => `wamid.IN${(++counter).toString().padStart(10, '0')}`

export type CloudMessageOptions = { id?: string; at?: Date; name?: string }

/** One inbound message (`value.messages[0]`) of `type` with its own object. */
export function cloudMessage(
  from: string,
  type: string,
  content: Json,
  options: CloudMessageOptions = {}
): Json {
  const at = options.at ?? new Date()
  return {
    from,
    id: options.id ?? nextId(),
    timestamp: String(Math.floor(at.getTime() / 1000)),
    type,
    ...content,
  }
}

export const cloudText = (from: string, body: string, options?: CloudMessageOptions) =>
  cloudMessage(from, 'text', { text: { body } }, options)

export const cloudButtonReply = (from: string, id: string, title = id, o?: CloudMessageOptions) =>
  cloudMessage(
    from,
    'interactive',
    { interactive: { type: 'button_reply', button_reply: { id, title } } },
    o
  )

export const cloudListReply = (from: string, id: string, title = id, o?: CloudMessageOptions) =>
  cloudMessage(
    from,
    'interactive',
    { interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } },
    o
  )

/** A tap on a template's quick-reply button: its title and the payload the send gave it. */
export const cloudQuickReply = (
  from: string,
  text: string,
  payload: string,
  options?: CloudMessageOptions
) => cloudMessage(from, 'button', { button: { text, payload } }, options)

export const cloudLocation = (from: string, latitude: number, longitude: number) =>
  cloudMessage(from, 'location', { location: { latitude, longitude } })

export const cloudImage = (from: string, mediaId: string, mime = 'image/png') =>
  cloudMessage(from, 'image', { image: { id: mediaId, mime_type: mime, sha256: 'x' } })

export const cloudContacts = (from: string, waId: string) =>
  cloudMessage(from, 'contacts', {
    contacts: [
      {
        name: { formatted_name: 'Ani' },
        phones: [{ phone: `+${waId}`, wa_id: waId, type: 'CELL' }],
      },
    ],
  })

/** A whole delivery of `messages` and `statuses` for the phone number. */
export function cloudPayload(
  parts: { messages?: Json[]; statuses?: Json[] },
  phoneNumberId = CLOUD_SECRETS.phoneNumberId
): Json {
  const first = parts.messages?.[0] as { from?: string } | undefined
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...(first?.from
                ? { contacts: [{ profile: { name: 'Siti' }, wa_id: first.from }] }
                : {}),
              ...(parts.messages ? { messages: parts.messages } : {}),
              ...(parts.statuses ? { statuses: parts.statuses } : {}),
            },
          },
        ],
      },
    ],
  }
}

export function cloudStatus(
  id: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  recipient: string,
  error?: { code: number; title: string }
): Json {
  return {
    id,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: recipient,
    ...(error ? { errors: [{ ...error, error_data: { details: error.title } }] } : {}),
  }
}

export const signBody = (body: string, secret = CLOUD_SECRETS.appSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

/** Where a webhook goes: a URL (a started bot) or a Hono app (`app.request`). */
export type WebhookTarget =
  string | { request: (path: string, init: RequestInit) => Response | Promise<Response> }

/** Posts `payload` to the webhook signed with `secret`; notes inbound senders on `graph`. */
export async function postWebhook(
  target: WebhookTarget,
  payload: Json,
  options: { secret?: string; graph?: FakeGraph; signature?: string } = {}
): Promise<Response> {
  const body = JSON.stringify(payload)
  if (options.graph) {
    for (const entry of payload.entry as { changes: { value: { messages?: Json[] } }[] }[]) {
      for (const change of entry.changes) {
        for (const message of change.value.messages ?? []) {
          options.graph.noteInbound(String(message.from), Number(message.timestamp) * 1000)
        }
      }
    }
  }
  const init: RequestInit = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': options.signature ?? signBody(body, options.secret),
    },
    body,
  }
  return typeof target === 'string'
    ? fetch(`${target}/webhook/whatsapp`, init)
    : target.request('/webhook/whatsapp', init)
}
