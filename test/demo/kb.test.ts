/**
 * The demo's KB register and stocks: after `seedDemo`, the register mirrors the demo month's PUS
 * visits, every kind of event occurs, and the KB indicators the dashboard and API read are
 * recounted here in plain JavaScript from the raw rows (month-end state per family, new
 * acceptors, drop-outs, PUS imported or visited).
 */
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { readKbIndicators } from '../../src/db/queries/kb-indicators.js'
import { rowsOf, toNumber } from '../../src/db/raw.js'
import { seedDemo } from '../../src/demo/write.js'
import {
  type KbIndicators,
  type PusSource,
  isMkjp,
  isModern,
  lastDayOf,
  previousPeriod,
} from '../../src/domain/kb.js'
import { useTestDb } from '../harness/db.js'

/** 30 October 2026, 10.00 WIB: the demo month is October 2026. */
const NOW = new Date('2026-10-30T03:00:00Z')
const ctx = useTestDb('file')
let period = ''

type EventRow = {
  id: number
  family: number
  desa: string
  date: string
  period: string
  kind: string
  status: string
  method: string | null
  intent: string | null
  newAcceptor: boolean
  counted: boolean
}
let events: EventRow[] = []
let stockedPus = new Map<string, number>()

beforeAll(async () => {
  const seeded = await seedDemo(ctx.db, { now: NOW })
  if (seeded.action !== 'seeded') throw new Error('the demo was already there')
  period = seeded.plan.period
  events = rowsOf<Record<string, unknown>>(
    await ctx.db.execute(sql`select e.id, e.family_id, e.desa_code, e.event_date::text as d,
        e.period, e.kind, e.status, e.method, e.intent, e.new_acceptor,
        (v.id is null or v.status = 'submitted') as counted
      from kb_events e left join visits v on v.id = e.visit_id
      where e.corrects_id is null`)
  ).map((r) => ({
    id: toNumber(r.id),
    family: toNumber(r.family_id),
    desa: String(r.desa_code),
    date: String(r.d),
    period: String(r.period),
    kind: String(r.kind),
    status: String(r.status),
    method: (r.method as string | null) ?? null,
    intent: (r.intent as string | null) ?? null,
    newAcceptor: r.new_acceptor === true,
    counted: r.counted === true,
  }))
  stockedPus = new Map(
    rowsOf<{ desa_code: string; value: unknown }>(
      await ctx.db.execute(sql`select desa_code, value from desa_stocks where key = 'pus'`)
    ).map((r) => [r.desa_code, toNumber(r.value)])
  )
}, 120_000)

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 10)

/** Each family's latest counted row dated on or before `day`, within `within`. */
function statesAt(day: string, within: (desa: string) => boolean) {
  const latest = new Map<number, EventRow>()
  for (const e of events) {
    if (!e.counted || e.date > day || !within(e.desa)) continue
    const seen = latest.get(e.family)
    if (!seen || e.date > seen.date || (e.date === seen.date && e.id > seen.id)) {
      latest.set(e.family, e)
    }
  }
  return latest
}

/** The KB indicators recounted by hand from the register rows. */
function recountKb(region: string, pusImported: number | null) {
  const within = (desa: string) => desa === region || desa.startsWith(`${region}.`)
  const end = statesAt(lastDayOf(period), within)
  const start = statesAt(lastDayOf(previousPeriod(period)), within)
  const isUser = (e: EventRow) => e.status === 'ber_kb' && e.method !== null
  const users = [...end.values()].filter(isUser)
  const startUsers = [...start.values()].filter(isUser)
  const newFamilies = new Set(
    events
      .filter((e) => e.counted && e.newAcceptor && e.period === period && within(e.desa))
      .map((e) => e.family)
  )
  const unmet = [...end.values()].filter(
    (e) => e.status === 'tidak_kb' && (e.intent === 'tunda' || e.intent === 'tidak_lagi')
  ).length
  const dropped = startUsers.filter((e) => !isUser(end.get(e.family)!)).length
  const pus = pusImported ?? end.size
  const modern = users.filter((e) => isModern(e.method)).length
  const mkjp = users.filter((e) => isMkjp(e.method)).length
  return {
    kbActiveUsers: users.length,
    kbNewAcceptors: newFamilies.size,
    mkjpShare: { numerator: mkjp, denominator: users.length, value: pct(mkjp, users.length) },
    unmetNeed: { numerator: unmet, denominator: pus, value: pct(unmet, pus) },
    mcpr: { numerator: modern, denominator: pus, value: pct(modern, pus) },
    kbDropOutRate: {
      numerator: dropped,
      denominator: startUsers.length,
      value: pct(dropped, startUsers.length),
    },
  }
}

