/**
 * The composition root (docs/architecture.md#the-parts): config → database → runtime → channels
 * → HTTP → scheduler. The only place that wires modules together; `main.ts` adds the process concerns (signals,
 * exit codes), and tests start a whole bot through `startKaderbot`.
 * @module
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { readCertificateDocument } from './certificates/delivery.js'
import type { ChannelName } from './domain/messages.js'
import type { Config } from './config.js'
import { createMediaStore } from './conversation/media-store.js'
import {
  type InactivitySettings,
  createRuntime,
  restartTimersOnDelivery,
} from './conversation/runtime.js'
import { type InboundGateLimits, createInboundGate } from './conversation/inbound-gate.js'
import { BACKGROUND_STATEMENT_TIMEOUT_MS, type DbHandle, openDatabase } from './db/client.js'
import { listSimulatorInbox } from './db/queries/simulator.js'
import { listAllRegions } from './db/queries/regions.js'
import { seedRegions } from './db/seed-regions.js'
import { buildRegionDirectory } from './domain/regions.js'
import { flowRegistry } from './conversation/registry.js'
import { createApp } from './http/app.js'
import { createRefusalLog } from './http/refusal-log.js'
import { createI18n } from './i18n/index.js'
import { createChannels } from './kaderbot-channels.js'
import { openImportJobs } from './import/jobs.js'
import { type Logger, createLogger } from './lib/logger.js'
import { type OutboxSenderDeps, createOutboxSender } from './outbox/sender.js'
import { wireOutboxWake } from './outbox/wake.js'
import type { WhatsAppChannelDeps } from './channels/whatsapp/channel.js'
import type { WhatsAppCloudSetup } from './kaderbot-whatsapp-cloud.js'
import { startScheduler } from './scheduler/index.js'
import { jobHandlers, planJobs } from './scheduler/jobs/index.js'
import { findDemoMarker } from './demo/marker.js'

export type StartOptions = {
  logger?: Logger
  /** Listen on this host (default all interfaces). */
  hostname?: string
  /** Cron expression of the fires tick (default every minute). */
  tickSchedule?: string
  inactivity?: InactivitySettings
  /** Replaces channels' outbox pacing (`null`: unpaced); the benchmark matches its fake Bot API. */
  outboxPacing?: OutboxSenderDeps['pacing']
  /** Sends in flight per channel, replacing the channel's own (benchmarks with limits off). */
  outboxConcurrency?: OutboxSenderDeps['concurrency']
  /** WhatsApp channel: a stand-in socket, a fixed WA version and scaled pacing (tests). */
  whatsapp?: Pick<WhatsAppChannelDeps, 'socketFactory' | 'resolveVersion' | 'pacing'>
  /**
   * The per-sender flood limit of inbound messages (default 30 at once, then 3 a second); `null`
   * lifts the limit but keeps one turn at a time per chat (the benchmark's scripted users).
   */
  inboundLimits?: Partial<InboundGateLimits> | null
  /** WhatsApp Cloud API channel: scaled pacing, a moved clock, other templates (tests). */
  whatsappCloud?: WhatsAppCloudSetup['overrides']
  /**
   * The database, already being opened from this config (`openDatabase`): `npm start` opens it
   * while the rest of the app is still loading. Without it, start-up opens it first.
   */
  database?: Promise<DbHandle>
}

export type Kaderbot = {
  /** Base URL the HTTP server listens on. */
  url: string
  stop: () => Promise<void>
}

