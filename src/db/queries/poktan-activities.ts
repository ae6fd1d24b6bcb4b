/**
 * Poktan activities reported by chat: stored in the cadre's desa, listed for the cadre, and
 * counted for the monthly recap (docs/domain.md, "Monthly recap"). Only `valid` activities count
 * in the recap's figures; `submitted` ones are counted apart as waiting.
 * @module
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { poktanActivities } from '../schema/index.js'
import type { ActivityKind, ActivityReport, RecentActivity } from '../../domain/poktan.js'

export type CreateActivityParams = ActivityReport & {
  cadreId: number
  desaCode: string
  now: Date
}

export type CreateActivityResult =
  | { status: 'created'; id: number }
  /** The report to correct is not this cadre's, or was not sent back. */
  | { status: 'not_correctable' }

/**
 * Stores an activity, waiting for validation. A correction replaces a report the supervisor sent
 * back to this cadre: the original stays, marked `corrected`, and the new row points to it.
 */
export async function createActivity(
  db: DbOrTx,
  params: CreateActivityParams
): Promise<CreateActivityResult> {
  if (params.correctsId !== undefined) {
    const replaced = await db
      .update(poktanActivities)
      .set({ state: 'corrected' })
      .where(
        and(
          eq(poktanActivities.id, params.correctsId),
          eq(poktanActivities.cadreId, params.cadreId),
          eq(poktanActivities.state, 'returned')
        )
      )
      .returning({ id: poktanActivities.id })
    if (replaced.length === 0) return { status: 'not_correctable' }
  }
  const [row] = await db
    .insert(poktanActivities)
    .values({
      cadreId: params.cadreId,
      desaCode: params.desaCode,
      kind: params.kind,
      activityDate: params.activityDate,
      period: params.activityDate.slice(0, 7),
      attendees: params.attendees,
      pus: params.pus,
      kbUsers: params.kbUsers,
      photoRef: params.photoRef,
      note: params.note,
      correctsId: params.correctsId ?? null,
      createdAt: params.now,
    })
    .returning({ id: poktanActivities.id })
  if (!row) throw new Error('insert into poktan_activities returned no row')
  return { status: 'created', id: row.id }
}

/** One activity as the cadre sees it in /riwayat. */
export type ActivitySummary = RecentActivity

/** The cadre's latest activities, newest first (the corrected originals included, marked). */
export async function listCadreActivities(
  db: DbOrTx,
  cadreId: number,
  limit = 5
): Promise<ActivitySummary[]> {
  const rows = await db
    .select()
    .from(poktanActivities)
    .where(eq(poktanActivities.cadreId, cadreId))
    .orderBy(desc(poktanActivities.createdAt), desc(poktanActivities.id))
    .limit(limit)
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    activityDate: r.activityDate,
    attendees: r.attendees,
    pus: r.pus,
    kbUsers: r.kbUsers,
    state: r.state,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  }))
}

/** What the valid activities of one kind in one desa and month add up to. */
export type ActivityFigures = {
  desaCode: string
  kind: ActivityKind
  /** Valid activities held (meetings). */
  meetings: number
  /** Cadres who reported at least one valid activity of this kind: the groups that reported. */
  reportingUnits: number
  /** Per reporting cadre the largest attendance of the month, summed: the group's members. */
  members: number
  /** The same for the PUS among those present. */
  pusMembers: number
  /** The same for the PUS using KB among those present. */
  kbMembers: number
  /** Activities of this kind still waiting for validation (not counted above). */
  waiting: number
}

/**
 * The activities of a month per desa and kind, for parts I-IV of the recap: valid ones counted,
 * waiting ones apart. Members are the largest meeting of the month per group (cadre), so a group
 * meeting four times is not counted four times.
 */
export async function activityFigures(
  db: DbOrTx,
  params: { period: string; desaCodes: string[] }
): Promise<ActivityFigures[]> {
  if (params.desaCodes.length === 0) return []
  const perCadre = db
    .select({
      desaCode: poktanActivities.desaCode,
      kind: poktanActivities.kind,
      cadreId: poktanActivities.cadreId,
      meetings: sql<number>`count(*) filter (where ${poktanActivities.state} = 'valid')`.as(
        'meetings'
      ),
      waiting: sql<number>`count(*) filter (where ${poktanActivities.state} = 'submitted')`.as(
        'waiting'
      ),
      members:
        sql<number>`coalesce(max(${poktanActivities.attendees}) filter (where ${poktanActivities.state} = 'valid'), 0)`.as(
          'members'
        ),
      pusMembers:
        sql<number>`coalesce(max(${poktanActivities.pus}) filter (where ${poktanActivities.state} = 'valid'), 0)`.as(
          'pus_members'
        ),
      kbMembers:
        sql<number>`coalesce(max(${poktanActivities.kbUsers}) filter (where ${poktanActivities.state} = 'valid'), 0)`.as(
          'kb_members'
        ),
    })
    .from(poktanActivities)
    .where(
      and(
        eq(poktanActivities.period, params.period),
        inArray(poktanActivities.desaCode, params.desaCodes)
      )
    )
    .groupBy(poktanActivities.desaCode, poktanActivities.kind, poktanActivities.cadreId)
    .as('per_cadre')
  const rows = await db
    .select({
      desaCode: perCadre.desaCode,
      kind: perCadre.kind,
      meetings: sql<string>`sum(${perCadre.meetings})`,
      reportingUnits: sql<string>`count(*) filter (where ${perCadre.meetings} > 0)`,
      members: sql<string>`sum(${perCadre.members})`,
      pusMembers: sql<string>`sum(${perCadre.pusMembers})`,
      kbMembers: sql<string>`sum(${perCadre.kbMembers})`,
      waiting: sql<string>`sum(${perCadre.waiting})`,
    })
    .from(perCadre)
    .groupBy(perCadre.desaCode, perCadre.kind)
  return rows.map((r) => ({
    desaCode: r.desaCode,
    kind: r.kind,
    meetings: Number(r.meetings),
    reportingUnits: Number(r.reportingUnits),
    members: Number(r.members),
    pusMembers: Number(r.pusMembers),
    kbMembers: Number(r.kbMembers),
    waiting: Number(r.waiting),
  }))
}
