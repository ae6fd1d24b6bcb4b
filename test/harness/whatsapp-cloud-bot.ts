/**
 * A bot on the WhatsApp Cloud API for tests, wired as `kaderbot.ts` wires it (runtime, outbox,
 * Cloud channel) on a real database and the strict fake Graph API, with the webhook served by
 * `app.request`; plus what a person sees of each sent message and helpers that type or tap.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { Hono } from 'hono'
import { expect } from 'vitest'
import { createCloudChannel } from '../../src/channels/whatsapp-cloud/channel.js'
import { createGraphClient } from '../../src/channels/whatsapp-cloud/graph.js'
import type { TemplateTable } from '../../src/channels/whatsapp-cloud/templates.js'
import type { InboundMessage } from '../../src/domain/messages.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { createCloudStore } from '../../src/db/queries/whatsapp-cloud.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import type { TestDbHandle } from './db.js'
import {
  type FakeGraph,
  type FakeGraphOptions,
  type SentCloudMessage,
  startFakeGraph,
} from './fake-graph.js'
import { testI18n } from './i18n.js'
import { createRuntimeForTest, silentLogger } from './runtime.js'
import {
  CLOUD_SECRETS,
  cloudButtonReply,
  cloudListReply,
  cloudPayload,
  cloudText,
  postWebhook,
} from './whatsapp-cloud.js'

export const NOW = new Date('2025-11-24T01:00:00Z')
export const SITI = '6281234567890'
export const SITI_PHONE = '+6281234567890'
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

type Json = Record<string, unknown>

/** What a person sees of one sent message: its text, and the tappable options by label → id. */
export type Seen = { type: string; text: string; options: Map<string, string> }

export function seen(body: Json): Seen {
  const type = String(body.type)
  const options = new Map<string, string>()
  if (type === 'text') return { type, text: (body.text as { body: string }).body, options }
  if (type === 'interactive') {
    const interactive = body.interactive as {
      type: string
      body: { text: string }
      action: {
        buttons?: { reply: { id: string; title: string } }[]
        sections?: { rows: { id: string; title: string; description?: string }[] }[]
      }
    }
    for (const b of interactive.action.buttons ?? []) options.set(b.reply.title, b.reply.id)
    // A row reads as its title and, below it, its description: together the option's label.
    for (const r of interactive.action.sections?.flatMap((s) => s.rows) ?? [])
      options.set(r.description ? `${r.title} ${r.description}` : r.title, r.id)
    return { type: `${type}:${interactive.type}`, text: interactive.body.text, options }
  }
  if (type === 'image') {
    return { type, text: (body.image as { caption?: string }).caption ?? '', options }
  }
  if (type === 'template') {
    const template = body.template as {
      name: string
      components: { type: string; index?: string; parameters: Json[] }[]
    }
    // A quick-reply button's title is the template's own: shown here by its position.
    for (const c of template.components.filter((c) => c.type === 'button')) {
      options.set(`button ${c.index}`, String(c.parameters[0]?.payload))
    }
    return {
      type: `template:${template.name}`,
      text: String(template.components[0]?.parameters[0]?.text ?? ''),
      options,
    }
  }
  return { type, text: `[${type}]`, options }
}

export type CloudTestBot = Awaited<ReturnType<typeof buildCloudBot>>

