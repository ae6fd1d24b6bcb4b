/**
 * The training's effectiveness figures (docs/domain.md, decision 18) broken down by cohort or by
 * kecamatan within a programme: each group's figures are `readTrainingEffectiveness` over that
 * group (the same formulas and the same n: graduates who answered both the baseline and a
 * follow-up), beside the programme's total over the same scope.
 * @module
 */
import { and, asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { cohorts, programmes, regions } from '../schema/index.js'
import { type TrainingEffectiveness, readTrainingEffectiveness } from './training-indicators.js'

/** The two breakdowns. */
export const EFFECTIVENESS_BREAKDOWNS = ['cohort', 'kecamatan'] as const
export type EffectivenessBreakdown = (typeof EFFECTIVENESS_BREAKDOWNS)[number]

/** One row of a breakdown: a cohort (its code, its kecamatan's name) or a kecamatan. */
export type EffectivenessGroup = {
  /** The cohort code, or the kecamatan's code. */
  code: string
  /** The kecamatan's name (of the cohort, or the kecamatan itself). */
  kecamatanName: string
  figures: TrainingEffectiveness
}

export type ListEffectivenessBreakdownParams = {
  /** The programme's code (`IBU-MUDA`). */
  programmeCode: string
  by: EffectivenessBreakdown
  /** Only this kecamatan's cohorts (a kecamatan reader); absent: the kabupaten. */
  kecamatanCode?: string
  /** Graduates completed and answers given by this moment. */
  asOf: Date
}

/** A programme's breakdown: a row per group and the total over the same scope. */
export type EffectivenessBreakdownResult = {
  total: TrainingEffectiveness
  groups: EffectivenessGroup[]
}

/**
 * A programme's effectiveness per cohort or per kecamatan (ordered by code), and its total;
 * `undefined` for an unknown programme code. A group is read as `readTrainingEffectiveness` reads
 * a cohort or a kecamatan (four queries each): a few dozen groups at the kabupaten's scale.
 */
export async function listEffectivenessBreakdown(
  db: DbOrTx,
  params: ListEffectivenessBreakdownParams
): Promise<EffectivenessBreakdownResult | undefined> {
  const [programme] = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(eq(programmes.code, params.programmeCode))
  if (!programme) return undefined
  const scope = {
    programmeId: programme.id,
    asOf: params.asOf,
    ...(params.kecamatanCode === undefined ? {} : { kecamatanCode: params.kecamatanCode }),
  }
  const rows = await db
    .select({
      id: cohorts.id,
      code: cohorts.code,
      kecamatanCode: cohorts.kecamatanCode,
      kecamatanName: regions.name,
    })
    .from(cohorts)
    .innerJoin(regions, eq(regions.code, cohorts.kecamatanCode))
    .where(
      and(
        eq(cohorts.programmeId, programme.id),
        params.kecamatanCode === undefined
          ? undefined
          : eq(cohorts.kecamatanCode, params.kecamatanCode)
      )
    )
    .orderBy(asc(cohorts.code))
  const groups: EffectivenessGroup[] = []
  if (params.by === 'cohort') {
    for (const row of rows) {
      groups.push({
        code: row.code,
        kecamatanName: row.kecamatanName,
        figures: await readTrainingEffectiveness(db, { ...scope, cohortId: row.id }),
      })
    }
  } else {
    const kecamatan = new Map(rows.map((row) => [row.kecamatanCode, row.kecamatanName]))
    for (const [code, name] of [...kecamatan].sort(([a], [b]) => a.localeCompare(b))) {
      groups.push({
        code,
        kecamatanName: name,
        figures: await readTrainingEffectiveness(db, { ...scope, kecamatanCode: code }),
      })
    }
  }
  return { total: await readTrainingEffectiveness(db, scope), groups }
}
