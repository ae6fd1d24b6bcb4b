/**
 * The flow scenarios both WhatsApp transports run (test/harness/whatsapp-scenarios/), here on
 * Baileys (stand-in socket → channel → runtime → outbox → `sendMessage`), every option picked by
 * its number. The exact numbered rendering is asserted in flows-cadre, flows-people and
 * flows-training; the Cloud API runs the same scenarios in test/whatsapp-cloud/flows-*.test.ts.
 */
import { describe } from 'vitest'
import { CADRE_NOW, CADRE_SCENARIOS } from '../harness/whatsapp-scenarios/cadre.js'
import {
  baileysTransport,
  runScenarios,
  useScenarioTools,
} from '../harness/whatsapp-scenarios/driver.js'
import { PEOPLE_SCENARIOS } from '../harness/whatsapp-scenarios/people.js'
import { TRAINING_SCENARIOS } from '../harness/whatsapp-scenarios/training.js'

const tools = useScenarioTools(baileysTransport, CADRE_NOW)

describe('a cadre’s flows over Baileys', () => runScenarios(CADRE_SCENARIOS, tools))
describe('registration and broadcasts over Baileys', () => runScenarios(PEOPLE_SCENARIOS, tools))
describe('training flows over Baileys', () => runScenarios(TRAINING_SCENARIOS, tools))