/** The runtime, outbox and Cloud channel as `kaderbot.ts` wires them, on the fake Graph API. */
export async function buildCloudBot(
  handle: TestDbHandle,
  dataDir: string,
  options: {
    now?: () => Date
    graph?: FakeGraphOptions
    templates?: TemplateTable
    pacing?: Parameters<typeof createCloudChannel>[0]['sender']
    backoffMs?: (attempt: number) => number
    pollIntervalMs?: number
    /** The dashboard's base URL for MASUK links. */
    adminBaseUrl?: string
  } = {}
) {
  const clock = options.now ?? (() => NOW)
  const graph: FakeGraph = await startFakeGraph({
    clock: () => clock().getTime(),
    templates: { 'kaderbot_pengingat:id': 1, 'kaderbot_pengumuman:id': 1 },
    ...options.graph,
  })
  const i18n = await testI18n()
  const wiring: { sender?: ReturnType<typeof createOutboxSender> } = {}
  const runtime = await createRuntimeForTest(handle.db, {
    i18n,
    onQueued: (channel) => wiring.sender?.wake(channel),
    ...(options.adminBaseUrl ? { adminBaseUrl: () => options.adminBaseUrl } : {}),
  })
  const handled: InboundMessage[] = []
  const media = createMediaStore(dataDir)
  const channel = createCloudChannel({
    graph: createGraphClient({
      token: graph.token,
      phoneNumberId: graph.phoneNumberId,
      apiRoot: graph.apiRoot,
    }),
    phoneNumberId: CLOUD_SECRETS.phoneNumberId,
    appSecret: CLOUD_SECRETS.appSecret,
    verifyToken: CLOUD_SECRETS.verifyToken,
    handleInbound: async (message, now) => {
      const result = await runtime.handleInbound(message, now)
      handled.push(message)
      return result
    },
    store: createCloudStore(handle.db),
    media: { put: media.put, read: (ref) => readFile(media.pathOf(ref)) },
    texts: {
      choiceHint: i18n.render({ key: 'whatsapp:choiceHint' }),
      contactHint: i18n.render({ key: 'whatsapp:contactHint' }),
      listButton: i18n.render({ key: 'whatsapp:cloud.listButton' }),
    },
    templates: options.templates ?? {
      reminder: { name: 'kaderbot_pengingat', language: 'id', parameters: ['text'] },
      broadcast: { name: 'kaderbot_pengumuman', language: 'id', parameters: ['text'] },
    },
    logger: silentLogger,
    clock,
    sender: options.pacing ?? { pacing: {} },
  })
  const sender = createOutboxSender({
    db: handle.db,
    channels: [channel.sender],
    logger: silentLogger,
    clock,
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  })
  wiring.sender = sender
  const app = new Hono()
  app.route('/webhook/whatsapp', channel.routes())

  /** Posts one signed message and waits until the runtime handled it and replies went out. */
  async function receive(message: Json): Promise<Seen[]> {
    const before = graph.sent.length
    const response = await postWebhook(app, cloudPayload({ messages: [message] }), { graph })
    expect(response.status).toBe(200)
    await sender.drain('whatsapp')
    await sender.idle()
    return graph.sent.slice(before).map((s) => seen(s.body))
  }
  // Sent at the bot's clock, so the fake's 24-hour window runs on the same time as the bot's.
  const say = async (from: string, text: string) =>
    texts(await receive(cloudText(from, text, { at: clock() })))
  /** Taps the option titled `title` on the last interactive message to `from`. */
  async function tap(from: string, title: string | RegExp): Promise<Seen[]> {
    const last = [...graph.sent]
      .reverse()
      .find((s) => s.to === from && s.body.type === 'interactive')
    if (!last) throw new Error('no interactive message to tap')
    const view = seen(last.body)
    const entry = [...view.options].find(([label]) =>
      typeof title === 'string' ? label === title : title.test(label)
    )
    if (!entry)
      throw new Error(`no option ${String(title)} in ${[...view.options.keys()].join(', ')}`)
    const reply = view.type === 'interactive:button' ? cloudButtonReply : cloudListReply
    return receive(reply(from, entry[1], entry[0], { at: clock() }))
  }
  /**
   * Answers like a person would: taps the option of the last message when it was interactive and
   * has one whose title contains `text` (any case), else types `text`. True when it tapped.
   */
  async function answer(from: string, text: string): Promise<boolean> {
    const last = [...graph.sent].reverse().find((s) => s.to === from)
    const view = last ? seen(last.body) : undefined
    const wanted = text.toLowerCase()
    const match = view
      ? [...view.options.keys()].find((label) => label.toLowerCase().includes(wanted))
      : undefined
    if (match) {
      await tap(from, match)
      return true
    }
    await say(from, text)
    return false
  }
  /** Sends what was queued outside a conversation (jobs, effects); returns what went out. */
  async function flush(): Promise<SentCloudMessage[]> {
    const before = graph.sent.length
    sender.wake('whatsapp')
    await sender.drain('whatsapp')
    await sender.idle()
    return graph.sent.slice(before)
  }
  /** Everything `to` was shown so far, oldest first. */
  const inbox = (to: string): Seen[] =>
    graph.sent.filter((s) => s.to === to).map((s) => seen(s.body))
  return { app, graph, channel, sender, i18n, handled, receive, say, tap, answer, flush, inbox }
}

export const texts = (views: Seen[]) => views.map((v) => v.text)
