/**
 * The OpenAPI document of `/api/v1`, now written by `@hono/zod-openapi` from the routes' zod
 * schemas (docs/operations/api.md), against `fixtures/openapi-before.json`: the document the
 * home-made registry published before the library replaced it. The two must agree in substance:
 * the same paths, methods, parameters, request bodies, responses and schemas. Both are brought to
 * one canonical form first, which forgives only the differences listed in `ALLOWED`; anything
 * else that differs fails the test.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { buildApiApp } from '../harness/api.js'
import { useTestDb } from '../harness/db.js'

const handle = useTestDb()

const before = JSON.parse(
  readFileSync(new URL('./fixtures/openapi-before.json', import.meta.url), 'utf8')
) as JsonObject

/**
 * Paths added since the snapshot: each must be named here, so a new endpoint is a decision and
 * the snapshot's paths still cannot change unnoticed.
 */
const ADDED_SINCE_SNAPSHOT: string[] = ['/training/effectiveness']

/**
 * What may differ, each a way of writing the same thing (the registry wrote JSON Schema with
 * `z.toJSONSchema`, the library with `@asteasolutions/zod-to-openapi`):
 * 1. key order, anywhere;
 * 2. nullable: `anyOf: [S, {type: 'null'}]` or S with `type: [t, 'null']` (and `null` in its
 *    `enum`);
 * 3. a `date` or `date-time` format with or without the regular expression zod spells it with;
 * 4. integers with or without the bounds ±2^53-1 (any JSON integer a client handles);
 * 5. a record's `propertyNames: {type: 'string'}` (JSON keys are strings anyway);
 * 6. a parameter's description repeated in its schema;
 * 7. `additionalProperties: false` on response objects: zod's output mode writes it for every
 *    object, since parsing drops unknown keys; the library writes it only for `.strict()` ones
 *    (the request bodies and queries, which keep it, see the test below), so a client may accept
 *    fields added later;
 * 8. an empty `parameters` list, and empty `components.schemas`, `components.parameters` and
 *    `webhooks`;
 * 9. `$ref` naming: a schema given by reference is compared as the schema it names.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Difference 9: inlines every `$ref` into `#/components/schemas`. */
function inlineRefs(value: Json, schemas: JsonObject): Json {
  if (Array.isArray(value)) return value.map((item) => inlineRefs(item, schemas))
  if (!isObject(value)) return value
  const ref = value['$ref']
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const named = schemas[ref.slice('#/components/schemas/'.length)]
    if (named === undefined) throw new Error(`dangling ${ref}`)
    return inlineRefs(named, schemas)
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineRefs(v, schemas)]))
}

/** Differences 2-5 and 7 (`inResponse`) on one JSON Schema, recursively. */
function canonicalSchema(value: Json, inResponse: boolean): Json {
  if (Array.isArray(value)) return value.map((item) => canonicalSchema(item, inResponse))
  if (!isObject(value)) return value
  let schema: JsonObject = { ...value }
  // 2: anyOf with null → a type list.
  const anyOf = schema['anyOf']
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((part) => isObject(part) && part['type'] === 'null')
    const other = anyOf[1 - nullIndex]
    if (nullIndex >= 0 && isObject(other) && typeof other['type'] === 'string') {
      const { anyOf: _dropped, ...outer } = schema
      schema = { ...other, ...outer, type: [other['type'], 'null'] }
      const values = schema['enum']
      if (Array.isArray(values)) schema['enum'] = [...values, null]
    }
  }
  // 3: a format's spelled-out pattern.
  if (
    (schema['format'] === 'date' || schema['format'] === 'date-time') &&
    schema['pattern'] !== undefined
  ) {
    delete schema['pattern']
  }
  // 4: the safe-integer bounds.
  if (schema['minimum'] === Number.MIN_SAFE_INTEGER) delete schema['minimum']
  if (schema['maximum'] === Number.MAX_SAFE_INTEGER) delete schema['maximum']
  // 5: string keys.
  const names = schema['propertyNames']
  if (isObject(names) && Object.keys(names).length === 1 && names['type'] === 'string') {
    delete schema['propertyNames']
  }
  // 7: closed response objects.
  if (inResponse && schema['additionalProperties'] === false) {
    delete schema['additionalProperties']
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, child]) => [
      key,
      // Property names and enum values are data, not schemas, but recursing into them is
      // harmless: none of them has a key this function rewrites.
      canonicalSchema(child, inResponse),
    ])
  )
}

/** Difference 6 on one parameter. */
function canonicalParameter(parameter: Json): Json {
  if (!isObject(parameter) || !isObject(parameter['schema'])) return parameter
  const schema: JsonObject = { ...parameter['schema'] }
  if (schema['description'] === parameter['description']) delete schema['description']
  return { ...parameter, schema: canonicalSchema(schema, false) }
}

