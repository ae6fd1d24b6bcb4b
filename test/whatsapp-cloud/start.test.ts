/**
 * `startKaderbot` with the Cloud API transport: the webhook is mounted at `/webhook/whatsapp`
 * (verification handshake, signed deliveries, unsigned ones refused), a message is answered
 * through the runtime and the outbox to the fake Graph API, and the bot stops cleanly.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { type FakeGraph, startFakeGraph } from '../harness/fake-graph.js'
import { useStartedBot } from '../harness/start.js'
import { until } from '../harness/whatsapp.js'
import { CLOUD_SECRETS, cloudPayload, cloudText, postWebhook } from '../harness/whatsapp-cloud.js'

const SITI = '6281234567890'
const bot = useStartedBot('wa-cloud-start')
let graph: FakeGraph | undefined
afterEach(async () => {
  await bot.stop()
  await graph?.close()
})

describe('startKaderbot with WhatsApp (Cloud API)', () => {
  test('verifies the webhook, answers a signed message, refuses an unsigned one', async () => {
    graph = await startFakeGraph()
    const { url } = await bot.start(
      {
        whatsapp: {
          transport: 'cloud',
          token: graph.token,
          phoneNumberId: graph.phoneNumberId,
          appSecret: CLOUD_SECRETS.appSecret,
          verifyToken: CLOUD_SECRETS.verifyToken,
          apiRoot: graph.apiRoot,
        },
      },
      { whatsappCloud: { sender: { pacing: {} } } }
    )
    const challenge = await fetch(
      `${url}/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=${CLOUD_SECRETS.verifyToken}&hub.challenge=42`
    )
    expect(await challenge.text()).toBe('42')
    const payload = cloudPayload({ messages: [cloudText(SITI, 'halo')] })
    expect((await postWebhook(url, payload, { secret: 'forged' })).status).toBe(401)
    expect((await postWebhook(url, payload, { graph })).status).toBe(200)
    await until(() => graph!.sent.length > 0, 10_000)
    expect(graph.sent[0]!.to).toBe(SITI)
    expect(graph.sent[0]!.body).toMatchObject({ type: 'interactive' })
    await bot.stop()
  })
})
