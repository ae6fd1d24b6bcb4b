/**
 * Running due fires on a real database (PGlite, or Postgres with TEST_DATABASE_URL): due times,
 * grace periods, rollback and retry of failing handlers, tick bounds, and two ticks sharing the
 * table. Time is the `now` handed to `runDueFires`; nothing here reads the wall clock.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createDb } from '../../src/db/client.js'
import type { Db, DbHandle } from '../../src/db/client.js'
import { type FireRow, planFires } from '../../src/db/queries/fires.js'
import { enqueueMessages } from '../../src/db/queries/outbox.js'
import { fires, outbox } from '../../src/db/schema/index.js'
import { type FireHandler, type RunDueFiresDeps, runDueFires } from '../../src/scheduler/fires.js'
import { type TestDatabase, createTestDbUrl, hasPostgres, useTestDb } from '../harness/db.js'
import { silentLogger } from '../harness/runtime.js'

const NOW = new Date('2025-11-24T01:00:00Z') // Senin, 24 November 2025 08.00 WIB
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000)

const plan = (db: Db, dedupeKey: string, dueAt: Date, options: Partial<FirePlan> = {}) =>
  planFires(db, [
    {
      kind: options.kind ?? 'test.ping',
      dedupeKey,
      dueAt,
      graceSeconds: options.graceSeconds ?? 600,
      payload: options.payload ?? { key: dedupeKey },
    },
  ])
type FirePlan = { kind: string; graceSeconds: number; payload: unknown }

const fireByKey = async (db: Db, dedupeKey: string): Promise<FireRow> => {
  const [row] = await db.select().from(fires).where(eq(fires.dedupeKey, dedupeKey))
  return row!
}

/** A handler that records the dedupe key and the `now` of every run. */
function recordingHandler(effect?: FireHandler) {
  const runs: { key: string; now: Date }[] = []
  const handler: FireHandler = async (tx, fire, now) => {
    runs.push({ key: fire.dedupeKey, now })
    await effect?.(tx, fire, now)
  }
  return { handler, runs, keys: () => runs.map((r) => r.key) }
}

const handle = useTestDb()

const tick = (
  handlers: RunDueFiresDeps['handlers'],
  now: Date,
  deps: Partial<RunDueFiresDeps> = {}
) => runDueFires({ db: handle.db, handlers, logger: silentLogger, ...deps }, now)

