/**
 * Typed answers to an unprompted message's options (a registration request's "Tinjau") through
 * the runtime on a real database, on a channel without the WhatsApp numbered-reply reader: "1",
 * "tinjau" or a close spelling open the request, as a tap on the button would; a command word
 * that does not name the option stays a command; once the bot has answered something else, "1"
 * is read against that.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { channelIdentities, outbox, people } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { useTestDb } from '../harness/db.js'
import { createRuntimeForTest, giveConsent, simulatorMessage } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z')

const handle = useTestDb()

/** A supervisor in Singosari with a pending cadre registration, and the request sent to them. */
async function setup() {
  const [supervisor] = await handle.db
    .insert(people)
    .values({ name: 'Pak Joko', roles: ['supervisor'], regionCode: '35.07.24', status: 'active' })
    .returning({ id: people.id })
  const [applicant] = await handle.db
    .insert(people)
    .values({
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: '35.07.24.2006',
      status: 'pending',
      cadreTier: 'ppkbd',
    })
    .returning({ id: people.id })
  await handle.db
    .insert(channelIdentities)
    .values({ personId: supervisor!.id, channel: 'simulator', externalId: 'sim-joko' })
  await giveConsent(handle.db, ['sim-joko'])
  await enqueueMessages(handle.db, [
    {
      channel: 'simulator',
      recipientId: 'sim-joko',
      priority: PRIORITY.live,
      message: {
        text: 'Pendaftaran kader baru menunggu persetujuan: …',
        choices: [{ id: `start:approval:${applicant!.id}`, label: 'Tinjau' }],
      },
      personId: supervisor!.id,
    },
  ])
  await handle.db.update(outbox).set({ status: 'sent', sentAt: NOW })
  const runtime = await createRuntimeForTest(handle.db)
  let sent = 0
  /** Says `text` and delivers the replies, a second later each turn, as the sender would. */
  const say = async (text: string) => {
    const result = await runtime.handleInbound(simulatorMessage('sim-joko', text), NOW)
    const sentAt = new Date(NOW.getTime() + ++sent * 1000)
    await handle.db
      .update(outbox)
      .set({ status: 'sent', sentAt })
      .where(eq(outbox.status, 'queued'))
    return result.replies.map((reply) => reply.text)
  }
  return { say }
}

const QUESTION = 'Setujui pendaftaran Siti Rahayu sebagai kader?'

describe('typed answers to an unprompted message with options', () => {
  test.each(['1', 'tinjau', 'Tinjau.', 'tinjaw', 'nomor 1'])(
    '%j opens the request under it',
    async (text) => {
      const { say } = await setup()
      expect(await say(text)).toEqual([QUESTION])
    }
  )

  test('MENU is still the menu', async () => {
    const { say } = await setup()
    expect((await say('menu'))[0]).toMatch(/Menu utama/)
  })

  test('after the bot answered something else, "1" picks from that answer', async () => {
    const { say } = await setup()
    expect((await say('menu'))[0]).toMatch(/Menu utama/)
    expect(await say('1')).toEqual([expect.stringMatching(/^Pendaftaran mana/)])
  })
})
