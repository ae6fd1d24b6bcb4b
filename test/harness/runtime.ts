import type { InboundContent, InboundMessage } from '../../src/domain/messages.js'
import { createSimulatorChannel } from '../../src/channels/simulator/adapter.js'
import {
  type InactivitySettings,
  type Runtime,
  type RuntimeDeps,
  createRuntime,
} from '../../src/conversation/runtime.js'
import type { TextRenderer } from '../../src/messaging/render.js'
import type { Db } from '../../src/db/client.js'
import { deliverToSimulator } from '../../src/db/queries/simulator.js'
import type { FlowRegistry } from '../../src/engine/index.js'
import { type ChatEffect, flowRegistry } from '../../src/conversation/registry.js'
import { createLogger } from '../../src/lib/logger.js'
import { type OutboxSender, createOutboxSender } from '../../src/outbox/sender.js'
import { recordConsent } from '../../src/db/queries/consent.js'
import { NOTICE_VERSION } from '../../src/domain/consent.js'
import { testI18n } from './i18n.js'
import { testRegionDirectory } from './transcript.js'

export const silentLogger = createLogger({ level: 'silent' })

export type TestRuntimeOptions = {
  registry?: FlowRegistry<ChatEffect>
  i18n?: TextRenderer
  inactivity?: InactivitySettings
  helpLine?: string
  /** The database holds the demo data: the demo flow (Kenalan) is offered on every channel. */
  demoData?: boolean
}

/**
 * The real runtime as `kaderbot.ts` wires it, on a test database: the test texts, every flow, WIB,
 * a silent logger, the test region directory and no help line, unless given.
 */
export async function createRuntimeForTest(
  db: Db,
  options: TestRuntimeOptions & Pick<RuntimeDeps, 'onQueued' | 'adminBaseUrl'> = {}
): Promise<Runtime> {
  return createRuntime({
    db,
    i18n: options.i18n ?? (await testI18n()),
    registry: options.registry ?? flowRegistry,
    timeZone: 'Asia/Jakarta',
    logger: silentLogger,
    inactivity: options.inactivity,
    onQueued: options.onQueued,
    adminBaseUrl: options.adminBaseUrl,
    demoData: options.demoData,
    directory: await testRegionDirectory(),
    helpLine: options.helpLine ?? '',
  })
}

/** The real runtime and a simulator sender on a test database, with no timers running. */
export async function createTestRuntime(
  db: Db,
  options: TestRuntimeOptions = {}
): Promise<{ runtime: Runtime; sender: OutboxSender }> {
  const sender = createOutboxSender({
    db,
    logger: silentLogger,
    channels: [
      createSimulatorChannel({
        deliver: (recipientId, message) => deliverToSimulator(db, { recipientId, message }),
      }),
    ],
  })
  const runtime = await createRuntimeForTest(db, {
    ...options,
    onQueued: (channel) => sender.wake(channel),
  })
  return { runtime, sender }
}

let counter = 0

/** A simulator message from `from`, with a fresh external id unless one is given. */
export function simulatorMessage(
  from: string,
  content: InboundContent | string,
  externalId = `m-${++counter}`
): InboundMessage {
  return {
    channel: 'simulator',
    externalId,
    senderId: from,
    receivedAt: new Date('2025-11-24T01:00:00Z'),
    content: typeof content === 'string' ? { type: 'text', text: content } : content,
  }
}

/** Records that these chats already accepted the current privacy notice (skips the gate). */
export async function giveConsent(
  db: Db,
  senders: string[],
  channel: InboundMessage['channel'] = 'simulator'
): Promise<void> {
  for (const senderId of senders) {
    await recordConsent(db, {
      channel,
      senderId,
      noticeVersion: NOTICE_VERSION,
      given: true,
      at: new Date('2025-11-24T00:00:00Z'),
    })
  }
}
