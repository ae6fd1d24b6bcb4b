/**
 * A deployment moves from Baileys to the Cloud API (`npm run whatsapp:move-to-cloud`): a cadre who
 * accepted the notice and started a report on Baileys carries on on the Cloud API without being
 * asked again, and a reminder queued for her Baileys chat reaches her `wa_id`. The move's rules:
 * a person already on the Cloud API is merged, a number linked to someone else is left, a LID
 * without a known phone is left, a stranger's phone JID is moved, and a second run moves nothing.
 * The CLI itself runs as a child process on a PGlite data directory.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { SERVICE_WINDOW_MS } from '../../src/channels/whatsapp-cloud/sender.js'
import { createDb } from '../../src/db/client.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { moveWhatsAppChatsToCloud, waIdOf } from '../../src/db/queries/whatsapp-move.js'
import {
  channelIdentities,
  consents,
  conversations,
  outbox,
  people,
} from '../../src/db/schema/index.js'
import { seedRegions } from '../../src/db/seed-regions.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { emptyChatState } from '../../src/engine/state.js'
import { createFamily } from '../../src/db/queries/visits.js'
import { type TestDbHandle, createTestDb } from '../harness/db.js'
import {
  type CloudTestBot,
  NOW,
  SITI,
  SITI_PHONE,
  buildCloudBot,
} from '../harness/whatsapp-cloud-bot.js'
import { type WaPerson, type WhatsAppBot, createWhatsAppBot } from '../harness/whatsapp.js'

const SITI_ON_BAILEYS: WaPerson = { phone: SITI_PHONE, lid: '111222333444555' }
const SITI_LID_CHAT = '111222333444555@lid'
const MOVE = { now: NOW, windowMs: SERVICE_WINDOW_MS }

let handle: TestDbHandle
let dataDir: string
let baileys: WhatsAppBot | undefined
let cloud: CloudTestBot | undefined
beforeEach(async () => {
  handle = await createTestDb()
  dataDir = await mkdtemp(join(tmpdir(), 'kaderbot-wa-move-'))
})
afterEach(async () => {
  await baileys?.stop()
  baileys = undefined
  await cloud?.sender.stop()
  await cloud?.graph.close()
  cloud = undefined
  await handle.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function addPerson(name: string, phone: string | null) {
  const [row] = await handle.db
    .insert(people)
    .values({ name, roles: ['kader'], regionCode: '35.07.24.2001', phone })
    .returning({ id: people.id })
  return row!.id
}

describe('moving from Baileys to the Cloud API', () => {
  test('a cadre keeps her consent, her draft and a queued reminder', async () => {
    const siti = await addPerson('Siti Rahayu', SITI_PHONE)
    await createFamily(handle.db, {
      headName: 'Sutrisno',
      desaCode: '35.07.24.2001',
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: siti,
      consentedAt: NOW,
    })
    baileys = await createWhatsAppBot(handle.db, { now: () => NOW })
    await baileys.say(SITI_ON_BAILEYS, 'halo')
    await baileys.say(SITI_ON_BAILEYS, '1')
    const [question] = await baileys.say(SITI_ON_BAILEYS, 'lapor')
    expect(question).toMatch(/keluarga/i)
    await baileys.stop()
    baileys = undefined
    // A reminder queued while the bot was down, for her Baileys chat.
    await enqueueMessages(handle.db, [
      {
        channel: 'whatsapp',
        recipientId: SITI_LID_CHAT,
        priority: PRIORITY.reminder,
        message: { text: 'Jangan lupa laporan kunjungan minggu ini.' },
        personId: siti,
      },
    ])

    const report = await moveWhatsAppChatsToCloud(handle.db, MOVE)
    expect(report).toEqual({
      identities: 1,
      merged: 0,
      conflicts: 0,
      unmapped: 0,
      conversations: 1,
      conversationsKept: 0,
      consents: 1,
      queued: 1,
      contacts: 1,
    })
    expect(
      await handle.db
        .select({ externalId: channelIdentities.externalId, personId: channelIdentities.personId })
        .from(channelIdentities)
    ).toEqual([{ externalId: SITI, personId: siti }])

    cloud = await buildCloudBot(handle, dataDir)
    // The reminder goes to her wa_id, as the template (she has not written on the Cloud API yet).
    const [reminder] = await cloud.flush()
    expect(reminder).toMatchObject({ to: SITI, body: { type: 'template' } })
    // She answers the question Baileys asked: no privacy notice, the report goes on.
    const [found] = await cloud.say(SITI, 'sutrisna')
    expect(found).not.toMatch(/Selamat datang/)
    expect(found).toMatch(/^Pilih keluarganya\./)
    expect([...cloud.inbox(SITI).at(-1)!.options.keys()]).toContain('Sutrisno (Krajan RT 02 RW 03)')
  })

  test('merges, conflicts, LIDs without a phone, strangers, and a second run', async () => {
    const ani = await addPerson('Ani', '+6281200000011')
    const budi = await addPerson('Budi', '+6281200000012')
    const dewi = await addPerson('Dewi', null)
    await handle.db.insert(channelIdentities).values([
      // Ani wrote on Baileys and, after the switch, on the Cloud API already.
      {
        personId: ani,
        channel: 'whatsapp',
        externalId: '900000000000011@lid',
        phone: '+6281200000011',
      },
      { personId: ani, channel: 'whatsapp', externalId: '6281200000011' },
      // Budi's Baileys chat carries a number that is Ani's on the Cloud API.
      {
        personId: budi,
        channel: 'whatsapp',
        externalId: '6281200000012@s.whatsapp.net',
        phone: '+6281200000011',
      },
      // Dewi wrote from a LID and WhatsApp never told her number.
      { personId: dewi, channel: 'whatsapp', externalId: '900000000000013@lid' },
    ])
    const session = emptyChatState()
    await handle.db.insert(conversations).values([
      { channel: 'whatsapp', senderId: '900000000000011@lid', session },
      { channel: 'whatsapp', senderId: '6281200000011', session },
      // Someone unknown who was in the middle of registering on Baileys.
      { channel: 'whatsapp', senderId: '6281299990000:3@s.whatsapp.net', session },
    ])
    await handle.db.insert(consents).values({
      channel: 'whatsapp',
      senderId: '6281299990000:3@s.whatsapp.net',
      noticeVersion: '1',
      given: true,
      at: NOW,
    })

    expect(await moveWhatsAppChatsToCloud(handle.db, MOVE)).toEqual({
      identities: 0,
      merged: 1,
      conflicts: 1,
      unmapped: 1,
      conversations: 1,
      conversationsKept: 1,
      consents: 1,
      queued: 0,
      contacts: 0,
    })
    const identities = await handle.db
      .select({ personId: channelIdentities.personId, externalId: channelIdentities.externalId })
      .from(channelIdentities)
      .orderBy(channelIdentities.id)
    expect(identities).toEqual([
      { personId: ani, externalId: '6281200000011' },
      { personId: budi, externalId: '6281200000012@s.whatsapp.net' },
      { personId: dewi, externalId: '900000000000013@lid' },
    ])
    const stranger = await handle.db
      .select()
      .from(consents)
      .where(and(eq(consents.channel, 'whatsapp'), eq(consents.senderId, '6281299990000')))
    expect(stranger).toHaveLength(1)

    // Nothing is left that a second run could move (the conflict and the LID stay reported).
    expect(await moveWhatsAppChatsToCloud(handle.db, MOVE)).toMatchObject({
      identities: 0,
      merged: 0,
      conversations: 0,
      consents: 0,
      queued: 0,
    })
    expect(await handle.db.select().from(outbox)).toEqual([])
  })

  test('the wa_id of a chat: the stored phone first, else the number in a phone JID', () => {
    expect(waIdOf({ externalId: '1234@lid', phone: '+6281234567890' })).toBe('6281234567890')
    expect(waIdOf({ externalId: '6281234567890:7@s.whatsapp.net', phone: null })).toBe(
      '6281234567890'
    )
    expect(waIdOf({ externalId: '1234@lid', phone: null })).toBeUndefined()
    expect(waIdOf({ externalId: '1203630@g.us', phone: null })).toBeUndefined()
  })
})

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `npm run whatsapp:move-to-cloud` as a child process with `env` (no DATABASE_URL). */
function runCli(env: Record<string, string>) {
  const base = { ...process.env }
  delete base.DATABASE_URL
  delete base.TEST_DATABASE_URL
  delete base.WHATSAPP_ENABLED
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/whatsapp-move-cli.ts'],
      { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0
        if (typeof code !== 'number') return reject(error ?? new Error('no exit code'))
        resolve({ code, stdout, stderr })
      }
    )
  })
}

