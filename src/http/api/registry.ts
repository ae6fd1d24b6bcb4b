/**
 * One table of the API's routes: each route is declared once with its zod schemas (query, path
 * parameters, body, responses), and the same declaration both registers the Hono handler, which
 * validates its input with those schemas, and describes the route in the OpenAPI document
 * (`z.toJSONSchema`), so the document cannot drift from what the server accepts.
 * @module
 */
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { API_SCOPES, type ApiScope } from '../../domain/api-tokens.js'
import { type ApiCaller, requireScope } from './auth.js'
import { NUL_REFUSAL, containsNul } from '../nul.js'

/** One response a route may give. */
export type ResponseSpec = {
  description: string
  /** JSON body schema; omit for non-JSON bodies (`contentType`). */
  schema?: z.ZodType
  /** Content type of a non-JSON body (a CSV or XLSX download). */
  contentType?: string
}

/** A route's declaration. Paths use Hono's `:param` syntax. */
export type RouteSpec<
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> = {
  method: 'get' | 'post'
  path: string
  summary: string
  description?: string
  tag: string
  query?: Q
  params?: P
  body?: B
  responses: Record<number, ResponseSpec>
  /** The token scope the route needs (403 without it). */
  scope: ApiScope
}

/** What a handler receives: its validated input and who is calling. */
export type RouteInput<Q, P, B> = { query: Q; params: P; body: B; caller: ApiCaller }

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

type AnySpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>

/** The routes of an API, registered on a Hono app and listed for its OpenAPI document. */
export type ApiRegistry = {
  add<
    Q extends z.ZodType = z.ZodUndefined,
    P extends z.ZodType = z.ZodUndefined,
    B extends z.ZodType = z.ZodUndefined,
  >(
    spec: RouteSpec<Q, P, B>,
    handler: (
      c: Context,
      input: RouteInput<z.output<Q>, z.output<P>, z.output<B>>
    ) => Promise<Response> | Response
  ): void
  /** The OpenAPI 3.1 document of every route added so far. */
  openApi(info: { title: string; version: string; description?: string }): object
}

/**
 * A registry that adds routes to `app`, guarding each with `auth` and then its scope (per route,
 * so other apps mounted under the same prefix, like the simulator, keep their own rule).
 */
export function createApiRegistry(app: Hono, auth: MiddlewareHandler): ApiRegistry {
  const specs: AnySpec[] = []
  return {
    add(spec, handler) {
      specs.push(spec as AnySpec)
      const validateAndHandle: MiddlewareHandler = async (c) => {
        const query = spec.query ? spec.query.safeParse(c.req.query()) : undefined
        if (query && !query.success) return invalidRequest(c, query.error)
        const params = spec.params ? spec.params.safeParse(c.req.param()) : undefined
        if (params && !params.success) return invalidRequest(c, params.error)
        let body: { success: true; data: unknown } | z.ZodSafeParseResult<unknown> | undefined
        if (spec.body) {
          const json: unknown = await c.req.json().catch(() => INVALID_JSON)
          if (json === INVALID_JSON) {
            return c.json(
              { error: 'invalid_json', message: 'The body must be a JSON object.' },
              400
            )
          }
          if (containsNul(json)) return c.json(NUL_REFUSAL, 400)
          body = spec.body.safeParse(json)
          if (!body.success) return invalidRequest(c, body.error)
        }
        return handler(c, {
          query: query?.data,
          params: params?.data,
          body: body?.data,
          caller: c.get('apiCaller'),
        } as RouteInput<never, never, never>)
      }
      app.on(
        spec.method.toUpperCase(),
        [spec.path],
        auth,
        requireScope(spec.scope),
        validateAndHandle
      )
    },
    openApi(info) {
      return buildOpenApi(specs, info)
    },
  }
}

const INVALID_JSON = Symbol('invalid json')

const API_SCOPE_LIST = API_SCOPES.join(', ')

/** A zod schema as a JSON Schema fragment for the document (no `$schema` key). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  return rest
}

/** The query or path parameters of an object schema, one OpenAPI parameter per key. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): object[] {
  if (!schema) return []
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, Record<string, unknown>>
    required?: string[]
  }
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    }
  })
}

function buildOpenApi(
  specs: AnySpec[],
  info: { title: string; version: string; description?: string }
): object {
  const paths: Record<string, Record<string, object>> = {}
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')
    const responses: Record<string, object> = {}
    for (const [status, response] of Object.entries(spec.responses)) {
      const content = response.schema
        ? { 'application/json': { schema: jsonSchema(response.schema, 'output') } }
        : response.contentType
          ? { [response.contentType]: { schema: { type: 'string', format: 'binary' } } }
          : undefined
      responses[status] = { description: response.description, ...(content ? { content } : {}) }
    }
    responses['401'] = {
      description:
        'No bearer token, or an unknown, revoked or expired one (without ADMIN_TOKEN and issued tokens the API is closed).',
      content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
    }
    responses['403'] ??= {
      description: `The token lacks the scope ${spec.scope}, or asks outside its region.`,
      content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
    }
    if (spec.query || spec.params || spec.body) {
      responses['400'] = {
        description: 'Invalid parameters or body; `issues` names each field.',
        content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
      }
    }
    const scopeLine = `Requires the token scope \`${spec.scope}\`.`
    ;(paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      description: spec.description ? `${spec.description}\n\n${scopeLine}` : scopeLine,
      'x-required-scope': spec.scope,
      tags: [spec.tag],
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses,
      security: [{ apiToken: [spec.scope] }, { adminToken: [] }],
    }
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/api/v1' }],
    security: [{ apiToken: [] }, { adminToken: [] }],
    components: {
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description: `A token issued in the dashboard (Token API), with the scopes ${API_SCOPE_LIST} and a region (the kabupaten or one kecamatan) it reads. Each operation names the scope it needs; a token without it gets 403.`,
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The server's ADMIN_TOKEN: every scope, the whole kabupaten.",
        },
      },
    },
    paths,
  }
}
