/**
 * Fuzzing `POST /webhook/telegram` (reliability suite): 10,000 updates with the right
 * secret, drawn from a seeded PRNG so a failure is reproducible (`FUZZ_SEED`, `FUZZ_CASES`).
 * Well-formed updates of every kind are generated from the official Bot API schema
 * (`telegram-bot-api.json`) and then mutated (wrong types, missing fields, unknown keys, huge
 * texts); besides those come broken JSON, JSON that is no update at all, and chat input a real
 * person can send (unicode edge cases, NUL, lone surrogates, huge texts, stickers, edits, buttons
 * of unknown or future flows). Asserted: broken JSON gets 400, nothing gets a 5xx, no unhandled
 * rejection, `/healthz` still answers 200, and every message of a known person gets a reply the
 * fake Bot API recorded.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTelegramChannel } from '../../src/channels/telegram/bot.js'
import { MAX_UPDATE_BYTES, telegramWebhookRoutes } from '../../src/http/routes/telegram-webhook.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { channelIdentities, people } from '../../src/db/schema/index.js'
import { createApp } from '../../src/http/app.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import {
  type FakeTelegram,
  botApiSchema,
  callbackUpdate,
  editedUpdate,
  locationUpdate,
  startFakeTelegram,
  stickerUpdate,
  textUpdate,
  voiceUpdate,
} from '../harness/fake-telegram.js'
import { testI18n } from '../harness/i18n.js'
import { createRuntimeForTest, giveConsent, silentLogger } from '../harness/runtime.js'

const SECRET = 'fuzz_webhook_secret-1'
const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
const CASES = Number(process.env.FUZZ_CASES ?? 10_000)
/** Known people (cadres with a linked Telegram chat and consent) whose input must get a reply. */
const KNOWN = Array.from({ length: 12 }, (_, i) => ({ id: 7_000_001 + i, first_name: 'Kader' }))

type Json = Record<string, unknown>

// ---------------------------------------------------------------- seeded PRNG

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}
type Rng = ReturnType<typeof prng>

// ---------------------------------------------------------------- strings people can send

const EDGE_TEXTS = [
  '',
  ' ',
  '\n\n\t',
  '\u200f\u202eلابور\u202c', // RTL marks and an override
  '\u200b\u200c\u200d\ufeff', // zero-width characters only
  'lapor\u200b',
  '👩‍👩‍👧‍👦👨🏽‍🌾🏳️‍🌈', // emoji ZWJ sequences and modifiers
  '\ud800', // lone high surrogate
  'abc\udc00def', // lone low surrogate
  '\u0000', // NUL
  'Pak\u0000Budi',
  '/lapor\u0000',
  'e\u0301'.repeat(500), // combining marks
  '\u0001\u0002\u001b[31m\u007f',
  "'; drop table people; --",
  '<b>tebal</b> <script>alert(1)</script>',
  '%s %n %x {{name}} $' + '{process.env}',
  '١٢٣', // Arabic-Indic digits
  '５', // full-width digit
  '-1',
  '99999999999999999999999',
  'NaN',
  'nggih',
  'mboten',
  'BATAL',
  'menu',
  'bantuan',
  '/siaran',
  '/hadir',
  '/izin',
  '/riwayat',
  '/jadwal',
  '/lapor',
  '/start',
  '/start@kaderbot_test_bot deep-link',
  '/unknowncommand',
  'BERHENTI',
  'MULAI',
  '\ufffd\ufffe\uffff',
  '𝕂𝕒𝕕𝕖𝕣', // astral plane letters
]

function randomString(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.pick(EDGE_TEXTS)
    case 1:
      return 'x'.repeat(rng.pick([4097, 20_000, 100_000]))
    case 2: {
      // Random code points, surrogate halves included.
      let s = ''
      for (let i = rng.int(0, 40); i > 0; i--) s += String.fromCharCode(rng.int(0, 0xffff))
      return s
    }
    case 3:
      return String(rng.int(-5, 50))
    default:
      return rng.pick(EDGE_TEXTS) + ' ' + rng.pick(EDGE_TEXTS)
  }
}