/** The indicators as read equal the recount, each PUS-based one saying which PUS it used. */
function expectRecounted(
  kb: KbIndicators,
  expected: ReturnType<typeof recountKb>,
  source: PusSource
) {
  expect(kb.kbActiveUsers.value).toBe(expected.kbActiveUsers)
  expect(kb.kbNewAcceptors.value).toBe(expected.kbNewAcceptors)
  expect(kb.mkjpShare).toEqual(expected.mkjpShare)
  expect(kb.unmetNeed).toEqual({ ...expected.unmetNeed, source })
  expect(kb.mcpr).toEqual({ ...expected.mcpr, source })
  expect(kb.kbDropOutRate).toEqual(expected.kbDropOutRate)
}

describe('the demo KB register', () => {
  test('mirrors every PUS visit of the month (not the same-day repeats)', async () => {
    const mismatched = rowsOf<{ id: unknown }>(
      await ctx.db.execute(sql`select v.id from visits v
        where v.kb_status is not null and v.duplicate_of is null
          and not exists (select 1 from kb_events e where e.visit_id = v.id
            and e.status = v.kb_status and e.method is not distinct from v.kb_method
            and e.event_date = v.visit_date)`)
    )
    expect(mismatched).toEqual([])
    const repeats = rowsOf<{ n: unknown }>(
      await ctx.db.execute(sql`select count(*) as n from kb_events e
        join visits v on v.id = e.visit_id where v.duplicate_of is not null`)
    )
    expect(toNumber(repeats[0]!.n)).toBe(0)
  })

  test('holds new, continuing, changed, stopped, pregnant and IAS/IAT/TIAL entries', () => {
    const inMonth = events.filter((e) => e.period === period)
    const kinds = new Set(inMonth.map((e) => e.kind))
    for (const kind of ['started', 'continued', 'changed', 'stopped', 'pregnant', 'not_using']) {
      expect(kinds, kind).toContain(kind)
    }
    expect(inMonth.filter((e) => e.newAcceptor).length).toBeGreaterThan(0)
    expect(inMonth.filter((e) => e.kind === 'started' && !e.newAcceptor).length).toBeGreaterThan(0)
    expect(new Set(inMonth.map((e) => e.intent))).toEqual(
      new Set([null, 'segera', 'tunda', 'tidak_lagi'])
    )
    // Known families' earlier state lies before the month, so the month starts with users.
    expect(events.filter((e) => e.period < period && e.status === 'ber_kb').length).toBeGreaterThan(
      0
    )
  })

  test('the kabupaten indicators, recounted from the rows, over the visited PUS', async () => {
    const kb = await readKbIndicators(ctx.db, { period, region: '35.07' })
    // Not every desa of the kabupaten has a demo cadre, so not every one has an imported PUS.
    const expected = recountKb('35.07', null)
    expect(expected.kbActiveUsers).toBeGreaterThan(0)
    expect(expected.kbNewAcceptors).toBeGreaterThan(0)
    expect(expected.kbDropOutRate.numerator).toBeGreaterThan(0)
    expect(expected.unmetNeed.numerator).toBeGreaterThan(0)
    expectRecounted(kb, expected, 'visited')
  })

  test('a desa with imported stocks divides by its imported PUS', async () => {
    // The desa with the most register rows at the month's end.
    const perDesa = new Map<string, number>()
    for (const e of statesAt(lastDayOf(period), () => true).values()) {
      perDesa.set(e.desa, (perDesa.get(e.desa) ?? 0) + 1)
    }
    const [desa] = [...perDesa.entries()].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0])
    )[0]!
    const pus = stockedPus.get(desa)
    expect(pus).toBeGreaterThan(0)
    const kb = await readKbIndicators(ctx.db, { period, region: desa })
    const expected = recountKb(desa, pus!)
    expectRecounted(kb, expected, 'imported')
  })
})
