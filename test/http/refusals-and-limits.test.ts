/**
 * What every route shares: database failures answered 503 (JSON, or a page in Indonesian on the
 * dashboard) by one error handler, refused requests logged as a count per kind and window, and
 * bodies refused with 413 while they stream in, past small limits before login.
 */
import { Hono } from 'hono'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { withDeadline } from '../../src/db/deadline.js'
import { createApp } from '../../src/http/app.js'
import { MAX_LOGIN_FORM_BYTES } from '../../src/http/admin/routes.js'
import { createRefusalLog, refusalKind } from '../../src/http/refusal-log.js'
import { jsonBodyLimit } from '../../src/lib/body-limit.js'
import { DatabaseTimeoutError, isTransientDbError } from '../../src/lib/transient.js'
import { createMediaStore } from '../../src/conversation/media-store.js'
import { createDashboardWithApi } from '../harness/admin.js'
import { useTestDb } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

afterEach(() => {
  vi.useRealTimers()
})

const TOKEN = 'refusals-test-admin-token'
const BEARER = { authorization: `Bearer ${TOKEN}` }

type Line = { obj: object; msg: string }
const recorder = () => {
  const lines: Line[] = []
  return {
    lines,
    warn: (obj: object, msg: string) => {
      lines.push({ obj, msg })
    },
  }
}

/** A body of `total` bytes streamed in 64 KB chunks, counting what the server pulled. */
function countedStream(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61)
  let pulled = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close()
      pulled += chunk.length
      controller.enqueue(chunk)
    },
  })
  return { body, pulled: () => pulled }
}

describe('database unavailable', () => {
  test('a statement past its deadline fails as "database unavailable"', async () => {
    vi.useFakeTimers()
    const never = new Promise<never>(() => undefined)
    let cancelled = false
    const outcome = withDeadline(never, 1500, () => (cancelled = true)).catch((error) => error)
    await vi.advanceTimersByTimeAsync(1499)
    expect(cancelled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error).toBeInstanceOf(DatabaseTimeoutError)
    expect(cancelled).toBe(true)
    expect(isTransientDbError(new Error('wrapped', { cause: error }))).toBe(true)
    // A statement the server cancelled at its statement_timeout is the same condition.
    expect(isTransientDbError({ code: '57014' })).toBe(true)
    expect(isTransientDbError({ code: '23505' })).toBe(false)
  })

  test('every JSON route answers 503 with retry-after; a bug stays a 500', async () => {
    const refusals = createRefusalLog({ logger: recorder() })
    let failure: unknown = new DatabaseTimeoutError(1500)
    const app = createApp({
      logger: silentLogger,
      refusals,
      databaseKind: 'postgres',
      pingDatabase: async () => undefined,
      simulator: {
        handleInbound: async () => {
          throw failure
        },
        listInbox: async () => {
          throw failure
        },
        media: createMediaStore('/nonexistent-kaderbot-media'),
        requiredToken: TOKEN,
      },
    })
    const inbox = await app.request('/api/v1/simulator/inbox?from=sim-1', { headers: BEARER })
    expect(inbox.status).toBe(503)
    expect(inbox.headers.get('retry-after')).toBe('5')
    expect(await inbox.json()).toMatchObject({ error: 'unavailable' })
    failure = Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })
    const message = await app.request('/api/v1/simulator/messages', {
      method: 'POST',
      headers: { ...BEARER, 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'sim-1', text: 'halo' }),
    })
    expect(message.status).toBe(503)
    failure = new TypeError('a bug')
    const bug = await app.request('/api/v1/simulator/inbox?from=sim-1', { headers: BEARER })
    expect(bug.status).toBe(500)
    expect(refusals.pending()).toEqual({ database_unavailable: 2 })
  })
})

describe('refusals logged in aggregate', () => {
  test('one line per kind per window, with the count', async () => {
    vi.useFakeTimers()
    const logger = recorder()
    const refusals = createRefusalLog({ logger, intervalMs: 60_000 })
    for (let i = 0; i < 2000; i++) refusals.count('whatsapp_signature')
    for (let i = 0; i < 3; i++) refusals.count('bearer_token')
    expect(logger.lines).toEqual([])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(logger.lines).toEqual([
      {
        msg: 'requests refused',
        obj: { kind: 'whatsapp_signature', count: 2000, windowSeconds: 60 },
      },
      { msg: 'requests refused', obj: { kind: 'bearer_token', count: 3, windowSeconds: 60 } },
    ])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(logger.lines).toHaveLength(2)
    refusals.count('telegram_secret')
    refusals.stop()
    expect(logger.lines.at(-1)?.obj).toMatchObject({ kind: 'telegram_secret', count: 1 })
  })

  test('the kind comes from the route and the status', () => {
    expect(refusalKind('/webhook/whatsapp', 401)).toBe('whatsapp_signature')
    expect(refusalKind('/webhook/telegram', 401)).toBe('telegram_secret')
    expect(refusalKind('/api/v1/visits', 401)).toBe('bearer_token')
    expect(refusalKind('/admin/login', 413)).toBe('body_too_large')
    expect(refusalKind('/healthz', 503)).toBe('database_unavailable')
    expect(refusalKind('/api/v1/visits', 200)).toBeUndefined()
    expect(refusalKind('/admin', 401)).toBeUndefined()
  })
})

describe('body limits', () => {
  const testDb = useTestDb()

  test('a login form past a few KB is refused with 413 in Indonesian, never read whole', async () => {
    const app = await createDashboardWithApi(testDb.db)
    const big = countedStream(5 * 1024 * 1024)
    const response = await app.request('http://localhost/admin/login', {
      method: 'POST',
      headers: {
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: big.body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(await response.text()).toContain('Kiriman terlalu besar (paling banyak 4 KB)')
    expect(big.pulled()).toBeLessThan(256 * 1024)
    // A declared length past the limit is refused before any of it is read.
    const declared = await app.request('http://localhost/admin/login', {
      method: 'POST',
      headers: {
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(MAX_LOGIN_FORM_BYTES + 1),
      },
      body: 'token=' + 'a'.repeat(MAX_LOGIN_FORM_BYTES - 5),
    })
    expect(declared.status).toBe(413)
  })

  test('a JSON route past its limit answers 413 with a clear message; refusals are counted', async () => {
    const logger = recorder()
    const refusals = createRefusalLog({ logger })
    const app = createApp({
      logger: silentLogger,
      refusals,
      databaseKind: 'pglite',
      pingDatabase: async () => undefined,
      whatsappCloud: {
        routes: () =>
          new Hono().post('/', jsonBodyLimit(1024), async (c) => {
            await c.req.arrayBuffer()
            return c.text('unauthorized', 401)
          }),
      },
    })
    const big = countedStream(5 * 1024 * 1024)
    const response = await app.request('/webhook/whatsapp', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big.body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' })
    expect(big.pulled()).toBeLessThan(256 * 1024)
    // A stated length past the limit is refused before any of it is read; within it, it passes.
    const stated = (length: number, body: string) =>
      app.request('/webhook/whatsapp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(length) },
        body,
      })
    expect((await stated(1025, 'x'.repeat(1025))).status).toBe(413)
    const forged = await stated(2, '{}')
    expect(forged.status).toBe(401)
    expect(refusals.pending()).toEqual({ body_too_large: 2, whatsapp_signature: 1 })
    expect(logger.lines).toEqual([])
  })
})