describe('runDueFires', () => {
  test('a due fire runs its handler once and is marked done', async () => {
    await plan(handle.db, 'ping-1', at(-60), { payload: { conversationId: 7 } })
    const ping = recordingHandler()

    expect(await tick({ 'test.ping': ping.handler }, NOW)).toEqual({
      done: 1,
      skipped: 0,
      failed: 0,
    })
    expect(await tick({ 'test.ping': ping.handler }, at(60))).toEqual({
      done: 0,
      skipped: 0,
      failed: 0,
    })

    expect(ping.runs).toEqual([{ key: 'ping-1', now: NOW }])
    expect(await fireByKey(handle.db, 'ping-1')).toMatchObject({
      status: 'done',
      finishedAt: NOW,
      attempts: 0,
      lastError: null,
      payload: { conversationId: 7 },
    })
  })

  test('a fire that is not yet due does not run until its time comes', async () => {
    await plan(handle.db, 'later', at(60))
    const ping = recordingHandler()

    expect(await tick({ 'test.ping': ping.handler }, NOW)).toEqual({
      done: 0,
      skipped: 0,
      failed: 0,
    })
    expect(ping.runs).toEqual([])
    expect(await fireByKey(handle.db, 'later')).toMatchObject({
      status: 'pending',
      finishedAt: null,
    })

    expect(await tick({ 'test.ping': ping.handler }, at(60))).toMatchObject({ done: 1 })
    expect(ping.keys()).toEqual(['later'])
  })

  test('planning the same dedupe key twice keeps the first plan', async () => {
    await plan(handle.db, 'remind:conv-1:turn-3', at(60), { payload: { first: true } })
    await plan(handle.db, 'remind:conv-1:turn-3', at(120), { payload: { first: false } })
    const ping = recordingHandler()

    const rows = await handle.db.select().from(fires)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ dueAt: at(60), payload: { first: true } })

    await tick({ 'test.ping': ping.handler }, at(120))
    expect(ping.keys()).toEqual(['remind:conv-1:turn-3'])
  })

  test('runs due fires oldest first', async () => {
    await plan(handle.db, 'third', at(-10))
    await plan(handle.db, 'first', at(-300))
    await plan(handle.db, 'second', at(-60))
    const ping = recordingHandler()

    await tick({ 'test.ping': ping.handler }, NOW)

    expect(ping.keys()).toEqual(['first', 'second', 'third'])
  })

  test('a fire missed by less than its grace period is caught up', async () => {
    await plan(handle.db, 'missed', NOW, { graceSeconds: 600 })
    const ping = recordingHandler()

    // The server was down for 599 s past the due time.
    expect(await tick({ 'test.ping': ping.handler }, at(599))).toMatchObject({ done: 1 })

    expect(ping.runs).toEqual([{ key: 'missed', now: at(599) }])
    expect(await fireByKey(handle.db, 'missed')).toMatchObject({
      status: 'done',
      finishedAt: at(599),
    })
  })

  test('a fire found later than its grace period is skipped and its handler never runs', async () => {
    await plan(handle.db, 'too-late', NOW, { graceSeconds: 600 })
    await plan(handle.db, 'in-time', at(300), { graceSeconds: 600 })
    const ping = recordingHandler()

    expect(await tick({ 'test.ping': ping.handler }, at(601))).toEqual({
      done: 1,
      skipped: 1,
      failed: 0,
    })

    expect(ping.keys()).toEqual(['in-time'])
    expect(await fireByKey(handle.db, 'too-late')).toMatchObject({
      status: 'skipped',
      finishedAt: at(601),
      lastError: 'missed its grace period',
    })
  })

  test('a throwing handler rolls back its writes, is retried later, and fails after maxAttempts', async () => {
    await plan(handle.db, 'broken', at(-1), { kind: 'test.broken' })
    await plan(handle.db, 'fine', at(-1))
    const broken = recordingHandler(async (tx, fire) => {
      await enqueueMessages(tx, [
        { channel: 'simulator', recipientId: 'sim-1', priority: 1, message: { text: 'reminder' } },
      ])
      throw new Error(`boom ${fire.dedupeKey}`)
    })
    const ping = recordingHandler()
    const handlers = { 'test.broken': broken.handler, 'test.ping': ping.handler }
    const deps = { maxAttempts: 3, retryDelayMs: 120_000 }

    expect(await tick(handlers, NOW, deps)).toEqual({ done: 1, skipped: 0, failed: 1 })

    // The other due fire of the same tick ran; the failing one left no outbox row behind.
    expect(ping.keys()).toEqual(['fine'])
    expect(await handle.db.select().from(outbox)).toEqual([])
    expect(await fireByKey(handle.db, 'broken')).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'Error: boom broken',
      dueAt: at(120),
      finishedAt: null,
    })

    // Not again before its retry time.
    await tick(handlers, at(60), deps)
    expect(broken.runs).toHaveLength(1)

    expect(await tick(handlers, at(120), deps)).toMatchObject({ failed: 1 })
    expect(await fireByKey(handle.db, 'broken')).toMatchObject({
      status: 'pending',
      attempts: 2,
      dueAt: at(240),
    })
    expect(await tick(handlers, at(240), deps)).toMatchObject({ failed: 1 })
    expect(await fireByKey(handle.db, 'broken')).toMatchObject({ status: 'failed', attempts: 3 })

    // Failed for good: later ticks leave it alone.
    expect(await tick(handlers, at(3600), deps)).toEqual({ done: 0, skipped: 0, failed: 0 })
    expect(broken.runs.map((r) => r.now)).toEqual([NOW, at(120), at(240)])
    expect(await handle.db.select().from(outbox)).toEqual([])
  })

  test('a fire that failed once commits its writes when its retry succeeds', async () => {
    await plan(handle.db, 'flaky', at(-1))
    const flaky = recordingHandler(async (tx) => {
      await enqueueMessages(tx, [
        { channel: 'simulator', recipientId: 'sim-1', priority: 1, message: { text: 'reminder' } },
      ])
      if (flaky.runs.length === 1) throw new Error('platform hiccup')
    })
    const deps = { retryDelayMs: 60_000 }

    await tick({ 'test.ping': flaky.handler }, NOW, deps)
    expect(await tick({ 'test.ping': flaky.handler }, at(60), deps)).toMatchObject({ done: 1 })

    expect(await fireByKey(handle.db, 'flaky')).toMatchObject({
      status: 'done',
      attempts: 1,
      lastError: null,
      finishedAt: at(60),
    })
    const rows = await handle.db.select().from(outbox)
    expect(rows.map((r) => r.message)).toEqual([{ text: 'reminder' }])
  })

  test('a handler whose SQL fails is recorded as a failed attempt like any other error', async () => {
    await plan(handle.db, 'bad-sql', at(-2))
    await plan(handle.db, 'after', at(-1), { kind: 'test.after' })
    const bad = recordingHandler(async (tx) => {
      await tx.execute(sql`select ${'Siti Aminah'}::text, 1 / 0`)
    })
    const after = recordingHandler()

    expect(
      await tick({ 'test.ping': bad.handler, 'test.after': after.handler }, NOW, {
        retryDelayMs: 60_000,
      })
    ).toEqual({ done: 1, skipped: 0, failed: 1 })

    expect(after.keys()).toEqual(['after'])
    const fire = await fireByKey(handle.db, 'bad-sql')
    expect(fire).toMatchObject({ status: 'pending', attempts: 1, dueAt: at(60) })
    expect(fire.lastError).toMatch(/^\w*Error: Failed query: select \$1::text, 1 \/ 0/)
    // The bound parameters may be personal data: they are not kept (docs/design.md P11).
    expect(fire.lastError).not.toContain('Siti')
  })

  test('an unknown fire kind fails that fire, not the tick', async () => {
    await plan(handle.db, 'orphan', at(-2), { kind: 'feature.removed' })
    await plan(handle.db, 'known', at(-1))
    const ping = recordingHandler()

    expect(await tick({ 'test.ping': ping.handler }, NOW, { maxAttempts: 1 })).toEqual({
      done: 1,
      skipped: 0,
      failed: 1,
    })

    expect(ping.keys()).toEqual(['known'])
    expect(await fireByKey(handle.db, 'orphan')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'UnknownFireKindError: No handler for fire kind feature.removed',
    })
  })

  test('maxPerTick bounds how many fires one tick handles', async () => {
    for (let i = 1; i <= 5; i++) await plan(handle.db, `f${i}`, at(-100 + i))
    const ping = recordingHandler()

    expect(await tick({ 'test.ping': ping.handler }, NOW, { maxPerTick: 2 })).toMatchObject({
      done: 2,
    })
    expect(ping.keys()).toEqual(['f1', 'f2'])
    const pending = await handle.db.select().from(fires).where(eq(fires.status, 'pending'))
    expect(pending).toHaveLength(3)

    expect(await tick({ 'test.ping': ping.handler }, NOW, { maxPerTick: 2 })).toMatchObject({
      done: 2,
    })
    expect(await tick({ 'test.ping': ping.handler }, NOW, { maxPerTick: 2 })).toMatchObject({
      done: 1,
    })
    expect(ping.keys()).toEqual(['f1', 'f2', 'f3', 'f4', 'f5'])
  })
})

