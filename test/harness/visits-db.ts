/**
 * Seeding helpers for the hand-worked months of home visits on a real test database (the
 * dashboard, `/api/v1` and indicator tests): the regions they use, people, and a visit with the
 * referral made at it. Each test file keeps its own rows and the arithmetic of its expected values.
 * @module
 */
import type { Db } from '../../src/db/client.js'
import {
  createFamily,
  createReferral,
  createVisit,
  setReferralStatus,
} from '../../src/db/queries/visits.js'
import { channelIdentities, people } from '../../src/db/schema/index.js'
import type { Role } from '../../src/domain/people.js'
import type { FollowUpStatus } from '../../src/domain/visits.js'
import { giveConsent } from './runtime.js'

export const KABUPATEN = '35.07'
/** Kecamatan Singosari and two of its desa. */
export const SINGOSARI = '35.07.24'
export const WONOREJO = '35.07.24.2001'
export const DENGKOL = '35.07.24.2002'
/** Kecamatan Tajinan and one of its desa. */
export const TAJINAN = '35.07.15'
export const GUNUNGSARI = '35.07.15.2001'

/** A person row (active unless given), with a simulator chat if `chat` is given; returns the id. */
export async function seedPerson(
  db: Db,
  params: {
    name: string
    roles: Role[]
    regionCode: string
    status?: 'active' | 'pending'
    phone?: string
    chat?: string
  }
): Promise<number> {
  const [row] = await db
    .insert(people)
    .values({
      name: params.name,
      roles: params.roles,
      regionCode: params.regionCode,
      status: params.status ?? 'active',
      phone: params.phone ?? null,
    })
    .returning({ id: people.id })
  if (params.chat) {
    await db
      .insert(channelIdentities)
      .values({ personId: row!.id, channel: 'simulator', externalId: params.chat })
  }
  return row!.id
}

export type SeenVisit = {
  cadreId: number
  familyId: number
  desaCode: string
  visitDate: string
  sasaran: string[]
  kbStatus: string
  kbMethod?: string
  photoRef?: string
  lat?: number
  lng?: number
  /** 05:00 UTC (12.00 WIB) of the visit date unless given. */
  createdAt?: Date
  /** A referral made at the visit (actions `kie` + `rujukan`; else `kie` only). */
  referral?: {
    /** Left `belum` when absent or `belum`; else set at `statusAt`, the visit's creation by default. */
    status?: FollowUpStatus
    statusAt?: Date
    /** `puskesmas` unless given. */
    target?: string
    /** `kb` unless given. */
    reason?: string
    /** The visit date unless given. */
    followUpDate?: string
  }
}

/** A visit and the referral made at it; returns the visit id. */
export async function seedVisit(db: Db, seen: SeenVisit): Promise<number> {
  const { cadreId, familyId, desaCode, visitDate, referral } = seen
  const createdAt = seen.createdAt ?? new Date(`${visitDate}T05:00:00Z`)
  const { id } = await createVisit(db, {
    cadreId,
    familyId,
    desaCode,
    visitDate,
    sasaran: seen.sasaran,
    kbStatus: seen.kbStatus,
    kbMethod: seen.kbMethod ?? null,
    actions: referral ? ['kie', 'rujukan'] : ['kie'],
    photoRef: seen.photoRef ?? null,
    lat: seen.lat ?? null,
    lng: seen.lng ?? null,
    createdAt,
  })
  if (referral) {
    const { id: referralId } = await createReferral(db, {
      visitId: id,
      familyId,
      cadreId,
      desaCode,
      target: referral.target ?? 'puskesmas',
      reason: referral.reason ?? 'kb',
      followUpDate: referral.followUpDate ?? visitDate,
      createdAt,
    })
    if (referral.status && referral.status !== 'belum') {
      await setReferralStatus(db, {
        referralId,
        status: referral.status,
        now: referral.statusAt ?? createdAt,
      })
    }
  }
  return id
}

/**
 * Siti Rahayu (Ibu), a cadre of Wonorejo whose chat `wa-siti` has consented, and her families
 * in Krajan RT 02 RW 03, consented at `now`: the start of the visit report's runtime tests.
 * Returns her person id.
 */
export async function seedSitiAndFamilies(db: Db, headNames: string[], now: Date): Promise<number> {
  const [cadre] = await db
    .insert(people)
    .values({
      name: 'Siti Rahayu',
      roles: ['kader'],
      regionCode: WONOREJO,
      phone: '+6281200000004',
      salutation: 'ibu',
    })
    .returning({ id: people.id })
  await giveConsent(db, ['wa-siti'])
  for (const headName of headNames) {
    await createFamily(db, {
      headName,
      desaCode: WONOREJO,
      dusunRwRt: 'Krajan RT 02 RW 03',
      createdBy: cadre!.id,
      consentedAt: now,
    })
  }
  return cadre!.id
}
