/**
 * A cadre's flows over the WhatsApp Cloud API (signed webhook → channel → runtime → outbox → the
 * strict fake Graph API): the scenarios the Baileys transport runs too (riwayat, rujukan typed and
 * from the reminder, MASUK), options tapped as reply buttons and list rows or typed by number
 * where they fell back to a numbered list; then what only the Cloud API has: the reminder's one
 * option as a reply button carrying the choice id, a typed "1" or label after it, and outside the
 * 24-hour window the reminder template, with a quick-reply button when one is approved.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { TemplateTable } from '../../src/channels/whatsapp-cloud/templates.js'
import { sendReferralFollowUp } from '../../src/conversation/referral-follow-up.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { referrals } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import {
  CADRE_NOW,
  CADRE_SCENARIOS,
  SITI,
  consent,
  seedCadre,
  seedReferral,
} from '../harness/whatsapp-scenarios/cadre.js'
import {
  type CloudFlowDriver,
  type ScenarioTools,
  type CloudStartOptions,
  runScenarios,
  startCloudDriver,
  useScenarioTools,
} from '../harness/whatsapp-scenarios/driver.js'
import { cloudQuickReply } from '../harness/whatsapp-cloud.js'

const tools = useScenarioTools(startCloudDriver, CADRE_NOW)

describe('a cadre’s flows over the Cloud API', () => runScenarios(CADRE_SCENARIOS, tools))

const TEXT_ONLY = { name: 'kaderbot_pengingat', language: 'id', parameters: ['text' as const] }
const WITH_BUTTON: TemplateTable = {
  reminder: [TEXT_ONLY, { ...TEXT_ONLY, name: 'kaderbot_pengingat_tombol', quickReplies: 1 }],
}
const GRAPH_TEMPLATES = {
  'kaderbot_pengingat:id': 1,
  'kaderbot_pengingat_tombol:id': { body: 1, quickReplies: 1 },
}

/**
 * Siti's open referral; she consented at `consentAt`, and the follow-up reminder went out at
 * 1 December 2025 08.01 WIB. Resolves with the driver, the referral and the reminder as sent.
 */
async function remindSiti(
  t: ScenarioTools<CloudFlowDriver, CloudStartOptions>,
  consentAt: Date,
  options: Omit<CloudStartOptions, 'now'> = {}
) {
  const { cadreId, familyId } = await seedCadre(t.db)
  const referralId = await seedReferral(t.db, cadreId, familyId)
  t.clock.now = consentAt
  const d = await t.start(options)
  await consent(d, SITI)
  t.clock.now = new Date('2025-12-01T01:01:00Z')
  expect(await sendReferralFollowUp(t.db, { i18n: d.i18n }, { referralId })).toBe(true)
  await d.flush()
  const reminder = d.cloud.graph.sent.at(-1)!
  t.clock.now = new Date('2025-12-01T03:00:00Z')
  return { d, referralId, reminder }
}

const OUTCOME_QUESTION = /^Bagaimana hasil rujukannya\?/

async function statusOf(t: ScenarioTools, referralId: number) {
  const [row] = await t.db.select().from(referrals).where(eq(referrals.id, referralId))
  return row!.status
}

