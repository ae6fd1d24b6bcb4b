/**
 * The Hono application: routes only translate HTTP to calls on the runtime and queries, never run
 * flows themselves. Built by `createApp(deps)` so tests call `app.request()` without a server.
 * @module
 */
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { Logger } from '../lib/logger.js'
import type { AdminDeps } from './admin/index.js'
import { dashboardUrlNulGuard } from './admin/nul-guard.js'
import type { ApiDeps } from './api/index.js'
import { JSON_ERRORS, errorHandler } from './errors.js'
import { mountLazily } from './lazy-routes.js'
import { type RefusalLog, countRefusals, createRefusalLog } from './refusal-log.js'
import { SAME_ORIGIN_CSP, noStore } from './headers.js'
import { NUL_REFUSAL, urlHasNul } from './nul.js'
import { type HealthDeps, healthRoutes } from './routes/healthz.js'
import { type SimulatorRouteDeps, simulatorRoutes } from './routes/simulator.js'
import { simulatorPageRoutes } from './routes/simulator-page.js'
import { type WhatsAppQrDeps, whatsappQrRoutes } from './routes/whatsapp-qr.js'
import { type VerificationDeps, verificationRoutes } from './routes/verification.js'

export type AppDeps = HealthDeps & {
  logger: Logger
  /** Where refused requests are counted (one log line a minute per kind); default: a new one. */
  refusals?: RefusalLog
  /** Present when the simulator channel is on. */
  simulator?: SimulatorRouteDeps
  /**
   * `POST /webhook/telegram`, when the Telegram channel runs in webhook mode: the routes of
   * `routes/telegram-webhook.ts`, passed in so that grammY loads only when Telegram is configured.
   */
  telegram?: { routes: () => Hono }
  /** The `/admin` dashboard. */
  admin?: AdminDeps
  /** The REST API at `/api/v1` (lists, indicators, broadcasts, exports, OpenAPI). */
  api?: ApiDeps
  /** The pairing QR of the Baileys WhatsApp channel, when it runs. */
  whatsappQr?: WhatsAppQrDeps
  /** `GET|POST /webhook/whatsapp` of the WhatsApp Cloud API channel, when it runs. */
  whatsappCloud?: { routes: () => Hono }
  /** The public certificate verification page, `GET /verifikasi/<code>`. */
  verification?: VerificationDeps
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  const answers = (target: Hono) => {
    target.notFound((c) => c.json({ error: 'not_found' }, 404))
    target.onError(
      errorHandler({ logger: deps.logger, responses: JSON_ERRORS, message: 'request failed' })
    )
    return target
  }
  app.use(countRefusals(deps.refusals ?? createRefusalLog({ logger: deps.logger })))
  app.use(secureHeaders({ contentSecurityPolicy: SAME_ORIGIN_CSP }))
  // Pages, downloads and JSON that may hold personal data are never cached.
  app.use('/admin/*', noStore)
  app.use('/api/v1/*', noStore)
  // A NUL character cannot be stored: refused before any route reads it (the dashboard answers
  // with its own page in Indonesian).
  const dashboard = deps.admin && dashboardUrlNulGuard(deps.admin)
  app.use(async (c, next) => {
    if (dashboard && /^\/admin(\/|$)/.test(c.req.path)) return dashboard(c, next)
    if (urlHasNul(c.req.url)) return c.json(NUL_REFUSAL, 400)
    await next()
  })
  app.route('/', healthRoutes(deps))
  if (deps.simulator) app.route('/api/v1/simulator', simulatorRoutes(deps.simulator))
  if (deps.simulator) app.route('/simulator', simulatorPageRoutes(deps.simulator))
  if (deps.telegram) app.route('/webhook/telegram', deps.telegram.routes())
  if (deps.whatsappCloud) app.route('/webhook/whatsapp', deps.whatsappCloud.routes())
  if (deps.whatsappQr) app.route('/admin/whatsapp', whatsappQrRoutes(deps.whatsappQr))
  const { admin, api } = deps
  // Loaded at their first request: answering chats needs neither.
  if (admin) {
    mountLazily(
      app,
      '/admin',
      async () => (await import('./admin/index.js')).adminRoutes(admin),
      answers
    )
  }
  if (deps.verification) app.route('/verifikasi', verificationRoutes(deps.verification))
  // Guarded route by route, so the simulator's own token rule above stays in force.
  if (api) {
    mountLazily(
      app,
      '/api/v1',
      async () => (await import('./api/index.js')).apiRoutes(api),
      answers
    )
  }
  return answers(app)
}