// ---------------------------------------------------------------- schema-driven updates

const UPDATE_KINDS = (botApiSchema.types['Update']?.fields ?? [])
  .map((f) => f.name)
  .filter((name) => name !== 'update_id')

/** A random value of a Bot API schema type; optional fields appear with a small probability. */
function generate(rng: Rng, type: string, depth: number): unknown {
  if (type.startsWith('Array of ')) {
    const inner = type.slice('Array of '.length)
    return depth > 4
      ? []
      : Array.from({ length: rng.int(0, 2) }, () => generate(rng, inner, depth + 1))
  }
  switch (type) {
    case 'Integer':
      return rng.pick([0, 1, -1, rng.int(1, 1_000_000), 2 ** 53 - 1, -(2 ** 31)])
    case 'Float':
      return rng.next() * 360 - 180
    case 'String':
      return randomString(rng)
    case 'Boolean':
      return rng.chance(0.5)
    case 'True':
      return true
  }
  const entry = botApiSchema.types[type]
  if (!entry) return null
  if (entry.subtypes) return generate(rng, rng.pick(entry.subtypes), depth)
  const value: Json = {}
  for (const field of entry.fields ?? []) {
    if (!field.required && (depth > 2 || !rng.chance(0.12))) continue
    value[field.name] = depth > 6 ? null : generate(rng, rng.pick(field.types), depth + 1)
  }
  return value
}

/** Wrong-typed values for mutations. */
function wrongValue(rng: Rng): unknown {
  return rng.pick([
    null,
    true,
    0,
    -1,
    1.5,
    '',
    'x'.repeat(10_000),
    [],
    [null],
    {},
    { nested: { deeper: [1, 'two', { three: null }] } },
    Number.MAX_SAFE_INTEGER,
    '12345',
    randomString(rng),
  ])
}

/** Mutates one random spot of a JSON tree: replace with a wrong type, delete, or add a key. */
function mutate(rng: Rng, root: Json): void {
  let node: Json = root
  for (let depth = 0; depth < 6; depth++) {
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const key = rng.pick(keys)
    const child = node[key]
    if (child && typeof child === 'object' && !Array.isArray(child) && rng.chance(0.6)) {
      node = child as Json
      continue
    }
    switch (rng.int(0, 2)) {
      case 0:
        node[key] = wrongValue(rng)
        return
      case 1:
        delete node[key]
        return
      default:
        node[`unknown_${rng.int(0, 99)}`] = wrongValue(rng)
        return
    }
  }
  node['unknown_field'] = wrongValue(rng)
}

let nextUpdateId = 1_000_000_000

/** A schema-generated update of any kind (from anyone), mutated a few times half of the time. */
function generatedUpdate(rng: Rng): Json {
  const kind = rng.pick(UPDATE_KINDS)
  const field = botApiSchema.types['Update']!.fields!.find((f) => f.name === kind)!
  const update: Json = {
    update_id: nextUpdateId++,
    [kind]: generate(rng, rng.pick(field.types), 0),
  }
  if (rng.chance(0.5)) for (let i = rng.int(1, 3); i > 0; i--) mutate(rng, update)
  return update
}