/** One operation in canonical form. */
function canonicalOperation(operation: JsonObject): JsonObject {
  const result: JsonObject = { ...operation }
  const parameters = operation['parameters']
  // 8: no parameters written as an empty list.
  if (Array.isArray(parameters) && parameters.length === 0) delete result['parameters']
  else if (Array.isArray(parameters)) result['parameters'] = parameters.map(canonicalParameter)
  if (operation['requestBody'] !== undefined) {
    result['requestBody'] = canonicalSchema(operation['requestBody'], false)
  }
  result['responses'] = canonicalSchema(operation['responses'] ?? null, true)
  return result
}

/** The whole document in canonical form, keys sorted (difference 1). */
function canonical(document: JsonObject): JsonObject {
  const components = isObject(document['components']) ? document['components'] : {}
  const schemas = isObject(components['schemas']) ? components['schemas'] : {}
  const inlined = inlineRefs(document, schemas) as JsonObject
  const paths: JsonObject = {}
  for (const [path, methods] of Object.entries(inlined['paths'] as JsonObject)) {
    paths[path] = Object.fromEntries(
      Object.entries(methods as JsonObject).map(([method, operation]) => [
        method,
        canonicalOperation(operation as JsonObject),
      ])
    )
  }
  // 8, 9: the schemas are compared where they are used; empty component lists are nothing.
  const { schemas: _named, parameters: _parameters, ...otherComponents } = components
  const { webhooks, ...rest } = inlined
  if (isObject(webhooks ?? null) && Object.keys(webhooks as JsonObject).length > 0) {
    rest['webhooks'] = webhooks as Json
  }
  return sortKeys({ ...rest, components: otherComponents, paths }) as JsonObject
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key]!)])
  )
}

async function publishedDocument(): Promise<JsonObject> {
  const { get } = await buildApiApp(handle.db)
  const response = await get('/api/v1/openapi.json', null)
  expect(response.status).toBe(200)
  return (await response.json()) as JsonObject
}

describe('the OpenAPI document written by @hono/zod-openapi', () => {
  test('equals the registry-made snapshot in substance, path by path', async () => {
    const now = canonical(await publishedDocument())
    const then = canonical(before)
    const nowPaths = now['paths'] as JsonObject
    const thenPaths = then['paths'] as JsonObject
    expect(Object.keys(thenPaths)).toHaveLength(18)
    expect(
      Object.keys(nowPaths)
        .filter((path) => !(path in thenPaths))
        .sort()
    ).toEqual([...ADDED_SINCE_SNAPSHOT].sort())
    // Operation by operation, so a failure names the one that changed.
    for (const [path, methods] of Object.entries(thenPaths)) {
      for (const [method, operation] of Object.entries(methods as JsonObject)) {
        expect((nowPaths[path] as JsonObject | undefined)?.[method], `${method} ${path}`).toEqual(
          operation
        )
      }
    }
    // And everything outside the paths: info, servers, security, the bearer schemes.
    const outside = (document: JsonObject) => ({ ...document, paths: null })
    expect(outside(now)).toEqual(outside(then))
  })

  test('the canonical form forgives only the listed differences', () => {
    // A changed description, a dropped parameter or a loosened limit still differ.
    const then = before
    const visits = (then['paths'] as JsonObject)['/visits'] as JsonObject
    const get = visits['get'] as JsonObject
    const parameters = get['parameters'] as JsonObject[]
    const altered = (change: (operation: JsonObject) => JsonObject) =>
      canonical({
        ...then,
        paths: { ...(then['paths'] as JsonObject), '/visits': { get: change(get) } },
      })
    const original = canonical(then)
    expect(altered((op) => ({ ...op, summary: 'Kunjungan' }))).not.toEqual(original)
    expect(altered((op) => ({ ...op, parameters: parameters.slice(1) }))).not.toEqual(original)
    const limit = parameters.find((p) => p['name'] === 'limit')!
    expect(
      altered((op) => ({
        ...op,
        parameters: parameters.map((p) =>
          p === limit ? { ...p, schema: { ...(p['schema'] as JsonObject), maximum: 5000 } } : p
        ),
      }))
    ).not.toEqual(original)
    expect(
      altered((op) => ({
        ...op,
        responses: { ...(op['responses'] as JsonObject), '404': { description: 'x' } },
      }))
    ).not.toEqual(original)
  })

  test('the broadcast body stays closed (.strict()) and its required fields named', async () => {
    const document = await publishedDocument()
    const paths = document['paths'] as JsonObject
    const body = ((paths['/broadcasts'] as JsonObject)['post'] as JsonObject)[
      'requestBody'
    ] as JsonObject
    const schema = ((body['content'] as JsonObject)['application/json'] as JsonObject)[
      'schema'
    ] as JsonObject
    expect(schema['additionalProperties']).toBe(false)
    expect(schema['required']).toEqual(['segment', 'text'])
  })
})
