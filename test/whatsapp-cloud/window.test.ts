/**
 * The 24-hour customer-service window, status callbacks and throttling of the Cloud API channel,
 * through the outbox on a real database and the strict fake Graph API (which refuses free-form
 * messages outside the window with 131047, as Meta does): with the clock moved past 24 hours,
 * reminders and broadcasts go as their templates and a reply is not attempted; status callbacks
 * move the outbox row forward only; 131056 and 130429 are retried at the pace they ask for.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { noteCloudInbound } from '../../src/db/queries/whatsapp-cloud.js'
import { channelIdentities, outbox, people } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import { giveConsent } from '../harness/runtime.js'
import { until } from '../harness/whatsapp.js'
import { cloudPayload, cloudStatus, cloudText, postWebhook } from '../harness/whatsapp-cloud.js'
import {
  type CloudTestBot,
  NOW,
  SITI,
  SITI_PHONE,
  buildCloudBot,
  seen,
} from '../harness/whatsapp-cloud-bot.js'

const HOUR = 3600_000
const ANI = '6285712345678'

let handle: TestDbHandle
let dataDir: string
let bot: CloudTestBot | undefined
beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wac-window-'))
})
afterEach(async () => {
  await bot?.sender.stop()
  await bot?.graph.close()
  bot = undefined
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function enqueue(recipientId: string, priority: number, text: string): Promise<number> {
  const [id] = await enqueueMessages(handle.db, [
    { channel: 'whatsapp', recipientId, priority, message: { text } },
  ])
  return id!
}

async function rowOf(id: number) {
  const [row] = await handle.db.select().from(outbox).where(eq(outbox.id, id))
  return row!
}

describe('the 24-hour window', () => {
  test('after 24 hours reminders and broadcasts go as templates; a reply is not attempted', async () => {
    let now = NOW
    await giveConsent(handle.db, [SITI], 'whatsapp')
    bot = await buildCloudBot(handle, dataDir, { now: () => now })
    await bot.say(SITI, 'menu')

    // Within the window a reminder is an ordinary message.
    now = new Date(NOW.getTime() + HOUR)
    const inside = await enqueue(SITI, PRIORITY.reminder, 'Posyandu besok pukul 08.00.')
    await bot.sender.drain('whatsapp')
    expect(seen(bot.graph.sent.at(-1)!.body)).toMatchObject({
      type: 'text',
      text: 'Posyandu besok pukul 08.00.',
    })
    expect((await rowOf(inside)).status).toBe('sent')

    // 25 hours later: templates, the text as one line.
    now = new Date(NOW.getTime() + 25 * HOUR)
    const reminder = await enqueue(SITI, PRIORITY.reminder, 'Posyandu besok\n\npukul 08.00.')
    const broadcast = await enqueue(SITI, PRIORITY.bulk, 'Pengumuman: imunisasi gratis.')
    const reply = await enqueue(SITI, PRIORITY.live, 'Balasan yang terlambat.')
    const before = bot.graph.sent.length
    await bot.sender.drain('whatsapp')
    const sent = bot.graph.sent.slice(before)
    expect(sent.map((s) => seen(s.body))).toMatchObject([
      { type: 'template:kaderbot_pengingat', text: 'Posyandu besok · pukul 08.00.' },
      { type: 'template:kaderbot_pengumuman', text: 'Pengumuman: imunisasi gratis.' },
    ])
    expect(sent[0]!.body.template).toMatchObject({ language: { code: 'id' } })
    expect(await rowOf(reminder)).toMatchObject({ status: 'sent' })
    expect(await rowOf(broadcast)).toMatchObject({ status: 'sent' })
    // The reply is failed at once, with the reason, and never offered to Meta.
    expect(await rowOf(reply)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/^outside_24h_window: no template for a reply/),
    })
    expect(bot.graph.refused).toEqual([])

    // She writes again: the window is open and messages are free-form again.
    await bot.say(SITI, 'menu')
    await enqueue(SITI, PRIORITY.reminder, 'Jangan lupa timbang balita.')
    await bot.sender.drain('whatsapp')
    expect(seen(bot.graph.sent.at(-1)!.body).type).toBe('text')
  })

  test('a message kind without a template fails with a reason and is not retried', async () => {
    let now = NOW
    await giveConsent(handle.db, [SITI], 'whatsapp')
    bot = await buildCloudBot(handle, dataDir, {
      now: () => now,
      templates: { reminder: { name: 'kaderbot_pengingat', language: 'id', parameters: ['text'] } },
    })
    await bot.say(SITI, 'menu')
    now = new Date(NOW.getTime() + 24 * HOUR + 1)
    const id = await enqueue(SITI, PRIORITY.bulk, 'Pengumuman.')
    await bot.sender.drain('whatsapp')
    expect(await rowOf(id)).toMatchObject({
      status: 'failed',
      lastError: 'outside_24h_window: no template for broadcast, not sent',
    })
    // A person who never wrote gave no opt-in: not even a template goes to them.
    const sentBefore = bot.graph.sent.length
    const never = await enqueue(ANI, PRIORITY.reminder, 'Pengingat.')
    await bot.sender.drain('whatsapp')
    expect(bot.graph.sent.length).toBe(sentBefore)
    expect(await rowOf(never)).toMatchObject({
      status: 'failed',
      lastError: 'skipped: this number never wrote to the bot',
    })
  })

  test('a 131047 from Meta (its own window) fails the row without retries', async () => {
    await giveConsent(handle.db, [SITI], 'whatsapp')
    bot = await buildCloudBot(handle, dataDir)
    await bot.say(SITI, 'menu')
    bot.graph.failNext(131047)
    const id = await enqueue(SITI, PRIORITY.reminder, 'Pengingat.')
    await bot.sender.drain('whatsapp')
    expect(await rowOf(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/^outside_24h_window 131047/),
    })
  })
})

describe('status callbacks', () => {
  test('delivered and read move the row forward, never back; failed records the code', async () => {
    await handle.db
      .insert(people)
      .values({ name: 'Bu Siti', roles: ['kader'], regionCode: '35.07.24.2001', phone: SITI_PHONE })
    bot = await buildCloudBot(handle, dataDir)
    await bot.say(SITI, 'halo')
    await bot.tap(SITI, /^Ya/)
    const first = await enqueue(SITI, PRIORITY.reminder, 'Satu.')
    const second = await enqueue(SITI, PRIORITY.reminder, 'Dua.')
    await bot.sender.drain('whatsapp')
    const wamid = (await rowOf(first)).platformMessageId!
    const other = (await rowOf(second)).platformMessageId!
    expect(wamid).toMatch(/^wamid\./)
    const post = async (...statuses: ReturnType<typeof cloudStatus>[]) => {
      const response = await postWebhook(bot!.app, cloudPayload({ statuses }))
      expect(response.status).toBe(200)
    }
    await post(cloudStatus(wamid, 'sent', SITI), cloudStatus(wamid, 'delivered', SITI))
    expect((await rowOf(first)).status).toBe('delivered')
    await post(cloudStatus(wamid, 'read', SITI))
    expect((await rowOf(first)).status).toBe('read')
    await post(cloudStatus(wamid, 'delivered', SITI))
    expect((await rowOf(first)).status).toBe('read')
    await post(
      cloudStatus(other, 'failed', SITI, { code: 131026, title: 'Message undeliverable' }),
      cloudStatus('wamid.unknown', 'delivered', SITI)
    )
    expect(await rowOf(second)).toMatchObject({
      status: 'failed',
      lastError: 'status failed 131026: Message undeliverable',
    })
    // Undeliverable: her chat is marked unreachable (cleared when she writes again).
    const [identity] = await handle.db
      .select()
      .from(channelIdentities)
      .where(eq(channelIdentities.externalId, SITI))
    expect(identity!.unreachableAt).toBeInstanceOf(Date)
    // An unsigned status changes nothing.
    const forged = await postWebhook(
      bot.app,
      cloudPayload({ statuses: [cloudStatus(wamid, 'failed', SITI, { code: 1, title: 'x' })] }),
      { secret: 'forged' }
    )
    expect(forged.status).toBe(401)
    expect((await rowOf(first)).status).toBe('read')
  })
})

describe('throttling', () => {
  test('131056 (pair rate) is retried after the pair wait, without using up attempts', async () => {
    await giveConsent(handle.db, [SITI], 'whatsapp')
    const pairMs = 400
    bot = await buildCloudBot(handle, dataDir, {
      now: () => new Date(),
      graph: { pairRate: { count: 1, windowMs: pairMs } },
      pacing: { pacing: {}, throttleWaits: { throughputMs: 100, pairRateMs: pairMs } },
      pollIntervalMs: 50,
    })
    // The person writes (the bot's answer uses the pair slot), then four reminders are queued.
    await postWebhook(bot.app, cloudPayload({ messages: [cloudText(SITI, 'menu')] }), {
      graph: bot.graph,
    })
    const ids: number[] = []
    for (const n of [1, 2, 3, 4]) ids.push(await enqueue(SITI, PRIORITY.reminder, `Pesan ${n}.`))
    bot.sender.start()
    await until(async () => {
      const rows = await Promise.all(ids.map(rowOf))
      return rows.every((row) => row.status === 'sent')
    }, 30_000)
    const toSiti = bot.graph.sent.filter((s) => s.to === SITI)
    const reminders = toSiti.filter((s) => /^Pesan \d\.$/.test(seen(s.body).text))
    expect(reminders.map((s) => seen(s.body).text)).toEqual([
      'Pesan 1.',
      'Pesan 2.',
      'Pesan 3.',
      'Pesan 4.',
    ])
    // Accepted sends to her are at least the pair window apart (the fake refuses closer ones).
    for (let i = 1; i < toSiti.length; i++) {
      expect(toSiti[i]!.at - toSiti[i - 1]!.at).toBeGreaterThanOrEqual(pairMs)
    }
    expect(bot.graph.refused.some((r) => r.code === 131056)).toBe(true)
    for (const id of ids) expect((await rowOf(id)).attempts).toBeLessThanOrEqual(1)
  })

  test('130429 (throughput) holds back the whole number, then everything goes out', async () => {
    const numbers = ['6281100000001', '6281100000002', '6281100000003', '6281100000004']
    await giveConsent(handle.db, numbers, 'whatsapp')
    bot = await buildCloudBot(handle, dataDir, {
      now: () => new Date(),
      graph: { throughput: { count: 2, windowMs: 300 } },
      pacing: { pacing: {}, concurrency: 4, throttleWaits: { throughputMs: 300, pairRateMs: 300 } },
      pollIntervalMs: 50,
    })
    for (const who of numbers) bot.graph.noteInbound(who)
    const ids: number[] = []
    for (const who of numbers) ids.push(await enqueue(who, PRIORITY.bulk, 'Pengumuman.'))
    // They all wrote a moment ago: the window is open on both sides.
    for (const who of numbers) await noteCloudInbound(handle.db, who, new Date())
    bot.sender.start()
    await until(async () => {
      const rows = await Promise.all(ids.map(rowOf))
      return rows.every((row) => row.status === 'sent')
    }, 30_000)
    expect(bot.graph.refused.some((r) => r.code === 130429)).toBe(true)
    const times = bot.graph.sent.map((s) => s.at).sort((a, b) => a - b)
    // Never more than 2 accepted in any 300 ms.
    for (let i = 2; i < times.length; i++) {
      expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(300)
    }
  })
})
