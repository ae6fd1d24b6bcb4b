/**
 * The daily retention job (docs/domain.md, decision 9): the text people typed is kept in
 * `inbound_messages.text` for support and disputes, and redacted once older than
 * `RETENTION_INBOUND_TEXT_DAYS`; nothing else changes (newer text, the rows themselves, and every
 * domain record). The job runs as a fire through the real `runDueFires`, and plans the next day.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import type { Db } from '../../src/db/client.js'
import { fires, inboundMessages } from '../../src/db/schema/index.js'
import { runDueFires } from '../../src/scheduler/fires.js'
import {
  RETENTION_KIND,
  planNextRetention,
  retentionHandlers,
} from '../../src/scheduler/jobs/retention.js'
import { seedApiMonth } from '../harness/api.js'
import { useTestDb } from '../harness/db.js'
import {
  createTestRuntime,
  giveConsent,
  silentLogger,
  simulatorMessage,
} from '../harness/runtime.js'
import { rowsOf } from '../../src/db/raw.js'

type Row = Record<string, unknown>

const TZ = 'Asia/Jakarta'
const DAY = 24 * 3600 * 1000
/** Start-up time: the first run is planned for the next day at 03.00 WIB. */
const STARTED = new Date('2026-03-01T10:00:00+07:00')
const FIRST_RUN = new Date('2026-03-02T03:00:00+07:00')

const database = useTestDb()

/** Every table but the two the job writes, as JSON, to show that nothing else changed. */
async function everythingElse(db: Db): Promise<string> {
  const tables = rowsOf<Row>(
    await db.execute(sql`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'
        and table_name not in ('inbound_messages', 'fires')
      order by table_name`)
  )
  const dump: Record<string, unknown> = {}
  for (const table of tables) {
    const name = String(table['table_name'])
    dump[name] = rowsOf<Row>(await db.execute(sql.raw(`select * from "${name}" order by 1`)))
  }
  return JSON.stringify(dump)
}

const inbound = (db: Db) =>
  db
    .select({
      externalId: inboundMessages.externalId,
      kind: inboundMessages.kind,
      text: inboundMessages.text,
      textRedactedAt: inboundMessages.textRedactedAt,
      receivedAt: inboundMessages.receivedAt,
      conversationId: inboundMessages.conversationId,
    })
    .from(inboundMessages)
    .orderBy(asc(inboundMessages.id))

