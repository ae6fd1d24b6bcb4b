/**
 * Transient database failures: which errors count as passing, and writes retried through them.
 * The outbox sender records each send's outcome with `retryTransient`, so a message that went out
 * while the database blinked is recorded as sent, not sent again when its claim expires.
 */
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, test } from 'vitest'
import type { ChannelSender } from '../../src/channels/types.js'
import { type PostgresDbHandle, createDb } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema/index.js'
import { isTransientDbError, retryTransient } from '../../src/lib/transient.js'
import { createOutboxSender } from '../../src/outbox/sender.js'
import { type TestDatabase, createTestDbUrl, hasPostgres } from '../harness/db.js'
import { queueBulk } from '../harness/outbox-load.js'
import { silentLogger } from '../harness/runtime.js'

const terminated = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  })

describe('retryTransient', () => {
  test('retries a write through passing failures and returns its result', async () => {
    let calls = 0
    const result = await retryTransient(async () => {
      calls++
      if (calls < 3) throw new Error('Failed query', { cause: terminated() })
      return 'written'
    })
    expect(result).toBe('written')
    expect(calls).toBe(3)
  })

  test('throws any other error at once', async () => {
    let calls = 0
    const bug = Object.assign(new Error('duplicate key'), { code: '23505' })
    await expect(
      retryTransient(async () => {
        calls++
        throw bug
      })
    ).rejects.toBe(bug)
    expect(calls).toBe(1)
    expect(isTransientDbError(bug)).toBe(false)
  })
})

describe.runIf(hasPostgres)('the outbox sender when its connections are cut mid-send', () => {
  let database: TestDatabase | undefined
  const handles: PostgresDbHandle[] = []
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()))
    await database?.drop()
  })

  test('records every outcome once the pool reconnects: nothing goes out twice', async () => {
    database = await createTestDbUrl()
    const open = async (name: string) => {
      const handle = (await createDb({
        databaseUrl: `${database!.url}?application_name=${name}`,
        migrate: false,
        poolMax: 2,
      })) as PostgresDbHandle
      handles.push(handle)
      return handle
    }
    const app = await open('kaderbot-cut')
    const admin = await open('kaderbot-admin')
    await queueBulk(app.db, 6)

    const sent: string[] = []
    const cuts: Promise<unknown>[] = []
    const channel: ChannelSender = {
      channel: 'telegram',
      async send(recipientId) {
        sent.push(recipientId)
        if (cuts.length < 2) {
          // The database restarts while the send's outcome is being written: the write waits on
          // a row lock held elsewhere, and meanwhile the server ends every session of the pool.
          let locked!: () => void
          const lockTaken = new Promise<void>((resolve) => (locked = resolve))
          cuts.push(
            admin.sql.begin(async (tx) => {
              await tx`select id from outbox where recipient_id = ${recipientId} for update`
              locked()
              await new Promise((resolve) => setTimeout(resolve, 300))
              await tx`select pg_terminate_backend(pid) from pg_stat_activity
                where application_name = 'kaderbot-cut' and wait_event_type = 'Lock'`
            })
          )
          await lockTaken
        }
        return { ok: true, platformMessageId: String(sent.length) }
      },
    }
    const sender = createOutboxSender({
      db: app.db,
      channels: [channel],
      logger: silentLogger,
      pollIntervalMs: 50,
      leaseSeconds: 60,
    })
    sender.start()
    try {
      const deadline = Date.now() + 15_000
      for (;;) {
        const [row] = await admin.db
          .select({ unsent: sql<number>`count(*) filter (where ${outbox.status} <> 'sent')::int` })
          .from(outbox)
        if (row?.unsent === 0) break
        if (Date.now() > deadline) throw new Error(`${row?.unsent} rows still unsent`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      await sender.stop()
    }
    await Promise.all(cuts)
    expect(sent).toHaveLength(6)
    expect(new Set(sent).size).toBe(6)
  }, 30_000)
})
