/**
 * The demo's KB register and stocks (`docs/domain.md` "KB register"): every PUS visit of the demo
 * month becomes a register row through `recordKbEvent`, as the chat records it; a family known
 * from an earlier month first gets the state its cadre recorded then (no visit of the demo
 * month), so continuing users, method changes, drop-outs and users who became pregnant all occur
 * beside new acceptors. Every desa with a demo cadre gets PUS and PPM targets for the year; the
 * recap demo's two desa keep their own fuller stocks.
 * @module
 */
import { and, asc, inArray, isNull, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { recordKbEvent } from '../db/queries/kb-register.js'
import { upsertStocks } from '../db/queries/stocks.js'
import { families, people, visits } from '../db/schema/index.js'
import { DEFAULT_TIME_ZONE, localDate } from '../domain/dates.js'
import { type KbState, type KbStatus, kbEventKind } from '../domain/kb.js'

/** The state a known family had before the demo month, from its first visit in the month. */
function earlierState(familyId: number, first: KbState): KbState {
  if (first.status === 'ber_kb' && first.method !== null) {
    // One in four changed method since; the others continue.
    if (familyId % 4 === 0) {
      return { status: 'ber_kb', method: first.method === 'pil' ? 'suntik_3' : 'pil', intent: null }
    }
    return first
  }
  // Half of the non-users and pregnant women were users before: drop-outs.
  if (familyId % 2 === 0) return { status: 'ber_kb', method: 'suntik_3', intent: null }
  return { status: 'tidak_kb', method: null, intent: first.intent ?? 'segera' }
}

/** Writes the register rows of the demo month's PUS visits (and the known families' earlier state). */
export async function writeKbDemo(
  tx: DbOrTx,
  params: { period: string; personIds: number[]; now: Date }
): Promise<void> {
  const monthStart = `${params.period}-01`
  const rows = await tx
    .select({
      visitId: visits.id,
      familyId: visits.familyId,
      desaCode: visits.desaCode,
      cadreId: visits.cadreId,
      visitDate: visits.visitDate,
      status: visits.kbStatus,
      method: visits.kbMethod,
      intent: visits.kbIntent,
      createdAt: visits.createdAt,
      familyCreatedAt: families.createdAt,
    })
    .from(visits)
    .innerJoin(families, sql`${families.id} = ${visits.familyId}`)
    .where(
      and(
        inArray(visits.cadreId, params.personIds),
        isNull(visits.duplicateOf),
        sql`${visits.kbStatus} is not null`,
        sql`${visits.period} = ${params.period}`
      )
    )
    .orderBy(asc(visits.visitDate), asc(visits.createdAt), asc(visits.id))
  const known = new Map<number, KbState>()
  for (const row of rows) {
    const current: KbState = {
      status: row.status as KbStatus,
      method: row.method,
      intent: row.intent,
    }
    let previous = known.get(row.familyId) ?? null
    const earlierDate = localDate(row.familyCreatedAt, DEFAULT_TIME_ZONE)
    if (previous === null && earlierDate < monthStart) {
      previous = earlierState(row.familyId, current)
      await recordKbEvent(tx, {
        familyId: row.familyId,
        desaCode: row.desaCode,
        visitId: null,
        recordedBy: row.cadreId,
        eventDate: earlierDate,
        status: previous.status,
        method: previous.method,
        newAcceptor: false,
        servicePlace: previous.status === 'ber_kb' ? 'pemerintah' : null,
        jkn: previous.status === 'ber_kb' ? true : null,
        intent: previous.intent,
        createdAt: row.familyCreatedAt,
      })
    }
    const kind = kbEventKind(previous, current)
    // A changed method is new this month; a first-recorded user is new for one family in three,
    // the others have used it for a while. Place and JKN are asked only then.
    const asked = kind === 'changed' || (kind === 'started' && previous === null)
    const newAcceptor =
      kind === 'changed' || (kind === 'started' && (previous !== null || row.familyId % 3 === 0))
    await recordKbEvent(tx, {
      familyId: row.familyId,
      desaCode: row.desaCode,
      visitId: row.visitId,
      recordedBy: row.cadreId,
      eventDate: row.visitDate,
      status: current.status,
      method: current.method,
      newAcceptor,
      servicePlace:
        asked || newAcceptor ? (row.familyId % 3 === 2 ? 'swasta' : 'pemerintah') : null,
      jkn: asked || newAcceptor ? row.familyId % 2 === 0 : null,
      intent: current.intent,
      createdAt: row.createdAt,
    })
    known.set(row.familyId, current)
  }
}

/** PUS and PPM targets of the year for every desa with a demo cadre, except `skip` (the recap's). */
export async function writeDemoStocks(
  tx: DbOrTx,
  params: { period: string; personIds: number[]; now: Date; skip: string[] }
): Promise<string[]> {
  const desas = await tx
    .selectDistinct({ code: people.regionCode })
    .from(people)
    .where(
      and(
        inArray(people.id, params.personIds),
        sql`'kader' = any(${people.roles})`,
        sql`array_length(string_to_array(${people.regionCode}, '.'), 1) = 4`
      )
    )
    .orderBy(people.regionCode)
  const written: string[] = []
  for (const [i, { code }] of desas.entries()) {
    if (params.skip.includes(code)) continue
    await upsertStocks(tx, {
      desaCode: code,
      period: `${params.period.slice(0, 4)}-01`,
      // Desa differ in size: 300 to 580 PUS, targets in proportion.
      values: {
        pus: 300 + (i % 9) * 35,
        ppm_iud: 5 + (i % 4),
        ppm_implan: 7 + (i % 5),
        ppm_suntik: 30 + (i % 11),
        ppm_pil: 10 + (i % 6),
        ppm_kondom: 3,
      },
      now: params.now,
    })
    written.push(code)
  }
  return written
}
