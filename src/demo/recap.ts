/**
 * The demo's monthly recap data: for the demo month, the first two desa (by code) that have at
 * least two active cadres get Poktan activities, imported stocks and the supervisor's
 * validations. The first desa is complete (every report validated, the stocks cover what
 * reported), so its recap can be signed; the second has reports waiting and reports one more BKB
 * group than exists, so its recap is blocked by checks that name their cells.
 * @module
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { upsertStocks } from '../db/queries/stocks.js'
import { people, poktanActivities, reportReviews, visits } from '../db/schema/index.js'
import type { ActivityKind } from '../domain/poktan.js'

/** The desa the demo's recap uses: complete, and blocked. */
export type RecapDemo = { complete: string; blocked: string } | undefined

/** Seeds the recap demo for `period` (YYYY-MM) among the demo people; undefined when too few. */
export async function writeRecapDemo(
  tx: DbOrTx,
  params: { period: string; personIds: number[]; now: Date }
): Promise<RecapDemo> {
  if (params.personIds.length === 0) return undefined
  const cadres = await tx
    .select({ id: people.id, desa: people.regionCode, tier: people.cadreTier })
    .from(people)
    .where(
      and(
        inArray(people.id, params.personIds),
        eq(people.status, 'active'),
        sql`'kader' = any(${people.roles})`,
        sql`array_length(string_to_array(${people.regionCode}, '.'), 1) = 4`
      )
    )
    .orderBy(people.regionCode, people.id)
  const byDesa = new Map<string, number[]>()
  for (const c of cadres) byDesa.set(c.desa, [...(byDesa.get(c.desa) ?? []), c.id])
  const chosen = [...byDesa.entries()].filter(([, ids]) => ids.length >= 2).slice(0, 2)
  if (chosen.length < 2) return undefined
  const [[complete, completeCadres], [blocked, blockedCadres]] = chosen as [
    [string, number[]],
    [string, number[]],
  ]
  const [supervisor] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(inArray(people.id, params.personIds), sql`'supervisor' = any(${people.roles})`))
    .limit(1)
  const reviewerId = supervisor?.id ?? completeCadres[0]!

  const day = (d: number) => `${params.period}-${String(d).padStart(2, '0')}`
  const sentAt = (d: number) => new Date(`${day(d)}T05:00:00Z`)
  const activity = async (
    cadreId: number,
    desaCode: string,
    kind: ActivityKind,
    d: number,
    counts: [number, number, number],
    valid: boolean,
    createdAt = sentAt(d)
  ) => {
    const [row] = await tx
      .insert(poktanActivities)
      .values({
        cadreId,
        desaCode,
        kind,
        activityDate: day(d),
        period: params.period,
        attendees: counts[0],
        pus: counts[1],
        kbUsers: counts[2],
        state: valid ? 'valid' : 'submitted',
        createdAt,
      })
      .returning({ id: poktanActivities.id })
    if (valid) {
      await tx.insert(reportReviews).values({
        reportKind: 'activity',
        reportId: row!.id,
        decision: 'valid',
        reviewerId,
        createdAt: new Date(createdAt.getTime() + 3_600_000),
      })
    }
  }
  const [a1, a2] = completeCadres as [number, number]
  await activity(a1, complete, 'bkb', 3, [22, 16, 11], true)
  await activity(a1, complete, 'bkb', 17, [25, 17, 12], true)
  await activity(a2, complete, 'bkr', 10, [14, 6, 4], true)
  await activity(a1, complete, 'kie', 12, [35, 20, 13], true)
  await activity(a2, complete, 'rapat_desa', 5, [12, 0, 0], true)
  const [b1, b2] = blockedCadres as [number, number]
  await activity(b1, blocked, 'bkb', 4, [18, 12, 8], true)
  await activity(b2, blocked, 'bkb', 6, [15, 10, 7], true)
  await activity(b2, blocked, 'kie', 9, [28, 15, 9], false)
  // Every visit of the complete desa is validated; the blocked desa's wait.
  const completeVisits = await tx
    .select({ id: visits.id, createdAt: visits.createdAt })
    .from(visits)
    .where(and(eq(visits.desaCode, complete), eq(visits.period, params.period)))
  for (const v of completeVisits) {
    await tx.insert(reportReviews).values({
      reportKind: 'visit',
      reportId: v.id,
      decision: 'valid',
      reviewerId,
      createdAt: new Date(v.createdAt.getTime() + 3_600_000),
    })
  }
  // The existing PPKBD and Sub-PPKBD are the desa's cadres of each tier (at least one).
  const tiers = (desa: string, tier: 'ppkbd' | 'sub_ppkbd') =>
    Math.max(1, cadres.filter((c) => c.desa === desa && c.tier === tier).length)
  const units = (desa: string, bkb: number) => ({
    pus: 420,
    ppm_iud: 8,
    ppm_implan: 10,
    ppm_suntik: 40,
    ppm_pil: 15,
    unit_ppkbd: tiers(desa, 'ppkbd'),
    unit_sub_ppkbd: tiers(desa, 'sub_ppkbd'),
    unit_pok_kb: 4,
    unit_bkb: bkb,
    unit_bkr: 1,
    unit_bkl: 1,
    unit_uppka: 1,
    unit_pik_r: 1,
  })
  const year = `${params.period.slice(0, 4)}-01`
  await upsertStocks(tx, {
    desaCode: complete,
    period: year,
    values: units(complete, 2),
    now: params.now,
  })
  // One BKB group exists, two reported: the check names section I, row BKB.
  await upsertStocks(tx, {
    desaCode: blocked,
    period: year,
    values: units(blocked, 1),
    now: params.now,
  })
  return { complete, blocked }
}
