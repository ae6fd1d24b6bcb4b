/**
 * The WhatsApp Cloud API part of the composition root: builds the channel from the
 * configuration (`WHATSAPP_CLOUD_*`). `kaderbot.ts` loads it with a dynamic `import()` only when
 * that transport is configured, like the Baileys part.
 * @module
 */
import { readFile } from 'node:fs/promises'
import type { WhatsAppCloudConfig } from './config.js'
import type { ReadDocument } from './channels/documents.js'
import type { MediaStore } from './conversation/media-store.js'
import type { TextRenderer } from './messaging/render.js'
import type { Db } from './db/client.js'
import { createCloudStore } from './db/queries/whatsapp-cloud.js'
import type { Logger } from './lib/logger.js'
import {
  type CloudChannel,
  type CloudChannelDeps,
  createCloudChannel,
} from './channels/whatsapp-cloud/channel.js'
import { createGraphClient } from './channels/whatsapp-cloud/graph.js'
import { DEFAULT_TEMPLATES, type TemplateTable } from './channels/whatsapp-cloud/templates.js'

export type WhatsAppCloudSetup = {
  db: Db
  config: WhatsAppCloudConfig
  handleInbound: CloudChannelDeps['handleInbound']
  media: MediaStore
  /** Reads the documents messages carry (certificates). */
  readDocument?: ReadDocument
  i18n: TextRenderer
  logger: Logger
  /** Tests: the window, pacing and templates. */
  overrides?: Partial<Pick<CloudChannelDeps, 'sender' | 'clock' | 'templates'>>
}

export function setupWhatsAppCloud(setup: WhatsAppCloudSetup): CloudChannel {
  const { config, i18n } = setup
  const templates: TemplateTable = setup.overrides?.templates ?? DEFAULT_TEMPLATES
  return createCloudChannel({
    graph: createGraphClient({
      token: config.token,
      phoneNumberId: config.phoneNumberId,
      apiRoot: config.apiRoot,
    }),
    phoneNumberId: config.phoneNumberId,
    appSecret: config.appSecret,
    verifyToken: config.verifyToken,
    handleInbound: setup.handleInbound,
    store: createCloudStore(setup.db),
    media: {
      put: setup.media.put,
      read: (ref) => readFile(setup.media.pathOf(ref)),
      ...(setup.readDocument ? { readDocument: setup.readDocument } : {}),
    },
    texts: {
      choiceHint: i18n.render({ key: 'whatsapp:choiceHint' }),
      contactHint: i18n.render({ key: 'whatsapp:contactHint' }),
      listButton: i18n.render({ key: 'whatsapp:cloud.listButton' }),
    },
    templates,
    logger: setup.logger,
    ...setup.overrides,
  })
}
