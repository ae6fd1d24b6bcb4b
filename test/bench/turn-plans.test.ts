/**
 * A turn reads no table sequentially, however large the tables grow: with 10,000 people (one
 * supervisor per kecamatan), their identities and consents, and 100,000 sent outbox rows, the
 * plan of every statement a turn sends (a whole visit report, a supervisor's menu, a stranger's
 * first message) uses indexes only. The plans are read with `EXPLAIN` on both databases, with each
 * statement's own parameters, as the app's custom plans are made.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VISIT_SCRIPT } from '../../bench/inbound.js'
import {
  type ScriptStep,
  explainStatements,
  probeTurns,
  seedTurnTables,
} from '../../bench/probe.js'
import { loadSnapshot } from '../../src/conversation/snapshot.js'
import { readChat } from '../../src/db/queries/chat-read.js'
import { rowsOf } from '../../src/db/raw.js'
import { type TestDbHandle, createTestDb, useTestDb } from '../harness/db.js'

const PEOPLE = 10_000
const OUTBOX_ROWS = 100_000
const TELEGRAM_BASE = 700_000_000

describe('the statements of a turn at 10,000 people and 100,000 outbox rows', () => {
  let handle: TestDbHandle
  let cadre: { id: number; telegramId: string; desaCode: string }
  let supervisorTelegramId: string

  beforeAll(async () => {
    handle = await createTestDb({ statementTimeoutMs: 60_000 })
    ;({ cadre, supervisorTelegramId } = await seedTurnTables(handle.db, {
      people: PEOPLE,
      outboxRows: OUTBOX_ROWS,
      telegramBase: TELEGRAM_BASE,
    }))
  }, 240_000)

  afterAll(async () => {
    await handle?.close()
  })

  test('no statement of a turn scans a table sequentially', async () => {
    const anyReply: ScriptStep = { text: 'menu', reply: /\S/ }
    const visit = await probeTurns(handle, cadre.telegramId, VISIT_SCRIPT)
    // The visit report still works at this size: one matching reply per update.
    expect(visit.perStep.map((step) => step.matched)).toEqual(VISIT_SCRIPT.map(() => true))
    const supervisor = await probeTurns(handle, supervisorTelegramId, [anyReply])
    const stranger = await probeTurns(handle, String(TELEGRAM_BASE - 1), [
      { text: '/start', reply: /\S/ },
    ])
    for (const run of [supervisor, stranger]) {
      expect(run.perStep[0]!.replies.length).toBeGreaterThan(0)
    }
    const plans = await explainStatements(handle, [
      ...visit.statements,
      ...supervisor.statements,
      ...stranger.statements,
    ])
    // Every statement a turn sent was planned, and each read at least one table through an index.
    expect(plans.length).toBeGreaterThan(VISIT_SCRIPT.length)
    // A table of a few rows (visits, which this test leaves nearly empty) is read whole because
    // that is cheaper than its index; a table of thousands never is.
    const sizes = new Map(
      rowsOf<{ relname: string; reltuples: number | string }>(
        await handle.db.execute(
          sql`select relname, reltuples from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`
        )
      ).map((row) => [row.relname, Number(row.reltuples)])
    )
    const sequential = plans.flatMap((plan) =>
      plan.scans
        .filter((scan) => scan.nodeType === 'Seq Scan' && (sizes.get(scan.relation) ?? 0) >= 1000)
        .map((scan) => `${scan.relation}: ${plan.query.slice(0, 160)}`)
    )
    expect(sequential).toEqual([])
    const tables = new Set(plans.flatMap((plan) => plan.scans.map((scan) => scan.relation)))
    expect(tables).toContain('conversations')
    expect(tables).toContain('inbound_messages')
  }, 120_000)

  // The chat's person, help contact and consent are read inside `chat_read`, whose statements
  // EXPLAIN does not show: the transaction's own counts of scans tell how they read.
  test('the chat a turn reads (person, help contact, consent) is read through indexes', async () => {
    const scans = await handle.db.transaction(async (tx) => {
      // Counted from here: PGlite's view also holds counts of earlier transactions.
      const counts = async () =>
        rowsOf<{ relname: string; seq_scan: number | string; idx_scan: number | string }>(
          await tx.execute(sql`
            select relname, seq_scan, coalesce(idx_scan, 0) as idx_scan
            from pg_stat_xact_user_tables
            where relname in ('people', 'channel_identities', 'consents') order by relname`)
        )
      const before = await counts()
      for (const senderId of [cadre.telegramId, supervisorTelegramId, String(TELEGRAM_BASE - 1)]) {
        await readChat(tx, { channel: 'telegram', senderId })
      }
      return (await counts()).map((row, i) => ({
        table: row.relname,
        sequential: Number(row.seq_scan) - Number(before[i]!.seq_scan),
        byIndex: Number(row.idx_scan) > Number(before[i]!.idx_scan),
      }))
    })
    expect(scans).toEqual(
      ['channel_identities', 'consents', 'people'].map((table) => ({
        table,
        sequential: 0,
        byIndex: true,
      }))
    )
    const supervisor = await readChat(handle.db, {
      channel: 'telegram',
      senderId: supervisorTelegramId,
    })
    // The read found what it read: the seeded cadre's person and consent.
    const read = await readChat(handle.db, { channel: 'telegram', senderId: cadre.telegramId })
    expect(read.person?.id).toBe(cadre.id)
    expect(read.consent?.given).toBe(true)
    expect(supervisor.person?.roles).toContain('supervisor')
  })
})

describe('the help contact found with the person', () => {
  const testDb = useTestDb()

  test('the first active supervisor by id of the region or a region above it, never the person', async () => {
    const { db } = testDb
    const insert = async (name: string, roles: string[], regionCode: string, status = 'active') => {
      const [row] = rowsOf<{ id: number | string }>(
        await db.execute(sql`
          insert into people (name, phone, roles, region_code, status)
          values (${name}, ${`+6281${String(Math.random()).slice(2, 11)}`},
            ${sql.raw(`array[${roles.map((r) => `'${r}'`).join(',')}]::text[]`)},
            ${regionCode}, ${status})
          returning id`)
      )
      const id = Number(row!.id)
      await db.execute(sql`
        insert into channel_identities (person_id, channel, external_id)
        values (${id}, 'telegram', ${`tg-${id}`})`)
      return id
    }
    const [desa] = rowsOf<{ code: string; parent_code: string }>(
      await db.execute(sql`select code, parent_code from regions where level = 'desa' limit 1`)
    )
    const [otherKecamatan] = rowsOf<{ code: string }>(
      await db.execute(
        sql`select code from regions where level = 'kecamatan' and code <> ${desa!.parent_code} limit 1`
      )
    )
    const helpOf = async (id: number) =>
      (await readChat(db, { channel: 'telegram', senderId: `tg-${id}` })).person?.help ?? null

    await insert('Pengawas Lain', ['supervisor'], otherKecamatan!.code)
    await insert('Pengawas Pending', ['supervisor'], desa!.parent_code, 'pending')
    const cadre = await insert('Kader Satu', ['kader'], desa!.code)
    // Only a supervisor of another kecamatan and one not active: nobody.
    expect(await helpOf(cadre)).toBeNull()

    await insert('Pengawas Kabupaten', ['admin', 'supervisor'], '35.07')
    const kecamatanSupervisor = await insert(
      'Pengawas Kecamatan',
      ['supervisor'],
      desa!.parent_code
    )
    // The kabupaten's supervisor came first by id and covers every desa.
    expect(await helpOf(cadre)).toMatchObject({ name: 'Pengawas Kabupaten' })
    // A supervisor's own contact is someone else.
    expect(await helpOf(kecamatanSupervisor)).toMatchObject({ name: 'Pengawas Kabupaten' })
    const deskSupervisor = await insert('Pengawas Desa', ['supervisor'], desa!.code)
    expect(await helpOf(deskSupervisor)).toMatchObject({ name: 'Pengawas Kabupaten' })
  })

  test('a person first recognised by phone gets the same help contact', async () => {
    const { db } = testDb
    const [desa] = rowsOf<{ code: string; parent_code: string }>(
      await db.execute(sql`select code, parent_code from regions where level = 'desa' limit 1`)
    )
    await db.execute(sql`
      insert into people (name, phone, roles, region_code, status) values
        ('Pengawas Kecamatan', '+6281211110001', array['supervisor']::text[], ${desa!.parent_code}, 'active'),
        ('Kader Baru', '+6281211110002', array['kader']::text[], ${desa!.code}, 'active')`)
    // Imported by phone, never written: the chat is linked at its first message.
    const snapshot = await db.transaction((tx) =>
      loadSnapshot(tx, {
        channel: 'whatsapp',
        senderId: '6281211110002@s.whatsapp.net',
        phone: '+6281211110002',
        directory: { kecamatan: [], desaByKecamatan: {} },
        helpLine: 'Saluran bantuan',
      })
    )
    expect(snapshot.person?.name).toBe('Kader Baru')
    expect(snapshot.helpContact).toBe('Pengawas Kecamatan (+6281211110001)')
  })
})
