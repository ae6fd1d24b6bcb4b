/**
 * People and their roles (DOMAIN decision 4): a person holds several roles and one region code
 * (a desa, a kecamatan, or the kabupaten 35.07) whose scope is everything under that code.
 * @module
 */

export const ROLES = ['admin', 'supervisor', 'mentor', 'kader', 'peserta'] as const
export type Role = (typeof ROLES)[number]

/** The two IMP cadre tiers: PPKBD (desa level, "IMP") and Sub-PPKBD (dusun/RW level, "Sub-IMP"). */
export const CADRE_TIERS = ['ppkbd', 'sub_ppkbd'] as const
export type CadreTier = (typeof CADRE_TIERS)[number]

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
}

/** Whether a region code (`35.07.24`) lies within a scope code (`35.07`, `35.07.24`, itself). */
export function coversRegion(scopeCode: string, regionCode: string): boolean {
  return regionCode === scopeCode || regionCode.startsWith(`${scopeCode}.`)
}
