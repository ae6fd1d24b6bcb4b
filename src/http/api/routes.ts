/**
 * How a `/api/v1` route is declared (docs/operations/api.md#adding-an-endpoint): a
 * `@hono/zod-openapi` route (`createRoute`) with its zod schemas for query, path parameters, body
 * and responses, plus the token scope it needs. `apiRoute` adds what every route shares (the
 * bearer guard and the scope check as route middleware, the 400/401/403 answers, the security
 * requirement, the scope in the description), `app.openapi` registers the handler, which gets its
 * input validated by the same schemas, and `app.getOpenAPI31Document` writes the document from
 * them, so the document cannot drift from what the server accepts.
 * @module
 */
import { OpenAPIHono, type RouteConfig, createRoute, z } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler, TypedResponse } from 'hono'
import type { StatusCode } from 'hono/utils/http-status'
import { API_SCOPES, type ApiScope } from '../../domain/api-tokens.js'
import { NUL_REFUSAL, containsNul } from '../nul.js'
import { requireScope } from './auth.js'

const API_SCOPE_LIST = API_SCOPES.join(', ')

/** The JSON every refused input gets: a code, a readable message and the issues by field. */
export const errorSchema = z.object({
  error: z.string().describe('Machine-readable code, such as invalid_request or not_found.'),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})

/** The 400 answer of a zod failure: one line per issue, `field: what is wrong`. */
export function invalidRequest(c: Context, error: z.ZodError): Response {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  return c.json(
    {
      error: 'invalid_request',
      message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
      issues,
    },
    400
  )
}

/**
 * The API's app: input that fails its schema is answered by `invalidRequest`; the document knows
 * the two bearer schemes.
 */
export function createApiApp(): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => (result.success ? undefined : invalidRequest(c, result.error)),
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiToken', {
    type: 'http',
    scheme: 'bearer',
    description: `A token issued in the dashboard (Token API), with the scopes ${API_SCOPE_LIST} and a region (the kabupaten or one kecamatan) it reads. Each operation names the scope it needs; a token without it gets 403.`,
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: "The server's ADMIN_TOKEN: every scope, the whole kabupaten.",
  })
  return app
}

/** A JSON answer, for a route's `responses`. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } }
}

/** A JSON answer of the error shape, for a route's `responses`. */
export function errorResponse(description: string) {
  return jsonResponse(description, errorSchema)
}

/** A route's answer of the error shape. */
type ErrorResponse = ReturnType<typeof errorResponse>

/** An answer of the error shape with one of the given statuses, as `c.json` gives it. */
export type ErrorJson<Code extends StatusCode> = Code extends StatusCode
  ? Response & TypedResponse<z.output<typeof errorSchema>, Code, 'json'>
  : never

/** A file answer (a CSV, XLSX or PDF download), for a route's `responses`. */
export function fileResponse(description: string, contentType: string) {
  return {
    description,
    content: { [contentType]: { schema: { type: 'string' as const, format: 'binary' } } },
  }
}

/** Where a file of routes adds them: the API's app and the bearer guard every route needs. */
export type ApiRouter = { app: OpenAPIHono; guard: MiddlewareHandler }

/** A route's declaration: `createRoute`'s, with one tag and the scope it needs. */
export type ApiRouteSpec = Omit<RouteConfig, 'middleware' | 'security' | 'tags'> & {
  tag: string
  scope: ApiScope
}

const UNAUTHORIZED = errorResponse(
  'No bearer token, or an unknown, revoked or expired one (without ADMIN_TOKEN and issued tokens the API is closed).'
)
const INVALID = errorResponse('Invalid parameters or body; `issues` names each field.')

/**
 * The `createRoute` of `spec` guarded by `guard` (the bearer token) and then its scope, per route,
 * so other apps mounted under the same prefix (the simulator) keep their own rule; with the 401,
 * the 403 (unless the route names its own) and, when it takes input, the 400 of every route.
 * The input is typed from `spec` (`c.req.valid('query')`), and so are the answers: a handler's
 * JSON must be its route's response schema (`z.infer`), or the error shape for 400, 401 and 403; a
 * route that answers a file (`fileResponse`) may also answer any `Response`.
 */
export function apiRoute<const S extends ApiRouteSpec>(
  guard: MiddlewareHandler,
  spec: S
): Omit<S, 'tag' | 'scope' | 'responses'> & {
  middleware: MiddlewareHandler[]
  responses: Omit<S['responses'], 400 | 401 | 403> & {
    400: ErrorResponse
    401: ErrorResponse
    403: S['responses'] extends { 403: infer R } ? R : ErrorResponse
  }
} {
  const { tag, scope, description, ...route } = spec
  const request = spec.request
  const takesInput = Boolean(request?.query || request?.params || request?.body)
  const scopeLine = `Requires the token scope \`${scope}\`.`
  const middleware: MiddlewareHandler[] = [guard, requireScope(scope)]
  if (request?.body) middleware.push(readJsonBody)
  return createRoute({
    ...route,
    description: description ? `${description}\n\n${scopeLine}` : scopeLine,
    'x-required-scope': scope,
    tags: [tag],
    middleware,
    responses: {
      ...spec.responses,
      401: UNAUTHORIZED,
      403:
        spec.responses[403] ??
        errorResponse(`The token lacks the scope ${scope}, or asks outside its region.`),
      ...(takesInput ? { 400: INVALID } : {}),
    },
    security: [{ apiToken: [scope] }, { adminToken: [] }],
  } as never)
}

const JSON_TYPE = /^application\/([a-z-.]+\+)?json/i

/**
 * Reads a route's body as JSON before the validator does: a body that is not JSON gets
 * `invalid_json`, one with a NUL character the NUL refusal. A JSON body sent without a JSON
 * content type (`curl -d`) is accepted as it always was: the request is given that type, since
 * the library's validator would answer 415.
 */
const readJsonBody: MiddlewareHandler = async (c, next) => {
  const text = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return c.json({ error: 'invalid_json', message: 'The body must be a JSON object.' }, 400)
  }
  if (containsNul(json)) return c.json(NUL_REFUSAL, 400)
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    const headers = new Headers(c.req.raw.headers)
    headers.set('content-type', 'application/json')
    c.req.raw = new Request(c.req.url, { method: c.req.method, headers, body: text })
  }
  await next()
}

/** The OpenAPI 3.1 document of every route of `app`. */
export function openApiDocument(
  app: OpenAPIHono,
  info: { title: string; version: string; description?: string }
) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info,
    servers: [{ url: '/api/v1' }],
    security: [{ apiToken: [] }, { adminToken: [] }],
  })
}
