/**
 * The training flows over the WhatsApp Cloud API (signed webhook → channel → runtime → outbox →
 * the strict fake Graph API): the scenarios the Baileys transport runs too (izin, ABSEN, SURVEI),
 * options tapped or typed; then the survey invitation's one option as a reply button that starts
 * the survey, and a typed "1" after it.
 */
import { describe, expect, test } from 'vitest'
import { runDueFires } from '../../src/scheduler/fires.js'
import { trainingFireDeps, wib } from '../harness/training-db.js'
import { seen } from '../harness/whatsapp-cloud-bot.js'
import { consent } from '../harness/whatsapp-scenarios/cadre.js'
import {
  runScenarios,
  startCloudDriver,
  useScenarioTools,
} from '../harness/whatsapp-scenarios/driver.js'
import {
  NUR,
  TRAINING_SCENARIOS,
  inviteToSurvey,
  seedCohort,
} from '../harness/whatsapp-scenarios/training.js'

const tools = useScenarioTools(startCloudDriver, wib('2026-11-30T19:00'))

describe('training flows over the Cloud API', () => runScenarios(TRAINING_SCENARIOS, tools))

describe('the survey invitation on the Cloud API', () => {
  test('"Isi survei" is a reply button that starts the survey; a typed "1" does too', async () => {
    const t = tools()
    const { nur, enrolmentId } = await seedCohort(t.db)
    t.clock.now = wib('2027-01-05T19:00')
    const d = await t.start()
    await consent(d, NUR)
    const { due } = await inviteToSurvey(t.db, { personId: nur, enrolmentId })
    t.clock.now = due
    await runDueFires(await trainingFireDeps(t.db), due)
    await d.flush()
    const invitation = seen(d.cloud.graph.sent.at(-1)!.body)
    expect(invitation.type).toBe('interactive:button')
    expect([...invitation.options]).toEqual([['Isi survei', 'start:follow-up']])
    expect((await d.say(NUR, '1'))[0]).toMatch(/^Survei singkat \d+ bulan/)
    expect(d.options(NUR)).toEqual(['Ya', 'Tidak'])
  })
})