describe('the referral reminder on the Cloud API', () => {
  const INSIDE = new Date('2025-12-01T00:00:00Z')

  test('its one option is a reply button whose id starts the outcome of that referral', async () => {
    const t = tools()
    const { d, referralId, reminder } = await remindSiti(t, INSIDE)
    expect(reminder.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        action: {
          buttons: [
            {
              type: 'reply',
              reply: { id: `start:referral-outcome:${referralId}`, title: 'Laporkan hasil' },
            },
          ],
        },
      },
    })
    expect((await d.choose(SITI, 'Laporkan hasil'))[0]).toMatch(OUTCOME_QUESTION)
  })

  test('a typed "1" after the button picks it; the menu’s "1" is the engine’s again', async () => {
    const t = tools()
    const { d, referralId } = await remindSiti(t, INSIDE)
    expect((await d.say(SITI, '1'))[0]).toMatch(OUTCOME_QUESTION)
    expect(await d.choose(SITI, 'Pindah')).toEqual(['Terima kasih, hasil rujukan sudah dicatat.'])
    expect(await statusOf(t, referralId)).toBe('pindah')
    await d.say(SITI, 'menu')
    // The menu is a conversation's message: a typed "1" there is the engine's to read.
    expect((await d.say(SITI, '1'))[0]).toMatch(/^Siapa nama kepala keluarga yang dikunjungi\?/)
  })

  test('its label typed picks it too', async () => {
    const { d } = await remindSiti(tools(), INSIDE)
    expect((await d.say(SITI, 'laporkan hasil'))[0]).toMatch(OUTCOME_QUESTION)
  })

  test('a command typed after it is still that command', async () => {
    const { d } = await remindSiti(tools(), INSIDE)
    expect((await d.say(SITI, 'riwayat'))[0]).toMatch(/^Lima laporan terakhir Bapak\/Ibu\./)
  })

  test('outside the 24-hour window it goes as the template, its option typed by number', async () => {
    const t = tools()
    const { d, referralId, reminder } = await remindSiti(t, CADRE_NOW)
    expect(reminder.body).toMatchObject({
      type: 'template',
      template: {
        name: 'kaderbot_pengingat',
        components: [
          {
            type: 'body',
            parameters: [
              {
                type: 'text',
                text: 'Pengingat tindak lanjut rujukan: keluarga Sutrisno dirujuk ke Puskesmas. Bagaimana hasilnya? · 1. Laporkan hasil · Balas dengan angka.',
              },
            ],
          },
        ],
      },
    })
    expect((await d.say(SITI, '1'))[0]).toMatch(OUTCOME_QUESTION)
    await d.choose(SITI, 'Sudah dilayani')
    expect(await statusOf(t, referralId)).toBe('sudah_dilayani')
  })

  test('outside the window, an approved template with a quick-reply button carries the choice', async () => {
    const t = tools()
    const { d, referralId, reminder } = await remindSiti(t, CADRE_NOW, {
      templates: WITH_BUTTON,
      graph: { templates: GRAPH_TEMPLATES },
    })
    const template = reminder.body.template as { name: string; components: unknown[] }
    expect(template.name).toBe('kaderbot_pengingat_tombol')
    const payload = d.cloud.inbox(d.chatOf(SITI)).at(-1)!.options.get('button 0')!
    expect(payload).toContain(String(referralId))
    expect(template.components).toEqual([
      {
        type: 'body',
        parameters: [
          {
            type: 'text',
            text: 'Pengingat tindak lanjut rujukan: keluarga Sutrisno dirujuk ke Puskesmas. Bagaimana hasilnya?',
          },
        ],
      },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload }],
      },
    ])
    expect(d.cloud.graph.refused).toEqual([])
    // Her tap opens the window again and answers with the outcome question.
    const [question] = await d.cloud.receive(
      cloudQuickReply(d.chatOf(SITI), 'Buka', payload, { at: t.clock.now })
    )
    expect(question!.text).toMatch(OUTCOME_QUESTION)
    await d.choose(SITI, 'Tidak ditemukan')
    expect(await statusOf(t, referralId)).toBe('tidak_ditemukan')
  })

  test('a reminder without choices still goes as the text-only template of the same kind', async () => {
    const t = tools()
    await seedCadre(t.db)
    t.clock.now = CADRE_NOW
    const d = await t.start({ templates: WITH_BUTTON, graph: { templates: GRAPH_TEMPLATES } })
    await consent(d, SITI)
    t.clock.now = new Date(CADRE_NOW.getTime() + 48 * 3600_000)
    await enqueueMessages(t.db, [
      {
        channel: 'whatsapp',
        recipientId: d.chatOf(SITI),
        priority: PRIORITY.reminder,
        message: { text: 'Posyandu besok pukul 08.00.' },
      },
    ])
    await d.flush()
    expect(d.cloud.graph.sent.at(-1)!.body.template).toMatchObject({
      name: 'kaderbot_pengingat',
      components: [{ type: 'body' }],
    })
  })
})