/** Input a real person can send, from one of the known people. */
function personUpdate(rng: Rng): { update: Json; chatId: number } {
  const from = rng.pick(KNOWN)
  const options = { updateId: nextUpdateId++ }
  const sent = { messageId: rng.int(1, 5000), text: 'pertanyaan lama' }
  let update: Json
  switch (rng.int(0, 9)) {
    case 0:
      update = stickerUpdate(from, options)
      break
    case 1:
      update = voiceUpdate(from, options)
      break
    case 2:
      update = editedUpdate(from, randomString(rng), options)
      break
    case 3:
      update = locationUpdate(from, rng.next() * 180 - 90, rng.next() * 360 - 180, options)
      break
    case 4: // buttons of flows that no longer exist, of a future version, or not ours
      update = callbackUpdate(
        from,
        rng.pick(['v1|no-such-choice', 'v2|from-the-future', 'v9|x|y|z', 'garbage', 'v1|']),
        sent,
        options
      )
      break
    case 5: {
      // A message of a kind the schema knows (poll, dice, venue...) from the known chat.
      const message = generate(rng, 'Message', 1) as Json
      for (const key of ['photo', 'contact', 'reply_to_message', 'external_reply'])
        delete message[key]
      message['message_id'] = rng.int(1, 1_000_000)
      message['date'] = 1_764_000_000
      message['chat'] = { id: from.id, type: 'private', first_name: from.first_name }
      message['from'] = { id: from.id, is_bot: false, first_name: from.first_name }
      update = { update_id: options.updateId, message }
      break
    }
    default:
      update = textUpdate(from, randomString(rng), options)
  }
  return { update, chatId: from.id }
}

const BROKEN_JSON = [
  '',
  '{',
  '{"update_id": 1,',
  "{'update_id': 1}",
  '{"update_id": 1, "message": }',
  'null null',
  '\u0000',
  '{"update_id": NaN}',
  '[1, 2',
  '\ufeff{"update_id": 1}x',
  'undefined',
  '{"a":"\\ud800"',
]

const NOT_UPDATES = [
  'null',
  '[]',
  '[{"update_id":1}]',
  '42',
  '"text"',
  'true',
  '{}',
  '{"update_id":"1"}',
  '{"update_id":-1.5}',
  '{"update_id":null,"message":{}}',
  '{"update_id":1,"message":null}',
  '{"update_id":1,"message":[]}',
  '{"update_id":1,"callback_query":{"id":1}}',
]

// ---------------------------------------------------------------- the run

