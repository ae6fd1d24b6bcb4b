/**
 * `/api/v1` (docs/design.md#contracts): lists with cursor paging, indicators, broadcasts and
 * exports, each behind a bearer token with the route's scope (`ADMIN_TOKEN`, or a token issued in
 * the dashboard), and the OpenAPI document generated from the routes' zod schemas. Mounted beside
 * the simulator's routes, which keep their own token rule.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { apiTokenAuth } from './auth.js'
import { registerBroadcastRoutes } from './broadcasts.js'
import type { ApiDeps } from './deps.js'
import { registerExportRoutes } from './exports.js'
import { registerIndicatorRoutes } from './indicators.js'
import { registerListRoutes } from './lists.js'
import { registerRecapRoutes } from './recaps.js'
import { createApiApp, openApiDocument } from './routes.js'
import { registerTrainingEffectivenessRoutes } from './training-effectiveness.js'

export type { ApiDeps } from './deps.js'

/** The API's routes, to mount at `/api/v1`. */
export function apiRoutes(deps: ApiDeps): OpenAPIHono {
  const app = createApiApp()
  const router = { app, guard: apiTokenAuth(deps) }
  registerListRoutes(router, deps)
  registerIndicatorRoutes(router, deps)
  registerTrainingEffectivenessRoutes(router, deps)
  registerBroadcastRoutes(router, deps)
  registerExportRoutes(router, deps)
  registerRecapRoutes(router, deps)
  const document = openApiDocument(app, {
    title: 'kaderbot API',
    version: '1',
    description:
      "Visits, training attendance, people, indicators and broadcasts of Kabupaten Malang's family-welfare programmes. Lists answer { data, next }: pass next back as cursor.",
  })
  app.get('/openapi.json', (c) => c.json(document))
  return app
}
