/**
 * Records a reported home visit as one unit (docs/domain.md, the home visit): the family (new
 * ones created with the cadre's consent), its KRS mark, the visit with its monthly reference,
 * the same-day duplicate link, the referral it opens, and the cadre's count that month.
 * @module
 */
import type { DbOrTx } from '../client.js'
import type { VisitReported } from '../../domain/effects.js'
import {
  countCadreVisitsInPeriod,
  createFamily,
  createReferral,
  createVisit,
  findFamily,
  findSameDayVisit,
  setFamilyKrs,
} from './visits.js'

export type RecordVisitParams = { cadreId: number; report: VisitReported; now: Date }

export type RecordedVisit = {
  visit: { id: number; reference: string }
  /** The referral the visit opened, whose follow-up the caller plans. */
  referral: { id: number; followUpDate: string } | null
  /** The cadre's visits in the visit's own month, this one included. */
  count: number
}

/** Thrown when an existing family named by a report is gone. */
export class VisitFamilyMissingError extends Error {
  readonly code = 'VISIT_FAMILY_MISSING' as const
  constructor(readonly familyId: number) {
    super(`visit reported for unknown family ${familyId}`)
    this.name = 'VisitFamilyMissingError'
  }
}

export async function recordVisit(db: DbOrTx, params: RecordVisitParams): Promise<RecordedVisit> {
  const { cadreId, report, now } = params
  const familyId =
    report.family.kind === 'existing'
      ? report.family.id
      : (
          await createFamily(db, {
            headName: report.family.headName,
            desaCode: report.family.desaCode,
            dusunRwRt: report.family.dusunRwRt,
            createdBy: cadreId,
            consentedAt: now,
          })
        ).id
  const family = await findFamily(db, familyId)
  if (!family) throw new VisitFamilyMissingError(familyId)
  const krs = report.sasaran.includes('krs')
  if (krs !== family.krs) await setFamilyKrs(db, { familyId, krs })
  const earlier = report.confirmedDuplicate
    ? await findSameDayVisit(db, { cadreId, familyId, visitDate: report.visitDate })
    : undefined
  const visit = await createVisit(db, {
    cadreId,
    familyId,
    desaCode: family.desaCode,
    visitDate: report.visitDate,
    sasaran: report.sasaran,
    kbStatus: report.kbStatus,
    kbMethod: report.kbMethod,
    kbIntent: report.kbIntent,
    risk4t: report.risk4t,
    envRisks: report.envRisks,
    lila: report.lila,
    hb: report.hb,
    actions: report.actions,
    note: report.note,
    photoRef: report.photoRef,
    lat: report.location?.lat ?? null,
    lng: report.location?.lng ?? null,
    duplicateOf: earlier?.id ?? null,
    createdAt: now,
  })
  const referral = report.referral
    ? {
        id: (
          await createReferral(db, {
            visitId: visit.id,
            familyId,
            cadreId,
            desaCode: family.desaCode,
            target: report.referral.target,
            reason: report.referral.reason,
            followUpDate: report.referral.followUpDate,
            createdAt: now,
          })
        ).id,
        followUpDate: report.referral.followUpDate,
      }
    : null
  const count = await countCadreVisitsInPeriod(db, {
    cadreId,
    period: report.visitDate.slice(0, 7),
  })
  return { visit, referral, count }
}
