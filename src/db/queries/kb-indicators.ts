/**
 * The KB indicators of a month and region (a desa, a kecamatan or the kabupaten) as the
 * dashboard, `/api/v1/indicators` and the exports show them: counted from the KB register
 * (`kb-register.ts`), divided by `kbIndicators` (`src/domain/kb.ts`, where each formula is).
 * @module
 */
import { and, inArray, or, eq, like } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { regions } from '../schema/index.js'
import {
  type KbIndicators,
  type PusSource,
  SIGA_METHOD_CODES,
  type SigaMethodCode,
  kbIndicators,
} from '../../domain/kb.js'
import { kbCounts } from './kb-register.js'

/** The keys of the KB indicators in `/api/v1/indicators` and exports (stable). */
export const KB_INDICATOR_KEYS = [
  'kbActiveUsers',
  'kbNewAcceptors',
  'mkjpShare',
  'unmetNeed',
  'mcpr',
  'kbDropOutRate',
  'kbActiveUsersByMethod',
  'kbNewAcceptorsByMethod',
] as const
export type KbIndicatorKey = (typeof KB_INDICATOR_KEYS)[number]

/** The desa and kelurahan codes of a region. */
export async function desaCodesOf(db: DbOrTx, region: string): Promise<string[]> {
  const rows = await db
    .select({ code: regions.code })
    .from(regions)
    .where(
      and(
        inArray(regions.level, ['desa', 'kelurahan']),
        or(eq(regions.code, region), like(regions.code, `${region}.%`))
      )
    )
  return rows.map((r) => r.code)
}

/** The KB indicators of a region and month. */
export async function readKbIndicators(
  db: DbOrTx,
  params: { period: string; region: string }
): Promise<KbIndicators> {
  const desaCodes = await desaCodesOf(db, params.region)
  return kbIndicators(
    await kbCounts(db, { period: params.period, regionPrefix: params.region, desaCodes })
  )
}

/** One KB figure as an indicator row: a count or a percentage, by SIGA method when `method`. */
export type KbIndicatorFigure = {
  key: KbIndicatorKey
  unit: 'percent' | 'count'
  numerator: number | null
  denominator: number | null
  value: number | null
  method: SigaMethodCode | null
  denominatorSource: PusSource | null
}

/** The figures in the order they are shown: totals, then PA and new acceptors by method. */
export function kbIndicatorFigures(kb: KbIndicators): KbIndicatorFigure[] {
  const count = (key: KbIndicatorKey, value: number, method: SigaMethodCode | null = null) => ({
    key,
    unit: 'count' as const,
    numerator: null,
    denominator: null,
    value,
    method,
    denominatorSource: null,
  })
  const percent = (
    key: KbIndicatorKey,
    f: { value: number | null; numerator: number; denominator: number; source?: PusSource }
  ) => ({
    key,
    unit: 'percent' as const,
    numerator: f.numerator,
    denominator: f.denominator,
    value: f.value,
    method: null,
    denominatorSource: f.source ?? null,
  })
  return [
    count('kbActiveUsers', kb.kbActiveUsers.value),
    count('kbNewAcceptors', kb.kbNewAcceptors.value),
    percent('mkjpShare', kb.mkjpShare),
    percent('unmetNeed', kb.unmetNeed),
    percent('mcpr', kb.mcpr),
    percent('kbDropOutRate', kb.kbDropOutRate),
    ...SIGA_METHOD_CODES.map((code) =>
      count('kbActiveUsersByMethod', kb.kbActiveUsers.byMethod[code] ?? 0, code)
    ),
    ...SIGA_METHOD_CODES.map((code) =>
      count('kbNewAcceptorsByMethod', kb.kbNewAcceptors.byMethod[code] ?? 0, code)
    ),
  ]
}