/** Starts every part of the bot for a parsed configuration. */
export async function startKaderbot(config: Config, options: StartOptions = {}): Promise<Kaderbot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  const startedAt = performance.now()
  const handle = await (options.database ?? openDatabase(config, logger))
  try {
    const seeded = await seedRegions(handle.db)
    await planJobs(handle.db, { now: new Date(), timeZone: config.timeZone })
    // Dashboard imports a restart cut off changed nothing (one transaction each): say so.
    const importJobs = openImportJobs(handle, {
      dataDir: config.dataDir,
      logger,
      timeZone: config.timeZone,
    })
    await importJobs.failInterrupted()
    const i18n = await createI18n({
      timeZone: config.timeZone,
      onMissingKey: (lng, ns, key) => logger.warn({ lng, ns, key }, 'missing text'),
    })

    const directory = buildRegionDirectory(await listAllRegions(handle.db))
    let wakeSender = (_channel?: ChannelName): void => undefined
    // Login links point at PUBLIC_URL, else at the listening server.
    let serverUrl: string | undefined = undefined
    const adminBaseUrl = () => config.publicUrl ?? serverUrl
    const runtime = createRuntime({
      db: handle.db,
      i18n,
      registry: flowRegistry,
      timeZone: config.timeZone,
      logger,
      inactivity: options.inactivity,
      onQueued: (channel) => wakeSender(channel),
      directory,
      helpLine: config.helpContact ?? '',
      adminBaseUrl,
      demoData: (await findDemoMarker(handle.db)) !== undefined,
    })
    // One turn at a time per chat, and a flood limit per chat.
    const gate = createInboundGate({
      db: handle.db,
      i18n,
      logger,
      handleInbound: runtime.handleInbound,
      onQueued: (channel) => wakeSender(channel),
      ...(options.inboundLimits === null
        ? { limits: { burst: Number.POSITIVE_INFINITY } }
        : options.inboundLimits
          ? { limits: options.inboundLimits }
          : {}),
    })
    const media = createMediaStore(config.dataDir)
    // Certificates go by chat as PDFs drawn when they go out (docs/domain.md, decision 18).
    const readDocument = readCertificateDocument({ db: handle.db, i18n, baseUrl: adminBaseUrl })
    const { senders, telegram, whatsapp, whatsappCloud, leases } = await createChannels({
      config,
      handle,
      i18n,
      media,
      readDocument,
      handleInbound: gate.handleInbound,
      logger,
      wake: () => wakeSender(),
      overrides: { whatsapp: options.whatsapp, whatsappCloud: options.whatsappCloud },
    })
    // The sender's own connections: under load, replies must not wait behind the webhook's
    // transactions in the main pool.
    const senderDb = handle.lane('outbox', 2, {
      statementTimeoutMs: BACKGROUND_STATEMENT_TIMEOUT_MS,
    })
    const sender = createOutboxSender({
      db: senderDb,
      channels: senders,
      logger,
      leases,
      ...(options.outboxPacing ? { pacing: options.outboxPacing } : {}),
      ...(options.outboxConcurrency ? { concurrency: options.outboxConcurrency } : {}),
      onDelivered: restartTimersOnDelivery(runtime, senderDb),
    })
    const outboxWake = await wireOutboxWake({
      handle,
      sender,
      channels: senders.map((c) => c.channel),
    })
    wakeSender = outboxWake.wake
    sender.start()

    const scheduler = startScheduler({
      db: handle.db,
      logger,
      timeZone: config.timeZone,
      schedule: options.tickSchedule,
      handlers: jobHandlers({
        runtime,
        i18n,
        directory,
        adminBaseUrl,
        timeZone: config.timeZone,
        logger,
        retention: {
          inboundTextDays: config.retentionInboundTextDays,
          outboxSentDays: config.retentionOutboxSentDays,
        },
      }),
    })

    // Refused requests (forged webhooks, wrong tokens, the database away): a count a minute.
    const refusals = createRefusalLog({ logger })
    const healthDb = handle.lane('health', 1)
    const trustedProxies = config.trustedProxies ?? []
    // The webhook's routes load grammY: imported only when Telegram runs in webhook mode.
    const webhookSecret =
      config.telegram?.mode === 'webhook' ? config.telegram.webhookSecret : undefined
    const telegramWebhook =
      telegram && webhookSecret !== undefined
        ? await import('./http/routes/telegram-webhook.js').then(({ telegramWebhookRoutes }) => ({
            routes: () => telegramWebhookRoutes({ bot: telegram.bot, secretToken: webhookSecret }),
          }))
        : undefined
    const app = createApp({
      logger,
      refusals,
      databaseKind: handle.kind,
      // On its own connection: the probe tells whether the database answers, without waiting
      // behind the requests' transactions for a connection of the main pool.
      pingDatabase: async () => {
        await healthDb.execute('select 1')
      },
      simulator: config.simulatorEnabled
        ? {
            handleInbound: gate.handleInbound,
            listInbox: (params) => listSimulatorInbox(handle.db, params),
            media,
            readDocument,
            // It speaks as any phone: ADMIN_TOKEN guards it; without one, loopback only.
            ...(config.adminToken !== undefined ? { requiredToken: config.adminToken } : {}),
            bearerLimit: { db: handle.db, now: () => new Date(), trustedProxies },
          }
        : undefined,
      telegram: telegramWebhook,
      verification: { db: handle.db, i18n },
      admin: {
        db: handle.db,
        importJobs,
        i18n,
        timeZone: config.timeZone,
        logger,
        adminToken: config.adminToken,
        trustedProxies,
        publicUrl: config.publicUrl,
        media,
        onQueued: () => wakeSender(),
        ...(whatsapp
          ? { whatsapp: { status: whatsapp.channel.status, currentQr: whatsapp.channel.currentQr } }
          : {}),
      },
      api: {
        db: handle.db,
        i18n,
        timeZone: config.timeZone,
        onQueued: () => wakeSender(),
        trustedProxies,
        ...(config.adminToken !== undefined ? { adminToken: config.adminToken } : {}),
      },
      whatsappQr: whatsapp
        ? {
            adminToken: config.adminToken,
            currentQr: whatsapp.channel.currentQr,
            status: whatsapp.channel.status,
          }
        : undefined,
      whatsappCloud: whatsappCloud ? { routes: whatsappCloud.routes } : undefined,
    })
    const server = serve({ fetch: app.fetch, port: config.port, hostname: options.hostname })
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve)
      server.once('error', reject)
    })
    const { port } = server.address() as AddressInfo
    serverUrl = `http://${options.hostname ?? '127.0.0.1'}:${port}`
    logger.info(
      {
        port,
        database: handle.kind,
        migrationsApplied: handle.migration?.applied ?? 0,
        regionsInserted: seeded.inserted,
        simulator: config.simulatorEnabled,
        simulatorAccess: !config.simulatorEnabled
          ? 'off'
          : config.adminToken === undefined
            ? 'loopback_only'
            : 'admin_token',
        startMs: Math.round(performance.now() - startedAt),
      },
      'kaderbot started'
    )
    const stopTelegram =
      telegram && config.telegram
        ? await (
            await import('./channels/telegram/lifecycle.js')
          ).startTelegramUpdates({
            telegram,
            mode: config.telegram.mode,
            publicUrl: config.publicUrl,
            webhookSecret: config.telegram.webhookSecret,
            describeCommand: (name) => i18n.render({ key: `common:telegram.commands.${name}` }),
            logger,
          })
        : undefined
    // WhatsApp takes the number's lock and connects in the background.
    const whatsappStarted = whatsapp?.start()

    return {
      url: `http://${options.hostname ?? '127.0.0.1'}:${port}`,
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await stopTelegram?.()
        await whatsappStarted
        await whatsapp?.channel.stop()
        await scheduler.stop()
        await sender.stop()
        await outboxWake.unlisten()
        await handle.close()
        refusals.stop()
      },
    }
  } catch (error) {
    await handle.close()
    throw error
  }
}