let handle: TestDbHandle
let fake: FakeTelegram
let dataDir: string
beforeAll(async () => {
  handle = await createTestDb()
  fake = await startFakeTelegram()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-fuzz-'))
})
afterAll(async () => {
  await fake?.close()
  await handle?.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('fuzzing POST /webhook/telegram', () => {
  test(`${CASES} random and malformed updates (seed ${SEED})`, { timeout: 900_000 }, async () => {
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      for (const person of KNOWN) {
        const [row] = await handle.db
          .insert(people)
          .values({
            name: `Kader Fuzz ${person.id}`,
            roles: ['kader'],
            regionCode: '35.07.24.2001',
            phone: `+62812${person.id}`,
          })
          .returning({ id: people.id })
        await handle.db.insert(channelIdentities).values({
          personId: row!.id,
          channel: 'telegram',
          externalId: String(person.id),
        })
      }
      await giveConsent(
        handle.db,
        KNOWN.map((p) => String(p.id)),
        'telegram'
      )

      const i18n = await testI18n()
      const wiring: { wake?: () => void } = {}
      const runtime = await createRuntimeForTest(handle.db, {
        i18n,
        onQueued: () => wiring.wake?.(),
      })
      const telegram = createTelegramChannel({
        token: fake.token,
        apiRoot: fake.apiRoot,
        botInfo: fake.botInfo,
        handleInbound: runtime.handleInbound,
        media: createMediaStore(dataDir),
        texts: {
          chosen: (label) => i18n.render({ key: 'common:telegram.chosen', params: { label } }),
        },
        logger: silentLogger,
        photoTimeoutMs: 200,
      })
      const sender = createOutboxSender({
        db: handle.db,
        channels: [telegram.sender],
        logger: silentLogger,
        pacing: { telegram: null },
      })
      wiring.wake = () => sender.wake('telegram')
      sender.start()
      const app = createApp({
        logger: silentLogger,
        databaseKind: handle.kind,
        pingDatabase: async () => {
          await handle.db.execute('select 1')
        },
        telegram: {
          routes: () => telegramWebhookRoutes({ bot: telegram.bot, secretToken: SECRET }),
        },
      })
      const post = (body: string) =>
        app.request('/webhook/telegram', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body,
        })

      const rng = prng(SEED)
      const failures: string[] = []
      const counts = { broken: 0, notUpdate: 0, generated: 0, person: 0, replied: 0, tooLarge: 0 }
      const started = performance.now()
      for (let i = 0; i < CASES && failures.length < 30; i++) {
        const roll = rng.next()
        const where = `case ${i} (FUZZ_SEED=${SEED})`
        if (roll < 0.05) {
          counts.broken++
          const body = rng.pick(BROKEN_JSON)
          const response = await post(body)
          if (response.status !== 400) {
            failures.push(`${where}: broken JSON ${JSON.stringify(body)} → ${response.status}`)
          }
        } else if (roll < 0.1) {
          counts.notUpdate++
          const body = rng.pick(NOT_UPDATES)
          const response = await post(body)
          if (response.status >= 500) failures.push(`${where}: ${body} → ${response.status}`)
        } else if (roll < 0.75) {
          counts.generated++
          const body = JSON.stringify(generatedUpdate(rng))
          const response = await post(body)
          if (response.status >= 500) {
            failures.push(`${where}: ${body.slice(0, 400)} → ${response.status}`)
          }
        } else {
          counts.person++
          const { update, chatId } = personUpdate(rng)
          const before = fake.messages.length
          const body = JSON.stringify(update)
          const response = await post(body)
          // No real update is that large (texts stop at 4,096 characters): refused unread.
          if (response.status === 413 && Buffer.byteLength(body) > MAX_UPDATE_BYTES) {
            counts.tooLarge++
            continue
          }
          if (response.status !== 200) {
            failures.push(`${where}: ${body.slice(0, 400)} → ${response.status}`)
            continue
          }
          await sender.idle()
          // A press on a button of an earlier question is answered on the button itself (a short
          // note on the callback query), not by a message: that counts as the reply.
          const callbackId = (update['callback_query'] as Json | undefined)?.['id']
          const pressAnswered = () =>
            callbackId !== undefined &&
            fake.calls.some(
              (c) =>
                c.method === 'answerCallbackQuery' &&
                c.params['callback_query_id'] === callbackId &&
                typeof c.params['text'] === 'string' &&
                c.params['text'] !== ''
            )
          const repliesSince = () =>
            pressAnswered()
              ? [{ text: 'answered on the button' }]
              : fake.messages.slice(before).filter((m) => m.chatId === chatId && m.text)
          // A send retried after a hiccup of the loaded machine arrives after its backoff.
          for (let waited = 0; repliesSince().length === 0 && waited < 15_000; waited += 100) {
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
          const replies = repliesSince()
          if (replies.length === 0) {
            // What the fake refused lately, and what is still queued for the chat.
            const refused = fake.calls
              .filter((c) => c.status !== 200)
              .slice(-3)
              .map((c) => `${c.method} ${c.status} ${JSON.stringify(c.params).slice(0, 200)}`)
            const queued = await handle.db.execute(
              sql`select status, attempts, last_error from outbox
                  where recipient_id = ${String(chatId)} and status <> 'sent'`
            )
            failures.push(
              `${where}: no reply to ${body.slice(0, 400)}; refused: ${refused.join(' | ')}; ` +
                `unsent: ${JSON.stringify(queued).slice(0, 600)}`
            )
          } else counts.replied++
        }
      }
      await sender.idle()
      const seconds = (performance.now() - started) / 1000
      const health = await app.request('/healthz')
      await sender.stop()
      console.info(
        `fuzz: ${CASES} cases in ${seconds.toFixed(1)} s (${(CASES / seconds).toFixed(0)}/s) on ` +
          `${handle.kind}, seed ${SEED}: ${JSON.stringify(counts)}`
      )

      expect(failures).toEqual([])
      expect(health.status).toBe(200)
      expect(rejections).toEqual([])
      expect(counts.replied).toBe(counts.person - counts.tooLarge)
    } finally {
      process.off('unhandledRejection', onRejection)
    }
  })
})
