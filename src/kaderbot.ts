/**
 * The composition root (docs/architecture.md#the-parts): config → database → runtime → channels
 * → HTTP → scheduler. The only place that wires modules together; `main.ts` adds the process concerns (signals,
 * exit codes), and tests start a whole bot through `startKaderbot`.
 * @module
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createSimulatorChannel } from './channels/simulator/adapter.js'
import {
  MENU_COMMANDS,
  type TelegramChannel,
  createTelegramChannel,
} from './channels/telegram/bot.js'
import type { ChannelName, ChannelSender } from './channels/types.js'
import type { Config } from './config.js'
import { createMediaStore } from './conversation/media-store.js'
import { type InactivitySettings, createRuntime } from './conversation/runtime.js'
import { type InboundGateLimits, createInboundGate } from './conversation/inbound-gate.js'
import { BACKGROUND_STATEMENT_TIMEOUT_MS, type DbHandle, openDatabase } from './db/client.js'
import { deliverToSimulator, listSimulatorInbox } from './db/queries/simulator.js'
import { listAllRegions } from './db/queries/regions.js'
import { seedRegions } from './db/seed-regions.js'
import { buildRegionDirectory } from './domain/regions.js'
import { PRIORITY } from './domain/priorities.js'
import { flowRegistry } from './flows/index.js'
import { createApp } from './http/app.js'
import { createRefusalLog } from './http/refusal-log.js'
import { createI18n } from './i18n/index.js'
import { openImportJobs } from './import/jobs.js'
import { type Logger, createLogger } from './lib/logger.js'
import { type OutboxSenderDeps, createOutboxSender } from './outbox/sender.js'
import { type LeaseFactory, advisoryLeases, soleLease } from './outbox/lease.js'
import { describeTelegramError } from './channels/telegram/sender.js'
import type { WhatsAppChannelDeps } from './channels/whatsapp/channel.js'
import type { WhatsAppRuntime } from './kaderbot-whatsapp.js'
import type { CloudChannel } from './channels/whatsapp-cloud/channel.js'
import type { WhatsAppCloudSetup } from './kaderbot-whatsapp-cloud.js'
import { startScheduler } from './scheduler/index.js'
import { broadcastHandlers } from './scheduler/jobs/broadcasts.js'
import { nudgeHandlers, planNudges, seedNudgeRules } from './scheduler/jobs/nudges.js'
import { seedReportDeadlineNudge } from './scheduler/jobs/report-deadline.js'
import { conversationTimeoutHandlers } from './scheduler/jobs/conversation-timeouts.js'
import { planNextReferralDigest, referralDigestHandlers } from './scheduler/jobs/referral-digest.js'
import {
  planNextValidationDigest,
  validationDigestHandlers,
} from './scheduler/jobs/validation-digest.js'
import { referralFollowUpHandlers } from './scheduler/jobs/referral-follow-ups.js'
import {
  planReminderPlanning,
  planSessionReminders,
  sessionReminderHandlers,
} from './scheduler/jobs/session-reminders.js'
import { followUpSurveyHandlers } from './scheduler/jobs/follow-up-surveys.js'
import {
  DEFAULT_INBOUND_TEXT_RETENTION_DAYS,
  planNextRetention,
  retentionHandlers,
} from './scheduler/jobs/retention.js'
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

const WAKE_CHANNEL = 'outbox_wake'
const ANY_CHANNEL = '*'

/** Starts every part of the bot for a parsed configuration. */
export async function startKaderbot(config: Config, options: StartOptions = {}): Promise<Kaderbot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  const startedAt = performance.now()
  const handle = await (options.database ?? openDatabase(config, logger))
  try {
    const seeded = await seedRegions(handle.db)
    // The weekly digest plans its own next run; this plans the first (idempotent).
    await planNextReferralDigest(handle.db, { now: new Date(), timeZone: config.timeZone })
    await planNextValidationDigest(handle.db, { now: new Date(), timeZone: config.timeZone })
    // Session reminders are planned by an hourly fire; plan now, then the first hourly run.
    await planSessionReminders(handle.db, new Date(), config.timeZone)
    await planReminderPlanning(handle.db, new Date())
    // The daily retention run plans its own next day; this plans the first (idempotent).
    await planNextRetention(handle.db, { now: new Date(), timeZone: config.timeZone })
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

    const channels: ChannelSender[] = []
    if (config.simulatorEnabled) {
      channels.push(
        createSimulatorChannel({
          deliver: (recipientId, message) =>
            deliverToSimulator(handle.db, { recipientId, message }),
        })
      )
    }

    const directory = buildRegionDirectory(await listAllRegions(handle.db))
    let wakeSender = (_channel?: ChannelName): void => undefined
    // --- admin dashboard: login links point at PUBLIC_URL, else at the listening server ---
    let serverUrl: string | undefined = undefined
    const adminBaseUrl = () => config.publicUrl ?? serverUrl
    // --- end admin dashboard ---
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
    /** Real channels' inbound: through the per-chat gate (a person who writes is reachable again). */
    const handleChannelInbound = gate.handleInbound
    // --- Telegram channel (when TELEGRAM_BOT_TOKEN is set) ---
    let telegram: TelegramChannel | undefined
    if (config.telegram) {
      telegram = createTelegramChannel({
        token: config.telegram.botToken,
        apiRoot: config.telegram.apiRoot,
        handleInbound: handleChannelInbound,
        media,
        texts: {
          chosen: (label) => i18n.render({ key: 'common:telegram.chosen', params: { label } }),
          shareContact: i18n.render({ key: 'common:telegram.shareContact' }),
          answered: i18n.render({ key: 'common:telegram.answered' }),
        },
        logger,
      })
      channels.push(telegram.sender)
    }
    // --- end Telegram channel ---
    // --- WhatsApp channel (Baileys, when WHATSAPP_ENABLED=true) ---
    let whatsapp: WhatsAppRuntime | undefined
    if (config.whatsapp?.transport === 'baileys') {
      const { setupWhatsApp } = await import('./kaderbot-whatsapp.js')
      whatsapp = setupWhatsApp({
        db: handle.db,
        databaseUrl: config.databaseUrl,
        pairingPhone: config.whatsapp.pairingPhone,
        timeZone: config.timeZone,
        handleInbound: handleChannelInbound,
        media,
        i18n,
        logger,
        wake: () => wakeSender(),
        overrides: options.whatsapp,
      })
      channels.push(whatsapp.channel.sender)
    }
    // --- end WhatsApp channel ---
    // --- WhatsApp Cloud API channel (when WHATSAPP_CLOUD_TOKEN is set) ---
    let whatsappCloud: CloudChannel | undefined
    if (config.whatsapp?.transport === 'cloud') {
      const { setupWhatsAppCloud } = await import('./kaderbot-whatsapp-cloud.js')
      whatsappCloud = setupWhatsAppCloud({
        db: handle.db,
        config: config.whatsapp,
        handleInbound: handleChannelInbound,
        media,
        i18n,
        logger,
        overrides: options.whatsappCloud,
      })
      channels.push(whatsappCloud.sender)
    }
    // --- end WhatsApp Cloud API channel ---
    // One sender per channel across replicas (docs/design.md P6); WhatsApp rows go out only on the
    // replica that holds the socket's lock, so its lease follows that lock.
    const channelLeases: LeaseFactory =
      handle.kind === 'postgres' && config.databaseUrl
        ? advisoryLeases({ databaseUrl: config.databaseUrl, logger })
        : soleLease
    const leases: LeaseFactory = (channel) =>
      channel === 'whatsapp' && whatsapp
        ? {
            held: whatsapp.channel.holdsLock,
            start: whatsapp.channel.onLockChange,
            stop: async () => undefined,
          }
        : channelLeases(channel)
    // The sender's own connections: under load, replies must not wait behind the webhook's
    // transactions in the main pool.
    const senderDb = handle.lane('outbox', 2, {
      statementTimeoutMs: BACKGROUND_STATEMENT_TIMEOUT_MS,
    })
    const sender = createOutboxSender({
      db: senderDb,
      channels,
      logger,
      leases,
      ...(options.outboxPacing ? { pacing: options.outboxPacing } : {}),
      ...(options.outboxConcurrency ? { concurrency: options.outboxConcurrency } : {}),
      onDelivered: async (delivered) => {
        const prompts = delivered.flatMap(({ row, at }) =>
          row.priority === PRIORITY.live && row.conversationId !== null && row.turn !== null
            ? [{ conversationId: row.conversationId, turn: row.turn, at }]
            : []
        )
        if (prompts.length > 0) await runtime.promptsDelivered(prompts, senderDb)
      },
    })
    // Other replicas hear about queued messages through NOTIFY (docs/design.md P6).
    wakeSender = (channel) => {
      sender.wake(channel)
      // Only another replica can hold a lease this one lacks: no NOTIFY round trip otherwise.
      const heldHere = channel
        ? sender.holdsLease(channel)
        : channels.every((c) => sender.holdsLease(c.channel))
      if (handle.kind === 'postgres' && !heldHere) {
        void handle.notify(WAKE_CHANNEL, channel ?? ANY_CHANNEL).catch(() => undefined)
      }
    }
    const unlisten = await handle.listen(WAKE_CHANNEL, (channel) =>
      sender.wake(channel === ANY_CHANNEL ? undefined : (channel as ChannelName))
    )
    sender.start()

    // --- broadcasts and nudges ---
    // Nudge rules are data: seed the defaults (never overwriting an edit) and plan each next run.
    await seedNudgeRules(handle.db)
    await seedReportDeadlineNudge(handle.db)
    await planNudges(handle.db, new Date(), config.timeZone)
    const broadcastFireHandlers = {
      ...broadcastHandlers({ i18n }),
      ...nudgeHandlers({ i18n, timeZone: config.timeZone }),
    }
    // --- end broadcasts and nudges ---
    const scheduler = startScheduler({
      db: handle.db,
      logger,
      timeZone: config.timeZone,
      schedule: options.tickSchedule,
      handlers: {
        ...conversationTimeoutHandlers(runtime),
        ...referralFollowUpHandlers({ i18n }),
        ...referralDigestHandlers({ i18n, directory, timeZone: config.timeZone }),
        ...validationDigestHandlers({ i18n, timeZone: config.timeZone }),
        ...sessionReminderHandlers({ i18n, timeZone: config.timeZone }),
        // --- training follow-up ---
        ...followUpSurveyHandlers({ i18n, timeZone: config.timeZone }),
        // --- end training follow-up ---
        ...broadcastFireHandlers,
        ...retentionHandlers({
          inboundTextDays: config.retentionInboundTextDays ?? DEFAULT_INBOUND_TEXT_RETENTION_DAYS,
          outboxSentDays: config.retentionOutboxSentDays,
          timeZone: config.timeZone,
          logger,
        }),
      },
    })

    // Refused requests (forged webhooks, wrong tokens, the database away): a count a minute.
    const refusals = createRefusalLog({ logger })
    const healthDb = handle.lane('health', 1)
    const trustedProxies = config.trustedProxies ?? []
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
            // It speaks as any phone: ADMIN_TOKEN guards it; without one, loopback only.
            ...(config.adminToken !== undefined ? { requiredToken: config.adminToken } : {}),
            bearerLimit: { db: handle.db, now: () => new Date(), trustedProxies },
          }
        : undefined,
      telegram:
        telegram && config.telegram?.mode === 'webhook'
          ? { bot: telegram.bot, secretToken: config.telegram.webhookSecret }
          : undefined,
      verification: { db: handle.db, i18n },
      // --- admin dashboard ---
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
      // --- end admin dashboard ---
      // --- REST API (/api/v1): closed while ADMIN_TOKEN is unset ---
      api: {
        db: handle.db,
        i18n,
        timeZone: config.timeZone,
        onQueued: () => wakeSender(),
        trustedProxies,
        ...(config.adminToken !== undefined ? { adminToken: config.adminToken } : {}),
      },
      // --- end REST API ---
      // --- WhatsApp channel ---
      whatsappQr: whatsapp
        ? {
            adminToken: config.adminToken,
            currentQr: whatsapp.channel.currentQr,
            status: whatsapp.channel.status,
          }
        : undefined,
      // --- end WhatsApp channel ---
      whatsappCloud: whatsappCloud ? { routes: whatsappCloud.routes } : undefined, // Cloud API
    })
    const server = serve({ fetch: app.fetch, port: config.port, hostname: options.hostname })
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve)
      server.once('error', reject)
    })
    const { port } = server.address() as AddressInfo
    serverUrl = `http://${options.hostname ?? '127.0.0.1'}:${port}` // admin dashboard
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
    // --- Telegram channel: webhook registration or long polling ---
    let stopPolling: (() => Promise<void>) | undefined
    if (telegram && config.telegram) {
      const texts = (name: string) => i18n.render({ key: `common:telegram.commands.${name}` })
      const commands = MENU_COMMANDS.map((command) => ({ command, description: texts(command) }))
      const bot = telegram.bot
      if (config.telegram.mode === 'webhook' && config.publicUrl) {
        try {
          await bot.init()
          await bot.api.setWebhook(`${config.publicUrl}/webhook/telegram`, {
            secret_token: config.telegram.webhookSecret,
            allowed_updates: ['message', 'edited_message', 'callback_query'],
          })
          await bot.api.setMyCommands(commands)
          logger.info('telegram webhook registered')
        } catch (error) {
          // The webhook keeps working if it was registered before; say so and carry on.
          logger.error({ error: describeTelegramError(error) }, 'telegram webhook setup failed')
        }
      } else if (config.telegram.mode === 'polling') {
        await bot.api.setMyCommands(commands).catch((error: unknown) => {
          logger.error({ error: describeTelegramError(error) }, 'telegram commands setup failed')
        })
        const polling = bot
          .start({ allowed_updates: ['message', 'edited_message', 'callback_query'] })
          .catch((error: unknown) => {
            logger.error({ error: describeTelegramError(error) }, 'telegram polling stopped')
          })
        stopPolling = async () => {
          if (bot.isRunning()) await bot.stop()
          await polling
        }
      }
    }
    // --- end Telegram channel ---
    // --- WhatsApp channel: take the number's lock and connect, in the background ---
    const whatsappStarted = whatsapp?.start()
    // --- end WhatsApp channel ---

    return {
      url: `http://${options.hostname ?? '127.0.0.1'}:${port}`,
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await stopPolling?.()
        await whatsappStarted // WhatsApp channel
        await whatsapp?.channel.stop() // WhatsApp channel
        await scheduler.stop()
        await sender.stop()
        await unlisten()
        await handle.close()
        refusals.stop()
      },
    }
  } catch (error) {
    await handle.close()
    throw error
  }
}
