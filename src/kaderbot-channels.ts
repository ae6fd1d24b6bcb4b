/**
 * The channels the configuration enables (simulator, Telegram, WhatsApp by Baileys or by the
 * Cloud API), each handing its inbound messages to `handleInbound`, and the outbox leases that
 * keep one sender per channel across replicas (docs/design.md P6).
 * @module
 */
import { createSimulatorChannel } from './channels/simulator/adapter.js'
import type { TelegramChannel } from './channels/telegram/bot.js'
import type { ReadDocument } from './channels/documents.js'
import type { ChannelSender } from './channels/types.js'
import type { WhatsAppChannelDeps } from './channels/whatsapp/channel.js'
import type { CloudChannel } from './channels/whatsapp-cloud/channel.js'
import type { Config } from './config.js'
import type { MediaStore } from './conversation/media-store.js'
import type { TextRenderer } from './messaging/render.js'
import type { Runtime } from './conversation/runtime.js'
import type { DbHandle } from './db/client.js'
import { deliverToSimulator } from './db/queries/simulator.js'
import type { WhatsAppCloudSetup } from './kaderbot-whatsapp-cloud.js'
import type { WhatsAppRuntime } from './kaderbot-whatsapp.js'
import type { Logger } from './lib/logger.js'
import { type LeaseFactory, advisoryLeases, soleLease } from './outbox/lease.js'

export type BotChannels = {
  senders: ChannelSender[]
  telegram?: TelegramChannel
  whatsapp?: WhatsAppRuntime
  whatsappCloud?: CloudChannel
  leases: LeaseFactory
}

export type CreateChannelsParams = {
  config: Config
  handle: DbHandle
  i18n: TextRenderer
  media: MediaStore
  /** Reads the documents messages carry (a certificate's PDF, drawn when it goes out). */
  readDocument?: ReadDocument
  /** Real channels' inbound, through the per-chat gate. */
  handleInbound: Runtime['handleInbound']
  logger: Logger
  /** Wakes the outbox sender (WhatsApp, once its socket is open). */
  wake: () => void
  overrides: {
    whatsapp?: Pick<WhatsAppChannelDeps, 'socketFactory' | 'resolveVersion' | 'pacing'>
    whatsappCloud?: WhatsAppCloudSetup['overrides']
  }
}

export async function createChannels(params: CreateChannelsParams): Promise<BotChannels> {
  const { config, handle, i18n, media, handleInbound, logger } = params
  const senders: ChannelSender[] = []
  if (config.simulatorEnabled) {
    senders.push(
      createSimulatorChannel({
        deliver: (recipientId, message) => deliverToSimulator(handle.db, { recipientId, message }),
      })
    )
  }
  let telegram: TelegramChannel | undefined
  if (config.telegram) {
    // grammY loads only when Telegram is configured (a restart without it skips its load time).
    const { createTelegramChannel } = await import('./channels/telegram/bot.js')
    telegram = createTelegramChannel({
      token: config.telegram.botToken,
      apiRoot: config.telegram.apiRoot,
      handleInbound,
      media: { ...media, ...(params.readDocument ? { readDocument: params.readDocument } : {}) },
      texts: {
        chosen: (label) => i18n.render({ key: 'common:telegram.chosen', params: { label } }),
        shareContact: i18n.render({ key: 'common:telegram.shareContact' }),
        answered: i18n.render({ key: 'common:telegram.answered' }),
      },
      logger,
    })
    senders.push(telegram.sender)
  }
  let whatsapp: WhatsAppRuntime | undefined
  if (config.whatsapp?.transport === 'baileys') {
    const { setupWhatsApp } = await import('./kaderbot-whatsapp.js')
    whatsapp = setupWhatsApp({
      db: handle.db,
      databaseUrl: config.databaseUrl,
      pairingPhone: config.whatsapp.pairingPhone,
      timeZone: config.timeZone,
      handleInbound,
      media,
      readDocument: params.readDocument,
      i18n,
      logger,
      wake: params.wake,
      overrides: params.overrides.whatsapp,
    })
    senders.push(whatsapp.channel.sender)
  }
  let whatsappCloud: CloudChannel | undefined
  if (config.whatsapp?.transport === 'cloud') {
    const { setupWhatsAppCloud } = await import('./kaderbot-whatsapp-cloud.js')
    whatsappCloud = setupWhatsAppCloud({
      db: handle.db,
      config: config.whatsapp,
      handleInbound,
      media,
      readDocument: params.readDocument,
      i18n,
      logger,
      overrides: params.overrides.whatsappCloud,
    })
    senders.push(whatsappCloud.sender)
  }
  // WhatsApp rows go out only on the replica that holds the socket's lock: its lease follows it.
  const channelLeases: LeaseFactory =
    handle.kind === 'postgres' && config.databaseUrl
      ? advisoryLeases({ databaseUrl: config.databaseUrl, logger })
      : soleLease
  const wa = whatsapp
  const leases: LeaseFactory = (channel) =>
    channel === 'whatsapp' && wa
      ? { held: wa.channel.holdsLock, start: wa.channel.onLockChange, stop: async () => undefined }
      : channelLeases(channel)
  return { senders, telegram, whatsapp, whatsappCloud, leases }
}