// PGlite is a single connection, so two ticks on it never overlap; the claim (FOR UPDATE SKIP
// LOCKED inside each fire's transaction) can only be shown to share work safely on a real server.
describe.runIf(hasPostgres)('two ticks on one Postgres database', () => {
  let database: TestDatabase
  let a: DbHandle
  let b: DbHandle
  beforeEach(async () => {
    database = await createTestDbUrl()
    a = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
    b = await createDb({ databaseUrl: database.url, migrate: false, poolMax: 2 })
    // Open both connections first, so neither tick gets a head start.
    await Promise.all([a.db.execute(sql`select 1`), b.db.execute(sql`select 1`)])
  })
  afterEach(async () => {
    await Promise.all([a.close(), b.close()])
    await database.drop()
  })

  const planMany = (count: number) =>
    planFires(
      a.db,
      Array.from({ length: count }, (_, i) => ({
        kind: 'test.ping',
        dedupeKey: `f${i}`,
        dueAt: at(-60),
        graceSeconds: 600,
        payload: {},
      }))
    )

  test('run each due fire exactly once when ticking concurrently', async () => {
    await planMany(100)
    const runs = new Map<string, number>()
    const handler: FireHandler = async (tx, fire) => {
      runs.set(fire.dedupeKey, (runs.get(fire.dedupeKey) ?? 0) + 1)
      await enqueueMessages(tx, [
        {
          channel: 'simulator',
          recipientId: 'sim-1',
          priority: 1,
          message: { text: fire.dedupeKey },
        },
      ])
    }
    const deps = (db: Db): RunDueFiresDeps => ({
      db,
      handlers: { 'test.ping': handler },
      logger: silentLogger,
    })

    const [ra, rb] = await Promise.all([runDueFires(deps(a.db), NOW), runDueFires(deps(b.db), NOW)])

    expect(ra.done + rb.done).toBe(100)
    expect(ra.done).toBeGreaterThan(0)
    expect(rb.done).toBeGreaterThan(0)
    expect(runs.size).toBe(100)
    expect([...runs.values()].every((count) => count === 1)).toBe(true)
    const rows = await a.db.select().from(fires)
    expect(rows.every((r) => r.status === 'done')).toBe(true)
    const sent = await a.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(new Set(sent.map((r) => (r.message as { text: string }).text)).size).toBe(100)
    expect(sent).toHaveLength(100)
  })

  test('a fire that fails on one tick is not run again by the other before its retry time', async () => {
    await planMany(60)
    const runs = new Map<string, number>()
    const handler: FireHandler = async (_tx, fire) => {
      runs.set(fire.dedupeKey, (runs.get(fire.dedupeKey) ?? 0) + 1)
      throw new Error('platform down')
    }
    const deps = (db: Db): RunDueFiresDeps => ({
      db,
      handlers: { 'test.ping': handler },
      logger: silentLogger,
      retryDelayMs: 60_000,
    })

    const [ra, rb] = await Promise.all([runDueFires(deps(a.db), NOW), runDueFires(deps(b.db), NOW)])

    expect(ra.failed + rb.failed).toBe(60)
    expect(runs.size).toBe(60)
    expect([...runs.entries()].filter(([, count]) => count !== 1)).toEqual([])
    const rows = await a.db.select().from(fires)
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true)
    expect(rows.every((r) => r.dueAt.getTime() === at(60).getTime())).toBe(true)
  })
})
