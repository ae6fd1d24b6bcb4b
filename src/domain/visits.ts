/**
 * The home-visit record's option lists (docs/domain.md#the-home-visit, decision 5): data, not code,
 * so the lists can change without touching the flow. Labels live in `locales/id/visit-report.json`.
 * @module
 */

/** Target groups; KRS (keluarga berisiko stunting) included (docs/domain.md, decision 5). */
export const SASARAN = [
  'pus',
  'bumil',
  'bufas',
  'baduta',
  'balita',
  'catin',
  'remaja',
  'lansia',
  'krs',
] as const
export type Sasaran = (typeof SASARAN)[number]

export const KB_STATUSES = ['ber_kb', 'tidak_kb', 'hamil'] as const
export const KB_METHODS = [
  'pil',
  'suntik_1',
  'suntik_3',
  'implan',
  'iud',
  'kondom',
  'mow',
  'mop',
  'mal',
  'tradisional',
] as const
/**
 * Modern methods, for KB participation (docs/domain.md, decision 13): every listed method but
 * traditional.
 */
export const MODERN_KB_METHODS = KB_METHODS.filter((m) => m !== 'tradisional')
export const KB_INTENTS = ['segera', 'tunda', 'tidak_lagi'] as const
export const RISK_4T = [
  'terlalu_muda',
  'terlalu_tua',
  'terlalu_dekat',
  'terlalu_banyak',
  'tidak_ada',
] as const
export const ENV_RISKS = ['air_minum', 'jamban', 'rumah', 'tidak_ada'] as const
export const ACTIONS = ['kie', 'rujukan', 'bansos', 'posyandu', 'lainnya'] as const
export const REFERRAL_TARGETS = [
  'puskesmas',
  'pustu_polindes',
  'bidan_desa',
  'pmb',
  'rs',
  'dinsos_desa',
  'kua',
] as const
export const REFERRAL_REASONS = [
  'kb',
  'anc',
  'gizi',
  'imunisasi',
  'anemia',
  'bansos',
  'lainnya',
] as const
export const FOLLOW_UP_STATUSES = [
  'belum',
  'sudah_dilayani',
  'ditolak',
  'pindah',
  'tidak_ditemukan',
] as const
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number]

/** LiLA under this (cm) is a KEK risk (docs/domain.md#the-home-visit). */
export const LILA_KEK_CM = 23.5
/** Hb under this (g/dL) flags anaemia for a pregnant woman (docs/domain.md#the-home-visit). */
export const HB_ANAEMIA = 11

/**
 * Measurements as typed: `range` is what a measurement can be at all (anything else is a typo
 * and re-asked), `plausible` what it usually is (outside it the cadre is asked once, "Yakin Hb 4?").
 */
export const HB_G_DL = { range: { min: 1, max: 30 }, plausible: { min: 5, max: 20 } } as const
export const LILA_CM = { range: { min: 1, max: 80 }, plausible: { min: 10, max: 50 } } as const

/** How far back a visit may be reported, in days. */
export const MAX_VISIT_AGE_DAYS = 31
/** Default days from a referral to its follow-up. */
export const FOLLOW_UP_DAYS = 7

/** The readable reference of a visit: `KJ-2511-000123` (year-month and a sequence per month). */
export function visitReference(visitDate: string, sequence: number): string {
  const [year, month] = visitDate.split('-')
  return `KJ-${year!.slice(2)}${month}-${String(sequence).padStart(6, '0')}`
}
