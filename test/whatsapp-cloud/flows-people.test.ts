/**
 * Registration, approval and broadcasts over the WhatsApp Cloud API (signed webhook → channel →
 * runtime → outbox → the strict fake Graph API): the scenarios the Baileys transport runs too,
 * options tapped or typed by number where they fell back to a numbered list (33 kecamatan); then
 * what only the Cloud API has: the request's "Tinjau" as a reply button carrying the request, a
 * typed "1" after it, and /siaran to a cadre whose 24-hour window closed going as the template.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { linkIdentity } from '../../src/db/queries/identities.js'
import { people } from '../../src/db/schema/index.js'
import { seen } from '../harness/whatsapp-cloud-bot.js'
import { consent } from '../harness/whatsapp-scenarios/cadre.js'
import {
  runScenarios,
  startCloudDriver,
  useScenarioTools,
} from '../harness/whatsapp-scenarios/driver.js'
import {
  ANI,
  APPLICANT,
  JOKO,
  PEOPLE_NOW,
  PEOPLE_SCENARIOS,
  RINA,
  composeBroadcast,
  register,
  seedBroadcastPeople,
  sendBroadcasts,
  startWithJoko,
} from '../harness/whatsapp-scenarios/people.js'

const tools = useScenarioTools(startCloudDriver, PEOPLE_NOW)

describe('registration and broadcasts over the Cloud API', () =>
  runScenarios(PEOPLE_SCENARIOS, tools))

describe('what only the Cloud API has', () => {
  test('the request’s "Tinjau" is a reply button carrying it; a typed "1" opens it too', async () => {
    const t = tools()
    const { d } = await startWithJoko(t)
    const applicantId = await register(t, d)
    const request = d.cloud.graph.sent.filter((s) => s.to === d.chatOf(JOKO)).at(-1)!
    const view = seen(request.body)
    expect(view.type).toBe('interactive:button')
    expect([...view.options]).toEqual([['Tinjau', `start:approval:${applicantId}`]])
    expect((await d.say(JOKO, '1'))[0]).toMatch(/^Setujui pendaftaran Siti Rahayu sebagai kader\?/)
    await d.choose(JOKO, 'Setujui')
    const [approved] = await t.db.select().from(people).where(eq(people.id, applicantId))
    expect(approved!.status).toBe('active')
  })

  test('/siaran to a cadre who last wrote two days ago goes as the broadcast template', async () => {
    const t = tools()
    const { aniId } = await seedBroadcastPeople(t.db)
    t.clock.now = new Date(PEOPLE_NOW.getTime() - 48 * 3600_000)
    const d = await t.start()
    await linkIdentity(t.db, { personId: aniId, channel: 'whatsapp', externalId: d.chatOf(ANI) })
    await consent(d, APPLICANT)
    t.clock.now = PEOPLE_NOW
    await consent(d, RINA)
    await composeBroadcast(t, d)
    await sendBroadcasts(t, d)
    const sent = d.cloud.graph.sent.filter((s) => s.to === d.chatOf(APPLICANT)).at(-1)!
    expect(sent.body).toMatchObject({
      type: 'template',
      template: {
        name: 'kaderbot_pengumuman',
        language: { code: 'id' },
        components: [
          {
            type: 'body',
            parameters: [
              {
                type: 'text',
                text: 'Halo Siti, *\u200brapat*\u200b kader besok. · (Balas BERHENTI bila tidak ingin menerima pengumuman lagi.)',
              },
            ],
          },
        ],
      },
    })
    expect(d.cloud.graph.refused).toEqual([])
  })
})
