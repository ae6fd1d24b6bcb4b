/**
 * Enrollments in the training's cohorts (docs/domain.md#the-training-programme, decision 7): a
 * participant's birth year and minor flag, and the baseline survey's invitation planned at
 * enrollment.
 * @module
 */
import { and, eq } from 'drizzle-orm'
import { BASELINE_INVITE_KIND, type BaselineInvitePayload, isMinor } from '../../domain/training.js'
import type { DbOrTx } from '../client.js'
import { enrollments } from '../schema/index.js'
import { planFires } from './fires.js'
import type { UpsertAction } from './people.js'

export type EnrollParams = {
  cohortId: number
  personId: number
  /** `undefined` keeps a stored birth year. */
  birthYear?: number
  /** The moment of enrollment, for the age. */
  now: Date
  /** The zone whose calendar year counts the age (`TZ_NAME`). */
  timeZone: string
}

/** The enrollment an `enroll` left in the database, and what it did. */
export type EnrollResult = { id: number; action: UpsertAction; minor: boolean }

/**
 * Enrolls a person in a cohort, or updates the birth year and the minor flag of the existing
 * enrollment (status, kompeten mark and guardian consent are kept). `unchanged` when nothing
 * differs. A minor needs a guardian-consent mark before any follow-up survey.
 */
export async function enroll(db: DbOrTx, params: EnrollParams): Promise<EnrollResult> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(enrollments)
      .where(
        and(eq(enrollments.cohortId, params.cohortId), eq(enrollments.personId, params.personId))
      )
      .for('update')
    const stored = rows[0]
    const birthYear = params.birthYear ?? stored?.birthYear ?? null
    const minor = birthYear !== null && isMinor(birthYear, params.now, params.timeZone)
    if (!stored) {
      const inserted = await tx
        .insert(enrollments)
        .values({ cohortId: params.cohortId, personId: params.personId, birthYear, minor })
        .onConflictDoNothing({ target: [enrollments.cohortId, enrollments.personId] })
        .returning({ id: enrollments.id })
      if (inserted[0]) {
        // The baseline survey's invitation: at once, or at her first contact (it waits).
        await planFires(tx, [
          {
            kind: BASELINE_INVITE_KIND,
            dedupeKey: `baseline:${inserted[0].id}`,
            dueAt: params.now,
            graceSeconds: 30 * 24 * 3600,
            payload: { enrollmentId: inserted[0].id } satisfies BaselineInvitePayload,
          },
        ])
        return { id: inserted[0].id, action: 'inserted', minor }
      }
      // A concurrent enroll won the race: update that row instead.
      return enroll(tx, params)
    }
    if (stored.birthYear === birthYear && stored.minor === minor) {
      return { id: stored.id, action: 'unchanged', minor }
    }
    await tx.update(enrollments).set({ birthYear, minor }).where(eq(enrollments.id, stored.id))
    return { id: stored.id, action: 'updated', minor }
  })
}
