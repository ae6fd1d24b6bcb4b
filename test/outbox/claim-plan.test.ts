/**
 * Claims read only unsent rows: with 200,000 sent rows in the outbox (seeded with
 * generate_series, analysed as autovacuum would), the claim's plan reads the partial indexes of
 * unsent rows and never scans the table; on Postgres the table's own counters confirm that no
 * sequential scan ran. The retention job drops the settled rows older than its setting and keeps
 * queued rows and a broadcast's rows. Runs on PGlite and, with TEST_DATABASE_URL, Postgres.
 */
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { claimOutbox, enqueueMessages } from '../../src/db/queries/outbox.js'
import { upsertPersonByPhone } from '../../src/db/queries/people.js'
import { dropSettledOutbox } from '../../src/db/queries/retention.js'
import { rowsOf } from '../../src/db/raw.js'
import { outbox } from '../../src/db/schema/index.js'
import { PRIORITY } from '../../src/domain/priorities.js'
import { type TestDbHandle, createTestDb, hasPostgres } from '../harness/db.js'

const SENT_ROWS = 200_000

let handle: TestDbHandle
beforeEach(async () => {
  handle = await createTestDb({ statementTimeoutMs: 60_000 })
})
afterEach(async () => {
  await handle.close()
})

/** `count` sent rows to 5,000 chats, queued `daysAgo` days ago. */
async function seedSent(count: number, daysAgo: number): Promise<void> {
  await handle.db.execute(sql`
    insert into outbox (channel, recipient_id, priority, message, status, attempts, sent_at,
      created_at, not_before)
    select 'telegram', (100000 + n % 5000)::text, ${PRIORITY.live}, '{"text":"x"}'::jsonb, 'sent',
      1, now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo}),
      now() - make_interval(days => ${daysAgo})
    from generate_series(1, ${count}) as n`)
}

const planText = async (query: ReturnType<typeof sql>) =>
  rowsOf<Record<string, string>>(await handle.db.execute(sql`explain ${query}`))
    .map((row) => Object.values(row)[0])
    .join('\n')

describe('claims with many sent rows', () => {
  test('the claim reads the unsent rows by index, never the sent ones', async () => {
    await seedSent(SENT_ROWS, 1)
    // Replies to chats that also have thousands of sent rows each.
    await enqueueMessages(
      handle.db,
      Array.from({ length: 20 }, (_, i) => ({
        channel: 'telegram' as const,
        recipientId: String(100000 + (i % 4)),
        priority: PRIORITY.live,
        message: { text: `balasan ${i}` },
      }))
    )
    await handle.db.execute(sql`analyze outbox`)

    // The claim's selection, as `claimOutbox` runs it (read back from the statement it sends).
    const scansBefore = await seqScans()
    const claimed = await claimOutbox(handle.db, {
      channel: 'telegram',
      limit: 50,
      leaseSeconds: 60,
      perChat: 3,
    })
    expect(claimed).toHaveLength(12)
    if (hasPostgres) {
      // Counters reach pg_stat_user_tables when the transaction ends; a snapshot is refreshed.
      expect(await seqScans()).toBe(scansBefore)
    }
    const plan = await planText(sql`update outbox set attempts = attempts where id in (
      select o.id from outbox o
      where o.channel = 'telegram' and o.status in ('queued', 'sending')
        and ((o.status = 'queued' and o.not_before <= now())
          or (o.status = 'sending' and o.lease_until < now()))
        and (select count(*) < 3 from (select 1 from outbox e
          where e.channel = o.channel and e.recipient_id = o.recipient_id
            and e.status in ('queued', 'sending') and e.id < o.id and e.priority <= o.priority
          limit 3) ahead)
      order by o.priority, o.id limit 50)`)
    expect(plan).not.toMatch(/Seq Scan on outbox/)
    expect(plan).toMatch(/outbox_unsent_(recipient_)?idx/)
  }, 120_000)
})

/** Sequential scans of the outbox table so far (Postgres; PGlite keeps no statistics). */
async function seqScans(): Promise<number> {
  if (!hasPostgres) return 0
  await handle.db.execute(sql`select pg_stat_clear_snapshot()`)
  const [row] = rowsOf<{ seq_scan: string | number }>(
    await handle.db.execute(sql`select seq_scan from pg_stat_user_tables where relname = 'outbox'`)
  )
  return Number(row?.seq_scan ?? 0)
}

describe('retention of settled outbox rows', () => {
  test('drops sent, failed and skipped rows older than the setting; keeps the rest', async () => {
    await seedSent(12_000, 40)
    await seedSent(50, 5)
    const [queued] = await enqueueMessages(handle.db, [
      { channel: 'telegram', recipientId: '1', priority: 0, message: { text: 'antre' } },
    ])
    await handle.db
      .update(outbox)
      .set({ createdAt: sql`now() - interval '40 days'` })
      .where(eq(outbox.id, queued!))
    // A broadcast's old row stays: its counts are read from it.
    const [kept] = rowsOf<{ id: string | number }>(
      await handle.db.execute(sql`select min(id) as id from outbox`)
    )
    await handle.db.execute(sql`
      insert into broadcasts (author_source, segment, text, at, status, recipients, created_at)
      values ('api', '{}'::jsonb, 'Pengumuman', now(), 'done', 1, now())`)
    const { person } = await upsertPersonByPhone(handle.db, {
      phone: '081234567890',
      name: 'Warga',
      roles: ['kader'],
      regionCode: '35.07',
    })
    await handle.db.execute(sql`
      insert into broadcast_recipients (broadcast_id, person_id, outbox_id)
      select (select max(id) from broadcasts), ${person.id}, ${Number(kept!.id)}`)

    const dropped = await dropSettledOutbox(handle.db, {
      createdBefore: new Date(Date.now() - 30 * 24 * 3600_000),
      chunk: 5000,
    })
    expect(dropped).toBe(12_000 - 1)
    const left = rowsOf<{ status: string; n: string | number }>(
      await handle.db.execute(sql`select status, count(*) as n from outbox group by status`)
    )
    expect(Object.fromEntries(left.map((row) => [row.status, Number(row.n)]))).toEqual({
      sent: 51,
      queued: 1,
    })
  }, 120_000)
})
