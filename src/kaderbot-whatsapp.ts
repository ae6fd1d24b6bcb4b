/**
 * The WhatsApp part of the composition root: builds the Baileys channel from the configuration.
 * `kaderbot.ts` loads this module with a dynamic `import()` only when `WHATSAPP_ENABLED=true`, so
 * a bot without WhatsApp never pays for loading Baileys (about a second of start-up).
 * @module
 */
import { readFile } from 'node:fs/promises'
import QRCode from 'qrcode'
import type { ReadDocument } from './channels/documents.js'
import type { MediaStore } from './conversation/media-store.js'
import type { TextRenderer } from './messaging/render.js'
import type { Db } from './db/client.js'
import {
  createWhatsAppAuthStore,
  createWhatsAppStore,
  enqueueAdminAlert,
} from './db/queries/whatsapp.js'
import { createWhatsAppLeaderLock } from './db/queries/whatsapp-lock.js'
import { PRIORITY } from './domain/priorities.js'
import { today } from './domain/dates.js'
import type { Logger } from './lib/logger.js'
import {
  type WhatsAppChannel,
  type WhatsAppChannelDeps,
  createWhatsAppChannel,
} from './channels/whatsapp/channel.js'
import { describeWhatsAppError } from './channels/whatsapp/sender.js'

/** One WhatsApp number per deployment for now; the auth rows and the lock are keyed by it. */
const SESSION_ID = 'default'

export type WhatsAppSetup = {
  db: Db
  /** Postgres URL for the number's leader lock; unset on embedded PGlite (one process). */
  databaseUrl?: string
  pairingPhone?: string
  timeZone: string
  handleInbound: WhatsAppChannelDeps['handleInbound']
  media: MediaStore
  /** Reads the documents messages carry (certificates). */
  readDocument?: ReadDocument
  i18n: TextRenderer
  logger: Logger
  /** Wakes the outbox sender after an admin alert was queued. */
  wake: () => void
  /** Tests: a stand-in socket, a fixed WA version, scaled pacing. */
  overrides?: Partial<Pick<WhatsAppChannelDeps, 'socketFactory' | 'resolveVersion' | 'pacing'>>
}

/** The channel plus a `start` that logs instead of throwing (it runs in the background). */
export type WhatsAppRuntime = { channel: WhatsAppChannel; start: () => Promise<void> }

export function setupWhatsApp(setup: WhatsAppSetup): WhatsAppRuntime {
  const { db, i18n, logger } = setup
  const channel = createWhatsAppChannel({
    handleInbound: setup.handleInbound,
    store: createWhatsAppStore(db, SESSION_ID),
    authStore: createWhatsAppAuthStore(db, SESSION_ID),
    lock: createWhatsAppLeaderLock(
      setup.databaseUrl ? { kind: 'postgres', databaseUrl: setup.databaseUrl } : { kind: 'single' },
      SESSION_ID
    ),
    media: {
      put: setup.media.put,
      read: (ref) => readFile(setup.media.pathOf(ref)),
      ...(setup.readDocument ? { readDocument: setup.readDocument } : {}),
    },
    texts: {
      choiceHint: i18n.render({ key: 'whatsapp:choiceHint' }),
      contactHint: i18n.render({ key: 'whatsapp:contactHint' }),
    },
    logger,
    alertAdmins: async (alert) => {
      const text = i18n.render({ key: `whatsapp:alert.${alert}` })
      await enqueueAdminAlert(db, { message: { text }, priority: PRIORITY.reminder })
      setup.wake()
    },
    // The operator pairs from the terminal (or GET /admin/whatsapp/qr.png); not a log line.
    onQr: (qr) => {
      if (!qr) return
      void QRCode.toString(qr, { type: 'terminal', small: true }).then((art) => {
        process.stdout.write(`Scan with WhatsApp (Linked devices) to pair kaderbot:\n${art}\n`)
      })
    },
    onPairingCode: (code) => {
      process.stdout.write(`WhatsApp pairing code: ${code}\n`)
    },
    ...(setup.pairingPhone ? { pairingPhone: setup.pairingPhone } : {}),
    dayOf: (now) => today({ now, timeZone: setup.timeZone }),
    ...setup.overrides,
  })
  return {
    channel,
    start: () =>
      channel.start().catch((error: unknown) => {
        logger.error({ error: describeWhatsAppError(error) }, 'whatsapp start failed')
      }),
  }
}
