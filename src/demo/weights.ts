/**
 * How often each answer comes up in the demo's visits and absences: rough shares of a real
 * month (most visits are to couples of childbearing age; injectables lead the KB methods, as in
 * East Java's figures). Keys are the domain's own values, so the demo stores only valid answers.
 * @module
 */
import { IZIN_REASONS } from '../domain/training.js'
import type { KB_METHODS, SASARAN } from '../domain/visits.js'

export { ACTIONS, type FollowUpStatus } from '../domain/visits.js'

/** The primary sasaran of a visit (KRS is added when the family is flagged). */
export const SASARAN_WEIGHTS: Readonly<Record<Exclude<(typeof SASARAN)[number], 'krs'>, number>> = {
  pus: 50,
  bumil: 10,
  bufas: 5,
  baduta: 12,
  balita: 10,
  catin: 3,
  remaja: 4,
  lansia: 6,
}

/** The KB method of a couple who use one. */
export const KB_METHODS_WEIGHTS: Readonly<Record<(typeof KB_METHODS)[number], number>> = {
  suntik_3: 35,
  pil: 15,
  implan: 15,
  iud: 12,
  suntik_1: 6,
  kondom: 4,
  mow: 4,
  mop: 1,
  mal: 2,
  tradisional: 6,
}

/** The reasons of an izin. */
export const IZIN_REASONS_FOR_DEMO: readonly string[] = IZIN_REASONS
