/**
 * The KB register's queries (`docs/domain.md` "KB register"): recording a visit's KB answers as
 * an event (never updating one), the family's latest state for the next visit's questions, and
 * the month-end counts behind the recap's part V and the KB indicators. A family's state at a
 * date is its latest register row dated on or before it (by date, then id) that no correction
 * replaced; month ends are the last calendar day of the month, as visit dates are WIB dates.
 * @module
 */
import { type SQL, and, desc, eq, notExists, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../client.js'
import { rowsOf, toNumber } from '../raw.js'
import { cachedSelect } from '../statement.js'
import { kbEvents } from '../schema/index.js'
import {
  type KbCounts,
  type KbEventKind,
  type KbServicePlace,
  type KbState,
  type KbStatus,
  type PpmMethodCode,
  type PusSource,
  type SigaMethodCode,
  UNMET_NEED_INTENTS,
  bySigaCode,
  isMkjp,
  isModern,
  kbEventKind,
  lastDayOf,
  previousPeriod,
  pusDenominator,
} from '../../domain/kb.js'
import type { KbMethod } from '../../domain/kb.js'
import { stocksFor } from './stocks.js'

export type RecordKbEventParams = {
  familyId: number
  desaCode: string
  visitId: number | null
  recordedBy: number | null
  /** YYYY-MM-DD (WIB). */
  eventDate: string
  status: KbStatus
  method: string | null
  newAcceptor: boolean
  servicePlace: KbServicePlace | null
  jkn: boolean | null
  intent: string | null
  /** The row this one replaces (a correction). */
  correctsId?: number | null
  createdAt: Date
}

const replaced = alias(kbEvents, 'replaced_by')
/** No later row corrects this one. */
const notReplaced = (tx: DbOrTx) =>
  notExists(
    tx
      .select({ one: sql`1` })
      .from(replaced)
      .where(eq(replaced.correctsId, kbEvents.id))
  )

/** A family's register entry as the next visit needs it. */
export type KbEntry = KbState & {
  id: number
  eventDate: string
  kind: KbEventKind
  newAcceptor: boolean
  servicePlace: KbServicePlace | null
  jkn: boolean | null
}

/** A row of a withdrawn visit no longer counts (the row stays). */
const fromSubmittedVisit = sql`(${kbEvents.visitId} is null or exists (select 1 from visits v where v.id = ${kbEvents.visitId} and v.status = 'submitted'))`

const ENTRY_COLUMNS = {
  id: kbEvents.id,
  eventDate: kbEvents.eventDate,
  kind: kbEvents.kind,
  status: kbEvents.status,
  method: kbEvents.method,
  intent: kbEvents.intent,
  newAcceptor: kbEvents.newAcceptor,
  servicePlace: kbEvents.servicePlace,
  jkn: kbEvents.jkn,
}

/** The family's latest unreplaced entry dated on or before `onOrBefore` (default: any date). */
export async function findKbState(
  db: DbOrTx,
  familyId: number,
  onOrBefore?: string
): Promise<KbEntry | undefined> {
  const rows =
    onOrBefore === undefined
      ? await latestEntry(db, { familyId })
      : await latestEntryOnOrBefore(db, { familyId, onOrBefore })
  return rows[0]
}

/** `findKbState`'s select, with or without a last date (built once each: a visit's every turn). */
const latestEntryWhere = (db: DbOrTx, onOrBefore?: SQL) =>
  db
    .select(ENTRY_COLUMNS)
    .from(kbEvents)
    .where(
      and(
        eq(kbEvents.familyId, sql.placeholder('familyId')),
        onOrBefore,
        notReplaced(db),
        fromSubmittedVisit
      )
    )
    .orderBy(desc(kbEvents.eventDate), desc(kbEvents.id))
    .limit(1)
const latestEntry = cachedSelect((db) => latestEntryWhere(db))
const latestEntryOnOrBefore = cachedSelect((db) =>
  latestEntryWhere(db, sql`${kbEvents.eventDate} <= ${sql.placeholder('onOrBefore')}`)
)

/**
 * Adds a register row: its kind is worked out against the family's latest entry dated on or
 * before it (a correction: against the entry before the one it replaces). Never updates a row.
 */
export async function recordKbEvent(
  db: DbOrTx,
  params: RecordKbEventParams
): Promise<{ id: number; kind: KbEventKind }> {
  const previous = await findKbStateBefore(db, params)
  const kind = kbEventKind(previous ?? null, params)
  const [row] = await db
    .insert(kbEvents)
    .values({
      familyId: params.familyId,
      desaCode: params.desaCode,
      visitId: params.visitId,
      recordedBy: params.recordedBy,
      eventDate: params.eventDate,
      period: params.eventDate.slice(0, 7),
      kind,
      status: params.status,
      method: params.status === 'ber_kb' ? params.method : null,
      newAcceptor: params.status === 'ber_kb' && params.newAcceptor,
      servicePlace: params.status === 'ber_kb' ? params.servicePlace : null,
      jkn: params.status === 'ber_kb' ? params.jkn : null,
      intent: params.status === 'tidak_kb' ? params.intent : null,
      correctsId: params.correctsId ?? null,
      createdAt: params.createdAt,
    })
    .returning({ id: kbEvents.id })
  return { id: row!.id, kind }
}

async function findKbStateBefore(
  db: DbOrTx,
  params: RecordKbEventParams
): Promise<KbEntry | undefined> {
  if (params.correctsId == null) return findKbState(db, params.familyId, params.eventDate)
  const rows = await db
    .select(ENTRY_COLUMNS)
    .from(kbEvents)
    .where(
      and(
        eq(kbEvents.familyId, params.familyId),
        sql`${kbEvents.id} <> ${params.correctsId}`,
        sql`(${kbEvents.eventDate}, ${kbEvents.id}) < (select event_date, id from kb_events where id = ${params.correctsId})`,
        notReplaced(db),
        fromSubmittedVisit
      )
    )
    .orderBy(desc(kbEvents.eventDate), desc(kbEvents.id))
    .limit(1)
  return rows[0]
}

/** Which register rows a count reads: the given desa, or every desa under a region code. */
export type KbScope = { desaCodes: string[] } | { regionPrefix: string }

function scopeFilter(scope: KbScope, column: SQL): SQL {
  if ('desaCodes' in scope) {
    const codes = scope.desaCodes.length > 0 ? scope.desaCodes : ['']
    return sql`${column} in (${sql.join(
      codes.map((c) => sql`${c}`),
      sql`, `
    )})`
  }
  return sql`(${column} = ${scope.regionPrefix} or ${column} like ${`${scope.regionPrefix}.%`})`
}

/** `fromSubmittedVisit` for the raw queries below (rows as `e`). */
const COUNTED = sql.raw(
  `(e.visit_id is null or exists (select 1 from visits v where v.id = e.visit_id and v.status = 'submitted'))`
)

/** The month-end state of every family in scope: (desa, status, method, intent). */
function statesAt(scope: KbScope, day: string): SQL {
  return sql`select distinct on (e.family_id) e.family_id, e.desa_code, e.status, e.method, e.intent
    from kb_events e
    where e.event_date <= ${day} and ${scopeFilter(scope, sql`e.desa_code`)}
      and not exists (select 1 from kb_events c where c.corrects_id = e.id)
      and ${COUNTED}
    order by e.family_id, e.event_date desc, e.id desc`
}

/** New acceptors of a range of periods: one per family and month (its latest such row). */
function newAcceptorsIn(scope: KbScope, from: string, to: string): SQL {
  return sql`select distinct on (e.family_id, e.period) e.family_id, e.desa_code, e.method, e.service_place
    from kb_events e
    where e.new_acceptor and e.period >= ${from} and e.period <= ${to}
      and ${scopeFilter(scope, sql`e.desa_code`)}
      and not exists (select 1 from kb_events c where c.corrects_id = e.id)
      and ${COUNTED}
    order by e.family_id, e.period, e.event_date desc, e.id desc`
}

type StateRow = {
  family_id: unknown
  desa_code: string
  status: KbStatus
  method: string | null
  intent: string | null
}
type NewRow = { desa_code: string; method: string; service_place: KbServicePlace | null }

/** Per desa: the register's raw month-end facts. */
type DesaFacts = {
  end: StateRow[]
  start: StateRow[]
  newInMonth: NewRow[]
  newInYear: NewRow[]
}

async function readFacts(
  db: DbOrTx,
  scope: KbScope,
  period: string
): Promise<Map<string, DesaFacts>> {
  const yearStart = `${period.slice(0, 4)}-01`
  const [end, start, month, year] = await Promise.all([
    db.execute(statesAt(scope, lastDayOf(period))),
    db.execute(statesAt(scope, lastDayOf(previousPeriod(period)))),
    db.execute(newAcceptorsIn(scope, period, period)),
    db.execute(newAcceptorsIn(scope, yearStart, period)),
  ])
  const byDesa = new Map<string, DesaFacts>()
  const of = (desa: string) => {
    let facts = byDesa.get(desa)
    if (!facts) {
      facts = { end: [], start: [], newInMonth: [], newInYear: [] }
      byDesa.set(desa, facts)
    }
    return facts
  }
  for (const row of rowsOf<StateRow>(end)) of(row.desa_code).end.push(row)
  for (const row of rowsOf<StateRow>(start)) of(row.desa_code).start.push(row)
  for (const row of rowsOf<NewRow>(month)) of(row.desa_code).newInMonth.push(row)
  for (const row of rowsOf<NewRow>(year)) of(row.desa_code).newInYear.push(row)
  return byDesa
}

const countBy = <T>(rows: T[], key: (row: T) => string | null) => {
  const counts: Partial<Record<string, number>> = {}
  for (const row of rows) {
    const k = key(row)
    if (k !== null) counts[k] = (counts[k] ?? 0) + 1
  }
  return counts
}

const isUser = (row: StateRow) => row.status === 'ber_kb' && row.method !== null

/** The counts of `kbIndicators` from one desa's (or a merged region's) facts. */
function countsOf(facts: DesaFacts, pusImported: number | null): KbCounts {
  const users = facts.end.filter(isUser)
  const endUsers = new Set(users.map((r) => String(toNumber(r.family_id))))
  const startUsers = facts.start.filter(isUser)
  return {
    activeByMethod: countBy(users, (r) => r.method) as Partial<Record<KbMethod, number>>,
    activeModern: users.filter((r) => isModern(r.method)).length,
    activeMkjp: users.filter((r) => isMkjp(r.method)).length,
    newByMethod: countBy(facts.newInMonth, (r) => r.method) as Partial<Record<KbMethod, number>>,
    unmetNeed: facts.end.filter(
      (r) => r.status === 'tidak_kb' && r.intent !== null && UNMET_NEED_INTENTS.includes(r.intent)
    ).length,
    droppedOut: startUsers.filter((r) => !endUsers.has(String(toNumber(r.family_id)))).length,
    activeAtStart: startUsers.length,
    pusVisited: facts.end.length,
    pusImported,
  }
}

/** One desa's KB figures of a month, for the monthly recap's part V. */
export type KbRecapRow = {
  desaCode: string
  period: string
  /** Peserta KB Baru in the month by SIGA code (one per family and month). */
  newAcceptors: Partial<Record<SigaMethodCode, number>>
  /** The same by place of service; a record without a place is in `unknown`. */
  newAcceptorsByPlace: Record<KbServicePlace | 'unknown', Partial<Record<SigaMethodCode, number>>>
  /** New acceptors from January to the month, by SIGA code. */
  newAcceptorsYearToDate: Partial<Record<SigaMethodCode, number>>
  /** PPM target of the year by SIGA code (imported stock; empty when none). */
  ppmTarget: Partial<Record<PpmMethodCode, number>>
  /** PPM target minus new acceptors year to date, per SIGA code with a target (never below 0). */
  remainingToTarget: Partial<Record<PpmMethodCode, number>>
  /** Active users (PA) at the month's end by SIGA code. */
  activeUsers: Partial<Record<SigaMethodCode, number>>
  activeTotal: number
  /** Active users of IUD, implant, MOW or MOP. */
  mkjp: number
  /** Active users of a modern method (all but traditional). */
  modern: number
  /** Non-users at month end wanting to delay (IAT, `tunda`) or stop (TIAL, `tidak_lagi`). */
  unmetNeed: number
  unmetNeedIat: number
  unmetNeedTial: number
  /** Non-users at month end wanting a child soon (IAS): not unmet need. */
  wantChildSoon: number
  pregnant: number
  /** Users at the previous month's end who are not users at this month's end. */
  droppedOut: number
  /** PUS families with a register entry by the month's end. */
  pusVisited: number
  /** Imported PUS (latest value on or before the month), null when none was imported. */
  pusImported: number | null
  /** The PUS the recap divides by, and which it is. */
  pus: number
  pusSource: PusSource
}

const EMPTY_FACTS: DesaFacts = { end: [], start: [], newInMonth: [], newInYear: [] }

/**
 * The KB part of the monthly recap (part V) per desa: every desa asked for has a row, zeros
 * when the register has nothing there.
 */
export async function kbRecap(
  db: DbOrTx,
  params: { period: string; desaCodes: string[] }
): Promise<Map<string, KbRecapRow>> {
  const [facts, stocks] = await Promise.all([
    readFacts(db, { desaCodes: params.desaCodes }, params.period),
    stocksFor(db, params),
  ])
  const result = new Map<string, KbRecapRow>()
  for (const desaCode of params.desaCodes) {
    const f = facts.get(desaCode) ?? EMPTY_FACTS
    const stock = stocks.get(desaCode)
    const pusImported = stock?.pus ?? null
    const counts = countsOf(f, pusImported)
    const ytd = bySigaCode(countBy(f.newInYear, (r) => r.method))
    const ppmTarget = stock?.ppmTarget ?? {}
    const remainingToTarget: Partial<Record<PpmMethodCode, number>> = {}
    for (const [code, target] of Object.entries(ppmTarget) as [PpmMethodCode, number][]) {
      remainingToTarget[code] = Math.max(0, target - (ytd[code] ?? 0))
    }
    const nonUsers = f.end.filter((r) => r.status === 'tidak_kb')
    const denominator = pusDenominator(pusImported, counts.pusVisited)
    result.set(desaCode, {
      desaCode,
      period: params.period,
      newAcceptors: bySigaCode(counts.newByMethod),
      newAcceptorsByPlace: {
        pemerintah: bySigaCode(
          countBy(f.newInMonth, (r) => (r.service_place === 'pemerintah' ? r.method : null))
        ),
        swasta: bySigaCode(
          countBy(f.newInMonth, (r) => (r.service_place === 'swasta' ? r.method : null))
        ),
        unknown: bySigaCode(
          countBy(f.newInMonth, (r) => (r.service_place === null ? r.method : null))
        ),
      },
      newAcceptorsYearToDate: ytd,
      ppmTarget,
      remainingToTarget,
      activeUsers: bySigaCode(counts.activeByMethod),
      activeTotal: Object.values(counts.activeByMethod).reduce<number>((a, n) => a + (n ?? 0), 0),
      mkjp: counts.activeMkjp,
      modern: counts.activeModern,
      unmetNeed: counts.unmetNeed,
      unmetNeedIat: nonUsers.filter((r) => r.intent === 'tunda').length,
      unmetNeedTial: nonUsers.filter((r) => r.intent === 'tidak_lagi').length,
      wantChildSoon: nonUsers.filter((r) => r.intent === 'segera').length,
      pregnant: f.end.filter((r) => r.status === 'hamil').length,
      droppedOut: counts.droppedOut,
      pusVisited: counts.pusVisited,
      pusImported,
      pus: denominator.pus,
      pusSource: denominator.source,
    })
  }
  return result
}

/** Merges desa facts into one region's. */
function mergeFacts(all: Iterable<DesaFacts>): DesaFacts {
  const merged: DesaFacts = { end: [], start: [], newInMonth: [], newInYear: [] }
  for (const f of all) {
    merged.end.push(...f.end)
    merged.start.push(...f.start)
    merged.newInMonth.push(...f.newInMonth)
    merged.newInYear.push(...f.newInYear)
  }
  return merged
}

/**
 * The counts behind the KB indicators of a region (a desa, a kecamatan or the kabupaten) and a
 * month. The imported PUS is used only when every desa with register rows has one (a partial
 * stock would mix denominators); `desaCodes` lists the region's desa for that check.
 */
export async function kbCounts(
  db: DbOrTx,
  params: { period: string; regionPrefix: string; desaCodes: string[] }
): Promise<KbCounts> {
  const [facts, stocks] = await Promise.all([
    readFacts(db, { regionPrefix: params.regionPrefix }, params.period),
    stocksFor(db, { period: params.period, desaCodes: params.desaCodes }),
  ])
  let pusImported: number | null = params.desaCodes.length > 0 ? 0 : null
  for (const desa of params.desaCodes) {
    const pus = stocks.get(desa)?.pus ?? null
    if (pus === null) {
      pusImported = null
      break
    }
    pusImported! += pus
  }
  return countsOf(mergeFacts(facts.values()), pusImported)
}

/** The register rows of a family, oldest first, replaced ones included (for its history). */
export async function listKbEvents(db: DbOrTx, familyId: number) {
  return db
    .select()
    .from(kbEvents)
    .where(eq(kbEvents.familyId, familyId))
    .orderBy(kbEvents.eventDate, kbEvents.id)
}

/** Families active (a method) at the end of `period`, by id, with their method. */
export async function activeUsersAt(
  db: DbOrTx,
  params: { period: string } & KbScope
): Promise<Map<number, string>> {
  const rows = rowsOf<StateRow>(await db.execute(statesAt(params, lastDayOf(params.period))))
  return new Map(rows.filter(isUser).map((r) => [toNumber(r.family_id), r.method!]))
}
