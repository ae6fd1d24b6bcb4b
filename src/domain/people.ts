/**
 * People and their roles (docs/domain.md, decision 4): a person holds several roles and one region
 * code (a desa, a kecamatan, or the kabupaten 35.07) whose scope is everything under that code.
 * @module
 */

export const ROLES = ['admin', 'supervisor', 'mentor', 'kader', 'peserta'] as const
export type Role = (typeof ROLES)[number]

/** The two IMP cadre tiers: PPKBD (desa level, "IMP") and Sub-PPKBD (dusun/RW level, "Sub-IMP"). */
export const CADRE_TIERS = ['ppkbd', 'sub_ppkbd'] as const
export type CadreTier = (typeof CADRE_TIERS)[number]

/** How a person is addressed (docs/domain.md, decision 19): "Ibu Sulastri", "Bapak Slamet". */
export const SALUTATIONS = ['ibu', 'bapak'] as const
export type Salutation = (typeof SALUTATIONS)[number]

/** Reasons a supervisor picks when rejecting a self-registration; `lainnya` asks for a few words. */
export const REJECTION_REASONS = [
  'bukan_wilayah',
  'tidak_dikenal',
  'data_salah',
  'sudah_terdaftar',
  'lainnya',
] as const

/** active: recognised; pending: a self-registration awaiting a supervisor; rejected: refused. */
export const PERSON_STATUSES = ['active', 'pending', 'rejected'] as const
export type PersonStatus = (typeof PERSON_STATUSES)[number]

/** The kabupaten's code: an admin's region, the scope that covers everything. */
export const KABUPATEN_CODE = '35.07'

/** What a flow may know of the person it talks to: ids, roles and region, never the phone. */
export type PersonSnapshot = {
  id: number
  name: string
  roles: Role[]
  regionCode: string
  status: PersonStatus
  /** Ibu or Bapak; absent or `null` while unknown (then "Bapak/Ibu"). */
  salutation?: Salutation | null
  /** Why a self-registration was rejected, told when they write again (status `rejected`). */
  rejectionReason?: string | null
}

/** The salutation to use: the stored one, else Ibu for a participant (the training is for mothers). */
export function salutationOf(person: {
  salutation: Salutation | null
  roles: readonly Role[]
}): Salutation | null {
  return person.salutation ?? (person.roles.includes('peserta') ? 'ibu' : null)
}

/** Whether a region code (`35.07.24`) lies within a scope code (`35.07`, `35.07.24`, itself). */
export function coversRegion(scopeCode: string, regionCode: string): boolean {
  return regionCode === scopeCode || regionCode.startsWith(`${scopeCode}.`)
}