describe('npm run whatsapp:move-to-cloud', () => {
  test('moves a chat in a PGlite data directory and prints the counts; refuses while on Baileys', async () => {
    const db = await createDb({ dataDir })
    await seedRegions(db.db)
    const [row] = await db.db
      .insert(people)
      .values({ name: 'Siti', roles: ['kader'], regionCode: '35.07.24.2001', phone: SITI_PHONE })
      .returning({ id: people.id })
    await db.db.insert(channelIdentities).values({
      personId: row!.id,
      channel: 'whatsapp',
      externalId: SITI_LID_CHAT,
      phone: SITI_PHONE,
    })
    await db.close()

    const refused = await runCli({ DATA_DIR: dataDir, WHATSAPP_ENABLED: 'true' })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('Ditolak: konfigurasi masih memakai Baileys')

    const moved = await runCli({ DATA_DIR: dataDir })
    expect(moved.stderr).toBe('')
    expect(moved.code).toBe(0)
    expect(moved.stdout).toContain('1 identitas dipindah ke nomor WhatsApp-nya')
    expect(moved.stdout).not.toContain(SITI)

    const after = await createDb({ dataDir })
    try {
      expect(
        await after.db.select({ externalId: channelIdentities.externalId }).from(channelIdentities)
      ).toEqual([{ externalId: SITI }])
    } finally {
      await after.close()
    }
  })
})
