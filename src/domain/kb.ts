/**
 * The KB register (family planning per PUS family, `docs/domain.md` "KB register"): the method
 * vocabulary with SIGA's stable codes, how a visit's KB answers become a register event, the
 * stock keys imported per desa, and the indicator formulas a DPPKB is judged on. Pure functions:
 * the queries in `src/db/queries/kb-register.ts` count, these divide.
 * @module
 */
import type { KB_METHODS } from './visits.js'
import { MODERN_KB_METHODS } from './visits.js'

export type KbMethod = (typeof KB_METHODS)[number]
export type KbStatus = 'ber_kb' | 'tidak_kb' | 'hamil'
export type KbIntent = 'segera' | 'tunda' | 'tidak_lagi'

/** Where the method was served. */
export const KB_SERVICE_PLACES = ['pemerintah', 'swasta'] as const
export type KbServicePlace = (typeof KB_SERVICE_PLACES)[number]

/**
 * The chat's one question for place of service and JKN: where, and whether JKN (BPJS) paid.
 * `kbServiceOf` splits an answer into the register's two fields.
 */
export const KB_SERVICES = ['pemerintah_jkn', 'pemerintah', 'swasta_jkn', 'swasta'] as const
export type KbService = (typeof KB_SERVICES)[number]

export function kbServiceOf(service: string): {
  servicePlace: KbServicePlace
  jkn: boolean
} {
  return {
    servicePlace: service.startsWith('swasta') ? 'swasta' : 'pemerintah',
    jkn: service.endsWith('_jkn'),
  }
}

/**
 * The KB part of a PUS family's visit, applied right after its `visit_reported` (the applier
 * finds the visit this turn recorded) as a row of the KB register.
 * @example { "type": "kb_recorded", "visitDate": "2025-11-24", "status": "ber_kb", "method": "implan",
 *   "newAcceptor": true, "servicePlace": "pemerintah", "jkn": true, "intent": null }
 */
export type KbRecorded = {
  type: 'kb_recorded'
  visitDate: string
  status: KbStatus
  method: string | null
  newAcceptor: boolean
  servicePlace: KbServicePlace | null
  jkn: boolean | null
  intent: string | null
}

/**
 * SIGA's method names: the stable codes of exports and the API. The two injectables of the chat
 * are one SIGA method (SUNTIK); MAL and TRADISIONAL are recorded but are not among SIGA's seven.
 */
export const SIGA_METHOD_CODES = [
  'IUD',
  'MOW',
  'MOP',
  'IMPLAN',
  'SUNTIK',
  'PIL',
  'KONDOM',
  'MAL',
  'TRADISIONAL',
] as const
export type SigaMethodCode = (typeof SIGA_METHOD_CODES)[number]

const SIGA_CODE: Record<KbMethod, SigaMethodCode> = {
  pil: 'PIL',
  suntik_1: 'SUNTIK',
  suntik_3: 'SUNTIK',
  implan: 'IMPLAN',
  iud: 'IUD',
  kondom: 'KONDOM',
  mow: 'MOW',
  mop: 'MOP',
  mal: 'MAL',
  tradisional: 'TRADISIONAL',
}

/** The SIGA code of a chat method (`suntik_3` → `SUNTIK`). */
export const sigaCode = (method: string): SigaMethodCode | undefined =>
  SIGA_CODE[method as KbMethod]

/** Long-acting methods (MKJP): IUD, implant, MOW, MOP (`docs/domain.md` §3.2). */
export const MKJP_METHODS: readonly KbMethod[] = ['iud', 'implan', 'mow', 'mop']
export const isMkjp = (method: string | null): boolean =>
  method !== null && MKJP_METHODS.includes(method as KbMethod)
export const isModern = (method: string | null): boolean =>
  method !== null && (MODERN_KB_METHODS as readonly string[]).includes(method)