describe('retention of inbound message text', () => {
  test('the daily run redacts text older than the setting and nothing else', async () => {
    const db = database.db
    await seedApiMonth(db) // people, visits, attendance, broadcasts: domain records to keep
    const { runtime, sender } = await createTestRuntime(db)
    await giveConsent(db, ['sim-1', 'sim-2'])
    const at = (daysBeforeRun: number, hours = 0) =>
      new Date(FIRST_RUN.getTime() - daysBeforeRun * DAY - hours * 3600_000)
    const send = (
      from: string,
      text: string | { type: 'choice'; id: string },
      receivedAt: Date,
      id: string
    ) => runtime.handleInbound({ ...simulatorMessage(from, text, id), receivedAt }, receivedAt)
    await send('sim-1', '/lapor', at(200), 'old-1') // long past the setting
    await send('sim-1', 'Keluarga Pak Budi', at(90, 1), 'old-2') // just past 90 days
    await send('sim-2', { type: 'choice', id: 'x' }, at(120), 'old-choice') // never had text
    await send('sim-2', 'menu', at(89, 23), 'new-1') // just inside 90 days
    await send('sim-1', 'batal', at(1), 'new-2')
    // The replies are sent and recorded before the comparison starts: only the job may change rows.
    await sender.idle()

    const before = await inbound(db)
    expect(before.map((r) => r.text)).toEqual([
      '/lapor',
      'Keluarga Pak Budi',
      null,
      'menu',
      'batal',
    ])
    const othersBefore = await everythingElse(db)
    expect(othersBefore).toMatch(/"visits":\[\{/) // the domain records are in the comparison

    await planNextRetention(db, { now: STARTED, timeZone: TZ })
    const [planned] = await db.select().from(fires).where(eq(fires.kind, RETENTION_KIND))
    expect(planned).toMatchObject({ dedupeKey: 'retention:2026-03-02', dueAt: FIRST_RUN })

    const deps = {
      db,
      logger: silentLogger,
      handlers: retentionHandlers({ inboundTextDays: 90, timeZone: TZ, logger: silentLogger }),
    }
    const runAt = new Date(FIRST_RUN.getTime() + 30_000) // the tick a little after 03.00
    expect(await runDueFires(deps, runAt)).toEqual({ done: 1, skipped: 0, failed: 0 })

    const after = await inbound(db)
    expect(after.map((r) => [r.externalId, r.text, r.textRedactedAt])).toEqual([
      ['old-1', null, runAt],
      ['old-2', null, runAt],
      ['old-choice', null, null],
      ['new-1', 'menu', null],
      ['new-2', 'batal', null],
    ])
    // The rows stay: dedupe, kind, times and the conversation link are untouched.
    const rest = (rows: typeof before) =>
      rows.map(({ text: _t, textRedactedAt: _r, ...kept }) => kept)
    expect(rest(after)).toEqual(rest(before))
    expect(await everythingElse(db)).toBe(othersBefore)

    // The run planned the next day's; running again the same day changes nothing.
    const pending = await db
      .select({ dedupeKey: fires.dedupeKey, dueAt: fires.dueAt, status: fires.status })
      .from(fires)
      .where(eq(fires.kind, RETENTION_KIND))
      .orderBy(asc(fires.dueAt))
    expect(pending).toEqual([
      { dedupeKey: 'retention:2026-03-02', dueAt: FIRST_RUN, status: 'done' },
      {
        dedupeKey: 'retention:2026-03-03',
        dueAt: new Date('2026-03-03T03:00:00+07:00'),
        status: 'pending',
      },
    ])
    expect(await runDueFires(deps, new Date(runAt.getTime() + 60_000))).toEqual({
      done: 0,
      skipped: 0,
      failed: 0,
    })

    // The next day, the message that was just inside the period is past it.
    const nextRun = new Date('2026-03-03T03:00:30+07:00')
    expect(await runDueFires(deps, nextRun)).toMatchObject({ done: 1 })
    expect((await inbound(db)).map((r) => r.text)).toEqual([null, null, null, null, 'batal'])
  })

  test('text is stored as Postgres can hold it: NUL removed, lone surrogates replaced', async () => {
    const db = database.db
    const { runtime } = await createTestRuntime(db)
    await giveConsent(db, ['sim-9'])
    await runtime.handleInbound(simulatorMessage('sim-9', 'Pak\u0000Budi \ud800!'), new Date())
    expect((await inbound(db)).map((r) => r.text)).toEqual(['PakBudi \ufffd!'])
  })
})

describe('RETENTION_INBOUND_TEXT_DAYS', () => {
  test('is a whole number of days from 1 to 3650; unset leaves the default of 90', () => {
    expect(loadConfig({}).retentionInboundTextDays).toBeUndefined()
    expect(loadConfig({ RETENTION_INBOUND_TEXT_DAYS: '30' }).retentionInboundTextDays).toBe(30)
    for (const wrong of ['0', '3651', '1.5', 'ninety']) {
      expect(() => loadConfig({ RETENTION_INBOUND_TEXT_DAYS: wrong })).toThrow(ConfigError)
    }
    expect(() => loadConfig({ RETENTION_INBOUND_TEXT_DAYS: 'x' })).toThrow(
      'RETENTION_INBOUND_TEXT_DAYS must be a whole number of days from 1 to 3650 (got "x")'
    )
  })
})