/** What a visit's KB answers mean against the family's previous register entry. */
export const KB_EVENT_KINDS = [
  /** A method where there was none (or none known). */
  'started',
  /** The same method as before. */
  'continued',
  /** Another method than before. */
  'changed',
  /** No method where there was one: a drop-out. */
  'stopped',
  /** Pregnant (a user who became pregnant is not a drop-out but is no longer a user). */
  'pregnant',
  /** Still no method, not pregnant. */
  'not_using',
] as const
export type KbEventKind = (typeof KB_EVENT_KINDS)[number]

/** The KB state a visit records for a PUS family. */
export type KbState = {
  status: KbStatus
  method: string | null
  intent: string | null
}

/** The kind of event `current` is, after the family's latest earlier state (none: first record). */
export function kbEventKind(previous: KbState | null, current: KbState): KbEventKind {
  if (current.status === 'hamil') return 'pregnant'
  const wasUser = previous?.status === 'ber_kb' && previous.method !== null
  if (current.status === 'ber_kb' && current.method !== null) {
    if (!wasUser) return 'started'
    return previous.method === current.method ? 'continued' : 'changed'
  }
  return wasUser ? 'stopped' : 'not_using'
}

/** Unmet need: a non-user, not pregnant, who wants to delay (IAT) or stop (TIAL) childbearing. */
export const UNMET_NEED_INTENTS: readonly string[] = ['tunda', 'tidak_lagi']

/** The stocks imported per desa (`docs/domain.md` "Stocks"): PUS, PPM targets, existing units. */
export const STOCK_UNITS = [
  'ppkbd',
  'sub_ppkbd',
  'pok_kb',
  'bkb',
  'bkr',
  'bkl',
  'uppka',
  'pik_r',
] as const
export type StockUnit = (typeof STOCK_UNITS)[number]

/** PPM targets are set per SIGA method (MAL and traditional have none). */
export const PPM_METHOD_CODES = SIGA_METHOD_CODES.filter(
  (code) => code !== 'MAL' && code !== 'TRADISIONAL'
)
export type PpmMethodCode = (typeof PPM_METHOD_CODES)[number]

/** The stored stock keys: `pus`, `ppm_total`, `ppm_<SIGA code>`, `unit_<unit>`. */
export const STOCK_KEYS = [
  'pus',
  'ppm_total',
  ...PPM_METHOD_CODES.map((code) => `ppm_${code.toLowerCase()}` as const),
  ...STOCK_UNITS.map((unit) => `unit_${unit}` as const),
] as const
export type StockKey = (typeof STOCK_KEYS)[number]

/** A ratio in percent with one decimal, or null when the denominator is 0. */
export function percentOf(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null
}

/** Which PUS a figure was divided by: the imported stock or the PUS families visited. */
export type PusSource = 'imported' | 'visited'

/**
 * The denominator of the PUS-based indicators: the imported PUS when every desa of the region has
 * one, else the PUS families visited (docs/domain.md, decision 15); the figure says which.
 */
export function pusDenominator(
  imported: number | null,
  visited: number
): { pus: number; source: PusSource } {
  return imported !== null && imported > 0
    ? { pus: imported, source: 'imported' }
    : { pus: visited, source: 'visited' }
}

/** The counts behind the KB indicators of one region and month (`kbCounts`). */
export type KbCounts = {
  /** Active users at month end (latest state a method), by chat method. */
  activeByMethod: Partial<Record<KbMethod, number>>
  /** Active users with a modern method. */
  activeModern: number
  /** Active users with a long-acting method. */
  activeMkjp: number
  /** New acceptors in the month, by chat method. */
  newByMethod: Partial<Record<KbMethod, number>>
  /** Non-users at month end with IAT or TIAL. */
  unmetNeed: number
  /** Users at the end of the previous month who are not users at this month's end. */
  droppedOut: number
  /** Users at the end of the previous month. */
  activeAtStart: number
  /** PUS families with a register entry by month end. */
  pusVisited: number
  /** The imported PUS of the region (null: some desa has none). */
  pusImported: number | null
}

const sum = (values: Partial<Record<string, number>>) =>
  Object.values(values).reduce<number>((total, n) => total + (n ?? 0), 0)

/** The KB indicators of one region and month, with their numerators and denominators. */
export type KbIndicators = {
  /** PA: active users at month end, all methods. */
  kbActiveUsers: { value: number; byMethod: Partial<Record<SigaMethodCode, number>> }
  /** Peserta KB Baru in the month, all methods. */
  kbNewAcceptors: { value: number; byMethod: Partial<Record<SigaMethodCode, number>> }
  /** MKJP users ÷ active users × 100. */
  mkjpShare: { value: number | null; numerator: number; denominator: number }
  /** PUS non-users with IAT or TIAL ÷ PUS × 100. */
  unmetNeed: { value: number | null; numerator: number; denominator: number; source: PusSource }
  /** PUS with a modern method ÷ PUS × 100. */
  mcpr: { value: number | null; numerator: number; denominator: number; source: PusSource }
  /** Users at the previous month end who stopped or got pregnant by this month end ÷ those users × 100. */
  kbDropOutRate: { value: number | null; numerator: number; denominator: number }
}

/** Chat methods summed to SIGA codes. */
export function bySigaCode(
  counts: Partial<Record<string, number>>
): Partial<Record<SigaMethodCode, number>> {
  const result: Partial<Record<SigaMethodCode, number>> = {}
  for (const [method, n] of Object.entries(counts)) {
    const code = sigaCode(method)
    if (code && n) result[code] = (result[code] ?? 0) + n
  }
  return result
}

/**
 * The KB indicators from their counts:
 * - PA (`kbActiveUsers`) = PUS families whose latest register entry by the month's end is a method;
 * - new acceptors (`kbNewAcceptors`) = entries in the month marked Peserta KB Baru;
 * - MKJP share = active users of IUD, implant, MOW or MOP ÷ active users × 100;
 * - unmet need = PUS not using a method, not pregnant, wanting to delay (IAT) or stop (TIAL) ÷ PUS × 100;
 * - mCPR = active users of a modern method (all but traditional) ÷ PUS × 100;
 * - drop-out rate = users at the previous month's end who are not users at this month's end ÷
 *   users at the previous month's end × 100;
 * where PUS is the imported stock when present, else the PUS families visited (`pusDenominator`).
 */
export function kbIndicators(counts: KbCounts): KbIndicators {
  const active = sum(counts.activeByMethod)
  const pus = pusDenominator(counts.pusImported, counts.pusVisited)
  return {
    kbActiveUsers: { value: active, byMethod: bySigaCode(counts.activeByMethod) },
    kbNewAcceptors: { value: sum(counts.newByMethod), byMethod: bySigaCode(counts.newByMethod) },
    mkjpShare: {
      value: percentOf(counts.activeMkjp, active),
      numerator: counts.activeMkjp,
      denominator: active,
    },
    unmetNeed: {
      value: percentOf(counts.unmetNeed, pus.pus),
      numerator: counts.unmetNeed,
      denominator: pus.pus,
      source: pus.source,
    },
    mcpr: {
      value: percentOf(counts.activeModern, pus.pus),
      numerator: counts.activeModern,
      denominator: pus.pus,
      source: pus.source,
    },
    kbDropOutRate: {
      value: percentOf(counts.droppedOut, counts.activeAtStart),
      numerator: counts.droppedOut,
      denominator: counts.activeAtStart,
    },
  }
}

/** The period before `period` (`2026-01` → `2025-12`). */
export function previousPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

/** The last day of a period, `YYYY-MM-DD` (a date in WIB, as visit dates are). */
export function lastDayOf(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${period}-${String(day).padStart(2, '0')}`
}
